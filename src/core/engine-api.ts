// What the surfaces (extension host, CLI, benchmark) can ask of the core. The extension host talks to
// an implementation running in a worker thread through messages; the CLI runs one in-process.
import type { QueryResult } from './query/types';

export interface ScanSummary {
  /** The transcript roots scanned (each a `<root>/projects` folder). */
  roots: string[];
  /** JSONL files seen in the tree. */
  files: number;
  /** API-log files the configured paths named (issue 7); absent when no API logs are configured. */
  apiLogFiles?: number;
  /** Files that had new bytes (or were re-read from 0). */
  filesRead: number;
  bytesRead: number;
  /** Lines consumed (complete lines only). */
  lines: number;
  /** Requests added to the store (new dedup keys). */
  newRequests: number;
  /** Stored requests replaced by a better copy (larger usage), or whose tools were merged. */
  updatedRequests: number;
  /** Copies dropped as duplicates of a stored request. */
  duplicateLines: number;
  /** Malformed lines skipped (counted, never fatal). */
  badLines: number;
  newLimitEvents: number;
  /** Files/folders that could not be read (logged and skipped). */
  errors: string[];
  ms: number;
}

export interface ScanOptions {
  /**
   * Only these transcript files changed (a file watcher's events): stat and read just them instead of
   * walking every root. Files outside the roots or not *.jsonl are ignored. Without it: a full walk.
   */
  paths?: string[];
  /** Forget every file offset and re-read all transcripts (rows already stored are kept). */
  full?: boolean;
  onProgress?: (done: number, total: number) => void;
  /**
   * A full scan with history left to read calls this once, as soon as the files touched in the current
   * 5-hour window are stored (newest first) and committed: the status is then exact for that window,
   * while `filesDone` of `filesTotal` files are read. The rest is read after it returns.
   */
  onFirstStatus?: (status: import('./limits/status').StatusResult, progress: { filesDone: number; filesTotal: number }) => void;
  /** The clock for the window read first and for that status (default: now). */
  nowMs?: number;
}

/**
 * The core facade. `Engine` (src/core/engine.ts) implements it in-process over one sql.js database;
 * the extension host uses a client with the same shape that forwards calls to a worker thread.
 * Every method may be called while another is pending; implementations serialise them.
 */
export interface EngineApi {
  /** Incremental ingest of every source (reads only bytes past stored offsets). */
  scan(opts?: ScanOptions): Promise<ScanSummary>;
  /** llm_costs_query. Bad params reject with a QueryParamError naming the key. */
  query(params: unknown, nowMs?: number): Promise<QueryResult>;
  /** What the status-bar chip shows (src/core/limits/status.ts). */
  status(nowMs?: number): Promise<import('./limits/status').StatusResult>;
  /** The panel's whole-page read model for one filter state (src/core/query/readModel.ts). */
  readModel(filter: import('../protocol').PanelFilter, nowMs?: number): Promise<import('../protocol').PanelReadModel>;
  /** Write the DB to disk now (atomic temp + rename); normally debounced by the engine. */
  persist(): Promise<void>;
  close(): Promise<void>;
}
