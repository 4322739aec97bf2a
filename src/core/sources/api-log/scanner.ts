// Incremental scan of the user's own API-call logs (issue 7) into the store, exactly like transcripts:
// per file the identity, size, mtime and byte offset consumed are kept (files.source = internal), only
// bytes past the offset are read, a partial last line waits for the next scan, and a truncated or
// replaced file is re-read from 0 (the dedup keys — request_id / id, else file + byte offset — keep rows
// from doubling). Rows get source = internal; local calls cost 0 by design; a logged cost is kept as is.
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger, UsageEvent } from '../../types';
import type { ScanSummary } from '../scan';
import type { Ingestor, IngestRecord } from '../../store/ingest';
import type { Database, Statement } from '../../store/sqljs';
import { loadStoredFiles, markFileMissing, RecordBatch, resumeOffset, saveFileState, type StoredFile } from '../files';
import { readNewLines } from '../incremental';
import { parseApiLogLine } from './parse';
import { expandApiLogPaths, type ApiLogPathOptions } from './paths';
import { RATE_LIMIT_FIELDS } from './types';
import type { ApiCall, RateLimitObservation } from './types';
import * as fs from 'node:fs';

/** Folder names that say nothing about the project a log belongs to: look one level up. */
const GENERIC_DIRS = new Set(['logs', 'log', '.logs', '.log', 'api-logs', 'api_logs', 'llm-logs', 'llm_logs']);

/** The project of lines that name none: the folder holding the log (above a generic `logs/`). */
export function defaultProjectOf(filePath: string): { name: string; path: string } {
  let dir = path.dirname(filePath);
  while (GENERIC_DIRS.has(path.basename(dir).toLowerCase()) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return { name: path.basename(dir) || dir, path: dir };
}

/** The session of lines that name none: one per file (`<folder>/<file name>`; a daily file is a day). */
export function defaultSessionOf(filePath: string): string {
  return `${path.basename(path.dirname(filePath))}/${path.basename(filePath).replace(/\.jsonl?$/i, '')}`;
}

/** The usage event the ingestor stores for a call; its dedup key never collides with Claude Code's. */
export function usageEventOf(call: ApiCall): UsageEvent {
  return {
    messageId: call.key,
    requestId: call.requestId,
    sessionId: call.sessionId,
    cwd: null,
    gitBranch: null,
    isSidechain: false,
    agentId: null,
    model: call.model,
    timestampMs: call.timestampMs,
    usage: call.usage,
    hasSpeed: call.usage.speed !== null,
    version: null,
    tools: [],
    placeholder: false,
    forked: false,
  };
}

export interface ApiLogScanOptions extends ApiLogPathOptions {
  full?: boolean;
}

export class ApiLogScanner {
  private obsStmt: Statement | null = null;

  constructor(private readonly db: Database, private readonly ingestor: Ingestor, private readonly log: Logger) {}

  /** Stores the readings of one observation; re-reading the same line adds nothing. Returns rows added. */
  private addObservation(callKey: string, obs: RateLimitObservation): number {
    this.obsStmt ??= this.db.prepare(`INSERT OR IGNORE INTO rate_limit_observations
      (obs_key, model, provider, ts, kind, limit_value, remaining, reset_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    let added = 0;
    for (const [kind, field] of RATE_LIMIT_FIELDS) {
      const r = obs[field];
      if (!r) continue;
      this.obsStmt.run([`${callKey}|${kind}`, obs.model, obs.provider, obs.ts, kind, r.limit, r.remaining, r.resetMs]);
      added += this.db.getRowsModified();
    }
    return added;
  }

  /** Scans every file the configured paths name; adds to `summary`. Runs inside the caller's transaction. */
  async scan(paths: string[], summary: ScanSummary, opts: ApiLogScanOptions = {}): Promise<void> {
    try {
      await this.scanFiles(paths, summary, opts);
    } finally {
      this.obsStmt?.free();
      this.obsStmt = null;
    }
  }

  private async scanFiles(paths: string[], summary: ScanSummary, opts: ApiLogScanOptions): Promise<void> {
    const { files, errors } = await expandApiLogPaths(paths, { homeDir: opts.homeDir ?? os.homedir(), cwd: opts.cwd });
    summary.errors.push(...errors);
    summary.apiLogFiles = (summary.apiLogFiles ?? 0) + files.length;
    const known: Map<string, StoredFile> = loadStoredFiles(this.db, 'internal');
    const batch = new RecordBatch(this.ingestor, summary);
    for (const file of files) {
      const stored = known.get(file.path);
      const offset = resumeOffset(stored, file, opts.full ?? false);
      if (offset === null) continue;
      const defaultSession = defaultSessionOf(file.path);
      const project = defaultProjectOf(file.path);
      const records: IngestRecord[] = [];
      let badLines = 0;
      let firstBad = '';
      let result;
      try {
        result = await readNewLines(file.path, offset, (buf, byteOffset) => {
          const parsed = parseApiLogLine(buf.toString('utf8'), { filePath: file.path, byteOffset, defaultSession });
          if (parsed.kind === 'malformed') {
            if (badLines++ === 0) firstBad = `byte ${byteOffset}: ${parsed.reason}`;
            return;
          }
          if (parsed.kind !== 'call') return;
          const call = parsed.call;
          records.push({
            event: usageEventOf(call),
            source: 'internal',
            executionMode: call.executionMode,
            projectName: call.project ?? project.name,
            projectPath: call.project ? null : project.path,
            fileId: null,
            // Local calls cost nothing by design (cost_kind 2), whatever the line says.
            loggedCostUsd: call.executionMode === 'local' ? null : call.loggedCostUsd,
            call: {
              provider: call.provider, feature: call.feature, success: call.success, durationMs: call.durationMs,
              ttftMs: call.timeToFirstTokenMs, initiator: call.initiator, workerId: call.workerId, errorMessage: call.errorMessage,
            },
          });
          if (call.rateLimit) this.addObservation(call.key, call.rateLimit);
        });
      } catch (e) {
        const msg = `${file.path}: ${(e as Error).message}`;
        summary.errors.push(msg);
        this.log.warn(`Skipped unreadable API log ${msg}`);
        continue;
      }
      const fileId = saveFileState(this.db, 'internal', stored, file, result, badLines);
      for (const r of records) r.fileId = fileId;
      for (const r of records) batch.push(r);
      batch.flushIfFull();
      if (badLines > 0) this.log.warn(`${file.path}: skipped ${badLines} malformed line(s) (first at ${firstBad})`);
      summary.badLines += badLines;
      summary.filesRead++;
      summary.bytesRead += result.bytesRead;
      summary.lines += result.lines;
    }
    batch.flush();
    // A log that vanished keeps its rows; only its files row is marked (if it is really gone).
    const listed = new Set(files.map((f) => f.path));
    for (const [p, stored] of known) {
      if (!listed.has(p) && stored.missing === 0 && !fs.existsSync(p)) markFileMissing(this.db, stored);
    }
  }
}
