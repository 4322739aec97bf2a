// Side-by-side figures of issue 12, measured in the same run as the rest of bench/run.ts:
//   --baseline COMMIT  the cold scan and the warm query of an earlier release (0.1.0 = 72bb769), built from
//                      that commit into bench/.cache/baseline-<commit>/ (git archive + its own build script);
//   --threads LIST     our cold scan with 0, 1, 2… parser threads (CLAUDE_COSTS_PARSER_THREADS);
//   always             the warm query (a CLI `query` process on an unchanged tree) and the first status of a
//                      cold start (bench/probes/firstStatus.ts: the current window first, then the history).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatBytes, formatMs, parseProbeOutput, runChild, stats, type ChildResult, type Stats } from './measure';

export interface CompareSamples {
  baseWallMs: number[];
  baseRssBytes: number[];
  threadWallMs: Record<number, number[]>;
  threadRssBytes: Record<number, number[]>;
  warmQueryMs: number[];
  baseWarmQueryMs: number[];
  firstStatusMs: number[];
  firstStatusTotalMs: number[];
  firstStatusExact: boolean[];
  firstStatusFiles: string[];
}

export function emptyCompareSamples(): CompareSamples {
  return { baseWallMs: [], baseRssBytes: [], threadWallMs: {}, threadRssBytes: {}, warmQueryMs: [], baseWarmQueryMs: [], firstStatusMs: [], firstStatusTotalMs: [], firstStatusExact: [], firstStatusFiles: [] };
}

/**
 * Builds of `commit` in bench/.cache/baseline-<commit>/: `measured` (production, like ours) and `profiled`
 * (development, source maps, for --profile). Built once and reused.
 */
