// The panel's read model against the store: one snapshot in which cards = tables = charts, and the
// same figures llm_costs_query gives for the same filter.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { buildReadModel, readModelToCsv, readModelToJson, ACTIVE_SESSION_MS } from '../../src/core/query/readModel';
import { runQuery } from '../../src/core/query/run';
import { DEFAULT_PANEL_FILTER } from '../../src/protocol';
import type { PanelFilter, PanelReadModel } from '../../src/protocol';
import type { Database } from '../../src/core/store/sqljs';
import { createStore, insertRequests, prng } from './helpers/store-fixture';
import type { FixtureRequest } from './helpers/store-fixture';

const NOW = Date.parse('2026-03-18T15:07:30.000Z');
const TZ = 'Europe/Berlin';
const HOSTILE = '<img src=x onerror=alert(1)>';
const MODELS = ['claude-opus-4-6', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'mystery-model-x'];
const PROJECTS = ['shop', 'billing-api', HOSTILE];
const TOOLS = ['', 'Bash', 'Edit, Read', 'Read'];

let db: Database;
let rows: FixtureRequest[];

const filter = (over: Partial<PanelFilter> = {}): PanelFilter => ({ ...DEFAULT_PANEL_FILTER, tz: TZ, ...over });
const close = (a: number, b: number, msg: string) => assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${msg}: ${a} vs ${b}`);
const sum = <T>(list: T[], f: (x: T) => number) => list.reduce((s, x) => s + f(x), 0);

before(async () => {
  db = await createStore();
  const rand = prng(20260318);
  rows = [];
  // 70 days of history, denser in the last week, a few requests in the last minutes (active session).
  for (let i = 0; i < 1500; i++) {
    const ageMs = Math.floor(rand() ** 2 * 70 * 86_400_000) + 60_000;
    const model = MODELS[Math.floor(rand() * MODELS.length)];
    const input = Math.floor(rand() * 5000);
    const output = Math.floor(rand() * 3000);
    const cacheCreation = Math.floor(rand() * 20000);
    const cacheRead = Math.floor(rand() * 90000);
    const unpriced = model === 'mystery-model-x';
    rows.push({
      ts: NOW - ageMs,
      session: `sess-${Math.floor(rand() * 40)}`,
      sessionTitle: rand() < 0.5 ? `Fix the ${i % 7} flaky tests` : null,
      project: PROJECTS[Math.floor(rand() * PROJECTS.length)],
      model, tools: TOOLS[Math.floor(rand() * TOOLS.length)],
      input, output, cacheCreation, cacheRead,
      sidechain: rand() < 0.25,
      cost: unpriced ? 0 : (input * 3 + output * 15 + cacheCreation * 3.75 + cacheRead * 0.3) / 1e6,
      priced: !unpriced,
    });
  }
  rows.push({ ts: NOW - 2 * 60_000, session: 'live-session', sessionTitle: 'Live work', project: 'shop', model: MODELS[0], input: 10, output: 20, cost: 0.001 });
  insertRequests(db, rows);
});

function assertConsistent(m: PanelReadModel): void {
  const t = m.totals;
  for (const key of ['requests', 'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'total_tokens', 'cost_usd'] as const) {
    close(sum(m.models.rows, (r) => r[key]), t[key], `models.${key}`);
    close(sum(m.projects.rows, (r) => r[key]), t[key], `projects.${key}`);
    close(sum(m.tools.rows, (r) => r[key]), t[key], `tools.${key}`);
    close(sum(m.daily, (d) => d[key]), t[key], `daily.${key}`);
    if (m.sessions.omitted === 0) close(sum(m.sessions.rows, (r) => r[key]), t[key], `sessions.${key}`);
    assert.deepEqual(m.models.totals[key], t[key]);
  }
  assert.equal(m.kpis.requests.value, t.requests);
  assert.equal(m.kpis.totalTokens.value, t.total_tokens);
  assert.equal(m.kpis.cost.value, t.cost_usd);
  assert.equal(m.kpis.main.requests + m.kpis.subagent.requests, t.requests);
  close(m.kpis.main.cost_usd + m.kpis.subagent.cost_usd, t.cost_usd, 'split cost');
  assert.equal(sum(m.daily, (d) => d.mainTokens + d.subagentTokens), t.total_tokens);
  assert.equal(sum(m.heatmap.requests.flat(), (x) => x), t.requests);
  assert.equal(sum(m.heatmap.tokens.flat(), (x) => x), t.total_tokens);
  assert.equal(sum(m.modelSlices, (s) => s.total_tokens), t.total_tokens);
  close([...m.daily].reverse().find((d) => d.cumulativeCost !== null)?.cumulativeCost ?? 0, t.cost_usd, 'cumulative cost');
  assert.equal(m.heatmap.peakTokens?.value ?? 0, m.heatmap.maxTokens);
  assert.equal(m.heatmap.peakCost?.value ?? 0, m.heatmap.maxCost);
  assert.equal(m.dailyPeak.tokens?.value ?? 0, Math.max(0, ...m.daily.map((d) => d.total_tokens)));
  if (m.heatmap.peakTokens) assert.equal(m.heatmap.tokens[m.heatmap.peakTokens.weekday][m.heatmap.peakTokens.hour], m.heatmap.maxTokens);
  const b = m.kpis.buckets;
  assert.equal(b.input_tokens + b.output_tokens + b.cache_creation_tokens + b.cache_read_tokens, t.total_tokens);
  if (m.timeSeries) {
    assert.equal(sum(m.timeSeries.points, (p) => p.requests), t.requests);
    close(sum(m.timeSeries.points, (p) => p.cost_usd), t.cost_usd, 'time series cost');
  }
}

test('last 30 days: cards = tables = charts, and the same totals and days as llm_costs_query', () => {
  const m = buildReadModel(db, filter({ range: 'last_30d' }), NOW);
  assert.equal(m.dataState, 'ok');
  assert.ok(m.totals.requests > 500, 'the fixture puts most requests in the last 30 days');
  assertConsistent(m);
  assert.equal(m.daily.length, 30);
  const q = runQuery(db, { window: 'last_30d', tz: TZ, group_by: 'day', limit: 100 }, NOW);
  assert.equal(m.totals.requests, q.totals.requests);
  assert.equal(m.totals.total_tokens, q.totals.total_tokens);
  close(m.totals.cost_usd, q.totals.cost_usd, 'cost vs llm_costs_query');
  for (const g of q.groups ?? []) {
    const day = m.daily.find((d) => d.day === g.key);
    assert.ok(day, `day ${g.key} present`);
    assert.equal(day.requests, g.requests, `requests on ${g.key}`);
  }
});

test('a rolling window reads the partial edge hours exactly (last 24 h = llm_costs_query last_24h)', () => {
  const m = buildReadModel(db, filter({ range: 'last_24h' }), NOW);
  assertConsistent(m);
  const q = runQuery(db, { window: 'last_24h', tz: TZ }, NOW);
  assert.equal(m.totals.requests, q.totals.requests);
  assert.equal(m.totals.total_tokens, q.totals.total_tokens);
  assert.ok(m.window.shortRange && m.timeSeries, 'a 24 h range has the time series');
  const expected = rows.filter((r) => r.ts >= NOW - 86_400_000 && r.ts < NOW).length;
  assert.equal(m.totals.requests, expected);
});

test('a half-hour zone (Asia/Kolkata) buckets days from exact timestamps', () => {
  const m = buildReadModel(db, filter({ range: 'last_7d', tz: 'Asia/Kolkata' }), NOW);
  assertConsistent(m);
  const q = runQuery(db, { window: 'last_7d', tz: 'Asia/Kolkata', group_by: 'day' }, NOW);
  for (const g of q.groups ?? []) assert.equal(m.daily.find((d) => d.day === g.key)?.requests, g.requests, g.key);
});

test('all time, this month, custom: consistent; this month carries a projection; all has no previous window', () => {
  const all = buildReadModel(db, filter({ range: 'all' }), NOW);
  assertConsistent(all);
  assert.equal(all.totals.requests, rows.length);
  assert.equal(all.kpis.requests.previous, null);
  assert.equal(all.sessions.omitted, 0);
  const month = buildReadModel(db, filter({ range: 'this_month' }), NOW);
  assertConsistent(month);
  // 2026-03-18 15:07 in Berlin: about 17.6 of the month's 31 days elapsed (one of them 23 h long: DST
  // starts on 29 March), so the projection scales by the month's real length over the elapsed time.
  const { startMs, endMs } = month.window;
  assert.equal(endMs - startMs, 31 * 86_400_000 - 3_600_000);
  close(month.kpis.cost.projectedMonth!, month.totals.cost_usd * ((endMs - startMs) / (NOW - startMs)), 'projected month cost');
  const custom = buildReadModel(db, filter({ range: 'custom', from: '2026-03-01', until: '2026-03-10' }), NOW);
  assertConsistent(custom);
  assert.equal(custom.daily.length, 10);
  assert.equal(custom.daily[0].day, '2026-03-01');
  assert.equal(custom.kpis.cost.projectedMonth, null);
});

test('the previous stretch of the same elapsed length drives the card deltas', () => {
  const m = buildReadModel(db, filter({ range: 'last_7d' }), NOW);
  const prev = m.window.previous!;
  // The last 7 days include today up to now: the 7 days before, through the same time of day.
  assert.equal(prev.startMs, m.window.startMs - 7 * 86_400_000);
  assert.equal(prev.endMs - prev.startMs, NOW - m.window.startMs);
  assert.deepEqual([prev.currentLabel, prev.label], ['Mar 12–18', 'Mar 5–11']);
  const expected = rows.filter((r) => r.ts >= prev.startMs && r.ts < prev.endMs).length;
  assert.equal(m.kpis.requests.previous, expected);
  const delta = Math.round(((m.totals.requests - expected) / expected) * 1000) / 10;
  assert.equal(m.kpis.requests.deltaPct, delta);
});

test('filters: models subset, project exact name, source, and every chip off = zero rows', () => {
  const opus = buildReadModel(db, filter({ range: 'all', models: ['claude-opus-4-6'] }), NOW);
  assertConsistent(opus);
  assert.equal(opus.totals.requests, rows.filter((r) => r.model === 'claude-opus-4-6').length);
  assert.deepEqual(opus.models.rows.map((r) => r.model), ['claude-opus-4-6']);
  // The filter controls still list everything, so a narrowed view can be widened again.
  assert.equal(opus.available.models.flatMap((g) => g.models).length, MODELS.length);
  assert.deepEqual(opus.available.models.map((g) => g.family), ['opus', 'sonnet', 'haiku', 'other']);

  const shop = buildReadModel(db, filter({ range: 'all', project: 'shop' }), NOW);
  assert.equal(shop.totals.requests, rows.filter((r) => r.project === 'shop').length);
  const hostile = buildReadModel(db, filter({ range: 'all', project: HOSTILE }), NOW);
  assert.equal(hostile.totals.requests, rows.filter((r) => r.project === HOSTILE).length);
  assert.deepEqual(hostile.projects.rows.map((r) => r.project), [HOSTILE]);

  const none = buildReadModel(db, filter({ range: 'all', models: [] }), NOW);
  assert.equal(none.dataState, 'no_rows');
  assert.equal(none.totals.requests, 0);
  assert.equal(none.models.rows.length, 0);
  assert.ok(none.daily.length > 0 && none.daily.every((d) => d.requests === 0));

  const internal = buildReadModel(db, filter({ range: 'all', source: 'internal' }), NOW);
  assert.equal(internal.totals.requests, 0);
  assert.equal(internal.sources.internalAvailable, false);
});

test('unpriced models are flagged; sessions carry titles, exact first/last instants and the active dot', () => {
  const m = buildReadModel(db, filter({ range: 'last_7d' }), NOW);
  const mystery = m.models.rows.find((r) => r.model === 'mystery-model-x');
  assert.ok(mystery?.unpriced && mystery.cost_usd === 0);
  assert.ok(m.models.rows.filter((r) => r.model !== 'mystery-model-x').every((r) => !r.unpriced));
  assert.equal(m.kpis.unpricedRequests, mystery.requests);

  const live = m.sessions.rows.find((s) => s.sessionKey === 'live-session');
  assert.ok(live);
  assert.equal(live.title, 'Live work');
  assert.equal(live.lastMs, NOW - 2 * 60_000);
  assert.equal(live.firstMs, NOW - 2 * 60_000);
  assert.equal(live.active, true);
  let exactCount = 0;
  for (const s of m.sessions.rows.filter((r) => r.sessionKey !== 'live-session')) {
    const own = rows.filter((r) => r.session === s.sessionKey && r.ts >= m.window.startMs && r.ts < m.window.endMs).map((r) => r.ts);
    const [first, last] = [Math.min(...own), Math.max(...own)];
    if (s.exactTimes) {
      exactCount++;
      assert.equal(s.firstMs, first, `first of ${s.sessionKey}`);
      assert.equal(s.lastMs, last, `last of ${s.sessionKey}`);
    } else {
      // To the hour: the start of the UTC hour holding the first / last request.
      assert.equal(s.firstMs, Math.max(m.window.startMs, Math.floor(first / 3_600_000) * 3_600_000), `first hour of ${s.sessionKey}`);
      assert.equal(s.lastMs, Math.floor(last / 3_600_000) * 3_600_000, `last hour of ${s.sessionKey}`);
    }
    assert.equal(s.active, NOW - s.lastMs <= ACTIVE_SESSION_MS);
  }
  assert.ok(exactCount >= 9, 'the costliest sessions have exact instants');
});

test('insight names the biggest driver of output tokens with its share', () => {
  const m = buildReadModel(db, filter({ range: 'last_30d' }), NOW);
  assert.ok(m.insight);
  const pool = m.insight.kind === 'model' ? m.models.rows.map((r) => [r.model, r.output_tokens] as const) : m.projects.rows.map((r) => [r.project, r.output_tokens] as const);
  const top = [...pool].sort((a, b) => b[1] - a[1])[0];
  assert.equal(m.insight.subject, top[0]);
  assert.equal(m.insight.sharePct, Math.round((top[1] / m.totals.output_tokens) * 1000) / 10);
});

test('budgets: spend today and this month over all data, thresholds green < 80 ≤ amber < 100 ≤ red', () => {
  const m0 = buildReadModel(db, filter({ range: 'last_7d', models: ['claude-haiku-4-5-20251001'] }), NOW, { budgets: {} });
  assert.deepEqual(m0.budgets, { daily: null, monthly: null });
  const todayStart = buildReadModel(db, filter({ range: 'today' }), NOW).window.startMs;
  const spentToday = rows.filter((r) => r.ts >= todayStart && r.ts <= NOW).reduce((s, r) => s + (r.cost ?? 0), 0);
  const spentMonth = buildReadModel(db, filter({ range: 'this_month' }), NOW).totals.cost_usd;
  const budget = (daily: number, monthly: number) =>
    buildReadModel(db, filter({ range: 'last_7d', models: ['claude-haiku-4-5-20251001'] }), NOW, { budgets: { daily, monthly } }).budgets;
  const b = budget(spentToday / 0.5, spentMonth / 0.85);
  close(b.daily!.spentUsd, spentToday, 'daily spend ignores the model filter');
  assert.equal(b.daily!.state, 'ok');
  assert.equal(b.monthly!.state, 'warn');
  assert.equal(budget(spentToday / 1.2, spentMonth / 0.79).daily!.state, 'over');
  assert.equal(budget(1, spentMonth / 0.79).monthly!.state, 'ok');
  assert.equal(b.monthly!.period, '2026-03');
  assert.ok(b.daily!.projectedUsd! >= b.daily!.spentUsd);
});

test('an empty store: no_data with what was scanned', async () => {
  const empty = await createStore();
  const m = buildReadModel(empty, filter({ range: 'all' }), NOW, { roots: ['/home/dev/.claude/projects'], files: 0 });
  assert.equal(m.dataState, 'no_data');
  assert.deepEqual(m.scanned, { roots: ['/home/dev/.claude/projects'], files: 0 });
  assert.equal(m.totals.requests, 0);
  assert.equal(m.insight, null);
  assert.ok(m.daily.length >= 1);
  const last7 = buildReadModel(empty, filter({ range: 'last_7d' }), NOW);
  assert.equal(last7.daily.length, 7);
  assertConsistent(last7);
});

test('time series buckets a short range at 5 min / 15 min / 1 h and stops at now', () => {
  for (const interval of ['5m', '15m', '1h'] as const) {
    const m = buildReadModel(db, filter({ range: 'today', interval }), NOW);
    assertConsistent(m);
    const step = { '5m': 300_000, '15m': 900_000, '1h': 3_600_000 }[interval];
    const pts = m.timeSeries!.points;
    assert.ok(pts.every((p, i) => i === 0 || p.startMs - pts[i - 1].startMs === step));
    assert.ok(pts.at(-1)!.startMs <= NOW && pts.at(-1)!.startMs + step > NOW);
  }
  assert.equal(buildReadModel(db, filter({ range: 'last_7d' }), NOW).timeSeries, null);
});

test('CSV export: sections with totals rows, hostile names quoted and formula-neutralised; JSON round-trips', () => {
  const m = buildReadModel(db, filter({ range: 'all' }), NOW);
  const csv = readModelToCsv(m);
  for (const section of ['# Daily', '# Models', '# Projects', '# Tools', '# Branches', '# Sessions']) assert.ok(csv.includes(section), section);
  assert.ok(csv.includes(HOSTILE), 'names are kept as text');
  const projectsPart = csv.slice(csv.indexOf('# Projects'), csv.indexOf('# Tools'));
  const totalLine = projectsPart.trim().split('\n').at(-1)!;
  assert.equal(totalLine.split(',')[1], String(m.totals.requests));
  const evil = buildReadModel(db, filter({ range: 'all' }), NOW);
  evil.projects.rows[0] = { ...evil.projects.rows[0], project: '=HYPERLINK("http://x","y")' };
  assert.ok(readModelToCsv(evil).includes(`"'=HYPERLINK(""http://x"",""y"")"`));
  assert.deepEqual(JSON.parse(readModelToJson(m)), JSON.parse(JSON.stringify(m)));
});
