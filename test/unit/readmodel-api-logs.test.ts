// The panel's read model with the second source (issue 7): API-log calls loaded through the real
// ApiLogScanner beside Claude Code rows. Source and provider filters, the Cost view leaving out calls
// that cost nothing by design, by-provider / by-feature tables that add up to the cards, call outcomes,
// the duration scatter (bucketed beyond 2,000 calls) and the latest rate-limit observations.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { buildReadModel, readModelToCsv } from '../../src/core/query/readModel';
import { runQuery } from '../../src/core/query/run';
import { DEFAULT_PANEL_FILTER, MAX_SCATTER_POINTS, mergePanelFilter, parsePanelFilter, parseWebviewMessage } from '../../src/protocol';
import type { PanelFilter, PanelReadModel } from '../../src/protocol';
import { selectAll } from '../../src/core/store/sqljs';
import type { Database } from '../../src/core/store/sqljs';
import { createStore } from './helpers/store-fixture';
import { HOSTILE_FEATURE, HOSTILE_PROVIDER, NOW, OLLAMA_MODEL, apiLogFiles, populatedStore, scanApiLogs } from '../webview/fixture';

let db: Database;
const filter = (over: Partial<PanelFilter> = {}): PanelFilter => ({ ...DEFAULT_PANEL_FILTER, tz: 'UTC', ...over });
const close = (a: number, b: number, msg: string) => assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${msg}: ${a} vs ${b}`);
const sum = <T>(list: T[], f: (x: T) => number) => list.reduce((s, x) => s + f(x), 0);
const count = (where: string, params: (string | number)[] = []) =>
  Number(selectAll<{ n: number }>(db, `SELECT COUNT(*) AS n FROM requests WHERE ${where}`, params)[0].n);

before(async () => {
  db = await populatedStore();
  const summary = await scanApiLogs(db, apiLogFiles(NOW));
  assert.equal(summary.badLines, 0, 'every fixture line parses');
  assert.ok(summary.newRequests > 400);
});

/** Every breakdown of the page adds up to its cards. */
function assertConsistent(m: PanelReadModel): void {
  const t = m.totals;
  for (const key of ['requests', 'total_tokens', 'cost_usd', 'output_tokens'] as const) {
    close(sum(m.providers.rows, (r) => r[key]), t[key], `providers.${key}`);
    close(sum(m.features.rows, (r) => r[key]), t[key], `features.${key}`);
    close(sum(m.models.rows, (r) => r[key]), t[key], `models.${key}`);
    close(sum(m.daily, (d) => d[key]), t[key], `daily.${key}`);
  }
  assert.equal(m.kpis.cloud.requests + m.kpis.local.requests, t.requests);
  assert.equal(m.kpis.cloud.total_tokens + m.kpis.local.total_tokens, t.total_tokens);
  assert.equal(m.providers.omitted, 0);
  assert.equal(m.features.omitted, 0);
}

test('both sources, Usage view: the source control is live; providers and features add up; same figures as llm_costs_query', () => {
  const m = buildReadModel(db, filter({ range: 'last_30d', view: 'usage' }), NOW);
  assert.equal(m.sources.internalAvailable, true);
  assertConsistent(m);
  const { startMs, endMs } = m.window;
  assert.equal(m.totals.requests, count('ts >= ? AND ts < ?', [startMs, endMs]));
  // Claude Code rows count as anthropic / (none); the local Ollama calls are in (Usage view).
  const byName = new Map(m.providers.rows.map((r) => [r.provider, r]));
  assert.ok(byName.get('anthropic')!.requests >= count('ts >= ? AND ts < ? AND source = 0', [startMs, endMs]));
  assert.equal(byName.get('ollama')!.requests, count('ts >= ? AND ts < ? AND execution_mode = 1', [startMs, endMs]));
  assert.equal(byName.get('ollama')!.cost_usd, 0);
  assert.ok(byName.has(HOSTILE_PROVIDER), 'names are kept verbatim');
  assert.ok(m.features.rows.some((r) => r.feature === HOSTILE_FEATURE));
  assert.equal(m.kpis.local.requests, byName.get('ollama')!.requests);
  assert.equal(m.kpis.local.cost_usd, 0);
  assert.deepEqual(m.freeCalls, { requests: byName.get('ollama')!.requests, total_tokens: byName.get('ollama')!.total_tokens, hidden: false });

  // llm_costs_query, group_by provider / feature over the same window: the same rows per name.
  for (const dim of ['provider', 'feature'] as const) {
    const q = runQuery(db, { window: 'last_30d', tz: 'UTC', group_by: dim, limit: 500 }, NOW);
    assert.equal(q.totals.requests, m.totals.requests);
    const rows = dim === 'provider' ? m.providers.rows.map((r) => [r.provider, r] as const) : m.features.rows.map((r) => [r.feature, r] as const);
    for (const [name, row] of rows) {
      const groups = (q.groups ?? []).filter((g) => g.key === name);
      assert.equal(sum(groups, (g) => g.requests), row.requests, `${dim} ${name} requests`);
      close(sum(groups, (g) => g.cost_usd), row.cost_usd, `${dim} ${name} cost`);
    }
  }
  // Call outcomes: the same success rate, latency and speed as the query over API-log rows.
  const q = runQuery(db, { window: 'last_30d', tz: 'UTC', source: 'internal' }, NOW);
  assert.ok(m.calls);
  close(m.calls.successPct! / 100, q.totals.success_rate!, 'success rate');
  assert.equal(m.calls.avgDurationMs, q.totals.avg_duration_ms);
  assert.equal(m.calls.tokensPerSecond, q.totals.tokens_per_second);
  assert.equal(m.calls.outcomeCalls, count('ts >= ? AND ts < ? AND success IS NOT NULL', [startMs, endMs]));
  assert.equal(m.calls.outcomeCalls - m.calls.successes, count('ts >= ? AND ts < ? AND success = 0', [startMs, endMs]));
  // Claude Code rows have no outcome: its provider row carries none, the API-log ones do.
  assert.ok(m.providers.rows.filter((r) => r.provider !== 'anthropic').every((r) => r.calls !== null));
});

test('Cost view: calls free by design (cost_kind 2) are left out of every figure, and counted', () => {
  const usage = buildReadModel(db, filter({ range: 'last_30d', view: 'usage' }), NOW);
  const cost = buildReadModel(db, filter({ range: 'last_30d', view: 'cost' }), NOW);
  assertConsistent(cost);
  const { startMs, endMs } = cost.window;
  const free = count('ts >= ? AND ts < ? AND cost_kind = 2', [startMs, endMs]);
  assert.ok(free > 50);
  // The Cost view leaves out execution_mode local; ingest marks exactly those rows cost_kind 2.
  assert.equal(count('cost_kind = 2'), count('execution_mode = 1'));
  assert.equal(count('(cost_kind = 2) <> (execution_mode = 1)'), 0);
  assert.deepEqual(cost.freeCalls.hidden, true);
  assert.equal(cost.freeCalls.requests, free);
  assert.equal(cost.totals.requests, usage.totals.requests - free);
  close(cost.totals.cost_usd, usage.totals.cost_usd, 'nothing with a cost is left out');
  assert.equal(cost.kpis.local.requests, 0);
  assert.ok(!cost.providers.rows.some((r) => r.provider === 'ollama'));
  assert.ok(!cost.models.rows.some((r) => r.model === OLLAMA_MODEL));
  assert.equal(sum(cost.heatmap.requests.flat(), (x) => x), cost.totals.requests);
  // The same rows as llm_costs_query with execution_mode cloud.
  const q = runQuery(db, { window: 'last_30d', tz: 'UTC', execution_mode: 'cloud' }, NOW);
  assert.equal(cost.totals.requests, q.totals.requests);
  close(cost.totals.cost_usd, q.totals.cost_usd, 'cost');
  // The previous window follows the same rule (its deltas compare like with like).
  const prevFree = count('ts >= ? AND ts < ? AND cost_kind = 2', [cost.window.previous!.startMs, cost.window.previous!.endMs]);
  assert.equal(cost.kpis.requests.previous, usage.kpis.requests.previous! - prevFree);
  // The scatter and the outcome card show the same rows as the rest of the page.
  assert.equal(cost.scatter!.calls, count('ts >= ? AND ts < ? AND source = 1 AND execution_mode = 0 AND duration_ms IS NOT NULL', [startMs, endMs]));
  assert.equal(cost.calls!.timedCalls, cost.scatter!.calls);
  // Claude Code only: nothing is hidden.
  const cc = buildReadModel(db, filter({ range: 'last_30d', source: 'claude_code' }), NOW);
  assert.equal(cc.freeCalls.requests, 0);
  assert.equal(cc.calls, null);
  assert.equal(cc.scatter, null);
  assert.deepEqual(cc.providers.rows.map((r) => r.provider), ['anthropic']);
});

test('source filter: API logs only and Claude Code only partition All', () => {
  for (const view of ['usage', 'cost'] as const) {
    const all = buildReadModel(db, filter({ range: 'last_7d', view }), NOW);
    const api = buildReadModel(db, filter({ range: 'last_7d', view, source: 'internal' }), NOW);
    const cc = buildReadModel(db, filter({ range: 'last_7d', view, source: 'claude_code' }), NOW);
    assertConsistent(api);
    assertConsistent(cc);
    assert.equal(api.totals.requests + cc.totals.requests, all.totals.requests);
    close(api.totals.cost_usd + cc.totals.cost_usd, all.totals.cost_usd, 'cost');
    const { startMs, endMs } = api.window;
    const localWhere = view === 'cost' ? ' AND execution_mode = 0' : '';
    assert.equal(api.totals.requests, count(`ts >= ? AND ts < ? AND source = 1${localWhere}`, [startMs, endMs]));
    assert.ok(!api.providers.rows.some((r) => r.provider === 'anthropic' && r.calls === null), 'no Claude Code row in API logs only');
  }
});

test('provider filter: scopes the rows and the model chips; anthropic = Claude Code + Anthropic API calls', () => {
  const ollama = buildReadModel(db, filter({ range: 'all', view: 'usage', provider: 'ollama' }), NOW);
  assertConsistent(ollama);
  assert.equal(ollama.totals.requests, count('execution_mode = 1'));
  assert.deepEqual(ollama.available.models.flatMap((g) => g.models.map((x) => x.id)), [OLLAMA_MODEL]);
  assert.deepEqual(ollama.providers.rows.map((r) => r.provider), ['ollama']);
  // The provider list is not narrowed by the pick (it is how the user picks another).
  const names = ollama.available.providers.map((p) => p.name);
  for (const n of ['anthropic', 'openai', 'ollama', '(unknown)', HOSTILE_PROVIDER]) assert.ok(names.includes(n), n);
  assert.deepEqual(ollama.available.providers.find((p) => p.name === 'openai')!.models, ['gpt-4o-mini']);

  const anthropic = buildReadModel(db, filter({ range: 'all', view: 'usage', provider: 'anthropic' }), NOW);
  assertConsistent(anthropic);
  const anthropicId = Number(selectAll<{ id: number }>(db, "SELECT id FROM providers WHERE name = 'anthropic'")[0].id);
  assert.equal(anthropic.totals.requests, count('source = 0 OR provider_id = ?', [anthropicId]));
  assert.ok(anthropic.available.models.flatMap((g) => g.models.map((x) => x.id)).includes('claude-opus-4-6'));
  assert.ok(!anthropic.available.models.flatMap((g) => g.models.map((x) => x.id)).includes('gpt-4o-mini'));

  const unknown = buildReadModel(db, filter({ range: 'all', view: 'usage', provider: '(unknown)' }), NOW);
  assert.equal(unknown.totals.requests, count('source = 1 AND provider_id IS NULL'));
  // Provider and model together; a provider nobody logged → zero rows; Claude Code only + openai → zero rows.
  const pair = buildReadModel(db, filter({ range: 'all', provider: 'anthropic', models: ['claude-haiku-4-5-20251001'], source: 'internal' }), NOW);
  const haikuId = Number(selectAll<{ id: number }>(db, "SELECT id FROM models WHERE name = 'claude-haiku-4-5-20251001'")[0].id);
  assert.equal(pair.totals.requests, count('source = 1 AND provider_id = ? AND model_id = ?', [anthropicId, haikuId]));
  assert.equal(buildReadModel(db, filter({ range: 'all', provider: 'mistral' }), NOW).dataState, 'no_rows');
  assert.equal(buildReadModel(db, filter({ range: 'all', provider: 'openai', source: 'claude_code' }), NOW).totals.requests, 0);
  // A rolling window (partial edge hours) and a half-hour zone read the same rows as SQL says.
  for (const f of [filter({ range: 'last_24h', provider: 'anthropic' }), filter({ range: 'last_7d', provider: 'anthropic', tz: 'Asia/Kolkata' })]) {
    const m = buildReadModel(db, f, NOW);
    assertConsistent(m);
    assert.equal(m.totals.requests, count('ts >= ? AND ts < ? AND (source = 0 OR provider_id = ?)', [m.window.startMs, m.window.endMs, anthropicId]));
  }
});

test('scatter: one point per call up to 2,000 calls, a 50 × 40 grid of means beyond, nothing lost', async () => {
  const m = buildReadModel(db, filter({ range: 'all', view: 'usage' }), NOW);
  const timed = count('duration_ms IS NOT NULL');
  assert.equal(m.scatter!.bucketed, false);
  assert.equal(m.scatter!.calls, timed);
  assert.equal(m.scatter!.points.length, timed);
  const slowest = selectAll<{ d: number }>(db, 'SELECT MAX(duration_ms) AS d FROM requests')[0].d;
  assert.equal(m.scatter!.slowest!.durationMs, slowest);

  // 2,600 timed calls in a store of their own: bucketed, at most 2,000 points, every call counted once.
  const big = await createStore();
  const lines = Array.from({ length: 2600 }, (_, i) => ({
    timestamp: new Date(NOW - (i + 1) * 60_000).toISOString(), provider: 'openai', model: 'gpt-4o-mini',
    input_tokens: 100, output_tokens: (i * 37) % 3000, duration_ms: 200 + ((i * 7919) % 60_000), success: i % 13 !== 0, cost_usd: 0.0001,
  }));
  await scanApiLogs(big, { 'big/calls.jsonl': lines });
  const b = buildReadModel(big, filter({ range: 'all', view: 'usage' }), NOW).scatter!;
  assert.equal(b.bucketed, true);
  assert.equal(b.calls, 2600);
  assert.ok(b.points.length <= MAX_SCATTER_POINTS && b.points.length > 100, `${b.points.length} points`);
  assert.equal(sum(b.points, (p) => p.calls), 2600);
  assert.equal(sum(b.points, (p) => p.failed), lines.filter((l) => !l.success).length);
  assert.equal(b.slowest!.durationMs, Math.max(...lines.map((l) => l.duration_ms)));
  const ds = lines.map((l) => l.duration_ms).sort((x, y) => x - y);
  assert.equal(b.medianDurationMs, (ds[1299] + ds[1300]) / 2);
});

test('rate limits: latest observation per model, most restrictive first, stale ones shown as stale', () => {
  const m = buildReadModel(db, filter({ range: 'last_7d' }), NOW);
  const rl = m.rateLimits;
  assert.deepEqual(rl.tightest, { model: 'claude-sonnet-4-5-20250929', kind: 'output_tokens', headroomPct: 15, resetMs: NOW + 40_000 });
  assert.deepEqual(rl.models.map((x) => x.model), ['claude-sonnet-4-5-20250929', 'gpt-4o-mini', 'claude-haiku-4-5-20251001', 'claude-opus-4-6']);
  const sonnet = rl.models[0];
  assert.deepEqual(sonnet.readings.map((r) => [r.kind, r.remaining, r.limit, r.stale]), [
    ['requests', 41, 50, false], ['input_tokens', 21_400, 30_000, false], ['output_tokens', 1_200, 8_000, false],
  ]);
  const gpt = rl.models[1];
  assert.equal(gpt.headroomPct, 40);
  assert.equal(gpt.readings.find((r) => r.kind === 'tokens')!.stale, true, 'a reading past its reset is history');
  assert.equal(gpt.readings.find((r) => r.kind === 'tokens')!.headroomPct, null);
  const opus = rl.models[3];
  assert.equal(opus.stale, true);
  assert.equal(opus.headroomPct, null);
  // Not filtered by the page's filters: they describe now.
  assert.deepEqual(buildReadModel(db, filter({ range: 'last_7d', source: 'claude_code', provider: 'ollama' }), NOW).rateLimits, rl);
  // A minute later every reset has passed: nothing fresh, no headroom claimed.
  const later = buildReadModel(db, filter({ range: 'last_7d' }), NOW + 10 * 60_000).rateLimits;
  assert.equal(later.tightest, null);
  assert.ok(later.models.every((x) => x.stale && x.headroomPct === null));
  assert.equal(later.models.length, 4, 'stale observations are still listed');
});

test('protocol: provider in the filter (optional, validated), the CSV carries providers and features', async () => {
  const base = { ...DEFAULT_PANEL_FILTER, tz: 'UTC' };
  const { provider: _omit, ...older } = base;
  const parsed = parsePanelFilter(older);
  assert.ok(!('error' in parsed) && parsed.provider === null, 'a filter saved before the field existed still loads');
  assert.deepEqual(parsePanelFilter({ ...base, provider: '' }), { ...base, provider: null });
  assert.deepEqual(parsePanelFilter({ ...base, provider: HOSTILE_PROVIDER }), { ...base, provider: HOSTILE_PROVIDER });
  const bad = parsePanelFilter({ ...base, provider: 42 });
  assert.ok('error' in bad && bad.error.startsWith('filter.provider:'), JSON.stringify(bad));
  const long = parseWebviewMessage({ type: 'setFilter', requestId: 1, filter: { ...base, provider: 'x'.repeat(201) } });
  assert.ok('error' in long && long.error.startsWith('filter.provider:'));
  const merged = mergePanelFilter(base, { provider: 'openai' });
  assert.ok(!('error' in merged) && merged.provider === 'openai');

  const m = buildReadModel(db, filter({ range: 'all', view: 'cost' }), NOW);
  const csv = readModelToCsv(m);
  assert.ok(csv.includes('# Providers') && csv.includes('# Features'));
  assert.ok(csv.includes(`local/free calls left out`));
  assert.ok(csv.includes(HOSTILE_FEATURE));
  const ccOnly = buildReadModel(await populatedStore(), filter({ range: 'all' }), NOW);
  assert.equal(ccOnly.sources.internalAvailable, false);
  assert.deepEqual(ccOnly.available.providers, []);
  assert.ok(!readModelToCsv(ccOnly).includes('# Providers'), 'a Claude-Code-only export is unchanged');
  assert.deepEqual(ccOnly.rateLimits, { models: [], tightest: null });
});
