// Worker-thread entry (bundled to dist/parseWorker.js): parses transcript files for the scanner.
import { parentPort } from 'node:worker_threads';
import { parseFile, type FileJob } from './fileParser';
import { packParsedFile } from './parsedBatch';

parentPort?.on('message', (msg: { id: number; job: FileJob }) => {
  parseFile(msg.job).then(
    // Events travel as one transferred Float64Array plus a string table: no JSON text to parse again.
    (result) => {
      const packed = packParsedFile(result);
      parentPort!.postMessage({ id: msg.id, packed }, [packed.numbers.buffer as ArrayBuffer]);
    },
    (e: Error) => parentPort!.postMessage({ id: msg.id, fatal: e?.stack ?? String(e) }),
  );
});
