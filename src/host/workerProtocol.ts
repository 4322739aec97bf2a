// Messages between the extension host (EngineClient) and the engine's worker thread (engineWorker).
// Plain data only: everything here crosses postMessage (structured clone).
import type { HistoryProgress, ScanSummary } from '../core/engine-api';
import type { StatusOptions, StatusResult } from '../core/limits/status';
import type { PriceOverrides } from '../core/pricing';

/** Engine.open options that can cross a thread (the logger is replaced by log events). */
export interface WorkerEngineOptions {
  dbPath: string | null;
  configDirs?: string[];
  env?: Record<string, string | undefined>;
  homeDir?: string;
  priceOverrides?: PriceOverrides;
  apiLogPaths?: string[];
  persistDebounceMs?: number;
  demoMode?: boolean;
}

export interface EngineInfo {
  isWriter: boolean;
  dbPath: string | null;
  roots: string[];
  movedAside: { path: string; reason: string } | null;
}

/** Every call the client can make, with its argument tuple and result type. */
export interface WorkerMethods {
  open: { args: [WorkerEngineOptions]; result: EngineInfo };
  /** `reloaded`: this window took in a DB file another window wrote (new data without new bytes read here). */
  /** `history`: publish the first status early and report history progress (a `history` message, see below). */
  scan: { args: [{ full?: boolean; paths?: string[]; reportProgress?: boolean; history?: boolean; nowMs?: number }]; result: { summary: ScanSummary; reloaded: boolean } };
  query: { args: [unknown, number | undefined]; result: import('../core/query/types').QueryResult };
  status: { args: [number | undefined]; result: import('../core/limits/status').StatusResult };
  readModel: { args: [import('../protocol').PanelFilter, number | undefined]; result: import('../protocol').PanelReadModel };
  sideBar: { args: [import('../core/query/sideBar').SideBarRequest, number | undefined]; result: import('../core/query/sideBar').SideBarSummary };
  setStatusOptions: { args: [StatusOptions]; result: void };
  info: { args: []; result: EngineInfo };
  persist: { args: []; result: void };
  close: { args: []; result: void };
}

export type WorkerMethod = keyof WorkerMethods;

export interface WorkerRequest<M extends WorkerMethod = WorkerMethod> {
  id: number;
  method: M;
  args: WorkerMethods[M]['args'];
}

/** The client gave up on request `cancel` (superseded or timed out): skip it if it has not started. */
export interface WorkerCancel {
  cancel: number;
}

/** Methods the client can cancel while they wait in the engine's queue. */
export const CANCELLABLE_METHODS: ReadonlySet<WorkerMethod> = new Set<WorkerMethod>(['query', 'readModel']);

/** An error as it crosses the thread: name and message, plus the offending param of a QueryParamError. */
export interface SerializedError {
  name: string;
  message: string;
  param?: string;
  stack?: string;
}

export type WorkerMessage =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: SerializedError }
  | { kind: 'progress'; id: number; done: number; total: number }
  /** A scan's history progress: with the status at its first status (exact for the window), then progress only. */
  | { kind: 'history'; id: number; progress: HistoryProgress; status: StatusResult | null }
  | { kind: 'log'; level: 'info' | 'warn' | 'error' | 'debug'; message: string };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const out: SerializedError = { name: e.name, message: e.message, stack: e.stack };
    const param = (e as { param?: unknown }).param;
    if (typeof param === 'string') out.param = param;
    return out;
  }
  return { name: 'Error', message: String(e) };
}
