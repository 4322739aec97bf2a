// End-to-end exactness: a generated corpus with every edge case (all writer eras and layouts, per-block
// copies, forks, /btw replays, requestless rows, synthetic rate-limit rows, progress and cost-state rows,
// malformed and truncated lines) is scanned by the real engine, and every figure is compared with the
// generator's ground truth, which it computes from its own list of unique responses, not by parsing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCorpus, type CorpusTruth } from '../../bench/corpus/generate';
import { Engine } from '../../src/core/engine';
import type { QueryResult } from '../../src/core/query/types';
import { selectAll } from '../../src/core/store/sqljs';

let dir: string;
let truth: CorpusTruth;
let engine: Engine;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-truth-'));
  truth = await generateCorpus({ outDir: path.join(dir, 'claude'), targetBytes: 4 * 1024 * 1024, seed: 7 });
  engine = await Engine.open({ dbPath: path.join(dir, 'usage.sqlite'), configDirs: [path.join(dir, 'claude')], persistDebounceMs: 0 });
  await engine.scan();
});

after(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ALL = { window: 'all', tz: 'UTC' };

test('totals equal the ground truth to the token', async () => {
  const r = await engine.query(ALL);
  assert.deepEqual(
    {
      requests: r.totals.requests, input: r.totals.input_tokens, output: r.totals.output_tokens,
      cacheCreation: r.totals.cache_creation_tokens, cacheRead: r.totals.cache_read_tokens, webSearch: r.totals.web_search_requests,
    },
    {
      requests: truth.uniqueRequests, input: truth.totals.input, output: truth.totals.output,
      cacheCreation: truth.totals.cacheCreation, cacheRead: truth.totals.cacheRead, webSearch: truth.totals.webSearch,
    },
  );
});

test('every model equals the ground truth', async () => {
  const r: QueryResult = await engine.query({ ...ALL, group_by: 'model', limit: 1000 });
  const ours = Object.fromEntries(
    r.groups!.map((g) => [g.key, { requests: g.requests, input: g.input_tokens, output: g.output_tokens, cacheCreation: g.cache_creation_tokens, cacheRead: g.cache_read_tokens }]),
  );
  const expected = Object.fromEntries(
    Object.entries(truth.byModel).map(([m, v]) => [m, { requests: v.requests, input: v.input, output: v.output, cacheCreation: v.cacheCreation, cacheRead: v.cacheRead }]),
  );
  assert.deepEqual(ours, expected);
});

test('every UTC day equals the ground truth', async () => {
  const r = await engine.query({ ...ALL, group_by: 'day', limit: 10000 });
  const ours = Object.fromEntries(r.groups!.map((g) => [g.key, { requests: g.requests, totalTokens: g.total_tokens }]));
  assert.deepEqual(ours, truth.byDayUtc);
});

test('projects carry readable names; the worktree collapses into its repo', async () => {
  const r = await engine.query({ ...ALL, group_by: 'project', limit: 1000 });
  const ours = Object.fromEntries(r.groups!.map((g) => [g.key, g.requests]));
  const expected: Record<string, number> = {};
  for (const p of truth.projects) expected[p.expectedName] = (expected[p.expectedName] ?? 0) + p.requests;
  assert.deepEqual(ours, expected);
});

test('sessions: subagent and fork rows belong to the right session', async () => {
  const r = await engine.query({ ...ALL, group_by: 'session', limit: 10000 });
  const ours = Object.fromEntries(r.groups!.map((g) => [g.key, g.requests]));
  const expected = Object.fromEntries(Object.entries(truth.bySession).map(([k, v]) => [k, typeof v === 'number' ? v : (v as { requests: number }).requests]));
  assert.deepEqual(ours, expected);
});

test('every rate-limit row is recorded with its reset time', async () => {
  const rows = await engine.withDatabase((db) => selectAll<{ limit_type: string; resets_at: number | null; ts: number }>(db, 'SELECT limit_type, resets_at, ts FROM limit_events ORDER BY ts'));
  assert.equal(rows.length, truth.limitEvents);
  const expected = [...truth.limits].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  // The generator's writer lived in America/New_York. Texts that name no zone ("resets 12pm") are read in
  // this machine's zone, so they can be compared exactly only when the machine shares that zone.
  const machineZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  expected.forEach((l, i) => {
    const zoneless = !/\(|\|\d{10}/.test(l.text);
    assert.equal(rows[i].limit_type, l.limitType, l.text);
    assert.equal(rows[i].ts, Date.parse(l.timestamp), l.text);
    if (!zoneless || machineZone === 'America/New_York') assert.equal(rows[i].resets_at, l.resetsAtMs, l.text);
    else assert.ok(rows[i].resets_at! > rows[i].ts && rows[i].resets_at! <= rows[i].ts + 8 * 86_400_000, l.text);
  });
});

test('a second scan of the unchanged corpus reads nothing and changes nothing', async () => {
  const before = await engine.query(ALL);
  const s = await engine.scan();
  assert.equal(s.bytesRead, 0);
  assert.deepEqual(await engine.query(ALL), before);
});

test('parsing in a worker thread gives the same store as parsing inline', async () => {
  const other = await Engine.open({ dbPath: null, configDirs: [path.join(dir, 'claude')], parallelParse: 'always' });
  try {
    const s = await other.scan();
    assert.ok(s.filesRead > 1);
    for (const group_by of ['none', 'model', 'session', 'day', 'tool', 'project'] as const) {
      assert.deepEqual(await other.query({ ...ALL, group_by, limit: 10000 }), await engine.query({ ...ALL, group_by, limit: 10000 }), group_by);
    }
  } finally {
    await other.close();
  }
});

test('group_by branch: every request in exactly one branch group, the groups sum to the totals', async () => {
  const totals = (await engine.query(ALL)).totals;
  const r = await engine.query({ ...ALL, group_by: 'branch', limit: 1000 });
  const keys = r.groups!.map((g) => g.key);
  // The generator writes main, master, feature-x (a worktree), HEAD (detached) and '' / no field (old writers).
  for (const branch of ['main', 'master', 'feature-x', 'HEAD', '(no branch)']) assert.ok(keys.includes(branch), `${branch} in ${keys.join(', ')}`);
  assert.equal(new Set(keys).size, keys.length, 'one group per branch');
  const sum = (k: 'requests' | 'input_tokens' | 'output_tokens' | 'cache_creation_tokens' | 'cache_read_tokens' | 'total_tokens' | 'web_search_requests' | 'unpriced_requests') =>
    r.groups!.reduce((s, g) => s + g[k], 0);
  for (const k of ['requests', 'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'total_tokens', 'web_search_requests', 'unpriced_requests'] as const) {
    assert.equal(sum(k), totals[k], k);
  }
  assert.equal(r.totals.requests, truth.uniqueRequests);
  // Costs are rounded to the micro-dollar per group: the sum may differ from the total by that rounding only.
  const costSum = r.groups!.reduce((s, g) => s + g.cost_usd, 0);
  assert.ok(Math.abs(costSum - totals.cost_usd) <= r.groups!.length * 1e-6, `${costSum} vs ${totals.cost_usd}`);
});
