// Incremental scan of Claude Code transcripts into the store: per file it keeps identity (dev+inode),
// size, mtime and the byte offset consumed, and reads only bytes past that offset.
import * as path from 'node:path';
import type { Logger } from '../../types';
import type { ScanSummary } from '../../engine-api';
import { Ingestor, type IngestRecord } from '../../store/ingest';
import { SOURCE_IDS } from '../../store/schema';
import { selectAll, type Database } from '../../store/sqljs';
import { readNewLines } from '../incremental';
import { canonicalProject, listTranscriptFiles, parseTranscriptLine, type TranscriptFile } from './index';

/** Records are handed to the ingestor in batches of this size (bounds memory on a cold scan). */
const BATCH = 20_000;

interface FileRow {
  id: number;
  dev: number;
  ino: number;
  size: number;
  mtime_ms: number;
  offset: number;
  missing: number;
}

// Byte patterns of lines that can matter: usage-bearing assistant lines and session titles. Inside JSON
// strings quotes are escaped, so an unescaped `"usage"` only occurs as a real key.
const USAGE_MARK = Buffer.from('"usage"');
const TITLE_MARKS = [Buffer.from('"ai-title"'), Buffer.from('"custom-title"'), Buffer.from('"summary"')];

function mayMatter(line: Buffer): boolean {
  if (line.indexOf(USAGE_MARK) !== -1) return true;
  // Title lines are short; do not search through megabytes of tool output for them.
  if (line.length > 64 * 1024) return false;
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

  private fileRows(): Map<string, FileRow & { path: string }> {
    const rows = selectAll<FileRow & { path: string }>(
      this.db,
      'SELECT id, path, dev, ino, size, mtime_ms, offset, missing FROM files WHERE source = ?',
      [SOURCE_IDS.claude_code],
    );
    return new Map(rows.map((r) => [r.path, r]));
  }

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
    const known = this.fileRows();
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
      let offset = row?.offset ?? 0;
      const sameIdentity = row !== undefined && row.dev === file.dev && row.ino === file.ino;
      const unchanged = sameIdentity && row.size === file.size && row.mtime_ms === Math.trunc(file.mtimeMs) && row.missing === 0;
      if (opts.full || !sameIdentity || file.size < offset) offset = 0;
      else if (unchanged) {
        opts.onProgress?.(++done, listed.length);
        continue;
      }
      const encodedDir = path.relative(root, file.path).split(path.sep)[0] ?? '';
      const fallbackSession = fallbackSessionId(root, file.path);
      let badLines = 0;
      const titles: string[] = [];
      let fileProject: { name: string; path: string } | null = null;
      let result;
      try {
        result = await readNewLines(file.path, offset, (buf) => {
          if (!mayMatter(buf)) return;
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
            case 'title':
              if (parsed.sessionId === fallbackSession || titles.length < 50) titles.push(parsed.sessionId, parsed.title);
              break;
            case 'malformed':
              badLines++;
              break;
            default:
              break;
          }
        });
      } catch (e) {
        const msg = `${file.path}: ${(e as Error).message}`;
        summary.errors.push(msg);
        this.log.warn(`Skipped unreadable transcript ${msg}`);
        opts.onProgress?.(++done, listed.length);
        continue;
      }
      if (batch.length >= BATCH) flush();
      const project = fileProject ?? this.project(null, encodedDir);
      for (let i = 0; i < titles.length; i += 2) {
        this.ingestor.setSessionTitle(titles[i], titles[i + 1], project.name, project.path, 'claude_code');
      }
      if (badLines > 0) this.log.warn(`${file.path}: skipped ${badLines} malformed line(s)`);
      summary.badLines += badLines;
      summary.filesRead++;
      summary.bytesRead += result.bytesRead;
      summary.lines += result.lines;
      const values = [file.dev, file.ino, result.size, Math.trunc(file.mtimeMs), result.consumedTo, badLines];
      if (row) {
        this.db.run('UPDATE files SET dev = ?, ino = ?, size = ?, mtime_ms = ?, offset = ?, bad_lines = bad_lines + ?, missing = 0 WHERE id = ?', [
          ...values, row.id,
        ]);
      } else {
        this.db.run('INSERT INTO files (path, source, dev, ino, size, mtime_ms, offset, bad_lines) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          file.path, SOURCE_IDS.claude_code, ...values,
        ]);
      }
      opts.onProgress?.(++done, listed.length);
    }
    flush();
    // Files that vanished keep their rows (history outlives Claude Code's cleanup); only mark them.
    for (const [p, row] of known) {
      if (!seen.has(p) && row.missing === 0 && roots.some((r) => p.startsWith(r + path.sep))) {
        this.db.run('UPDATE files SET missing = 1 WHERE id = ?', [row.id]);
      }
    }
  }
}
