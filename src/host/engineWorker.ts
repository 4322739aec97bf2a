// The engine's thread: sql.js (single-threaded, and slow on big scans) lives here so the extension host
// never stalls. Bundled to dist/engineWorker.js next to dist/extension.js and dist/sql-wasm.wasm.
// Requests are handled one at a time in arrival order (the Engine serialises them too).
import { parentPort } from 'node:worker_threads';
import { Engine } from '../core/engine';
import type { HistoryProgress } from '../core/engine-api';
import type { Logger } from '../core/types';
import { CANCELLABLE_METHODS, serializeError, type EngineInfo, type WorkerCancel, type WorkerMessage, type WorkerMethods, type WorkerRequest } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('engineWorker must run in a worker thread');

function post(msg: WorkerMessage): void {
  port!.postMessage(msg);
}

const log: Logger = {
  info: (message) => post({ kind: 'log', level: 'info', message }),
  warn: (message) => post({ kind: 'log', level: 'warn', message }),
  error: (message) => post({ kind: 'log', level: 'error', message }),
  debug: (message) => post({ kind: 'log', level: 'debug', message }),
};

let engine: Engine | null = null;
/** Signals of the cancellable requests still waiting or running, by request id. */
const signals = new Map<number, AbortController>();

function signalOf(id: number): AbortSignal | undefined {
  return signals.get(id)?.signal;
}

function requireEngine(): Engine {
  if (!engine) throw new Error('the engine is not open');
  return engine;
}

function info(e: Engine): EngineInfo {
  return { isWriter: e.isWriter, dbPath: e.dbPath, roots: e.roots(), movedAside: e.movedAside };
}

function throttledProgress(id: number): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    post({ kind: 'progress', id, done, total });
  };
}

/** History progress at most once a second (each one makes the host repaint), the first status and the end always. */
function throttledHistory(id: number): (progress: HistoryProgress) => void {
  let last = 0;
  return (progress) => {
    const now = Date.now();
    if (!progress.complete && now - last < 1_000) return;
    last = now;
    post({ kind: 'history', id, progress, status: null });
  };
}

type Handlers = { [M in keyof WorkerMethods]: (req: WorkerRequest<M>) => Promise<WorkerMethods[M]['result']> | WorkerMethods[M]['result'] };

const handlers: Handlers = {
  async open(req) {
    if (engine) await engine.close();
    const [opts] = req.args;
    engine = await Engine.open({ ...opts, env: opts.env as NodeJS.ProcessEnv | undefined, log });
    return info(engine);
  },
  async scan(req) {
    const [opts] = req.args;
    const e = requireEngine();
    // A follower reloads the DB when another window saved it: the database object is then a new one.
    const before = await e.withDatabase((db) => db);
    const summary = await e.scan({
      full: opts.full,
      paths: opts.paths,
      nowMs: opts.nowMs,
      // Only when asked, and at most every 100 ms (a scan may report per file).
      onProgress: opts.reportProgress ? throttledProgress(req.id) : undefined,
      onFirstStatus: opts.history
        ? (status, p) => post({ kind: 'history', id: req.id, progress: { filesRead: p.filesDone, filesTotal: p.filesTotal, complete: false }, status })
        : undefined,
      onHistoryProgress: opts.history ? throttledHistory(req.id) : undefined,
    });
    const after = await e.withDatabase((db) => db);
    return { summary, reloaded: before !== after };
  },
  query: (req) => requireEngine().query(req.args[0], req.args[1], { signal: signalOf(req.id) }),
  status: (req) => requireEngine().status(req.args[0]),
  readModel: (req) => requireEngine().readModel(req.args[0], req.args[1], { signal: signalOf(req.id) }),
  sideBar: (req) => requireEngine().sideBar(req.args[0], req.args[1]),
  setStatusOptions(req) {
    requireEngine().setStatusOptions(req.args[0]);
  },
  info: () => info(requireEngine()),
  persist: () => requireEngine().persist(),
  async close() {
    if (engine) {
      const e = engine;
      engine = null;
      await e.close();
    }
  },
};

port.on('message', async (req: WorkerRequest | WorkerCancel) => {
  if ('cancel' in req) {
    signals.get(req.cancel)?.abort();
    return;
  }
  if (CANCELLABLE_METHODS.has(req.method)) signals.set(req.id, new AbortController());
  try {
    const handler = handlers[req.method] as (r: WorkerRequest) => unknown;
    if (!handler) throw new Error(`unknown engine method: ${String(req.method)}`);
    const value = await handler(req);
    post({ kind: 'result', id: req.id, ok: true, value });
  } catch (e) {
    post({ kind: 'result', id: req.id, ok: false, error: serializeError(e) });
  } finally {
    signals.delete(req.id);
  }
});
