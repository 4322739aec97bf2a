// A worker that answers `open` and `close` (close after env.STALL_CLOSE_MS, as a slow final save) and
// never answers anything else: the client's time bounds and cancellations are observed against it.
// Every cancel it receives comes back as a log line "cancel <id>".
const { parentPort } = require('node:worker_threads');

let closeDelayMs = 0;
parentPort.on('message', (m) => {
  if ('cancel' in m) {
    parentPort.postMessage({ kind: 'log', level: 'info', message: `cancel ${m.cancel}` });
    return;
  }
  if (m.method === 'open') {
    closeDelayMs = Number(m.args[0].env?.STALL_CLOSE_MS ?? 0);
    parentPort.postMessage({ kind: 'result', id: m.id, ok: true, value: { isWriter: true, dbPath: null, roots: [], movedAside: null } });
  } else if (m.method === 'close') {
    setTimeout(() => {
      parentPort.postMessage({ kind: 'log', level: 'info', message: 'saved and closed' });
      parentPort.postMessage({ kind: 'result', id: m.id, ok: true, value: undefined });
    }, closeDelayMs);
  }
});
