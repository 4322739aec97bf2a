// Shared plumbing of the reliability tests (issue 8): temp folders, a bundled child driver (plain `node`
// starts in ~0.1 s where `node --import tsx` needs ~1 s, which matters for 50 kill points), totals, logs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Engine } from '../../../../src/core/engine';
import type { Logger } from '../../../../src/core/types';
import type { Metrics } from '../../../../src/core/types';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const requireHere = createRequire(__filename);

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ccc-rel-${prefix}-`));
}

export interface RecordedLog extends Logger {
  lines: Array<{ level: 'info' | 'warn' | 'error'; message: string }>;
  text(): string;
}

export function recordingLogger(): RecordedLog {
  const lines: RecordedLog['lines'] = [];
  return {
    lines,
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
    text: () => lines.map((l) => `${l.level}: ${l.message}`).join('\n'),
  };
}

/** The all-time totals as llm_costs_query reports them (the figure a user sees). */
export async function allTimeTotals(engine: Engine): Promise<Metrics> {
  return (await engine.query({ window: 'all', tz: 'UTC' })).totals;
}

/** Token totals without cost (cost is derived; comparing it too would only restate the pricing tests). */
export function tokenFigures(m: Metrics): Record<string, number> {
  return {
    requests: m.requests, input: m.input_tokens, output: m.output_tokens,
    cacheCreation: m.cache_creation_tokens, cacheRead: m.cache_read_tokens, webSearch: m.web_search_requests,
  };
}

const bundles = new Map<string, string>();

/**
 * Bundles a TypeScript entry with esbuild into a temp folder (next to a copy of sql-wasm.wasm, as the
 * shipped dist/ bundles are) once per test process, and returns the .js path to run with plain `node`.
 */
export async function bundleEntry(entry: string): Promise<string> {
  const cached = bundles.get(entry);
  if (cached && fs.existsSync(cached)) return cached;
  const esbuild = requireHere('esbuild') as typeof import('esbuild');
  const outDir = tempDir('bundle');
  process.once('exit', () => fs.rmSync(outDir, { recursive: true, force: true }));
  const outfile = path.join(outDir, `${path.basename(entry, '.ts')}.js`);
  await esbuild.build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', external: ['vscode'],
  });
  fs.copyFileSync(requireHere.resolve('sql.js/dist/sql-wasm.wasm'), path.join(outDir, 'sql-wasm.wasm'));
  bundles.set(entry, outfile);
  return outfile;
}

/** The crash / concurrency driver (helpers/driver.ts), bundled. */
export function driverBundle(): Promise<string> {
  return bundleEntry(path.join(__dirname, 'driver.ts'));
}

export interface DriverArgs {
  configDir: string;
  dbPath: string;
  /** Scan + persist rounds (default 1). */
  rounds?: number;
  /** Re-read every file from offset 0 on each round (makes every round write a new image). */
  full?: boolean;
  /** Keep looping until this file exists, then do one last round and exit. */
  stopFile?: string;
  pauseMs?: number;
}

/** Where the driver kills itself (SIGKILL) during persist or lock acquisition, for deterministic kill points. */
export type Fault = 'write-half' | 'before-fsync' | 'before-rename' | 'after-rename' | 'lock-written';

export interface DriverRun {
  child: ChildProcess;
  /** Resolves with the child's exit code / signal once it ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Resolves when the child printed a line starting with `marker`. */
  waitFor(marker: string): Promise<void>;
  /** When (ms since spawn) each marker line was first seen. */
  markTimes: Map<string, number>;
}

export function runDriver(script: string, args: DriverArgs, fault?: Fault): DriverRun {
  const child = spawn(process.execPath, [script, JSON.stringify(args)], {
    env: { ...process.env, RELIABILITY_FAULT: fault ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ marker: string; resolve: () => void }> = [];
  const markTimes = new Map<string, number>();
  const t0 = performance.now();
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    stdout += d;
    for (const line of stdout.split('\n')) {
      const word = line.split(' ')[0];
      if (word && !markTimes.has(word)) markTimes.set(word, performance.now() - t0);
    }
    for (const w of [...waiters]) {
      if (stdout.split('\n').some((l) => l.startsWith(w.marker))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr!.on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    exited,
    markTimes,
    waitFor: (marker) =>
      new Promise<void>((resolve) => {
        if (stdout.split('\n').some((l) => l.startsWith(marker))) resolve();
        else waiters.push({ marker, resolve });
      }),
  };
}

/** A seeded PRNG (mulberry32): fuzz and kill timings are reproducible from the seed in the test name. */
export { prng } from '../../helpers/store-fixture';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
