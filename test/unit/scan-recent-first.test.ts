// A cold scan reads the files touched in the current 5-hour window first and publishes the status before
// the rest of the history: that first status must already be exact for the window, and the finished scan
// must equal the ground truth (reading order never changes what is counted).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCorpus, stampMtimes, type CorpusTruth } from '../../bench/corpus/generate';
import { Engine } from '../../src/core/engine';
import type { StatusResult } from '../../src/core/limits/status';
import { lastTranscriptMtimeMs } from './helpers/corpus-clock';

let dir: string;
let truth: CorpusTruth;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-recent-'));
  truth = await generateCorpus({ outDir: path.join(dir, 'claude'), targetBytes: 4 * 1024 * 1024, seed: 7 });
  stampMtimes(path.join(dir, 'claude', 'projects')); // already done by the generator; idempotent
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Where the corpus's last request lands: the clock at which its 5-hour window is active. */
function lastActivityMs(): number {
  return lastTranscriptMtimeMs(path.join(dir, 'claude'));
}

const windowFigures = (s: StatusResult) => ({ block: s.activeBlock, windowStartMs: s.windowStartMs, resetsAtMs: s.resetsAtMs });

test('the first status comes after the recent files only, already exact for the window; the full scan equals the truth', async () => {
  const nowMs = lastActivityMs() + 60_000;
  const engine = await Engine.open({ dbPath: null, configDirs: [path.join(dir, 'claude')] });
  try {
    const firsts: Array<{ status: StatusResult; progress: { filesDone: number; filesTotal: number } }> = [];
    const order: number[] = [];
    await engine.scan({
      nowMs,
      onFirstStatus: (status, progress) => firsts.push({ status, progress }),
      onProgress: (done) => order.push(done),
    });
    assert.equal(firsts.length, 1, 'published once');
    const { status, progress } = firsts[0];
    assert.ok(progress.filesDone > 0 && progress.filesDone < progress.filesTotal, JSON.stringify(progress));
    assert.notEqual(status.activeBlock, null, 'the window is active at the corpus end');
    const final = await engine.status(nowMs);
    assert.deepEqual(windowFigures(status), windowFigures(final), 'the first status is already exact for the window');
    const all = await engine.query({ window: 'all', tz: 'UTC' });
    assert.deepEqual(
      [all.totals.requests, all.totals.input_tokens, all.totals.output_tokens, all.totals.cache_creation_tokens, all.totals.cache_read_tokens],
      [truth.uniqueRequests, truth.totals.input, truth.totals.output, truth.totals.cacheCreation, truth.totals.cacheRead],
    );
    // Per-session attribution too: the same as a scan in the plain order.
    const plain = await Engine.open({ dbPath: null, configDirs: [path.join(dir, 'claude')] });
    try {
      await plain.scan({ nowMs });
      const bySession = (r: Awaited<ReturnType<Engine['query']>>) => Object.fromEntries(r.groups!.map((g) => [g.key, [g.requests, g.total_tokens]]));
      const params = { window: 'all', tz: 'UTC', group_by: 'session', limit: 10_000 };
      assert.deepEqual(bySession(await engine.query(params)), bySession(await plain.query(params)));
      const byProject = { ...params, group_by: 'project' };
      assert.deepEqual(bySession(await engine.query(byProject)), bySession(await plain.query(byProject)));
    } finally {
      await plain.close();
    }
  } finally {
    await engine.close();
  }
});

test('without a progress listener the first status still counts the files read before it', async () => {
  const engine = await Engine.open({ dbPath: null, configDirs: [path.join(dir, 'claude')] });
  try {
    const firsts: Array<{ filesDone: number; filesTotal: number }> = [];
    await engine.scan({ nowMs: lastActivityMs() + 60_000, onFirstStatus: (_s, p) => firsts.push(p) });
    assert.equal(firsts.length, 1);
    assert.ok(firsts[0].filesDone > 0 && firsts[0].filesDone < firsts[0].filesTotal, JSON.stringify(firsts[0]));
  } finally {
    await engine.close();
  }
});

