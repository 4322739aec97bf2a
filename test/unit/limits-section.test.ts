// The Limits section's data: blocks over the range (gaps, limit hits, the active block and its reset),
// official windows with provenance and age, the local 7-day fallback, plan value and cache figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLimitsSection, MAX_TIMELINE_MS } from '../../src/core/query/limitsSection';
import { parseStatuslineJson } from '../../src/core/limits/readings';
import type { Database } from '../../src/core/store/sqljs';
import { createStore, insertRequests } from './helpers/store-fixture';
import type { FixtureRequest } from './helpers/store-fixture';

const T = (iso: string) => Date.parse(iso);
const NOW = T('2026-11-22T12:05:00Z');
const ALL = { source: 'all' as const, project: null, models: null, executionMode: null, tz: 'UTC' };

const req = (iso: string, input: number, output: number, extra: Partial<FixtureRequest> = {}): FixtureRequest =>
  ({ ts: T(iso), input, output, model: 'claude-opus-4-6', cost: 1, ...extra });

async function store(): Promise<Database> {
  const db = await createStore();
  insertRequests(db, [
    req('2026-11-21T08:10:00Z', 100, 200),
    req('2026-11-21T09:00:00Z', 300, 400, { cacheRead: 50_000, cacheSavings: 0.225, cacheCreation: 2_000, cacheCreation1h: 500, cacheWritePremium: 0.0047 }),
    // idle > 5 h: a gap, then a block 20:00–01:00
    req('2026-11-21T20:30:00Z', 1_000, 2_000),
    // the active block: 11:00–16:00
    req('2026-11-22T11:05:00Z', 10, 20, { model: 'claude-sonnet-4-5', cacheRead: 10_000, cacheSavings: 0.027 }),
    req('2026-11-22T12:00:00Z', 30, 40, { model: 'claude-sonnet-4-5' }),
    // the user's own API calls never enter blocks
    req('2026-11-22T02:00:00Z', 9_999, 9_999, { source: 'internal' }),
  ]);
  db.run('INSERT INTO limit_events (event_key, session_key, ts, limit_type, resets_at, text) VALUES (?, ?, ?, ?, ?, ?)', [
    'hit-1', 's', T('2026-11-21T09:30:00Z'), 'five_hour', T('2026-11-21T13:00:00Z'), "You've hit your session limit · resets 1pm (UTC)",
  ]);
  return db;
}

test('timeline: blocks and gaps over the range, limit hit on its block, the active block with its local reset', async () => {
  const db = await store();
  const s = buildLimitsSection(db, NOW, { startMs: T('2026-11-21T00:00:00Z'), endMs: T('2026-11-23T00:00:00Z'), tz: 'UTC', filter: ALL });
  const shape = s.timeline.blocks.map((b) => [new Date(b.startMs).toISOString().slice(5, 16), b.isGap, b.requests, b.limitTokens, b.limitHits, b.active]);
  assert.deepEqual(shape, [
    ['11-21T08:00', false, 2, 1_000, 1, false],
    ['11-21T13:00', true, 0, 0, 0, false],
    ['11-21T20:00', false, 1, 3_000, 0, false],
    ['11-22T01:00', true, 0, 0, 0, false],
    ['11-22T11:00', false, 2, 100, 0, true],
  ]);
  assert.equal(s.timeline.maxLimitTokens, 3_000);
  assert.equal(s.timeline.clipped, false);
  assert.deepEqual(s.active, {
    startMs: T('2026-11-22T11:00:00Z'), endMs: T('2026-11-22T16:00:00Z'), resetsAtMs: T('2026-11-22T16:00:00Z'),
    resetInMs: T('2026-11-22T16:00:00Z') - NOW, resetSource: 'local block (first request + 5 h)',
  });
  assert.deepEqual(s.limitHits.map((h) => [h.label, h.resetsAtMs]), [['5-hour', T('2026-11-21T13:00:00Z')]]);
  // No official source: no official windows; the local week is there, labelled by the view.
  assert.equal(s.fiveHour, null);
  assert.deepEqual(s.weekly, []);
  assert.deepEqual(
    { ...s.localWeek },
    { startMs: NOW - 7 * 86_400_000, endMs: NOW, requests: 5, totalTokens: 4_100 + 50_000 + 2_000 + 10_000, limitTokens: 4_100, costUsd: 5, limitHits: 1 },
  );
});

