// Incremental scan of Claude Code transcripts into the store: per file it keeps identity (dev+inode),
// size, mtime and the byte offset consumed, and reads only bytes past that offset.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../types';
import type { ScanSummary } from '../scan';
import type { Ingestor } from '../../store/ingest';
import type { Database } from '../../store/sqljs';
import { loadStoredFiles, markFileMissing, RecordBatch, resumeOffset, saveFileState, type StoredFile } from '../files';
import { canonicalProject, listTranscriptFiles, type TranscriptFile } from './index';
import type { FileJob, ParsedFile } from './fileParser';
import { parseFilesInOrder, type ParallelParse } from './parserPool';
import { recordCompaction } from '../../store/contextStore';


const BLOCK_MS = 5 * 3_600_000;
/** How far back the status looks for the start of the current chain of 5-hour blocks (limits/blocks.ts). */
const CHAIN_LOOKBACK_MS = 14 * 24 * 3_600_000;

/**
 * True when the 5-hour block that reaches `nowMs` no longer depends on unread files: every unread request
 * is at or before `unreadMtimeMs` (files are read newest first), and a gap of ≥ 5 h without requests lies
 * between that and now (blocks chain until such a gap), or the unread part is beyond the status's look-back.
 */
export function chainSettled(readTimes: readonly number[], unreadMtimeMs: number, nowMs: number): boolean {
  if (unreadMtimeMs < nowMs - CHAIN_LOOKBACK_MS - BLOCK_MS) return true;
  const points = readTimes.filter((t) => t > unreadMtimeMs).sort((a, b) => a - b);
  let previous = unreadMtimeMs;
  for (const t of points) {
    if (t - previous >= BLOCK_MS) return true;
    previous = t;
  }
  return nowMs - previous >= BLOCK_MS;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The session a file belongs to when a line lacks sessionId: `<sid>.jsonl` or `<sid>/subagents/…`. */
export function fallbackSessionId(projectsDir: string, filePath: string): string {
  const rel = path.relative(projectsDir, filePath).split(path.sep);
  for (let i = rel.length - 1; i >= 1; i--) {
    const seg = rel[i].replace(/\.jsonl$/, '');
    if (UUID_RE.test(seg)) return seg;
  }
  return rel.join('/').replace(/\.jsonl$/, '');
}

/** The changed files a watcher reported, stat'ed; those outside the roots, not *.jsonl or gone are left out. */
function statChangedFiles(roots: string[], paths: string[]): Array<{ root: string; file: TranscriptFile }> {
  const out: Array<{ root: string; file: TranscriptFile }> = [];
  for (const p of [...new Set(paths)].sort()) {
    const root = roots.find((r) => p.startsWith(r + path.sep));
    if (!root || !p.endsWith('.jsonl')) continue;
    try {
      const st = fs.statSync(p);
      if (st.isFile()) out.push({ root, file: { path: p, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino } });
    } catch {
      // gone again (or unreadable): the next full scan settles it
    }
  }
  return out;
}

export class ClaudeCodeScanner {
  private readonly projectCache = new Map<string, { name: string; path: string }>();

  constructor(private readonly db: Database, private readonly ingestor: Ingestor, private readonly log: Logger) {}

  private project(cwd: string | null, encodedDir: string): { name: string; path: string } {
    const cacheKey = `${cwd ?? ''}\u0000${encodedDir}`;
    let p = this.projectCache.get(cacheKey);
    if (!p) {
      p = canonicalProject(cwd, encodedDir);
      this.projectCache.set(cacheKey, p);
    }
    return p;
  }

  private async listAll(roots: string[], summary: ScanSummary): Promise<Array<{ root: string; file: TranscriptFile }>> {
    const listed: Array<{ root: string; file: TranscriptFile }> = [];
    for (const root of roots) {
      const { files, errors } = await listTranscriptFiles(root, this.log);
      summary.errors.push(...errors);
      for (const file of files) listed.push({ root, file });
    }
    return listed;
  }

  /** Scans every root; adds to `summary`. Runs inside the caller's transaction. */
  async scan(
    roots: string[],
    summary: ScanSummary,
    opts: {
      full?: boolean;
      paths?: string[];
      onProgress?: (done: number, total: number) => void;
      parallelParse?: ParallelParse;
      parserThreads?: number;
      /**
       * Read the files touched in the 5-hour window before `nowMs` first (newest first), then call
       * `onRecentStored` once (their rows are in the store), then read the rest. Only when there is more.
       */
      recentFirst?: {
        nowMs: number;
        onRecentStored: (filesDone: number, filesTotal: number) => void;
        /**
         * After each file read past the first status. `storeNow` applies the rows batched so far (call it
         * before letting anyone read the tables).
         */
        onHistoryFile?: (filesDone: number, filesTotal: number, storeNow: () => void) => void;
      };
    },
  ): Promise<void> {
    const known: Map<string, StoredFile> = loadStoredFiles(this.db, 'claude_code', opts.paths);
    const listed = opts.paths ? statChangedFiles(roots, opts.paths) : await this.listAll(roots, summary);
    summary.files += listed.length;
    const seen = new Set<string>();
    const toRead: Array<{ root: string; file: TranscriptFile; stored: StoredFile | undefined; job: FileJob }> = [];
    let bytesToRead = 0;
    for (const { root, file } of listed) {
      seen.add(file.path);
      const stored = known.get(file.path);
      const offset = resumeOffset(stored, file, opts.full ?? false);
      if (offset === null) continue;
      toRead.push({ root, file, stored, job: { path: file.path, offset, fallbackSession: fallbackSessionId(root, file.path) } });
      bytesToRead += Math.max(0, file.size - offset);
    }
    let done = listed.length - toRead.length;
    opts.onProgress?.(done, listed.length);
    const batch = new RecordBatch(this.ingestor, summary);
    // The chip's window first: the files touched within the status's look-back, newest first (a request is
    // never newer than its file, so the chain of 5-hour blocks reaching now settles after the few files
    // touched since its start), then the older rest in the usual order. The first status goes out as soon
    // as that chain is complete (chainSettled), exact for the window: reading order never changes what is
    // counted (copies of one response keep the larger usage whichever comes first).
    const recentFirst = opts.recentFirst;
    let published = !recentFirst;
    const times: number[] = [];
    let unreadMaxMtime: number[] = [];
    const publishIfSettled = (next: number) => {
      if (published || next >= toRead.length) return;
      if (!chainSettled(times, unreadMaxMtime[next], recentFirst!.nowMs)) return;
      published = true;
      batch.flush();
      recentFirst!.onRecentStored(done, listed.length);
    };
    if (recentFirst) {
      const horizon = recentFirst.nowMs - CHAIN_LOOKBACK_MS - BLOCK_MS;
      const recent = toRead.filter((t) => t.file.mtimeMs >= horizon).sort((a, b) => b.file.mtimeMs - a.file.mtimeMs);
      const older = toRead.filter((t) => t.file.mtimeMs < horizon);
      toRead.splice(0, toRead.length, ...recent, ...older);
      // A request is never newer than its file: the newest unread file bounds every unread request.
      unreadMaxMtime = new Array<number>(toRead.length);
      for (let i = toRead.length - 1, max = -Infinity; i >= 0; i--) unreadMaxMtime[i] = max = Math.max(max, toRead[i].file.mtimeMs);
      publishIfSettled(0);
    }
    await parseFilesInOrder(toRead.map((t) => t.job), bytesToRead, opts.parallelParse ?? 'auto', (parsed, i) => {
      this.storeParsed(parsed, toRead[i], summary, batch);
      done++; // not inside `onProgress?.(…)`: without a listener its arguments are never evaluated
      opts.onProgress?.(done, listed.length);
      if (!published) {
        for (const e of parsed.events) times.push(e.timestampMs);
        publishIfSettled(i + 1);
      } else if (recentFirst?.onHistoryFile) {
        recentFirst.onHistoryFile(done, listed.length, () => batch.flush());
      }
    }, opts.parserThreads);
    batch.flush();
    // Files that vanished keep their rows (history outlives Claude Code's cleanup); only mark them.
    if (opts.paths) return; // a targeted scan saw only some files
    for (const [p, row] of known) {
      if (!seen.has(p) && roots.some((r) => p.startsWith(r + path.sep))) markFileMissing(this.db, row);
    }
  }

  private storeParsed(
    parsed: ParsedFile,
    { root, file, stored }: { root: string; file: TranscriptFile; stored: StoredFile | undefined },
    summary: ScanSummary,
    batch: RecordBatch,
  ): void {
    if (parsed.error || !parsed.read) {
      const msg = `${file.path}: ${parsed.error?.message ?? 'not read'}`;
      summary.errors.push(msg);
      this.log.warn(`Skipped unreadable transcript ${msg}`);
      return;
    }
    const encodedDir = path.relative(root, file.path).split(path.sep)[0] ?? '';
    let fileProject: { name: string; path: string } | null = null;
    for (const event of parsed.events) {
      const project = this.project(event.cwd, encodedDir);
      fileProject ??= project;
      batch.push({ event, source: 'claude_code', executionMode: 'cloud', projectName: project.name, projectPath: project.path, fileId: null });
    }
    for (const limit of parsed.limits) if (this.ingestor.addLimitEvent(limit)) summary.newLimitEvents++;
    batch.flushIfFull();
    const project = fileProject ?? this.project(null, encodedDir);
    for (const t of parsed.titles) this.ingestor.setSessionTitle(t.sessionId, t.title, t.rank, project.name, project.path, 'claude_code');
    // Compactions of the main thread only: a subagent's own compaction does not empty the session's context.
    for (const c of parsed.compactions) {
      if (c.isSidechain || c.sessionId === null) continue;
      recordCompaction(this.db, this.ingestor.sessionId(c.sessionId, this.ingestor.projectId(project.name, project.path), 'claude_code'), c);
    }
    if (parsed.badLines > 0) this.log.warn(`${file.path}: skipped ${parsed.badLines} malformed line(s)`);
    summary.badLines += parsed.badLines;
    summary.duplicateLines += parsed.mergedCopies;
    summary.filesRead++;
    summary.bytesRead += parsed.read.bytesRead;
    summary.lines += parsed.read.lines;
    saveFileState(this.db, 'claude_code', stored, file, parsed.read, parsed.badLines);
  }
}
