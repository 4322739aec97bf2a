// The benchmark: our shipped CLI (dist/cli.js) against ccusage v20.0.24 and the hardware limit, on a
// generated corpus, in one run. See docs/benchmark.md.
//
//   npm run bench -- --size 600MB [--runs 3] [--seed 1] [--skip-ccusage] [--profile]
//                    [--readmodel-sizes 100000,1000000] [--iterations 5]
//
// Everything it downloads or generates lives in the git-ignored bench/.cache/; results go to the
// git-ignored bench/results/<timestamp>.json.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { generateCorpus, parseSize, stampMtimes, type CorpusTruth } from './corpus/generate';
import { checkAgreement, fromCcusage, fromOurs, fromTruth, renderAgreement, type AgreementReport, type CcusageDaily, type OurQueryResult } from './agreement';
import { ccusageRuleDeltas } from './ccusage-rules';
import { formatBytes, formatMs, hasGnuTime, killRunningChildren, parseProbeOutput, runChild, stats, type ChildResult, type Stats } from './measure';
import { renderProfileSummary, summarizeProfile, type CpuProfile, type ProfileSummary } from './profile';
import { coldScan, compareRows, emptyCompareSamples, firstStatus, prepareBaseline, warmQuery } from './compare';

const REPO = path.resolve(__dirname, '..');
const CACHE = path.join(REPO, 'bench', '.cache');
const RESULTS = path.join(REPO, 'bench', 'results');
export const CCUSAGE_VERSION = '20.0.24';
const CCUSAGE_DIR = path.join(CACHE, 'ccusage');
const CCUSAGE_BIN = path.join(CCUSAGE_DIR, 'node_modules', '@ccusage', `ccusage-${process.platform}-${process.arch}`, 'bin', 'ccusage');
const PROBES = path.join(CACHE, 'probes');
const HIGH_LOAD = 1.5;
/** In-process probes finish in seconds; a hung one (say, a worker that never answers) is killed. */
const PROBE_TIMEOUT_MS = 10 * 60_000;

// ------------------------------------------------------------------------------------ options

export interface BenchOptions {
  size: string;
  sizeBytes: number;
  runs: number;
  seed: number;
  skipCcusage: boolean;
  profile: boolean;
  readModelSizes: number[];
  iterations: number;
  /** An earlier commit measured side by side (cold scan, warm query), e.g. 72bb769 = 0.1.0. */
  baseline: string | null;
  /** Extra cold scans with these parser thread counts. */
  threads: number[];
}

const USAGE = `usage: npm run bench -- --size 600MB [--runs 3] [--seed 1] [--skip-ccusage] [--profile]
                     [--readmodel-sizes 100000,1000000] [--iterations 5] [--baseline 72bb769] [--threads 0,1,2]`;

