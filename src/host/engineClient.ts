// The extension host's handle on the engine: the same EngineApi, forwarded by message to a worker thread
// that is started lazily (never on the activation path). Errors come back with their name and, for a bad
// query param, the param, so callers can tell the user which key was wrong. Every call has a time bound
// (EngineTimeoutError names the call and the bound); a query or read model can be cancelled (a newer panel
// filter, a cancelled chat tool): the worker then skips it if it has not started.
// Imports only types from `vscode`: unit-testable in plain Node.
import type { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import { ENGINE_YOUNG_GENERATION_MB, type CallOptions, type EngineApi, type HistoryProgress, type ScanOptions, type ScanSummary } from '../core/engine-api';
import type { StatusOptions, StatusResult } from '../core/limits/status';
import type { SideBarRequest, SideBarSummary } from '../core/query/sideBar';
import { QueryParamError, type QueryResult } from '../core/query/types';
import type { Logger } from '../core/types';
import type { PanelFilter, PanelReadModel } from '../protocol';
import type { EngineInfo, SerializedError, WorkerCancel, WorkerEngineOptions, WorkerMessage, WorkerMethod, WorkerMethods, WorkerRequest } from './workerProtocol';

/**
 * How long each call may take before the client gives up on it. A read waits behind a running scan
 * (the engine serialises calls), so the bounds leave room for one; a scan's bound restarts at every
 * progress report. Closing waits for the final save of a large DB.
 */
export const CALL_TIMEOUT_MS: Readonly<Record<WorkerMethod, number>> = {
  open: 120_000,
  scan: 600_000,
  query: 60_000,
  status: 30_000,
  readModel: 60_000,
  sideBar: 30_000,
  setStatusOptions: 30_000,
  info: 30_000,
  persist: 120_000,
  close: 120_000,
};

/** A call the engine did not answer in time. The worker keeps running; a later call may succeed. */
export class EngineTimeoutError extends Error {
  constructor(readonly method: WorkerMethod, readonly timeoutMs: number) {
    super(`the engine did not answer ${method} within ${Math.round(timeoutMs / 1000)} s (it may be busy with a long scan or save); try again`);
    this.name = 'EngineTimeoutError';
  }
}

/** The caller gave up on a call (its AbortSignal fired). */
export function engineCancelledError(method: WorkerMethod): Error {
  const e = new Error(`the ${method} call was cancelled`);
  e.name = 'AbortError';
  return e;
}

/** True for the rejection of a cancelled call (on either side of the thread). */
export function isCancellation(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** A minimal event emitter whose `event` has vscode.Event's shape (so the host can pass it anywhere one is expected). */
export class Emitter<T> {
  private listeners = new Set<(e: T) => unknown>();
  readonly event: vscode.Event<T> = (listener, thisArgs?, disposables?) => {
    const bound = (e: T) => listener.call(thisArgs, e);
    this.listeners.add(bound);
    const d = { dispose: () => void this.listeners.delete(bound) };
    if (Array.isArray(disposables)) disposables.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        /* a failing listener must not stop the others */
      }
    }
  }
  dispose(): void {
    this.listeners.clear();
  }
}

/** Rebuilds an Error that crossed the thread; a QueryParamError stays one (instanceof and `.param`). */
export function deserializeError(s: SerializedError): Error {
  let e: Error;
  if (s.name === 'QueryParamError' && s.param !== undefined) {
    e = new QueryParamError(s.param, '');
    e.message = s.message; // already "<param>: <why>"
  } else {
    e = new Error(s.message);
    e.name = s.name;
    if (s.param !== undefined) (e as Error & { param?: string }).param = s.param;
  }
  if (s.stack) e.stack = s.stack;
  return e;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (done: number, total: number) => void;
  onHistory?: (progress: HistoryProgress, status: StatusResult | null) => void;
  /** Restarts the time bound (a scan's progress shows it is alive). */
  rearm: () => void;
  /** Stops the time bound and the abort listener. */
  settle: () => void;
}

interface SendOptions {
  onProgress?: (done: number, total: number) => void;
  onHistory?: (progress: HistoryProgress, status: StatusResult | null) => void;
  signal?: AbortSignal;
}

