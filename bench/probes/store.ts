// The store at 100k / 1M requests, release 0.1.0 (commit 72bb769) beside this tree, in one run (issue 11).
//   node --import tsx bench/probes/store.ts --requests 100000,1000000 --release /tmp/rel010 [--out FILE.json] [--realtime]
// Per size: both releases build a DB of N synthetic requests through their own Ingestor (bench/probes/
// readmodel.ts build: the path a scan takes); 0.1.0 is timed by its own readmodel probe (open, panel first
// load, status, one save); this tree runs a simulated 10-minute session in one process ("session" mode):
// one response every 3 s of simulated time (an assistant line appended to a live transcript, the scan of that
// file a watcher event triggers, then the status), saves decided by
// the SavePolicy on the simulated clock and started concurrently with the next response (the export runs
// in the engine's queue, the write outside it), then the panel's first load and a filter change.
// `--release` is a built 0.1.0 tree: git archive 72bb769 | tar -x -C DIR, node_modules linked, npm run build.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine } from '../../src/core/engine';
import { ENGINE_YOUNG_GENERATION_MB } from '../../src/core/engine-api';
import { SavePolicy } from '../../src/core/store/savePolicy';
import { locateWasm } from '../../src/core/store/sqljs';
import { DEFAULT_PANEL_FILTER, type PanelFilter } from '../../src/protocol';
import { PROBE_PREFIX } from '../measure';
import { assistantLine } from '../../test/unit/helpers/lines';

const NOW = Date.parse('2026-11-20T18:00:00Z');
const SESSION_MS = 600_000;
const RESPONSE_EVERY_MS = 3_000;
const LIVE_SESSION = '5e55f0a1-7c2b-4d1e-9a3f-0b1c2d3e4f50';

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `realtime`: responses arrive every 3 s of wall time for 10 real minutes, so a save's write competes with
 * the session as it would in the extension, and its share is of real wall time. Without it the session is
 * compressed (responses back to back on a simulated clock): quicker, but an asynchronous write then
 * overlaps a busy loop and its wall time is counted against 600 simulated seconds.
 */
async function session(dbPath: string, emptyRoot: string, realtime = false) {
  let t = performance.now();
  const engine = await Engine.open({ dbPath, configDirs: [emptyRoot], persistDebounceMs: 2_000_000_000 });
  const openMs = performance.now() - t;
  // The extension computes the chip first, the panel opens later: the panel's first load follows a status.
  t = performance.now();
  await engine.status(NOW);
  const firstStatusMs = performance.now() - t;
  const filter: PanelFilter = { ...DEFAULT_PANEL_FILTER, tz: 'UTC' };
  t = performance.now();
  await engine.readModel(filter, NOW);
  const firstLoadMs = performance.now() - t;
  t = performance.now();
  await engine.readModel({ ...filter, models: ['claude-opus-4-6'] }, NOW);
  const filterChangeMs = performance.now() - t;
  const policy = new SavePolicy(0);
  const latencies: number[] = [];
  const latenciesDuringSave: number[] = [];
  let saving: Promise<void> | null = null;
  let saves = 0;
  let savedMs = 0;
  // Responses arrive the way Claude Code writes them: one assistant line appended to a live transcript,
  // then the scan a file watcher's event triggers (that file only) and the chip's status.
  const liveDir = path.join(emptyRoot, 'projects', '-home-dev-live');
  fs.mkdirSync(liveDir, { recursive: true });
  const transcript = path.join(liveDir, `${LIVE_SESSION}.jsonl`);
  fs.writeFileSync(transcript, '');
  let n = 0;
  const sessionStart = performance.now();
  for (let sim = RESPONSE_EVERY_MS; sim <= SESSION_MS; sim += RESPONSE_EVERY_MS) {
    if (realtime) await sleep(Math.max(0, sessionStart + sim - performance.now()));
    const id = String(n++).padStart(12, '0');
    const line = assistantLine({
      messageId: `msg_01SESSION${id}`, requestId: `req_011CSESSION${id}`, sessionId: LIVE_SESSION, cwd: '/home/dev/live',
      timestamp: new Date(NOW - 60_000 + sim / 10).toISOString(), model: 'claude-opus-4-6', input: 4, output: 300 + n,
      cacheCreation: 2_000, cacheRead: 40_000 + 500 * n,
    });
    const inSave = saving !== null;
    const t0 = performance.now();
    fs.appendFileSync(transcript, `${line}\n`);
    await engine.scan({ paths: [transcript], nowMs: NOW });
    await engine.status(NOW);
    const ms = performance.now() - t0;
    (inSave ? latenciesDuringSave : latencies).push(ms);
    policy.noteChange(sim);
    if (saving === null && policy.due(sim)) {
      const started = performance.now();
      saves++;
      saving = engine.persist().then(() => {
        const took = performance.now() - started;
        savedMs += took;
        policy.noteSaved(sim, took);
        saving = null;
      });
    }
  }
  await saving;
  const sessionWallMs = realtime ? performance.now() - sessionStart : SESSION_MS;
  const all = [...latencies, ...latenciesDuringSave];
  const save = engine.saves.at(-1);
  await engine.close();
  const usage = process.resourceUsage();
  return {
    openMs, firstStatusMs, firstLoadMs, filterChangeMs, saves, saveMs: save?.totalMs ?? null, exportMs: save?.exportMs ?? null,
    saveShareOfSession: savedMs / sessionWallMs, realtime, sessionWallMs,
    statusP50: pct(all, 50), statusP95: pct(all, 95), statusDuringSaveMax: latenciesDuringSave.length ? Math.max(...latenciesDuringSave) : null,
    maxRssBytes: usage.maxRSS * 1024, dbBytes: fs.statSync(dbPath).size,
  };
}