function parseCount(s: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(s.trim());
  if (!m) throw new Error(`${flag}: expected a count like 100000, 100k or 1M, got "${s}"`);
  return Math.round(Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1));
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = { size: '600MB', sizeBytes: 0, runs: 3, seed: 1, skipCcusage: false, profile: false, readModelSizes: [100_000, 1_000_000], iterations: 5, baseline: null, threads: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    const positiveInt = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a}: expected a positive integer, got "${v}"`);
      return n;
    };
    switch (a) {
      case '--size': o.size = value().replace(/\s+/g, '').toUpperCase(); break;
      case '--runs': o.runs = positiveInt(value()); break;
      case '--seed': {
        const v = value();
        o.seed = Number(v);
        if (!Number.isInteger(o.seed)) throw new Error(`--seed: expected an integer, got "${v}"`);
        break;
      }
      case '--iterations': o.iterations = positiveInt(value()); break;
      case '--skip-ccusage': o.skipCcusage = true; break;
      case '--profile': o.profile = true; break;
      case '--baseline': o.baseline = value(); break;
      case '--threads': o.threads = value().split(',').map((x) => positiveInt(String(Number(x) + 1)) - 1); break;
      case '--readmodel-sizes': {
        const v = value();
        o.readModelSizes = v === '' || v === 'none' ? [] : v.split(',').map((x) => parseCount(x, a));
        if (o.readModelSizes.some((n) => n < 1)) throw new Error(`${a}: counts must be positive`);
        break;
      }
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  o.sizeBytes = parseSize(o.size);
  return o;
}

// ------------------------------------------------------------------------------------ machine

export function machineInfo() {
  const cpu = os.cpus();
  return {
    nproc: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadavg: os.loadavg(),
  };
}

// ------------------------------------------------------------------------------------ preparation

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Production build (what `npm run package` ships: minified, no source maps): the measured code. */
export const DIST_MEASURED = path.join(CACHE, 'dist-production');
/** Development build (source maps): what --profile runs, so frames map back to src/. */
export const DIST_PROFILED = path.join(CACHE, 'dist-dev');

/**
 * Builds dist/ with scripts/build.mjs, production then development, and snapshots each into bench/.cache:
 * other work may rebuild dist/ during a long run, the snapshots stay as built. dist/ is left as the
 * development build. A snapshot is checked by its source-map comment (present only in the dev build).
 */
function buildSnapshots(): void {
  for (const [flags, dest, withMaps] of [[['--production'], DIST_MEASURED, false], [[], DIST_PROFILED, true]] as const) {
    for (let tries = 1; ; tries++) {
      log(`building dist/ (node scripts/build.mjs ${flags.join(' ')}) → ${path.relative(REPO, dest)}`);
      execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), ...flags], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
      fs.rmSync(dest, { recursive: true, force: true });
      fs.cpSync(path.join(REPO, 'dist'), dest, { recursive: true });
      const missing = ['cli.js', 'extension.js', 'engineWorker.js', 'sql-wasm.wasm'].filter((f) => !fs.existsSync(path.join(dest, f)));
      if (missing.length) throw new Error(`dist/${missing.join(', dist/')} missing after the build`);
      for (const f of fs.readdirSync(dest).filter((n) => n.endsWith('.map'))) {
        if (!withMaps) {
          fs.rmSync(path.join(dest, f));
          continue;
        }
        // The maps name sources relative to dist/: anchor them there, so the copy still maps to src/.
        const map = JSON.parse(fs.readFileSync(path.join(dest, f), 'utf8')) as { sourceRoot?: string };
        map.sourceRoot = path.join(REPO, 'dist');
        fs.writeFileSync(path.join(dest, f), JSON.stringify(map));
      }
      const tail = fs.readFileSync(path.join(dest, 'cli.js'), 'utf8').slice(-200);
      if (tail.includes('//# sourceMappingURL=') === withMaps) break;
      if (tries === 2) throw new Error(`dist/ kept changing while it was copied (another build running?); try again`);
    }
  }
}

/** The probes are bundled like dist/ (esbuild, cjs, node20), so in-process figures measure bundled core code. */
async function buildProbes(): Promise<void> {
  fs.mkdirSync(PROBES, { recursive: true });
  await esbuild.build({
    entryPoints: ['baseline', 'warm', 'readmodel', 'activation', 'firstStatus'].map((n) => path.join(REPO, 'bench', 'probes', `${n}.ts`)),
    outdir: PROBES,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: true,
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(DIST_MEASURED, 'sql-wasm.wasm'), path.join(PROBES, 'sql-wasm.wasm'));
}

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function bytesUnder(dir: string): number {
  return filesUnder(dir).reduce((a, f) => a + fs.statSync(f).size, 0);
}

/** A pending append (the process died before truncating) is undone before anything reads the corpus. */
export function appendMarker(corpus: string): string {
  return path.join(corpus, '.bench-append.json');
}

export function restorePendingAppend(corpus: string): void {
  const marker = appendMarker(corpus);
  if (!fs.existsSync(marker)) return;
  const { file, size } = JSON.parse(fs.readFileSync(marker, 'utf8')) as { file: string; size: number };
  if (fs.existsSync(file) && fs.statSync(file).size > size) {
    fs.truncateSync(file, size);
    log(`restored ${path.relative(REPO, file)} to ${size} bytes (an earlier run stopped during the append test)`);
  }
  fs.rmSync(marker);
}

async function ensureCorpus(o: BenchOptions): Promise<{ dir: string; truth: CorpusTruth; generatedMs: number | null }> {
  const dir = path.join(CACHE, `corpus-${o.size}-${o.seed}`);
  const truthFile = path.join(dir, 'truth.json');
  if (fs.existsSync(truthFile)) {
    restorePendingAppend(dir);
    const truth = JSON.parse(fs.readFileSync(truthFile, 'utf8')) as CorpusTruth;
    const onDisk = bytesUnder(path.join(dir, 'projects'));
    if (truth.targetBytes === o.sizeBytes && truth.seed === o.seed && onDisk === truth.bytes) {
      log(`reusing corpus ${path.relative(REPO, dir)} (${formatBytes(truth.bytes)}, ${truth.jsonlFiles} transcripts)`);
      stampMtimes(path.join(dir, 'projects')); // corpora generated before files got their real mtimes
      return { dir, truth, generatedMs: null };
    }
    log(`corpus ${path.relative(REPO, dir)} does not match its truth.json (${onDisk} bytes on disk vs ${truth.bytes}); regenerating`);
  }
  // A generation killed before it wrote truth.json leaves projects/ without it; the folder is ours (in bench/.cache).
  if (!fs.existsSync(truthFile)) fs.rmSync(dir, { recursive: true, force: true });
  log(`generating a ${o.size} corpus (seed ${o.seed}) into ${path.relative(REPO, dir)}`);
  const t0 = performance.now();
  const truth = await generateCorpus({ outDir: dir, targetBytes: o.sizeBytes, seed: o.seed });
  return { dir, truth, generatedMs: performance.now() - t0 };
}

/** Installs ccusage into bench/.cache/ccusage with npm --prefix (never globally). Returns an error text or null. */
function ensureCcusage(): string | null {
  const launcher = path.join(CCUSAGE_DIR, 'node_modules', 'ccusage', 'package.json');
  const installed = fs.existsSync(launcher) && (JSON.parse(fs.readFileSync(launcher, 'utf8')) as { version?: string }).version === CCUSAGE_VERSION;
  if (!installed || !fs.existsSync(CCUSAGE_BIN)) {
    log(`installing ccusage@${CCUSAGE_VERSION} into ${path.relative(REPO, CCUSAGE_DIR)}`);
    try {
      fs.mkdirSync(CCUSAGE_DIR, { recursive: true });
      const pkg = path.join(CCUSAGE_DIR, 'package.json');
      if (!fs.existsSync(pkg)) fs.writeFileSync(pkg, '{ "name": "ccusage-bench-cache", "private": true }\n');
      execFileSync('npm', ['install', '--prefix', CCUSAGE_DIR, '--no-audit', '--no-fund', '--save-exact', `ccusage@${CCUSAGE_VERSION}`], {
        cwd: CCUSAGE_DIR, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000,
      });
    } catch (e) {
      const err = e as { stderr?: Buffer; message: string };
      return `npm install ccusage@${CCUSAGE_VERSION} failed: ${(err.stderr?.toString() || err.message).trim().split('\n').slice(-3).join(' ')}`;
    }
  }
  if (!fs.existsSync(CCUSAGE_BIN)) return `ccusage's native binary is missing at ${CCUSAGE_BIN} (no @ccusage/ccusage-${process.platform}-${process.arch} for this platform?)`;
  // npm does not always keep the executable bit of the optional platform package's binary.
  fs.chmodSync(CCUSAGE_BIN, 0o755);
  return null;
}