test('official windows: the statusline 5-hour reset wins for the countdown; weekly and per-model weekly with age', async () => {
  const db = await store();
  const captured = NOW - 3 * 60_000;
  const statusline = parseStatuslineJson(JSON.stringify({
    rate_limits: {
      five_hour: { used_percentage: 64, resets_at: T('2026-11-22T15:30:00Z') / 1000 },
      seven_day: { used_percentage: 41, resets_at: T('2026-11-26T06:00:00Z') / 1000 },
      seven_day_opus: { used_percentage: 73, resets_at: T('2026-11-26T06:00:00Z') / 1000 },
    },
  }), captured)!;
  const s = buildLimitsSection(db, NOW, {
    startMs: T('2026-11-22T00:00:00Z'), endMs: T('2026-11-23T00:00:00Z'), tz: 'UTC', filter: ALL, status: { statusline, plan: 'max20' },
  });
  assert.equal(s.active?.resetsAtMs, T('2026-11-22T15:30:00Z'));
  assert.equal(s.active?.resetSource, 'Claude Code statusline');
  assert.deepEqual(s.fiveHour && [s.fiveHour.usedPct, s.fiveHour.source, s.fiveHour.ageMs, s.fiveHour.stale], [64, 'Claude Code statusline', 180_000, false]);
  assert.deepEqual(s.weekly.map((w) => [w.label, w.usedPct, w.ageMs]), [['Weekly (all models)', 41, 180_000], ['Weekly Opus', 73, 180_000]]);
  assert.equal(s.planValue.plan, 'max20');
  assert.equal(s.planValue.plan_price_usd, 200);
  assert.equal(s.planValue.api_equivalent_usd, 5, 'Claude Code only: the internal call is left out');
});

test('cache figures follow the panel filter; per model with the 5m / 1h split', async () => {
  const db = await store();
  const s = buildLimitsSection(db, NOW, { startMs: T('2026-11-21T00:00:00Z'), endMs: T('2026-11-23T00:00:00Z'), tz: 'UTC', filter: ALL });
  assert.deepEqual(s.cache.totals, { cache_savings_usd: 0.252, cache_write_premium_usd: 0.0047, cacheReadTokens: 60_000, cacheWriteTokens: 2_000 });
  assert.deepEqual(s.cache.byModel.map((m) => [m.model, m.cacheReadTokens, m.cacheWrite5mTokens, m.cacheWrite1hTokens, m.cache_savings_usd]), [
    ['claude-opus-4-6', 50_000, 1_500, 500, 0.225],
    ['claude-sonnet-4-5', 10_000, 0, 0, 0.027],
  ]);
  const sonnet = buildLimitsSection(db, NOW, { startMs: T('2026-11-21T00:00:00Z'), endMs: T('2026-11-23T00:00:00Z'), tz: 'UTC', filter: { ...ALL, models: ['claude-sonnet-4-5'] } });
  assert.equal(sonnet.cache.totals.cache_savings_usd, 0.027);
  assert.equal(sonnet.timeline.blocks.length, 5, 'blocks are account-wide: the model filter does not cut them');
});

test('a long range shows the last 31 days of blocks and says so; a range in the past has no active block', async () => {
  const db = await store();
  const s = buildLimitsSection(db, NOW, { startMs: T('2026-01-01T00:00:00Z'), endMs: T('2026-11-23T00:00:00Z'), tz: 'UTC', filter: ALL });
  assert.equal(s.timeline.clipped, true);
  assert.equal(s.timeline.startMs, NOW + 1 - MAX_TIMELINE_MS);
  const past = buildLimitsSection(db, NOW, { startMs: T('2026-11-21T00:00:00Z'), endMs: T('2026-11-22T00:00:00Z'), tz: 'UTC', filter: ALL });
  assert.equal(past.active, null);
  assert.ok(past.timeline.blocks.every((b) => !b.active && b.startMs < T('2026-11-22T00:00:00Z')));
});