test('nothing recent: the status is published before any file is read; a scan with nothing to read never publishes', async () => {
  const engine = await Engine.open({ dbPath: null, configDirs: [path.join(dir, 'claude')] });
  try {
    const firsts: Array<{ filesDone: number; filesTotal: number }> = [];
    await engine.scan({ nowMs: lastActivityMs() + 30 * 24 * 3_600_000, onFirstStatus: (_s, p) => firsts.push(p) });
    assert.deepEqual(firsts.map((p) => p.filesDone), [0]);
    firsts.length = 0;
    await engine.scan({ nowMs: lastActivityMs(), onFirstStatus: (_s, p) => firsts.push(p) });
    assert.equal(firsts.length, 0, 'no history left to read');
  } finally {
    await engine.close();
  }
});

test('chainSettled: the window is settled only behind a 5-hour gap above every unread request', async () => {
  const { chainSettled } = await import('../../src/core/sources/claude-code/scanner');
  const H = 3_600_000;
  const now = 100 * H;
  // Continuous use from 90 h to now, unread files up to 89 h: the chain may reach into them.
  assert.equal(chainSettled([90 * H, 93 * H, 96 * H, 99 * H], 89 * H, now), false);
  // A 5-hour gap (91 h → 96 h) above the unread part: the current chain starts at 96 h whatever is unread.
  assert.equal(chainSettled([91 * H, 96 * H, 99 * H], 89 * H, now), true);
  // Nothing read above the unread part, which ends 5 h or more before now: no active window.
  assert.equal(chainSettled([], 95 * H, now), true);
  assert.equal(chainSettled([], 96 * H, now), false);
  // A gap between the newest unread file and the first read request counts too.
  assert.equal(chainSettled([97 * H], 92 * H, now), true);
  // Beyond the status's 14-day look-back the unread part cannot change the window.
  assert.equal(chainSettled([99 * H], now - 15 * 24 * H, now), true);
});

test('a chain of 5-hour blocks that reaches into older files: the first status waits for them, and is exact', async () => {
  const { assistantLine, tempConfigRoot, writeLines } = await import('./helpers/lines');
  const H = 3_600_000;
  const now = Date.parse('2026-11-20T18:30:00.000Z');
  const { root, projectDir, cleanup } = tempConfigRoot();
  let n = 0;
  /** One session file whose requests are at `hoursAgo` and whose mtime is its last request (as on a real machine). */
  const session = (hoursAgo: number[]) => {
    // Named so that path order is the reverse of age (the old files come first in the walk).
    const sid = `${String(1000 - n).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const file = path.join(projectDir, `${sid}.jsonl`);
    writeLines(file, hoursAgo.map((h) => assistantLine({
      messageId: `msg_01CHAIN${String(n).padStart(4, '0')}${String(Math.round(h * 10)).padStart(13, '0')}`, sessionId: sid,
      timestamp: new Date(now - h * H).toISOString(), output: 50,
    })));
    const last = new Date(now - Math.min(...hoursAgo) * H);
    fs.utimesSync(file, last, last);
    n++;
  };
  try {
    session([1.5]); // the newest file
    session([9, 8, 7, 6, 5, 4]); // continuous with it (gaps < 5 h)
    session([13, 12, 11, 10]); // and with this one: the chain starts 13 h ago
    session([20.5]); // 7.5 h before the chain: a gap, the chain cannot reach further back
    for (let d = 3; d < 40; d++) session([d * 24, d * 24 - 0.5]); // old history
    const engine = await Engine.open({ dbPath: null, configDirs: [root] });
    try {
      const firsts: Array<{ status: StatusResult; progress: { filesDone: number; filesTotal: number } }> = [];
      await engine.scan({ nowMs: now, onFirstStatus: (status, progress) => firsts.push({ status, progress }) });
      assert.equal(firsts.length, 1);
      // Newest first: the three files of the chain; the next one's mtime (20.5 h ago) bounds every unread
      // request, 7.5 h before the chain's first: settled.
      assert.deepEqual(firsts[0].progress, { filesDone: 3, filesTotal: 41 });
      const final = await engine.status(now);
      assert.notEqual(final.activeBlock, null);
      assert.deepEqual(windowFigures(firsts[0].status), windowFigures(final));
      assert.deepEqual(firsts[0].status.activeBlock, final.activeBlock);
    } finally {
      await engine.close();
    }
  } finally {
    cleanup();
  }
});
