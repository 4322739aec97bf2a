// The extension host's handle on the engine: the same EngineApi, forwarded by message to a worker thread
// that is started lazily (never on the activation path). Errors come back with their name and, for a bad
// query param, the param, so callers can tell the user which key was wrong.
// Imports only types from `vscode`: unit-testable in plain Node.
import type { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { EngineApi, ScanOptions, ScanSummary } from '../core/engine-api';
import type { StatusOptions, StatusResult } from '../core/limits/status';
import { QueryParamError, type QueryResult } from '../core/query/types';
import type { Logger } from '../core/types';
import type { PanelFilter, PanelReadModel } from '../protocol';
import type { EngineInfo, SerializedError, WorkerEngineOptions, WorkerMessage, WorkerMethod, WorkerMethods } from './workerProtocol';

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
}

export interface EngineClientOptions {
  /** dist/engineWorker.js (tests: the .ts file with execArgv ['--import', 'tsx']). */
  workerPath: string;
  execArgv?: string[];
  /** Read when the worker starts (and restarts), so settings changes apply. */
  engineOptions: () => WorkerEngineOptions;
  log: Logger;
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
  private readonly changeEmitter = new Emitter<ScanSummary>();
  /** Fired after a scan that added or updated rows (or found limit events). */
  readonly onDidChangeData: vscode.Event<ScanSummary> = this.changeEmitter.event;
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
    const { Worker: WorkerCtor } = require('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new WorkerCtor(this.opts.workerPath, { execArgv: this.opts.execArgv });
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
    for (const p of this.pending.values()) p.reject(reason);
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
      p.onProgress?.(m.done, m.total);
      return;
    }
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(deserializeError(m.error));
  }

  private send<M extends WorkerMethod>(
    worker: Worker,
    method: M,
    args: WorkerMethods[M]['args'],
    onProgress?: (done: number, total: number) => void,
  ): Promise<WorkerMethods[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      worker.postMessage({ id, method, args });
    });
  }

  private async call<M extends WorkerMethod>(method: M, args: WorkerMethods[M]['args'], onProgress?: (done: number, total: number) => void): Promise<WorkerMethods[M]['result']> {
    await this.start();
    const worker = this.worker;
    if (!worker) throw new Error('the engine worker is not running');
    return this.send(worker, method, args, onProgress);
  }

  async scan(opts: ScanOptions = {}): Promise<ScanSummary> {
    const { summary, reloaded } = await this.call('scan', [{ full: opts.full, paths: opts.paths, reportProgress: !!opts.onProgress }], opts.onProgress);
    // A reload means another window wrote new data: this window's chip and panel must repaint too.
    if (reloaded || scanChangedData(summary)) this.changeEmitter.fire(summary);
    return summary;
  }

  query(params: unknown, nowMs?: number): Promise<QueryResult> {
    return this.call('query', [params, nowMs]);
  }

  status(nowMs?: number): Promise<StatusResult> {
    return this.call('status', [nowMs]);
  }

  readModel(filter: PanelFilter, nowMs?: number): Promise<PanelReadModel> {
    return this.call('readModel', [filter, nowMs]);
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
      // close() saves the DB: the worker is never terminated during that save. The bound only guards against a
      // worker that stopped answering (a save of a very large history takes seconds, never a minute).
      await Promise.race([this.send(worker, 'close', []), new Promise((r) => setTimeout(r, 60_000).unref?.())]);
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
