// Worker entry for the no-network test: blocks and reports every socket / fetch / DNS attempt made inside
// the engine's thread (as a log message the client forwards), then runs the TypeScript engine worker.
const { parentPort } = require('node:worker_threads');
const net = require('node:net');
const dns = require('node:dns');
const report = (what) => {
  parentPort.postMessage({ kind: 'log', level: 'error', message: `NETWORK ATTEMPT in engine worker: ${what}` });
  throw new Error(`network call attempted: ${what}`);
};
net.Socket.prototype.connect = function () { return report('net.Socket.connect'); };
globalThis.fetch = () => report('fetch');
dns.lookup = () => report('dns.lookup');
require('tsx/cjs/api').register();
require('../../../src/host/engineWorker.ts');
