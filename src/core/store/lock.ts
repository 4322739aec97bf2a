// One writer at a time across processes (VS Code windows, the CLI): a lock file next to the DB holding
// the owner's pid, a random token and a heartbeat. A lock whose owner is dead, or whose heartbeat is
// older than STALE_MS, is taken over.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export const HEARTBEAT_MS = 5_000;
export const STALE_MS = 30_000;

interface LockContent {
  pid: number;
  host: string;
  token: string;
  heartbeat: number;
}

function readLock(file: string): LockContent | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as LockContent;
    if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string') return null;
    return parsed;
  } catch {
    return null;
  }
}

const UNREADABLE_GRACE_MS = 2_000;

/** How long the lock file has been as it is (ms since its last change); Infinity when it is gone. */
function unreadableFor(file: string, nowMs: number): number {
  try {
    return nowMs - fs.statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class WriterLock {
  private readonly token = randomBytes(8).toString('hex');
  private timer: NodeJS.Timeout | undefined;
  private held = false;

  constructor(readonly file: string, private readonly nowFn: () => number = Date.now) {}

  get isHeld(): boolean {
    return this.held;
  }

  private content(): string {
    const c: LockContent = { pid: process.pid, host: os.hostname(), token: this.token, heartbeat: this.nowFn() };
    return JSON.stringify(c);
  }

  /** True when this process holds the lock after the call (acquired now or already held). */
  tryAcquire(): boolean {
    if (this.held) {
      if (readLock(this.file)?.token === this.token) return true;
      // Someone took it over (we were considered stale): we are a follower now.
      this.stopHeartbeat();
      this.held = false;
    }
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(this.file, this.content(), { flag: 'wx' });
      return this.won();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    }
    const current = readLock(this.file);
    const stale =
      // Unreadable: stale only once it is old; a fresh empty file is another process between creating
      // and writing it (`wx` then write), which must not be taken over.
      (!current && unreadableFor(this.file, this.nowFn()) > UNREADABLE_GRACE_MS) ||
      (current !== null && current.host === os.hostname() && !processAlive(current.pid)) ||
      (current !== null && this.nowFn() - current.heartbeat > STALE_MS);
    if (!stale) return false;
    // Take over: write our content atomically, then check that we are the one who won the race.
    if (!this.writeOwnContent()) return false;
    return readLock(this.file)?.token === this.token ? this.won() : false;
  }

  private won(): boolean {
    this.held = true;
    this.timer = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.timer.unref();
    return true;
  }

  private beat(): void {
    if (readLock(this.file)?.token !== this.token) {
      this.held = false;
      this.stopHeartbeat();
      return;
    }
    this.writeOwnContent();
  }

  /** Replaces the lock file with our content (pid, token, fresh heartbeat) in one rename. */
  private writeOwnContent(): boolean {
    const tmp = `${this.file}.${process.pid}.${this.token}`;
    try {
      fs.writeFileSync(tmp, this.content());
      fs.renameSync(tmp, this.file);
      return true;
    } catch {
      fs.rmSync(tmp, { force: true });
      return false;
    }
  }

  private stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  release(): void {
    this.stopHeartbeat();
    if (this.held && readLock(this.file)?.token === this.token) fs.rmSync(this.file, { force: true });
    this.held = false;
  }
}