/** A top-level session transcript ending in a newline: where the append test writes (and then truncates). */
export function pickAppendTarget(corpus: string): string {
  const projects = path.join(corpus, 'projects');
  for (const proj of fs.readdirSync(projects).sort()) {
    const dir = path.join(projects, proj);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      if (!name.endsWith('.jsonl')) continue;
      const file = path.join(dir, name);
      const size = fs.statSync(file).size;
      if (size === 0) continue;
      const fd = fs.openSync(file, 'r');
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      fs.closeSync(fd);
      if (last[0] === 0x0a) return file;
    }
  }
  throw new Error(`no transcript ending in a newline under ${projects}`);
}

function sourceHash(files: string[]): string {
  const h = createHash('sha1');
  for (const f of files) h.update(f).update(fs.existsSync(f) ? fs.readFileSync(f) : '');
  return h.digest('hex').slice(0, 12);
}

interface ReadModelDb {
  requests: number;
  path: string;
  built: { buildMs: number; persistMs: number; dbBytes: number; at: string };
  reused: boolean;
}

/** DBs of N synthetic requests, rebuilt when the store, pricing or the synthetic generator changed. */
async function ensureReadModelDb(n: number, nowMs: number): Promise<ReadModelDb> {
  const inputs = [
    ...['schema.ts', 'ingest.ts', 'db.ts'].map((f) => path.join(REPO, 'src', 'core', 'store', f)),
    ...fs.readdirSync(path.join(REPO, 'src', 'core', 'pricing')).sort().map((f) => path.join(REPO, 'src', 'core', 'pricing', f)),
    path.join(REPO, 'bench', 'probes', 'readmodel.ts'),
  ];
  const file = path.join(CACHE, `readmodel-${n}-${sourceHash(inputs)}-${nowMs}.sqlite`);
  const meta = `${file}.json`;
  if (fs.existsSync(file) && fs.existsSync(meta)) {
    return { requests: n, path: file, built: JSON.parse(fs.readFileSync(meta, 'utf8')) as ReadModelDb['built'], reused: true };
  }
  for (const old of fs.readdirSync(CACHE)) if (old.startsWith(`readmodel-${n}-`)) fs.rmSync(path.join(CACHE, old), { force: true });
  log(`building a DB of ${n.toLocaleString('en-US')} synthetic requests through the Ingestor`);
  const r = await runChild({ command: process.execPath, args: [path.join(PROBES, 'readmodel.js'), 'build', String(n), file, String(nowMs)] });
  const out = parseProbeOutput(r.stdout);
  if (r.exitCode !== 0 || !out) throw new Error(`building the ${n}-request DB failed (exit ${r.exitCode}): ${r.stderr.trim().slice(-2000)}`);
  const built = { buildMs: Number(out.buildMs), persistMs: Number(out.persistMs), dbBytes: Number(out.dbBytes), at: new Date().toISOString() };
  fs.writeFileSync(meta, JSON.stringify(built, null, 2));
  return { requests: n, path: file, built, reused: false };
}

// ------------------------------------------------------------------------------------ measurements

interface Samples {
  ourWallMs: number[];
  ourRssBytes: number[];
  ourScanMs: number[];
  ourPersistMs: number[];
  ourDbBytes: number[];
  ccWallMs: number[];
  ccRssBytes: number[];
  readWallMs: number[];
  readWorkMs: number[];
  readRssBytes: number[];
  parseWallMs: number[];
  parseWorkMs: number[];
  parseRssBytes: number[];
  warmOpenMs: number[];
  warmFirstScanMs: number[];
  warmStatMs: number[];
  warmReadModelMs: number[];
  warmTotalMs: number[];
  warmStatusMs: number[];
  appendScanMs: number[];
  appendStatusMs: number[];
  appendTotalMs: number[];
  appendBytes: number[];
  activationLoadMs: number[];
  activationActivateMs: number[];
  activationTotalMs: number[];
  activationFirstChipMs: number[];
  readModel: Record<number, { openMs: number[]; firstMs: number[]; readModelMs: number[]; queryMs: number[]; statusMs: number[]; persistMs: number[]; requestsInWindow: number }>;
}

function emptySamples(): Samples {
  return {
    ourWallMs: [], ourRssBytes: [], ourScanMs: [], ourPersistMs: [], ourDbBytes: [], ccWallMs: [], ccRssBytes: [],
    readWallMs: [], readWorkMs: [], readRssBytes: [], parseWallMs: [], parseWorkMs: [], parseRssBytes: [],
    warmOpenMs: [], warmFirstScanMs: [], warmStatMs: [], warmReadModelMs: [], warmTotalMs: [], warmStatusMs: [],
    appendScanMs: [], appendStatusMs: [], appendTotalMs: [], appendBytes: [],
    activationLoadMs: [], activationActivateMs: [], activationTotalMs: [], activationFirstChipMs: [], readModel: {},
  };
}

function failed(what: string, r: ChildResult): Error {
  return new Error(`${what} exited with ${r.exitCode}:\n${(r.stderr || r.stdout).trim().slice(-3000)}`);
}

function probeResult(what: string, r: ChildResult): Record<string, unknown> {
  const out = parseProbeOutput(r.stdout);
  if (r.exitCode !== 0 || !out) throw failed(what, r);
  return out;
}