export function prepareBaseline(repo: string, cache: string, commit: string, log: (line: string) => void): { measured: string; profiled: string } {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${commit}^{commit}`], { cwd: repo, encoding: 'utf8' }).trim();
  const dir = path.join(cache, `baseline-${sha.slice(0, 12)}`);
  const measured = path.join(dir, 'dist-production');
  const profiled = path.join(dir, 'dist');
  if (fs.existsSync(path.join(measured, 'cli.js')) && fs.existsSync(path.join(profiled, 'cli.js'))) return { measured, profiled };
  log(`building the baseline ${sha.slice(0, 12)} (git archive + its scripts/build.mjs) into ${path.relative(repo, dir)}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', sha], { cwd: repo, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  // Same dependencies (the lock file pins them); the baseline's own build script and sources.
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'));
  const build = (flags: string[]) => execFileSync(process.execPath, [path.join(dir, 'scripts', 'build.mjs'), ...flags], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  build(['--production']);
  fs.cpSync(profiled, measured, { recursive: true });
  build([]);
  if (!fs.existsSync(path.join(measured, 'cli.js'))) throw new Error(`the baseline build wrote no ${measured}/cli.js`);
  return { measured, profiled };
}

function failed(what: string, r: ChildResult): Error {
  return new Error(`${what} exited with ${r.exitCode}:\n${(r.stderr || r.stdout).trim().slice(-3000)}`);
}

/** A cold scan by `distDir`'s CLI into a fresh DB, optionally with a parser thread count. */
export async function coldScan(distDir: string, corpus: string, dbPath: string, threads?: number): Promise<ChildResult> {
  const env = threads === undefined ? process.env : { ...process.env, CLAUDE_COSTS_PARSER_THREADS: String(threads) };
  const r = await runChild({ command: process.execPath, args: [path.join(distDir, 'cli.js'), 'scan', '--config-dir', corpus, '--db', dbPath], env });
  if (r.exitCode !== 0) throw failed(`cold scan (${distDir})`, r);
  return r;
}

/**
 * The warm query: a fresh `claude-costs query` process on a copy of a cold-scan DB, nothing changed on disk
 * (it opens the DB, stats the tree, reads no byte, answers last_30d). The copy keeps the original untouched.
 */
export async function warmQuery(distDir: string, corpus: string, coldDb: string, nowIso: string): Promise<ChildResult> {
  const copy = `${coldDb}.warm`;
  fs.copyFileSync(coldDb, copy);
  try {
    const r = await runChild({
      command: process.execPath,
      args: [path.join(distDir, 'cli.js'), 'query', '--config-dir', corpus, '--db', copy, '--now', nowIso, '--params', JSON.stringify({ window: 'last_30d', tz: 'UTC' })],
    });
    if (r.exitCode !== 0) throw failed(`warm query (${distDir})`, r);
    return r;
  } finally {
    fs.rmSync(copy, { force: true });
    fs.rmSync(`${copy}.lock`, { force: true });
  }
}

export async function firstStatus(probe: string, corpus: string, dbPath: string, nowMs: number, s: CompareSamples): Promise<void> {
  const r = await runChild({ command: process.execPath, args: [probe, corpus, dbPath, String(nowMs)] });
  const out = parseProbeOutput(r.stdout);
  if (r.exitCode !== 0 || !out) throw failed('first-status probe', r);
  if (out.firstMs === null) throw new Error('the first status was never published (no history left to read?)');
  s.firstStatusMs.push(Number(out.firstMs));
  s.firstStatusTotalMs.push(Number(out.totalMs));
  s.firstStatusExact.push(out.exact === true);
  const f = out.filesAtFirst as { filesDone: number; filesTotal: number };
  s.firstStatusFiles.push(`${f.filesDone} of ${f.filesTotal} files`);
}

interface Row {
  figure: string;
  ours: string;
  other: string;
  ratio: string;
  target: string;
  met: string;
}

const fmt = (x: Stats | null, f: (n: number) => string) => (!x ? '—' : x.n > 1 ? `${f(x.median)} (${f(x.min)}–${f(x.max)})` : f(x.median));
const ratioOf = (a: Stats | null, b: Stats | null) => (a && b && b.median > 0 ? a.median / b.median : null);
const verdict = (v: number | null, limit: number) => (v === null ? '—' : v <= limit ? 'yes' : `**no** (${((v / limit - 1) * 100).toFixed(0)} % over)`);

/** The comparison rows, placed after the cold-ingest rows of the main table. */
export function compareRows(s: CompareSamples, ours: { wallMs: number[]; rssBytes: number[] }, cc: { wallMs: number[]; rssBytes: number[] } | null, baseline: string | null): Row[] {
  const rows: Row[] = [];
  const ccWall = cc ? stats(cc.wallMs) : null;
  const ccRss = cc ? stats(cc.rssBytes) : null;
  const ourWall = stats(ours.wallMs);
  if (baseline) {
    const bw = stats(s.baseWallMs);
    const br = stats(s.baseRssBytes);
    const r = ratioOf(bw, ccWall);
    rows.push({ figure: `cold ingest, wall — baseline ${baseline}`, ours: fmt(bw, formatMs), other: ccWall ? `ccusage ${fmt(ccWall, formatMs)}` : 'ccusage not run', ratio: r !== null ? `${r.toFixed(2)}×` : '—', target: '(before)', met: '—' });
    const rr = ratioOf(br, ccRss);
    rows.push({ figure: `cold ingest, peak RSS — baseline ${baseline}`, ours: fmt(br, formatBytes), other: ccRss ? `ccusage ${fmt(ccRss, formatBytes)}` : '', ratio: rr !== null ? `${rr.toFixed(2)}×` : '—', target: '(before)', met: '—' });
    const sp = ratioOf(ourWall, bw);
    rows.push({ figure: 'cold ingest, wall — ours vs baseline', ours: fmt(ourWall, formatMs), other: `baseline ${fmt(bw, formatMs)}`, ratio: sp !== null ? `${sp.toFixed(2)}×` : '—', target: 'reported', met: '—' });
  }
  for (const t of Object.keys(s.threadWallMs).map(Number).sort()) {
    const w = stats(s.threadWallMs[t]);
    const r = ratioOf(w, ccWall);
    rows.push({ figure: `cold ingest, ${t} parser thread${t === 1 ? '' : 's'}`, ours: `${fmt(w, formatMs)}, ${fmt(stats(s.threadRssBytes[t] ?? []), formatBytes)}`, other: ccWall ? `ccusage ${fmt(ccWall, formatMs)}` : '', ratio: r !== null ? `${r.toFixed(2)}×` : '—', target: 'reported', met: '—' });
  }
  const wq = stats(s.warmQueryMs);
  const wr = ratioOf(wq, ccWall);
  rows.push({ figure: 'warm query, nothing changed (`query` process, last_30d)', ours: fmt(wq, formatMs), other: baseline ? `baseline ${fmt(stats(s.baseWarmQueryMs), formatMs)}` : '', ratio: wr !== null ? `${wr.toFixed(2)}× of ccusage's run` : '—', target: '≤ 0.15× ccusage', met: verdict(wr, 0.15) });
  if (baseline && ccWall) {
    const bwr = ratioOf(stats(s.baseWarmQueryMs), ccWall);
    rows.push({ figure: `warm query — baseline ${baseline}`, ours: fmt(stats(s.baseWarmQueryMs), formatMs), other: '', ratio: bwr !== null ? `${bwr.toFixed(2)}× of ccusage's run` : '—', target: '(before)', met: '—' });
  }
  const fs1 = stats(s.firstStatusMs);
  const ft = stats(s.firstStatusTotalMs);
  const fr = ratioOf(fs1, ft);
  rows.push({
    figure: 'cold start: first status (current window) vs history complete',
    ours: `${fmt(fs1, formatMs)} / ${fmt(ft, formatMs)}`,
    other: `window exact: ${s.firstStatusExact.length ? (s.firstStatusExact.every(Boolean) ? 'yes' : '**no**') : '—'}; ${s.firstStatusFiles.join(', ')}`,
    ratio: fr !== null ? `${fr.toFixed(2)}×` : '—',
    target: '≤ 0.30× of the full scan, window exact',
    met: fr === null ? '—' : fr <= 0.3 && s.firstStatusExact.every(Boolean) ? 'yes' : `**no**`,
  });
  return rows;
}