export interface EngineClientOptions {
  /** dist/engineWorker.js (tests: the .ts file with execArgv ['--import', 'tsx']). */
  workerPath: string;
  execArgv?: string[];
  /** Read when the worker starts (and restarts), so settings changes apply. */
  engineOptions: () => WorkerEngineOptions;
  log: Logger;
  /** Overrides of CALL_TIMEOUT_MS (tests). */
  timeoutsMs?: Partial<Record<WorkerMethod, number>>;
}

/** True when a scan changed what the chip or panel would show. */
export function scanChangedData(s: ScanSummary): boolean {
  return s.newRequests > 0 || s.updatedRequests > 0 || s.newLimitEvents > 0;
}

export class EngineClient implements EngineApi {
  private worker: Worker | null = null;
  private opening: Promise<EngineInfo> | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private statusOptions: StatusOptions | null = null;
  private closed = false;
  /** Null: a scan reading history published more of it (its summary comes when it ends). */
  private readonly changeEmitter = new Emitter<ScanSummary | null>();
  /** Fired after a scan that added or updated rows (or found limit events). */
  readonly onDidChangeData: vscode.Event<ScanSummary | null> = this.changeEmitter.event;
  lastInfo: EngineInfo | null = null;

  constructor(private readonly opts: EngineClientOptions) {}

  get started(): boolean {
    return this.worker !== null;
  }

  /** Starts the worker and opens the engine (idempotent; every call does it on demand). */
  start(): Promise<EngineInfo> {
    if (this.closed) return Promise.reject(new Error('the engine client is closed'));
    if (this.opening) return this.opening;
    // Required here, not at module load: activation stays free of anything the first scan needs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
    const { Worker: WorkerCtor } = require('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new WorkerCtor(this.opts.workerPath, { execArgv: this.opts.execArgv, resourceLimits: { maxYoungGenerationSizeMb: ENGINE_YOUNG_GENERATION_MB } });
    this.worker = worker;
    worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    worker.on('error', (e) => {
      this.opts.log.error(`Engine worker failed: ${e.message}`);
      this.dropWorker(worker, e);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker && !this.closed) this.opts.log.warn(`Engine worker exited (code ${code}); it restarts on the next request.`);
      this.dropWorker(worker, new Error(`the engine worker exited (code ${code})`));
    });
    const opening = this.send(worker, 'open', [this.opts.engineOptions()]).then(async (info) => {
      this.lastInfo = info;
      if (this.statusOptions) await this.send(worker, 'setStatusOptions', [this.statusOptions]);
      return info;
    });
    this.opening = opening;
    opening.catch(() => {
      if (this.opening === opening) this.opening = null;
    });
    return opening;
  }

  /** Closes the engine (persisting) and starts a fresh one with the current options (settings changed). */
  async restart(): Promise<EngineInfo> {
    await this.stopWorker();
    this.closed = false;
    return this.start();
  }

  private dropWorker(worker: Worker, reason: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.opening = null;
    for (const p of this.pending.values()) {
      p.settle();
      p.reject(reason);
    }
    this.pending.clear();
  }

  private onMessage(m: WorkerMessage): void {
    if (m.kind === 'log') {
      const fn = this.opts.log[m.level] ?? this.opts.log.info;
      fn.call(this.opts.log, m.message);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.kind === 'progress') {
      p.rearm();
      p.onProgress?.(m.done, m.total);
      return;
    }
    if (m.kind === 'history') {
      p.rearm();
      p.onHistory?.(m.progress, m.status);
      return;
    }
    this.pending.delete(m.id);
    p.settle();
    if (m.ok) p.resolve(m.value);
    else p.reject(deserializeError(m.error));
  }

