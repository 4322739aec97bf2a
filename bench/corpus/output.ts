// Buffered file writing for the corpus: lines are collected in memory and written in large
// chunks, so a 1 GB corpus costs a few thousand write calls rather than millions. Files that
// never outgrow one chunk (most of them) are written in the background on libuv's thread pool,
// overlapping the slow open/mkdir calls with generation; `breathe()` lets those writes progress.

import * as fs from 'node:fs';
import * as path from 'node:path';

const FLUSH_BYTES = 4 * 1024 * 1024;

export class FileSink {
  private chunks: string[] = [];
  private pending = 0;
  private fd: number | null = null;
  private closed = false;
  /** True once an unterminated partial line was written: nothing may follow it. */
  private truncated = false;

  constructor(
    private readonly out: CorpusOutput,
    readonly absPath: string,
  ) {}

  /** Appends one complete line (a newline is added). */
  line(text: string): void {
    this.raw(text + '\n', 1);
  }

  /** Appends text that forms `lines` physical lines (used for malformed and unterminated lines). */
  raw(text: string, lines: number): void {
    if (this.closed || this.truncated) throw new Error(`corpus generator bug: write after end of ${this.absPath}`);
    // Counted in UTF-16 units for now (the budget only needs an estimate); flush/close
    // encode once and correct out.bytes to the exact UTF-8 size.
    this.chunks.push(text);
    this.pending += text.length;
    this.out.bytes += text.length;
    this.out.lines += lines;
    if (!text.endsWith('\n')) this.truncated = true;
    if (this.pending >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.chunks.length === 0) return;
    if (this.fd === null) this.fd = this.out.openSync(this.absPath);
    const buf = this.encode();
    fs.writeSync(this.fd, buf);
  }

  /** Joins and encodes the pending chunks, correcting the byte count to exact UTF-8. */
  private encode(): Buffer {
    const buf = Buffer.from(this.chunks.join(''), 'utf8');
    this.out.bytes += buf.length - this.pending;
    this.chunks = [];
    this.pending = 0;
    return buf;
  }

  close(): void {
    if (this.closed) return;
    if (this.fd === null) {
      this.out.writeInBackground(this.absPath, this.encode());
      this.closed = true;
      return;
    }
    this.flush();
    fs.closeSync(this.fd);
    this.fd = null;
    this.closed = true;
  }
}

export class CorpusOutput {
  bytes = 0;
  lines = 0;
  /** Well-formed lines with top-level type "assistant" (the writers keep this count). */
  assistantLines = 0;
  jsonlFiles = 0;
  metaFiles = 0;
  private readonly dirs = new Set<string>();
  private readonly open = new Set<FileSink>();

  constructor(readonly projectsRoot: string) {}

  private readonly dirPromises = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<void>>();
  private inFlightBytes = 0;
  private failure: unknown = null;

  private ensureDir(dir: string): void {
    if (this.dirs.has(dir)) return;
    fs.mkdirSync(dir, { recursive: true });
    this.dirs.add(dir);
  }

  private ensureDirAsync(dir: string): Promise<unknown> {
    if (this.dirs.has(dir)) return Promise.resolve();
    let p = this.dirPromises.get(dir);
    if (!p) {
      p = fs.promises.mkdir(dir, { recursive: true });
      this.dirPromises.set(dir, p);
    }
    return p;
  }

  /** Queues a whole small file; errors surface from breathe() or drain(). */
  writeInBackground(absPath: string, content: Buffer): void {
    const size = content.length;
    this.inFlightBytes += size;
    const job = this.ensureDirAsync(path.dirname(absPath))
      .then(() => fs.promises.writeFile(absPath, content))
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.inFlightBytes -= size;
        this.inFlight.delete(job);
      });
    this.inFlight.add(job);
  }

  /** Gives queued writes a turn of the event loop; waits for them when too much is queued. */
  async breathe(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.inFlightBytes > 64 * 1024 * 1024 || this.inFlight.size > 256) await this.drain();
    if (this.failure) throw this.failure;
  }

  /** Waits for every queued write. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    if (this.failure) throw this.failure;
  }

  /** Opens a new .jsonl file at a path relative to projects/. */
  sink(relPath: string): FileSink {
    const abs = path.join(this.projectsRoot, relPath);
    const s = new FileSink(this, abs);
    this.open.add(s);
    this.jsonlFiles++;
    return s;
  }

  closeSink(s: FileSink): void {
    s.close();
    this.open.delete(s);
  }

  openSync(absPath: string): number {
    this.ensureDir(path.dirname(absPath));
    return fs.openSync(absPath, 'w');
  }

  /** Writes a small non-JSONL sidecar file (not counted in `lines`). */
  sidecar(relPath: string, content: string): void {
    const abs = path.join(this.projectsRoot, relPath);
    const buf = Buffer.from(content, 'utf8');
    this.writeInBackground(abs, buf);
    this.bytes += buf.length;
    this.metaFiles++;
  }

  closeAll(): void {
    for (const s of this.open) s.close();
    this.open.clear();
  }
}