test('the generated demo corpus carries a sample statusline capture: official 5-hour, weekly and weekly Opus', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { generateCorpus, DEMO_STATUSLINE_FILE } = await import('../../bench/corpus/generate');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-demo-'));
  try {
    const end = T('2026-11-22T12:00:00Z');
    await generateCorpus({ outDir: dir, targetBytes: 100_000, seed: 5, endDate: new Date(end) });
    const snap = parseStatuslineJson(fs.readFileSync(path.join(dir, DEMO_STATUSLINE_FILE), 'utf8'), 0)!;
    assert.equal(snap.capturedAtMs, end - 2 * 60_000, 'captured_at, not the file time');
    assert.deepEqual([snap.fiveHour?.usedPct, snap.fiveHour?.resetsAtMs], [62, end + 160 * 60_000]);
    assert.deepEqual([snap.sevenDay?.usedPct, snap.others.map((o) => [o.label, o.usedPct])], [38, [['Weekly Opus', 71]]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('chip tooltip: the plan value line when the plan is known', async () => {
  const { statusWithPlanValue } = await import('../../src/core/query/planValue');
  const { chipTooltip } = await import('../../src/core/limits/chip');
  const { DEFAULT_CHIP_SETTINGS } = await import('../../src/core/limits/chip');
  const db = await store();
  const known = statusWithPlanValue(db, NOW, { tz: 'UTC', plan: 'pro' });
  assert.equal(known.planValue?.api_equivalent_usd, 5);
  assert.match(chipTooltip(known, DEFAULT_CHIP_SETTINGS), /Plan value: Pro: \$5 of API usage in 2026\\-11, 0\\\.3× its \$20 price\\\./);
  const unknown = statusWithPlanValue(db, NOW, { tz: 'UTC' });
  assert.equal(unknown.planValue, null);
  assert.doesNotMatch(chipTooltip(unknown, DEFAULT_CHIP_SETTINGS), /Plan value/);
});

test('read model: a filter change within seconds reuses the account-wide part; a database change rebuilds it; cache figures follow the filter', async () => {
  const { limitsFor } = await import('../../src/core/query/readmodel/limits');
  const { DEFAULT_PANEL_FILTER } = await import('../../src/core/query/readmodel/filterState');
  const db = await store();
  const range = { startMs: T('2026-11-21T00:00:00Z'), endMs: T('2026-11-23T00:00:00Z') };
  const all = { ...DEFAULT_PANEL_FILTER, tz: 'UTC' };
  const first = limitsFor(db, all, range, NOW);
  const opus = limitsFor(db, { ...all, models: ['claude-opus-4-6'] }, range, NOW + 2_000);
  // Reused: the same reading (taken at NOW), while the cache figures are the Opus rows only.
  assert.equal(opus.nowMs, NOW);
  assert.deepEqual(opus.timeline, first.timeline);
  assert.deepEqual(opus.cache.byModel.map((m) => m.model), ['claude-opus-4-6']);
  assert.deepEqual(buildLimitsSection(db, NOW, { ...range, tz: 'UTC', filter: { ...ALL, models: ['claude-opus-4-6'] } }).cache, opus.cache);
  // A new request (a database change) is in the next answer at once; so is a later minute.
  insertRequests(db, [req('2026-11-22T12:04:00Z', 5, 5)]);
  const after = limitsFor(db, all, range, NOW + 3_000);
  assert.equal(after.nowMs, NOW + 3_000);
  assert.equal(after.timeline.blocks.at(-1)!.requests, first.timeline.blocks.at(-1)!.requests + 1);
  assert.equal(limitsFor(db, all, range, NOW + 60_000).nowMs, NOW + 60_000);
});

test('read model: the cache figures taken from the page\'s one pass equal the section\'s own read, for every filter that selects the same rows', async () => {
  const { buildReadModel } = await import('../../src/core/query/readmodel/build');
  const { cacheFigures } = await import('../../src/core/query/limitsSection');
  const { DEFAULT_PANEL_FILTER } = await import('../../src/core/query/readmodel/filterState');
  const db = await store();
  // A range with partial hours at both edges: the pass reads them from requests, as the section's read does.
  const range = { startMs: T('2026-11-21T08:30:00Z'), endMs: T('2026-11-22T11:30:00Z') };
  const cases = [
    { source: 'all', models: null }, { source: 'claude_code', models: null }, { source: 'internal', models: null },
    { source: 'all', models: ['claude-sonnet-4-5'] }, { source: 'claude_code', models: ['claude-opus-4-6', 'claude-sonnet-4-5'] },
  ] as const;
  let withCache = 0;
  for (const c of cases) {
    const filter = { ...DEFAULT_PANEL_FILTER, tz: 'UTC', range: 'custom' as const, from: new Date(range.startMs).toISOString(), to: new Date(range.endMs).toISOString(), source: c.source, models: c.models ? [...c.models] : null };
    const rm = buildReadModel(db, filter, NOW);
    const own = cacheFigures(db, { startMs: rm.window.startMs, endMs: rm.window.endMs, tz: 'UTC', filter: { ...ALL, source: c.source, models: c.models ? [...c.models] : null } });
    assert.deepEqual(rm.limits.cache, own, JSON.stringify(c));
    if (own.byModel.length > 0) withCache++;
  }
  assert.ok(withCache >= 3, 'the cases have cache traffic to compare');
});