  private send<M extends WorkerMethod>(
    worker: Worker,
    method: M,
    args: WorkerMethods[M]['args'],
    opts: SendOptions = {},
  ): Promise<WorkerMethods[M]['result']> {
    const { signal, onProgress, onHistory } = opts;
    if (signal?.aborted) return Promise.reject(engineCancelledError(method));
    const id = this.nextId++;
    const timeoutMs = this.opts.timeoutsMs?.[method] ?? CALL_TIMEOUT_MS[method];
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      // Giving up: forget the call here and tell the worker to skip it if it has not started.
      const abandon = (error: Error) => {
        if (this.pending.get(id) !== pending) return;
        this.pending.delete(id);
        pending.settle();
        worker.postMessage({ cancel: id } satisfies WorkerCancel);
        reject(error);
      };
      const onAbort = () => abandon(engineCancelledError(method));
      const rearm = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          this.opts.log.warn(`Engine: ${method} gave no answer within ${Math.round(timeoutMs / 1000)} s.`);
          abandon(new EngineTimeoutError(method, timeoutMs));
        }, timeoutMs);
        timer.unref?.();
      };
      const pending: Pending = {
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress,
        onHistory,
        rearm,
        settle: () => {
          if (timer) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      this.pending.set(id, pending);
      rearm();
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, method, args } satisfies WorkerRequest<M>);
    });
  }

  private async call<M extends WorkerMethod>(method: M, args: WorkerMethods[M]['args'], opts?: SendOptions): Promise<WorkerMethods[M]['result']> {
    await this.start();
    if (opts?.signal?.aborted) throw engineCancelledError(method);
    const worker = this.worker;
    if (!worker) throw new Error('the engine worker is not running');
    return this.send(worker, method, args, opts);
  }

  async scan(opts: ScanOptions = {}): Promise<ScanSummary> {
    // Progress is always reported (throttled): it keeps the scan's time bound from firing on a long first read.
    const { onFirstStatus, onHistoryProgress } = opts;
    const history = onFirstStatus !== undefined || onHistoryProgress !== undefined;
    const { summary, reloaded } = await this.call('scan', [{ full: opts.full, paths: opts.paths, reportProgress: true, history, nowMs: opts.nowMs }], {
      onProgress: opts.onProgress,
      onHistory: history ? (progress, status) => {
        if (status) onFirstStatus?.(status, { filesDone: progress.filesRead, filesTotal: progress.filesTotal });
        onHistoryProgress?.(progress);
        // The chip, panel and side bar repaint from what is stored so far (the engine answers between files).
        if (!progress.complete) this.changeEmitter.fire(null);
      } : undefined,
    });
    // A reload means another window wrote new data: this window's chip and panel must repaint too.
    if (reloaded || scanChangedData(summary)) this.changeEmitter.fire(summary);
    return summary;
  }

  query(params: unknown, nowMs?: number, opts: CallOptions = {}): Promise<QueryResult> {
    return this.call('query', [params, nowMs], { signal: opts.signal });
  }

  status(nowMs?: number): Promise<StatusResult> {
    return this.call('status', [nowMs]);
  }

  readModel(filter: PanelFilter, nowMs?: number, opts: CallOptions = {}): Promise<PanelReadModel> {
    return this.call('readModel', [filter, nowMs], { signal: opts.signal });
  }

  sideBar(req: SideBarRequest, nowMs?: number): Promise<SideBarSummary> {
    return this.call('sideBar', [req, nowMs]);
  }

  /** Inputs of the status from outside the DB; remembered and re-sent when the worker restarts. */
  async setStatusOptions(options: StatusOptions): Promise<void> {
    this.statusOptions = options;
    if (this.worker) await this.call('setStatusOptions', [options]);
  }

  async info(): Promise<EngineInfo> {
    this.lastInfo = await this.call('info', []);
    return this.lastInfo;
  }

  async roots(): Promise<string[]> {
    return (await this.info()).roots;
  }

  persist(): Promise<void> {
    return this.worker ? this.call('persist', []) : Promise.resolve();
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.closed = true; // no restart while stopping
    try {
      // Closing saves the DB (after whatever the engine is still doing): wait for that answer, within
      // close's long bound, before terminating — a worker terminated mid-save loses the save.
      await this.send(worker, 'close', []);
    } catch (e) {
      this.opts.log.warn(`Closing the engine: ${(e as Error).message}`);
    } finally {
      this.dropWorker(worker, new Error('the engine was closed'));
      await worker.terminate();
    }
  }

  /** Persists, closes the engine and stops the worker. */
  async close(): Promise<void> {
    await this.stopWorker();
    this.closed = true;
    this.changeEmitter.dispose();
  }
}
