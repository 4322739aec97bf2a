// Incremental scan of Claude Code transcripts into the store: per file it keeps identity (dev+inode),
// size, mtime and the byte offset consumed, and reads only bytes past that offset.
import * as path from 'node:path';
import type { Logger } from '../../types';
import type { ScanSummary } from '../../engine-api';
import { Ingestor, type IngestRecord } from '../../store/ingest';
import type { Database } from '../../store/sqljs';
import { loadStoredFiles, markFileMissing, resumeOffset, saveFileState, type StoredFile } from '../files';
import { readNewLines } from '../incremental';
import { canonicalProject, listTranscriptFiles, parseTranscriptLine, type TranscriptFile } from './index';

/** Records are handed to the ingestor in batches of this size (bounds memory on a cold scan). */
const BATCH = 20_000;

// Byte patterns of lines that can matter. Inside JSON strings quotes are escaped, so an unescaped
// `"assistant"` only occurs as a real value or key: usage-bearing rows and synthetic limit rows carry it
// (type and role), user rows with their bulky tool results never do. One search settles most bytes.
const ASSISTANT_MARK = Buffer.from('"assistant"');
const TITLE_MARKS = [Buffer.from('-title"'), Buffer.from('"summary"')];
const TITLE_RANK = { summary: 1, 'ai-title': 2, 'custom-title': 3 } as const;
/** Title rows are short; longer lines are not searched for them. */
const MAX_TITLE_LINE = 64 * 1024;

/**
 * Lines skipped without JSON.parse still get a structural check, so that garbage (random bytes, a line
 * cut short by a crash) is counted as malformed rather than silently passed over.
 */
export function looksLikeJsonObject(line: Buffer): boolean {
  let start = 0;
  let end = line.length - 1;
  while (start <= end && (line[start] === 0x20 || line[start] === 0x09 || line[start] === 0xef || line[start] === 0xbb || line[start] === 0xbf)) start++;
  while (end >= start && (line[end] === 0x20 || line[end] === 0x09 || line[end] === 0x0d)) end--;
  return start > end || (line[start] === 0x7b && line[end] === 0x7d);
}

function mayMatter(line: Buffer): boolean {
  if (line.indexOf(ASSISTANT_MARK) !== -1) return true;
  if (line.length > MAX_TITLE_LINE) return false;
  for (const m of TITLE_MARKS) if (line.indexOf(m) !== -1) return true;
  return false;
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

  /** Scans every root; adds to `summary`. Runs inside the caller's transaction. */
  async scan(roots: string[], summary: ScanSummary, opts: { full?: boolean; onProgress?: (done: number, total: number) => void }): Promise<void> {
    const known: Map<string, StoredFile> = loadStoredFiles(this.db, 'claude_code');
    const listed: Array<{ root: string; file: TranscriptFile }> = [];
    for (const root of roots) {
      const { files, errors } = await listTranscriptFiles(root, this.log);
      summary.errors.push(...errors);
      for (const file of files) listed.push({ root, file });
    }
    summary.files += listed.length;
    const seen = new Set<string>();
    let batch: IngestRecord[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      const c = this.ingestor.apply(batch);
      summary.newRequests += c.inserted;
      summary.updatedRequests += c.updated;
      summary.duplicateLines += c.duplicates;
      batch = [];
    };
    let done = 0;
    for (const { root, file } of listed) {
      seen.add(file.path);
      const row = known.get(file.path);
      const offset = resumeOffset(row, file, opts.full ?? false);
      if (offset === null) {
        opts.onProgress?.(++done, listed.length);
        continue;
      }
      const encodedDir = path.relative(root, file.path).split(path.sep)[0] ?? '';
      const fallbackSession = fallbackSessionId(root, file.path);
      let badLines = 0;
      // Best title per session in this read: a higher rank wins, a later line of the same rank wins.
      const titles = new Map<string, { title: string; rank: number }>();
      let fileProject: { name: string; path: string } | null = null;
      let result;
      try {
        result = await readNewLines(file.path, offset, (buf) => {
          if (!mayMatter(buf)) {
            if (!looksLikeJsonObject(buf)) badLines++;
            return;
          }
          const parsed = parseTranscriptLine(buf.toString('utf8'), fallbackSession);
          switch (parsed.kind) {
            case 'usage': {
              const project = this.project(parsed.event.cwd, encodedDir);
              fileProject ??= project;
              batch.push({
                event: parsed.event, source: 'claude_code', executionMode: 'cloud',
                projectName: project.name, projectPath: project.path, fileId: null,
              });
              break;
            }
            case 'limit':
              if (this.ingestor.addLimitEvent(parsed.event)) summary.newLimitEvents++;
              break;
            case 'title': {
              const rank = TITLE_RANK[parsed.titleSource];
              const prev = titles.get(parsed.sessionId);
              if (!prev || rank >= prev.rank) titles.set(parsed.sessionId, { title: parsed.title, rank });
              break;
            }
            case 'malformed':
              badLines++;
              break;
            default:
              break;
          }
        });
      } catch (e) {
        // Only I/O errors (the file vanished, became unreadable…) skip a file; a bug must not pass as one.
        if (typeof (e as NodeJS.ErrnoException).code !== 'string') throw e;
        const msg = `${file.path}: ${(e as Error).message}`;
        summary.errors.push(msg);
        this.log.warn(`Skipped unreadable transcript ${msg}`);
        opts.onProgress?.(++done, listed.length);
        continue;
      }
      if (batch.length >= BATCH) flush();
      const project = fileProject ?? this.project(null, encodedDir);
      for (const [sessionKey, t] of titles) {
        this.ingestor.setSessionTitle(sessionKey, t.title, t.rank, project.name, project.path, 'claude_code');
      }
      if (badLines > 0) this.log.warn(`${file.path}: skipped ${badLines} malformed line(s)`);
      summary.badLines += badLines;
      summary.filesRead++;
      summary.bytesRead += result.bytesRead;
      summary.lines += result.lines;
      saveFileState(this.db, 'claude_code', row, file, result, badLines);
      opts.onProgress?.(++done, listed.length);
    }
    flush();
    // Files that vanished keep their rows (history outlives Claude Code's cleanup); only mark them.
    for (const [p, row] of known) {
      if (!seen.has(p) && roots.some((r) => p.startsWith(r + path.sep))) markFileMissing(this.db, row);
    }
  }
}
