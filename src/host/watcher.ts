// Live updates: file-system events on every transcript root (debounced) plus a polling fallback for
// setups where events are not delivered (network drives, some remotes). Each trigger runs one incremental
// scan; scans never overlap, and a trigger during a scan schedules exactly one more afterwards.
// The scheduling (RescanScheduler) has no `vscode` dependency and is unit-tested with fake timers;
// TranscriptWatcher wires it to vscode.workspace.createFileSystemWatcher.
import type * as vscode from 'vscode';

export interface SchedulerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: SchedulerTimers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

export interface SchedulerOptions {
  /** Coalesces a burst of events (Claude Code writes several lines per response). */
  debounceMs: number;
  /** Poll period while no file event has ever been seen (events may not work here). */
  pollMs: number;
  /** Poll period once events are known to arrive (a safety net only). */
  idlePollMs: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = { debounceMs: 250, pollMs: 5_000, idlePollMs: 30_000 };

export class RescanScheduler {
  private debounceHandle: unknown = null;
  private pollHandle: unknown = null;
  private running: Promise<void> | null = null;
  private again = false;
  private eventsSeen = false;
  private lastEventMs = 0;
  private disposed = false;
  /** Files reported changed since the last scan started; a full scan is due when `fullDue`. */
  private readonly changed = new Set<string>();
  private fullDue = false;

  /** `scan(paths)`: only those files changed; `scan(null)`: walk everything (poll, manual, unknown change). */
  constructor(
    private readonly scan: (paths: string[] | null) => Promise<void>,
    private readonly opts: SchedulerOptions = DEFAULT_SCHEDULER_OPTIONS,
    private readonly timers: SchedulerTimers = realTimers,
  ) {}

  /** Starts the polling fallback. */
  start(): void {
    this.schedulePoll();
  }

  /** A file changed (or was created) under a root; without a path, something did. */
  notifyChange(filePath?: string): void {
    if (this.disposed) return;
    if (filePath) this.changed.add(filePath);
    else this.fullDue = true;
    this.eventsSeen = true;
    this.lastEventMs = this.timers.now();
    if (this.debounceHandle !== null) this.timers.clearTimeout(this.debounceHandle);
    this.debounceHandle = this.timers.setTimeout(() => {
      this.debounceHandle = null;
      this.run().catch(() => undefined); // the scan function reports its own errors
    }, this.opts.debounceMs);
  }

  /** Runs a full scan now, or once more right after the running one (never two at a time). */
  trigger(): Promise<void> {
    this.fullDue = true;
    return this.run();
  }

  private run(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      try {
        do {
          this.again = false;
          const paths = this.fullDue ? null : [...this.changed];
          this.fullDue = false;
          this.changed.clear();
          await this.scan(paths);
        } while (this.again && !this.disposed);
      } finally {
        this.running = null;
      }
    };
    this.running = run();
    return this.running;
  }

  get pollInterval(): number {
    return this.eventsSeen ? this.opts.idlePollMs : this.opts.pollMs;
  }

  private schedulePoll(): void {
    if (this.disposed) return;
    this.pollHandle = this.timers.setTimeout(() => {
      // Skip the poll when an event-driven scan just ran (it found whatever was new).
      const quiet = this.timers.now() - this.lastEventMs >= this.pollInterval;
      const done = quiet && !this.running ? this.trigger() : Promise.resolve();
      void done.catch(() => undefined).finally(() => this.schedulePoll());
    }, this.pollInterval);
  }

  dispose(): void {
    this.disposed = true;
    if (this.debounceHandle !== null) this.timers.clearTimeout(this.debounceHandle);
    if (this.pollHandle !== null) this.timers.clearTimeout(this.pollHandle);
  }
}

/** Watches `<root>/**\/*.jsonl` for every root; the set of roots can change (settings, new folders). */
export class TranscriptWatcher implements vscode.Disposable {
  private watchers = new Map<string, vscode.Disposable>();

  constructor(
    private readonly api: typeof vscode,
    private readonly onChange: (filePath: string) => void,
  ) {}

  setRoots(roots: string[]): void {
    const wanted = new Set(roots);
    for (const [root, w] of this.watchers) {
      if (!wanted.has(root)) {
        w.dispose();
        this.watchers.delete(root);
      }
    }
    for (const root of wanted) {
      if (this.watchers.has(root)) continue;
      const pattern = new this.api.RelativePattern(this.api.Uri.file(root), '**/*.jsonl');
      const w = this.api.workspace.createFileSystemWatcher(pattern, false, false, true);
      const changed = (uri: vscode.Uri) => this.onChange(uri.fsPath);
      const subs = [w.onDidCreate(changed), w.onDidChange(changed)];
      this.watchers.set(root, { dispose: () => { subs.forEach((s) => s.dispose()); w.dispose(); } });
    }
  }

  /** Watches one file (the statusline capture); returns its disposable. */
  watchFile(file: string, onChange: () => void): vscode.Disposable {
    const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
    const pattern = new this.api.RelativePattern(this.api.Uri.file(file.slice(0, slash)), file.slice(slash + 1));
    const w = this.api.workspace.createFileSystemWatcher(pattern, false, false, false);
    const subs = [w.onDidCreate(onChange), w.onDidChange(onChange), w.onDidDelete(onChange)];
    return { dispose: () => { subs.forEach((s) => s.dispose()); w.dispose(); } };
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
  }
}