function nums(x: unknown): number[] {
  return Array.isArray(x) ? x.map(Number) : [Number(x)];
}

/** Our cold scan: the built CLI on a fresh DB. */
async function ourColdScan(corpus: string, dbPath: string, extraNodeArgs: string[] = [], distDir = DIST_MEASURED): Promise<ChildResult & { scanMs: number | null; persistMs: number | null; dbBytes: number }> {
  const r = await runChild({ command: process.execPath, args: [...extraNodeArgs, path.join(distDir, 'cli.js'), 'scan', '--config-dir', corpus, '--db', dbPath, '--verbose'] });
  if (r.exitCode !== 0) throw failed('claude-costs scan', r);
  const scan = /in (\d+(?:\.\d+)?) ms: read/.exec(r.stdout);
  const saved = /Saved [\d.]+ MB database in (\d+(?:\.\d+)?) ms/.exec(r.stderr);
  return { ...r, scanMs: scan ? Number(scan[1]) : null, persistMs: saved ? Number(saved[1]) : null, dbBytes: fs.existsSync(dbPath) ? fs.statSync(dbPath).size : 0 };
}

function ccusageEnv(corpus: string, fakeHome: string): NodeJS.ProcessEnv {
  // A fake HOME (also the working directory: ccusage reads ./.ccusage/ccusage.json) keeps the user's own
  // ~/.claude, config files and other agents' logs out; TZ=UTC fixes the day buckets.
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: fakeHome, TZ: 'UTC', CLAUDE_CONFIG_DIR: corpus, NO_COLOR: '1' };
}

// ------------------------------------------------------------------------------------ report

interface Row {
  figure: string;
  ours: string;
  other: string;
  ratio: string;
  target: string;
  met: string;
}

function fmtStats(s: Stats | null, f: (x: number) => string): string {
  if (!s) return '—';
  return s.n > 1 ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : f(s.median);
}

function verdict(value: number | null | undefined, limit: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value <= limit ? 'yes' : `**no** (${value > limit * 10 ? '>10×' : `${((value / limit - 1) * 100).toFixed(0)} % over`})`;
}

function ratio(a: Stats | null, b: Stats | null): number | null {
  return a && b && b.median > 0 ? a.median / b.median : null;
}