function probe(args: string[], cwd: string, bundled = false): Record<string, number> {
  // The engine as the extension runs it: bundled, with its worker's new space (V8: young generation = 3 semi-spaces).
  const loader = bundled ? [`--max-semi-space-size=${ENGINE_YOUNG_GENERATION_MB / 3}`] : ['--import', 'tsx'];
  const out = execFileSync(process.execPath, ['--max-old-space-size=4096', ...loader, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = out.split('\n').find((l) => l.startsWith(PROBE_PREFIX));
  if (!line) throw new Error(`no result from ${args.join(' ')}`);
  return JSON.parse(line.slice(PROBE_PREFIX.length)) as Record<string, number>;
}

/**
 * The session runs the engine as the extension ships it: one esbuild bundle (like dist/engineWorker.js) with
 * sql-wasm.wasm beside it, under plain node. Under tsx, its in-process compiler adds ~50 MB to the peak RSS.
 */
async function sessionBundle(work: string): Promise<string> {
  const out = path.join(work, 'store-session.js');
  // Loaded here only: the bundle it makes (this file) must not carry esbuild.
  const { build } = await import('esbuild');
  await build({ entryPoints: [__filename], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'warning', external: ['esbuild'] });
  fs.copyFileSync(locateWasm(), path.join(work, 'sql-wasm.wasm'));
  return out;
}

async function compare(sizes: number[], release: string, outFile: string | null, realtime: boolean) {
  const repo = path.join(__dirname, '..', '..');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-store-'));
  const empty = path.join(work, 'empty');
  fs.mkdirSync(empty);
  const rows: Record<string, unknown>[] = [];
  try {
    for (const n of sizes) {
      const oldDb = path.join(work, `old-${n}.sqlite`);
      const newDb = path.join(work, `new-${n}.sqlite`);
      const oldBuild = probe([path.join(release, 'bench/probes/readmodel.ts'), 'build', String(n), oldDb, String(NOW)], release);
      const oldTime = probe([path.join(release, 'bench/probes/readmodel.ts'), 'time', oldDb, String(NOW), '3', empty, path.join(work, 'old-scratch.sqlite')], release);
      const newBuild = probe([path.join(repo, 'bench/probes/readmodel.ts'), 'build', String(n), newDb, String(NOW)], repo);
      const newSession = probe([await sessionBundle(work), 'session', newDb, empty, ...(realtime ? ['--realtime'] : [])], repo, true);
      const row = { requests: n, old: { build: oldBuild, time: oldTime }, new: { build: newBuild, session: newSession } };
      rows.push(row);
      process.stdout.write(`${JSON.stringify(row)}\n`);
      fs.rmSync(oldDb, { force: true });
      fs.rmSync(newDb, { force: true });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (outFile) fs.writeFileSync(outFile, JSON.stringify(rows, null, 2));
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv[0] === 'session') {
    session(argv[1], argv[2], argv.includes('--realtime')).then((r) => { process.stdout.write(`${PROBE_PREFIX}${JSON.stringify(r)}\n`); process.exit(0); }, (e) => { console.error(e); process.exit(1); });
  } else {
    const get = (k: string) => { const i = argv.indexOf(k); return i >= 0 ? argv[i + 1] : undefined; };
    const sizes = (get('--requests') ?? '100000').split(',').map(Number);
    compare(sizes, get('--release') ?? '/tmp/rel010', get('--out') ?? null, argv.includes('--realtime')).catch((e) => { console.error(e); process.exit(1); });
  }
}
