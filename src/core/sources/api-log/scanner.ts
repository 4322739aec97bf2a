// Incremental scan of the user's own API-call logs (issue 7) into the store, exactly like transcripts:
// per file the identity, size, mtime and byte offset consumed are kept (files.source = internal), only
// bytes past the offset are read, a partial last line waits for the next scan, and a truncated or
// replaced file is re-read from 0 (the dedup keys — request_id / id, else file + byte offset — keep rows
// from doubling). Rows get source = internal; local calls cost 0 by design; a logged cost is kept as is.
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger, UsageEvent } from '../../types';
import type { ScanSummary } from '../../engine-api';
import type { Ingestor, IngestRecord } from '../../store/ingest';
import { selectAll, type Database, type Statement } from '../../store/sqljs';
import { loadStoredFiles, markFileMissing, RecordBatch, resumeOffset, saveFileState, type StoredFile } from '../files';
import { readNewLines } from '../incremental';
import { parseApiLogLine } from './parse';
import { expandApiLogPaths, type ApiLogPathOptions } from './paths';
import type { ApiCall, RateLimitKind, RateLimitObservation, RateLimitReading } from './types';
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

const OBS_KINDS: Array<[RateLimitKind, 'requests' | 'inputTokens' | 'outputTokens' | 'tokens']> = [
  ['requests', 'requests'], ['input_tokens', 'inputTokens'], ['output_tokens', 'outputTokens'], ['tokens', 'tokens'],
];

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
    for (const [kind, field] of OBS_KINDS) {
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

/** The most recent rate-limit reading of one kind, with whether it is still meaningful. */
export interface LatestRateLimitReading extends RateLimitReading {
  /** When the call that saw it was made. */
  ts: number;
  /** Past its reset (or older than a minute when no reset was logged): history, not headroom. */
  stale: boolean;
}

/** Per model: the most recent observation of each kind (requests, input/output tokens, tokens). */
export interface LatestRateLimit {
  model: string;
  provider: string | null;
  /** The newest of its readings. */
  ts: number;
  requests?: LatestRateLimitReading;
  inputTokens?: LatestRateLimitReading;
  outputTokens?: LatestRateLimitReading;
  tokens?: LatestRateLimitReading;
  /** True when every reading is stale. */
  stale: boolean;
  /** remaining / limit of the most restrictive fresh reading (0..1), null when none is fresh and known. */
  headroom: number | null;
  /** The kind of that reading. */
  tightest: RateLimitKind | null;
}

/** A reading without a logged reset counts as current for this long (API rate limits refill per minute). */
export const NO_RESET_FRESH_MS = 60_000;

/** The latest rate-limit observations per model, most restrictive first (stale ones last). */
export function latestRateLimits(db: Database, nowMs: number): LatestRateLimit[] {
  const rows = selectAll<{ model: string; provider: string | null; ts: number; kind: RateLimitKind; limit_value: number | null; remaining: number | null; reset_at: number | null }>(
    db,
    `SELECT o.model, o.provider, o.ts, o.kind, o.limit_value, o.remaining, o.reset_at
     FROM rate_limit_observations o
     JOIN (SELECT model, kind, max(ts) AS ts FROM rate_limit_observations GROUP BY model, kind) l
       ON l.model = o.model AND l.kind = o.kind AND l.ts = o.ts
     ORDER BY o.id`,
  );
  const byModel = new Map<string, LatestRateLimit>();
  for (const r of rows) {
    let m = byModel.get(r.model);
    if (!m) {
      m = { model: r.model, provider: r.provider, ts: r.ts, stale: true, headroom: null, tightest: null };
      byModel.set(r.model, m);
    }
    if (r.ts >= m.ts) {
      m.ts = r.ts;
      m.provider = r.provider ?? m.provider;
    }
    const field = OBS_KINDS.find(([k]) => k === r.kind)?.[1];
    if (!field) continue;
    const stale = r.reset_at !== null ? nowMs > r.reset_at : nowMs > r.ts + NO_RESET_FRESH_MS;
    // Rows later in id order win a tie on ts (the last line written).
    m[field] = { limit: r.limit_value, remaining: r.remaining, resetMs: r.reset_at, ts: r.ts, stale };
  }
  for (const m of byModel.values()) {
    for (const [kind, field] of OBS_KINDS) {
      const r = m[field];
      if (!r) continue;
      if (!r.stale) m.stale = false;
      if (r.stale || r.limit === null || r.remaining === null || r.limit <= 0) continue;
      const h = Math.max(0, Math.min(1, r.remaining / r.limit));
      if (m.headroom === null || h < m.headroom) {
        m.headroom = h;
        m.tightest = kind;
      }
    }
  }
  return [...byModel.values()].sort((a, b) => {
    if (a.stale !== b.stale) return a.stale ? 1 : -1;
    return (a.headroom ?? 2) - (b.headroom ?? 2) || a.model.localeCompare(b.model);
  });
}
