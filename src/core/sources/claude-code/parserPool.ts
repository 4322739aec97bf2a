// Runs parseFile either inline or in parser threads. Threads pay off for large reads (a cold scan of a long
// history) on a machine with cores to spare: parsing then overlaps with the sql.js inserts on the scanner's thread.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseFile, type FileJob, type ParsedFile } from './fileParser';
import { unpackParsedFile, type PackedFile } from './parsedBatch';

/** Reads at least this large go to the worker in 'auto' mode (below it, starting a thread costs more). */
export const WORKER_MIN_BYTES = 48 * 1024 * 1024;
/** Files parsed ahead of the one being stored (bounds the memory of parsed-but-unstored results). */
const LOOKAHEAD = 64;

export type ParallelParse = 'auto' | 'always' | 'never';

/** The worker script: next to the bundle (dist/parseWorker.js), or the source file when run from source. */
function workerScript(): string | null {
  for (const candidate of [path.join(__dirname, 'parseWorker.js'), path.join(__dirname, 'parseWorker.ts')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * Parser threads for a large read: one per core beyond the two a scan keeps busy anyway (its own thread, and
 * garbage collection, file reads and the editor around it), at most 2. A thread pays only with a core of its
 * own: on 2 cores (410 MB cold scan, five alternating runs, docs/benchmark.md) 0 threads took 3.83 s, 201 MB and
 * 4.97 s of CPU; 2 threads 3.81 s, 271 MB and 6.13 s (1 thread: 4.07 s, 236 MB).
 */
export function defaultParserThreads(cores: number): number {
  return Math.max(0, Math.min(2, cores - 2));
}

/**
 * How many parser threads a scan of `jobs` uses: 0 parses on the scanner's thread. `threads` (from the
 * options) wins when given; otherwise none below WORKER_MIN_BYTES and defaultParserThreads above ('always':
 * at least one).
 */
export function parserThreadCount(
  jobs: number, totalBytes: number, mode: ParallelParse, threads?: number, cores = os.availableParallelism?.() ?? os.cpus().length,
): number {
  if (mode === 'never' || jobs <= 1) return 0;
  if (threads !== undefined) return Math.max(0, Math.min(4, Math.floor(threads)));
  if (mode === 'always') return Math.max(1, defaultParserThreads(cores));
  return totalBytes < WORKER_MIN_BYTES ? 0 : defaultParserThreads(cores);
}

/** Parses `jobs` in order and hands each result to `consume` in the same order. */
export async function parseFilesInOrder(
  jobs: FileJob[],
  totalBytes: number,
  mode: ParallelParse,
  consume: (result: ParsedFile, index: number) => void,
  requestedThreads?: number,
): Promise<void> {
  const script = workerScript();
  const threads = script === null ? 0 : parserThreadCount(jobs.length, totalBytes, mode, requestedThreads);
  if (threads === 0) {
    for (let i = 0; i < jobs.length; i++) consume(await parseFile(jobs[i]), i);
    return;
  }
  const workers: Worker[] = [];
  const waiting = new Map<number, { resolve: (r: ParsedFile) => void; reject: (e: Error) => void }>();
  let failure: Error | null = null;
  const failAll = (e: Error) => {
    failure ??= e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  for (let t = 0; t < threads; t++) {
    // Run from source (tests under tsx), the worker must register the TypeScript loader itself.
    const worker = script!.endsWith('.ts')
      ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(script)});`, { eval: true })
      : new Worker(script!);
    worker.on('message', (msg: { id: number; packed?: PackedFile; fatal?: string }) => {
      const w = waiting.get(msg.id);
      if (!w) return;
      waiting.delete(msg.id);
      if (msg.fatal !== undefined) w.reject(new Error(`transcript parser failed: ${msg.fatal}`));
      else w.resolve(unpackParsedFile(msg.packed!));
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`transcript parser thread exited (${code})`)));
    workers.push(worker);
  }
  const submit = (i: number): Promise<ParsedFile> =>
    failure
      ? Promise.reject(failure)
      : new Promise<ParsedFile>((resolve, reject) => {
          waiting.set(i, { resolve, reject });
          workers[i % workers.length].postMessage({ id: i, job: jobs[i] });
        });
  try {
    const inFlight: Array<Promise<ParsedFile>> = [];
    const enqueue = (i: number) => {
      const p = submit(i);
      p.catch(() => undefined); // handled when its turn comes; avoids an unhandled-rejection warning
      inFlight[i] = p;
    };
    for (let i = 0; i < Math.min(LOOKAHEAD, jobs.length); i++) enqueue(i);
    for (let i = 0; i < jobs.length; i++) {
      const result = await inFlight[i];
      delete inFlight[i];
      if (i + LOOKAHEAD < jobs.length) enqueue(i + LOOKAHEAD);
      consume(result, i);
    }
  } finally {
    for (const w of workers) {
      w.removeAllListeners('exit');
      await w.terminate();
    }
  }
}
