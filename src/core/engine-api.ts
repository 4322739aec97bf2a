// What the surfaces (extension host, CLI, benchmark) can ask of the core. The extension host talks to
// an implementation running in a worker thread through messages; the CLI runs one in-process.
import type { QueryResult } from './query/types';

// The scan types are the sources' (src/core/sources/scan.ts); re-exported for the surfaces.
import type { ScanOptions as SourceScanOptions, ScanSummary } from './sources/scan';

export type { ScanSummary };

/**
 * The young generation (V8's new space, MB) of the extension's engine worker. V8's default lets it grow to
 * 48 MB of short-lived objects, beside a store that holds the DB image twice while it saves; 12 MB scavenges
 * more often for the same timings (bench/probes/store.ts runs its session with this new space too).
 */
export const ENGINE_YOUNG_GENERATION_MB = 12;

/** A scan as the engine runs it: the sources' options, plus the early status of a cold start. */
export interface ScanOptions extends SourceScanOptions {
  /**
   * A full scan with history left to read calls this once, as soon as the files touched in the current
   * 5-hour window are stored (newest first) and committed: the status is then exact for that window,
   * while `filesDone` of `filesTotal` files are read. The rest is read after it returns.
   */
  onFirstStatus?: (status: import('./limits/status').StatusResult, progress: { filesDone: number; filesTotal: number }) => void;
  /**
   * After the first status, called as the rest of the history is read (after each file, throttled by the
   * caller if it likes) and once with `complete: true` when the scan ends. Calls made meanwhile (status,
   * query, read model) are answered between files, on the rows stored so far.
   */
  onHistoryProgress?: (progress: HistoryProgress) => void;
  /** The clock for the window read first and for that status (default: now). */
  nowMs?: number;
}

/** How far a cold start has read the history: files read of the files the scan had to read or skip. */
export interface HistoryProgress {
  filesRead: number;
  filesTotal: number;
  /** False from the first status until the scan that published it has read every file. */
  complete: boolean;
}

/** Per-call options of the calls a caller may give up on (a newer panel filter, a cancelled chat tool). */
export interface CallOptions {
  /** Aborted → a call that has not started yet is skipped (it rejects with an AbortError). */
  signal?: AbortSignal;
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
  query(params: unknown, nowMs?: number, opts?: CallOptions): Promise<QueryResult>;
  /** What the status-bar chip shows (src/core/limits/status.ts). */
  status(nowMs?: number): Promise<import('./limits/status').StatusResult>;
  /** The panel's whole-page read model for one filter state (src/core/query/readModel.ts). */
  readModel(filter: import('./query/readmodel/filterState').PanelFilter, nowMs?: number, opts?: CallOptions): Promise<import('./query/readmodel/types').PanelReadModel>;
  /** The side bar's figures for the open workspace and its branch (src/core/query/sideBar.ts). */
  sideBar(req: import('./query/sideBar').SideBarRequest, nowMs?: number): Promise<import('./query/sideBar').SideBarSummary>;
  /** Write the DB to disk now (atomic temp + rename); normally debounced by the engine. */
  persist(): Promise<void>;
  close(): Promise<void>;
}
