// Worker-thread entry (bundled to dist/parseWorker.js): parses transcript files for the scanner.
import { parentPort } from 'node:worker_threads';
import { parseFile, type FileJob } from './fileParser';

parentPort?.on('message', (msg: { id: number; job: FileJob }) => {
  parseFile(msg.job).then(
    // A JSON string crosses threads as one copy; structured-cloning thousands of small objects cost more.
    (result) => parentPort!.postMessage({ id: msg.id, json: JSON.stringify(result) }),
    (e: Error) => parentPort!.postMessage({ id: msg.id, fatal: e?.stack ?? String(e) }),
  );
});