export function renderTable(rows: Row[]): string {
  const lines = ['| figure | ours (median, min–max) | ccusage / baseline | ratio | target | met? |', '|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.figure} | ${r.ours} | ${r.other} | ${r.ratio} | ${r.target} | ${r.met} |`);
  return lines.join('\n');
}

// ------------------------------------------------------------------------------------ main

export async function runBench(o: BenchOptions): Promise<number> {
  const startedAt = new Date();
  const machine = machineInfo();
  const header: string[] = [
    `# Claude Code Costs benchmark — ${startedAt.toISOString()}`,
    '',
    `Machine: ${machine.nproc} × ${machine.cpuModel}, ${formatBytes(machine.memoryBytes)} RAM, Node ${machine.node}, ${machine.platform}.`,
    `Load average at start (1/5/15 min): ${machine.loadavg.map((x) => x.toFixed(2)).join(' / ')}.`,
    'Measured: the production build (`scripts/build.mjs --production`, as `npm run package` ships it); in-process probes bundle src/ with esbuild; profiles use the development build (source maps).',
  ];
  if (machine.loadavg[0] > HIGH_LOAD) header.push(`> **Warning: load average ${machine.loadavg[0].toFixed(2)} > ${HIGH_LOAD}: other work is running, timings are unreliable.**`);
  if (!hasGnuTime()) header.push('> /usr/bin/time is missing: peak RSS comes from each child\'s process.resourceUsage() (install Debian\'s `time` package for GNU time).');
  process.stderr.write(`${header.join('\n')}\n\n`);

  buildSnapshots();
  await buildProbes();
  const { dir: corpus, truth, generatedMs } = await ensureCorpus(o);
  // The corpus's own clock: "last 30 days" and the chip are evaluated at its end, where the data is.
  const nowMs = Date.parse(truth.endDate);
  let ccusageError: string | null = null;
  if (!o.skipCcusage) ccusageError = ensureCcusage();
  if (ccusageError) log(`ccusage unavailable, measuring our side only: ${ccusageError}`);
  const withCcusage = !o.skipCcusage && !ccusageError;
  const baselineDist = o.baseline ? prepareBaseline(REPO, CACHE, o.baseline, log) : null;
  const cmp = emptyCompareSamples();

  // A failing probe costs its own figure, not the run: the error is reported and the exit code is 1.
  const errors: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (e) {
      const msg = `${what}: ${(e as Error).message}`;
      errors.push(msg);
      log(`FAILED ${msg.split('\n').slice(0, 6).join('\n')}`);
      return false;
    }
  };

  const readModelDbs: ReadModelDb[] = [];
  for (const n of o.readModelSizes) {
    await attempt(`building the ${n}-request DB`, async () => {
      readModelDbs.push(await ensureReadModelDb(n, nowMs));
    });
  }

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-bench-'));
  const fakeHome = path.join(scratch, 'home');
  const emptyRoot = path.join(scratch, 'empty-claude');
  fs.mkdirSync(fakeHome, { recursive: true });
  fs.mkdirSync(path.join(emptyRoot, 'projects'), { recursive: true });
  const appendFile = pickAppendTarget(corpus);
  const s = emptySamples();
  let lastOurDb: string | null = null;
  let lastCcusage: CcusageDaily | null = null;
  const profiles: { name: string; title: string; file: string; summary: ProfileSummary }[] = [];
  const loadDuring: number[] = [];

  try {
    for (let run = 0; run < o.runs; run++) {
      const runDir = path.join(scratch, `run-${run + 1}`);
      fs.mkdirSync(runDir);
      const ourDb = path.join(runDir, 'usage.sqlite');
      const steps: Record<string, () => Promise<void>> = {
        ours: async () => {
          const r = await ourColdScan(corpus, ourDb);
          s.ourWallMs.push(r.wallMs);
          if (r.peakRssBytes !== null) s.ourRssBytes.push(r.peakRssBytes);
          if (r.scanMs !== null) s.ourScanMs.push(r.scanMs);
          if (r.persistMs !== null) s.ourPersistMs.push(r.persistMs);
          s.ourDbBytes.push(r.dbBytes);
        },
        ccusage: async () => {
          if (!withCcusage) return;
          const r = await runChild({ command: CCUSAGE_BIN, args: ['claude', 'daily', '--json', '--offline'], env: ccusageEnv(corpus, fakeHome), cwd: fakeHome });
          if (r.exitCode !== 0) throw failed('ccusage claude daily', r);
          s.ccWallMs.push(r.wallMs);
          if (r.peakRssBytes !== null) s.ccRssBytes.push(r.peakRssBytes);
          lastCcusage = JSON.parse(r.stdout) as CcusageDaily;
        },
        read: async () => {
          const r = await runChild({ command: process.execPath, args: [path.join(PROBES, 'baseline.js'), 'read', corpus] });
          const out = probeResult('baseline read', r);
          s.readWallMs.push(r.wallMs);
          s.readWorkMs.push(Number(out.workMs));
          if (r.peakRssBytes !== null) s.readRssBytes.push(r.peakRssBytes);
        },
        baseline: async () => {
          if (!baselineDist) return;
          const r = await coldScan(baselineDist.measured, corpus, path.join(runDir, 'baseline.sqlite'));
          cmp.baseWallMs.push(r.wallMs);
          if (r.peakRssBytes !== null) cmp.baseRssBytes.push(r.peakRssBytes);
        },
        threads: async () => {
          for (const t of o.threads) {
            const r = await coldScan(DIST_MEASURED, corpus, path.join(runDir, `threads-${t}.sqlite`), t);
            (cmp.threadWallMs[t] ??= []).push(r.wallMs);
            if (r.peakRssBytes !== null) (cmp.threadRssBytes[t] ??= []).push(r.peakRssBytes);
          }
        },
        parse: async () => {
          const r = await runChild({ command: process.execPath, args: [path.join(PROBES, 'baseline.js'), 'parse', corpus] });
          const out = probeResult('baseline parse', r);
          s.parseWallMs.push(r.wallMs);
          s.parseWorkMs.push(Number(out.workMs));
          if (r.peakRssBytes !== null) s.parseRssBytes.push(r.peakRssBytes);
        },
      };
      // Alternate the order run by run, so drift in machine load does not favour one side.
      const order = ['ours', 'ccusage', 'baseline', 'threads', 'read', 'parse'];
      for (let k = 0; k < run; k++) order.push(order.shift()!);
      log(`run ${run + 1}/${o.runs}: ${order.filter((x) => x !== 'ccusage' || withCcusage).join(' → ')} → warm/append → activation${readModelDbs.length ? ' → read model' : ''}`);
      let coldScanned = false;
      for (const step of order) {
        const ok = await attempt(`run ${run + 1} ${step}`, steps[step]);
        if (step === 'ours') coldScanned = ok;
      }
      if (coldScanned) lastOurDb = ourDb;
      loadDuring.push(os.loadavg()[0]);
      const nowIso = new Date(nowMs).toISOString();
      if (coldScanned) await attempt(`run ${run + 1} warm query`, async () => {
        cmp.warmQueryMs.push((await warmQuery(DIST_MEASURED, corpus, ourDb, nowIso)).wallMs);
        const baseDb = path.join(runDir, 'baseline.sqlite');
        if (baselineDist && fs.existsSync(baseDb)) cmp.baseWarmQueryMs.push((await warmQuery(baselineDist.measured, corpus, baseDb, nowIso)).wallMs);
      });
      await attempt(`run ${run + 1} first-status probe`, () => firstStatus(path.join(PROBES, 'firstStatus.js'), corpus, path.join(runDir, 'first-status.sqlite'), nowMs, cmp));

      // Warm refresh + append, on a copy of this run's cold-scan DB; the transcript is truncated back after.
      if (coldScanned) await attempt(`run ${run + 1} warm/append probe`, async () => {
        const warmDb = path.join(runDir, 'warm.sqlite');
        fs.copyFileSync(ourDb, warmDb);
        const originalSize = fs.statSync(appendFile).size;
        fs.writeFileSync(appendMarker(corpus), JSON.stringify({ file: appendFile, size: originalSize }));
        try {
          const r = await runChild({ command: process.execPath, args: [path.join(PROBES, 'warm.js'), warmDb, corpus, appendFile, String(nowMs), String(o.iterations)], timeoutMs: PROBE_TIMEOUT_MS });
          const out = probeResult('warm/append probe', r);
          s.warmOpenMs.push(Number(out.openMs));
          s.warmFirstScanMs.push(Number(out.firstScanMs));
          s.warmStatMs.push(...nums(out.statMs));
          s.warmReadModelMs.push(...nums(out.readModelMs));
          s.warmTotalMs.push(...nums(out.warmMs));
          s.warmStatusMs.push(...nums(out.statusMs));
          s.appendScanMs.push(...nums(out.appendScanMs));
          s.appendStatusMs.push(...nums(out.appendStatusMs));
          s.appendTotalMs.push(...nums(out.appendTotalMs));
          s.appendBytes.push(...nums(out.appendBytes));
        } finally {
          fs.truncateSync(appendFile, originalSize);
          fs.rmSync(appendMarker(corpus), { force: true });
        }
      });

      await attempt(`run ${run + 1} activation probe`, async () => {
        const act = await runChild({ command: process.execPath, args: [path.join(PROBES, 'activation.js'), DIST_MEASURED, REPO, path.join(runDir, 'activation')], timeoutMs: PROBE_TIMEOUT_MS });
        const a = probeResult('activation probe', act);
        s.activationLoadMs.push(Number(a.loadMs));
        s.activationActivateMs.push(Number(a.activateMs));
        s.activationTotalMs.push(Number(a.totalMs));
        s.activationFirstChipMs.push(Number(a.firstChipMs));
      });

      for (const db of readModelDbs) await attempt(`run ${run + 1} read model probe (${db.requests})`, async () => {
        const r = await runChild({
          command: process.execPath,
          args: [path.join(PROBES, 'readmodel.js'), 'time', db.path, String(nowMs), String(o.iterations), emptyRoot, path.join(runDir, `persist-${db.requests}.sqlite`)],
          timeoutMs: PROBE_TIMEOUT_MS,
        });
        const out = probeResult(`read model probe (${db.requests})`, r);
        const rm = (s.readModel[db.requests] ??= { openMs: [], firstMs: [], readModelMs: [], queryMs: [], statusMs: [], persistMs: [], requestsInWindow: 0 });
        rm.openMs.push(Number(out.openMs));
        rm.firstMs.push(Number(out.firstMs));
        rm.readModelMs.push(...nums(out.readModelMs));
        rm.queryMs.push(...nums(out.queryMs));
        rm.statusMs.push(...nums(out.statusMs));
        if (out.persistMs !== null) rm.persistMs.push(Number(out.persistMs));
        rm.requestsInWindow = Number(out.requestsInWindow);
      });
    }

    if (o.profile) {
      const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
      /** Runs one child under --cpu-prof, keeps its .cpuprofile next to the results and summarises it. */
      const profiled = async (name: string, title: string, run: (profDir: string) => Promise<void>) => {
        await attempt(`profiling ${name}`, async () => {
          log(`profiling ${title} with --cpu-prof`);
          const profDir = path.join(scratch, `profile-${name}`);
          await run(profDir);
          const produced = fs.existsSync(profDir) ? fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')) : [];
          if (produced.length === 0) throw new Error('no .cpuprofile was written');
          fs.mkdirSync(RESULTS, { recursive: true });
          const file = path.join(RESULTS, `${stamp}-${name}.cpuprofile`);
          fs.copyFileSync(path.join(profDir, produced[0]), file);
          profiles.push({ name, title, file: path.relative(REPO, file), summary: summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, { top: 15, baseDir: REPO }) });
        });
      };
      const profileDb = path.join(scratch, 'profile.sqlite');
      await profiled('cold-scan', 'one cold scan (development build of dist/cli.js, source-mapped)', async (dir) => {
        await ourColdScan(corpus, profileDb, ['--cpu-prof', '--cpu-prof-dir', dir], DIST_PROFILED);
      });
      if (baselineDist) {
        await profiled('cold-scan-baseline', `one cold scan by the baseline ${o.baseline} (its development build, source-mapped)`, async (dir) => {
          await ourColdScan(corpus, path.join(scratch, 'profile-baseline.sqlite'), ['--cpu-prof', '--cpu-prof-dir', dir], baselineDist.profiled);
        });
      }
      // The warm path too (open, first scan, repeated stat + read model, appends): where the small targets are.
      if (fs.existsSync(profileDb)) {
        await profiled('warm', `one warm/append probe (${o.iterations} stat + read model + status rounds, then ${o.iterations} appends)`, async (dir) => {
          const warmDb = path.join(scratch, 'profile-warm.sqlite');
          fs.copyFileSync(profileDb, warmDb);
          const originalSize = fs.statSync(appendFile).size;
          fs.writeFileSync(appendMarker(corpus), JSON.stringify({ file: appendFile, size: originalSize }));
          try {
            const r = await runChild({ command: process.execPath, args: ['--cpu-prof', '--cpu-prof-dir', dir, path.join(PROBES, 'warm.js'), warmDb, corpus, appendFile, String(nowMs), String(o.iterations)] });
            probeResult('warm/append probe (profiled)', r);
          } finally {
            fs.truncateSync(appendFile, originalSize);
            fs.rmSync(appendMarker(corpus), { force: true });
          }
        });
      }
      const largest = [...readModelDbs].sort((a, b) => b.requests - a.requests)[0];
      if (largest) {
        await profiled('readmodel', `one read-model probe at ${largest.requests.toLocaleString('en-US')} requests (open, ${o.iterations + 1} readModel, ${o.iterations} query + status, one persist)`, async (dir) => {
          const r = await runChild({
            command: process.execPath,
            args: ['--cpu-prof', '--cpu-prof-dir', dir, path.join(PROBES, 'readmodel.js'), 'time', largest.path, String(nowMs), String(o.iterations), emptyRoot, path.join(scratch, 'profile-persist.sqlite')],
          });
          probeResult('read model probe (profiled)', r);
        });
      }
    }

    // ---------------------------------------------------------------- agreement
    log('agreement check: ours vs ccusage vs truth.json');
    let ours: OurQueryResult | null = null;
    const ourDbForQuery = lastOurDb as string | null;
    if (ourDbForQuery) await attempt('our totals for the agreement check', async () => {
      const q = await runChild({
        command: process.execPath,
        args: [path.join(DIST_MEASURED, 'cli.js'), 'query', '--config-dir', corpus, '--db', ourDbForQuery, '--no-scan', '--params', JSON.stringify({ window: 'all', group_by: 'model', tz: 'UTC', limit: 1000 })],
      });
      if (q.exitCode !== 0) throw failed('claude-costs query', q);
      ours = JSON.parse(q.stdout) as OurQueryResult;
    });
    const deltas = withCcusage ? ccusageRuleDeltas(corpus) : null;
    const cc = lastCcusage as CcusageDaily | null;
    const oursResult = ours as OurQueryResult | null;
    const agreement: AgreementReport = checkAgreement({
      ours: oursResult ? fromOurs(oursResult) : null,
      ccusage: cc ? fromCcusage(cc, new Set(Object.keys(deltas?.fastRequests ?? {}))) : null,
      truth: fromTruth(truth),
      deltas,
      truthRequests: truth.uniqueRequests,
      ourRequests: oursResult?.totals.requests,
    });

    // ---------------------------------------------------------------- table
    const st = (xs: number[]) => stats(xs);
    const ourWall = st(s.ourWallMs);
    const ccWall = st(s.ccWallMs);
    const ourRss = st(s.ourRssBytes);
    const ccRss = st(s.ccRssBytes);
    const readWall = st(s.readWallMs);
    const parseWall = st(s.parseWallMs);
    const mib = (b: number) => formatBytes(b);
    const rows: Row[] = [];
    const wallRatio = ratio(ourWall, ccWall);
    rows.push({ figure: `cold ingest, wall (${formatBytes(truth.bytes)}, ${truth.jsonlFiles} files)`, ours: fmtStats(ourWall, formatMs), other: withCcusage ? `ccusage ${fmtStats(ccWall, formatMs)}` : 'ccusage not run', ratio: wallRatio !== null ? `${wallRatio.toFixed(2)}×` : '—', target: '≤ 1.0× ccusage (goal ≤ 0.5×)', met: verdict(wallRatio, 1.0) });
    const rssRatio = ratio(ourRss, ccRss);
    rows.push({ figure: 'cold ingest, peak RSS', ours: fmtStats(ourRss, mib), other: withCcusage ? `ccusage ${fmtStats(ccRss, mib)}` : 'ccusage not run', ratio: rssRatio !== null ? `${rssRatio.toFixed(2)}×` : '—', target: '≤ 1.2× ccusage', met: verdict(rssRatio, 1.2) });
    rows.push(...compareRows(cmp, { wallMs: s.ourWallMs, rssBytes: s.ourRssBytes }, withCcusage ? { wallMs: s.ccWallMs, rssBytes: s.ccRssBytes } : null, o.baseline));
    const readRatio = ratio(ourWall, readWall);
    rows.push({ figure: 'cold ingest vs limit: read every byte (Node)', ours: fmtStats(ourWall, formatMs), other: `${fmtStats(readWall, formatMs)} (work ${fmtStats(st(s.readWorkMs), formatMs)}, ${fmtStats(st(s.readRssBytes), mib)})`, ratio: readRatio !== null ? `${readRatio.toFixed(2)}×` : '—', target: 'reported', met: '—' });
    const parseRatio = ratio(ourWall, parseWall);
    rows.push({ figure: 'cold ingest vs limit: read + JSON.parse assistant lines (Node)', ours: fmtStats(ourWall, formatMs), other: `${fmtStats(parseWall, formatMs)} (work ${fmtStats(st(s.parseWorkMs), formatMs)}, ${fmtStats(st(s.parseRssBytes), mib)})`, ratio: parseRatio !== null ? `${parseRatio.toFixed(2)}×` : '—', target: 'reported', met: '—' });
    rows.push({ figure: 'cold ingest: scan inside the CLI / persist', ours: `${fmtStats(st(s.ourScanMs), formatMs)} / ${fmtStats(st(s.ourPersistMs), formatMs)}`, other: '', ratio: '', target: 'reported', met: '—' });
    const dbBytes = st(s.ourDbBytes);
    rows.push({ figure: `DB size after cold ingest (${truth.uniqueRequests.toLocaleString('en-US')} requests)`, ours: fmtStats(dbBytes, mib), other: dbBytes ? `${(dbBytes.median / Math.max(1, truth.uniqueRequests)).toFixed(0)} B/request` : '', ratio: '', target: 'reported', met: '—' });
    const warmTotal = st(s.warmTotalMs);
    rows.push({ figure: 'warm refresh, nothing changed (stat tree + read model)', ours: fmtStats(warmTotal, formatMs), other: `stat ${fmtStats(st(s.warmStatMs), formatMs)}, read model ${fmtStats(st(s.warmReadModelMs), formatMs)}`, ratio: '', target: '≤ 50 ms', met: verdict(warmTotal?.median, 50) });
    rows.push({ figure: 'warm process: DB open / first scan', ours: `${fmtStats(st(s.warmOpenMs), formatMs)} / ${fmtStats(st(s.warmFirstScanMs), formatMs)}`, other: `status() ${fmtStats(st(s.warmStatusMs), formatMs)}`, ratio: '', target: 'reported', met: '—' });
    const appendTotal = st(s.appendTotalMs);
    rows.push({ figure: 'one response appended → scan + status (chip figures)', ours: fmtStats(appendTotal, formatMs), other: `scan ${fmtStats(st(s.appendScanMs), formatMs)}, status ${fmtStats(st(s.appendStatusMs), formatMs)}, ${fmtStats(st(s.appendBytes), mib)} read`, ratio: '', target: '≤ 20 ms', met: verdict(appendTotal?.median, 20) });
    for (const db of readModelDbs) {
      const rm = s.readModel[db.requests];
      const rmStats = st(rm?.readModelMs ?? []);
      const label = db.requests >= 1e6 ? `${db.requests / 1e6}M` : `${db.requests / 1e3}k`;
      rows.push({ figure: `panel read model, last 30 days, all filters off, ${label} stored (${(rm?.requestsInWindow ?? 0).toLocaleString('en-US')} in window)`, ours: fmtStats(rmStats, formatMs), other: `first call ${fmtStats(st(rm?.firstMs ?? []), formatMs)}; query last_30d ${fmtStats(st(rm?.queryMs ?? []), formatMs)}; status ${fmtStats(st(rm?.statusMs ?? []), formatMs)}`, ratio: '', target: db.requests >= 1e6 ? '≤ 100 ms' : 'reported', met: db.requests >= 1e6 ? verdict(rmStats?.median, 100) : '—' });
      const perMillion = (db.built.dbBytes / db.requests) * 1e6;
      rows.push({ figure: `DB at ${label} requests: size / open / persist (export + atomic write)`, ours: `${formatBytes(db.built.dbBytes)} (${formatBytes(perMillion)} per 1M) / ${fmtStats(st(rm?.openMs ?? []), formatMs)} / ${fmtStats(st(rm?.persistMs ?? []), formatMs)}`, other: `built in ${formatMs(db.built.buildMs)}${db.reused ? ` (cached ${db.built.at})` : ''}`, ratio: '', target: 'reported', met: '—' });
    }
    const act = st(s.activationTotalMs);
    rows.push({ figure: 'activation (load extension.js + activate)', ours: fmtStats(act, formatMs), other: `load ${fmtStats(st(s.activationLoadMs), formatMs)}, activate() ${fmtStats(st(s.activationActivateMs), formatMs)}; first chip ${fmtStats(st(s.activationFirstChipMs), formatMs)} after`, ratio: '', target: '≤ 30 ms', met: verdict(act?.median, 30) });

    const report: string[] = [
      ...header,
      `Load average during the runs (1 min, after each run): ${loadDuring.map((x) => x.toFixed(2)).join(', ')}.`,
      '',
      `Corpus: ${path.relative(REPO, corpus)} — ${formatBytes(truth.bytes)}, ${truth.jsonlFiles} transcripts, ${truth.lines.toLocaleString('en-US')} lines, ${truth.uniqueRequests.toLocaleString('en-US')} unique requests (seed ${truth.seed}${generatedMs !== null ? `, generated in ${formatMs(generatedMs)}` : ', reused'}).`,
      `Runs: ${o.runs} (fresh process each, order rotated per run); in-process figures: ${o.iterations} iterations per run. ccusage: ${withCcusage ? `v${CCUSAGE_VERSION} \`claude daily --json --offline\`` : o.skipCcusage ? 'skipped (--skip-ccusage)' : `unavailable (${ccusageError})`}.`,
      '',
      renderTable(rows),
      '',
      `## Agreement (token totals, window all, UTC) — ${agreement.ok ? 'OK' : '**UNEXPLAINED DIFFERENCES**'}`,
      '',
      renderAgreement(agreement, { ours: oursResult !== null, ccusage: cc !== null }),
    ];
    if (errors.length) report.splice(report.indexOf(renderTable(rows)), 0, `## ⚠ ${errors.length} measurement(s) FAILED (their figures are missing or partial)`, '', ...errors.map((e) => `- ${e.split('\n').slice(0, 8).join(' ⏎ ')}`), '');
    for (const p of profiles) report.push('', `## Profile of ${p.title}`, '', `File: ${p.file}`, '', renderProfileSummary(p.summary));
    const text = report.join('\n');
    process.stdout.write(`${text}\n`);

    fs.mkdirSync(RESULTS, { recursive: true });
    const resultFile = path.join(RESULTS, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    const allStats = Object.fromEntries(
      Object.entries(s)
        .filter(([, v]) => Array.isArray(v))
        .map(([k, v]) => [k, { stats: stats(v as number[]), samples: v }]),
    );
    const readModelStats = Object.fromEntries(
      Object.entries(s.readModel).map(([n, rm]) => [n, Object.fromEntries(Object.entries(rm).map(([k, v]) => [k, Array.isArray(v) ? { stats: stats(v), samples: v } : v]))]),
    );
    fs.writeFileSync(
      resultFile,
      `${JSON.stringify(
        {
          startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), options: o, machine, loadDuring,
          corpus: { dir: path.relative(REPO, corpus), bytes: truth.bytes, files: truth.files, jsonlFiles: truth.jsonlFiles, lines: truth.lines, uniqueRequests: truth.uniqueRequests, seed: truth.seed, endDate: truth.endDate },
          ccusage: { version: CCUSAGE_VERSION, used: withCcusage, error: ccusageError },
          figures: allStats, readModel: readModelStats,
          readModelDbs: readModelDbs.map((d) => ({ requests: d.requests, ...d.built, reused: d.reused })),
          errors, table: rows, agreement, profiles, ccusageRuleDeltas: deltas, compare: cmp,
        },
        null,
        2,
      )}\n`,
    );
    fs.writeFileSync(resultFile.replace(/\.json$/, '.md'), `${text}\n`);
    log(`results written to ${path.relative(REPO, resultFile)} (and the report as .md beside it)`);
    return agreement.ok && errors.length === 0 ? 0 : 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // The children run in their own process groups; an interrupted append is undone by the next run.
      killRunningChildren();
      console.error(`bench interrupted (${signal})`);
      process.exit(130);
    });
  }
  runBench(opts).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
