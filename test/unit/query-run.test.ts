import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runQuery, rollupAnswersExactly } from '../../src/core/query/run';
import { METRIC_KEYS } from '../../src/core/query/metrics';
import { GROUP_BYS, QueryParamError } from '../../src/core/query/types';
import type { GroupRow, QueryResult } from '../../src/core/query/types';
import { formatDayKey, formatHourKey } from '../../src/core/query/windows';
import type { Metrics } from '../../src/core/types';
import type { Database } from '../../src/core/store/sqljs';
import { countRows, createStore, insertRequests, prng } from './helpers/store-fixture';
import type { FixtureRequest } from './helpers/store-fixture';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const at = (s: string) => Date.parse(s);

const HAND: FixtureRequest[] = [
  { ts: at('2026-11-20T10:15:00Z'), project: 'alpha-repo', session: 'sA', sessionTitle: 'Fix bug', model: 'claude-opus-4-5',
    tools: 'Edit, Read', input: 100, output: 50, cacheCreation: 10, cacheCreation1h: 4, cacheRead: 1000, cost: 1.5, webSearch: 1,
    cacheSavings: 0.0045, cacheWritePremium: 0.0000325 },
  { ts: at('2026-11-20T10:45:00Z'), project: 'alpha-repo', session: 'sA', sessionTitle: 'Fix bug', model: 'claude-sonnet-4-5',
    tools: '', input: 200, output: 20, cost: 0.25 },
  { ts: at('2026-11-21T23:30:00Z'), project: 'Beta', session: 'sB', model: 'claude-sonnet-4-5', tools: 'Bash', input: 10, output: 5, cost: 0.05 },
  { ts: at('2026-11-22T09:00:00Z'), source: 'internal', executionMode: 'local', project: 'internal-tools', session: 'api-1',
    model: 'llama-local', input: 1000, output: 500, cost: 0, priced: false },
  { ts: at('2026-10-10T00:00:00Z'), project: 'alpha-repo', session: 'sOld', model: 'claude-opus-4-5', input: 1, output: 1, cost: 9 },
];

async function handStore(): Promise<Database> {
  const db = await createStore();
  insertRequests(db, HAND);
  return db;
}

const keysOf = (r: QueryResult) => r.groups!.map((g) => [g.key, g.label, g.requests, g.cost_usd]);

test('totals over the default window (last_30d) and every metric', async () => {
  const db = await handStore();
  const r = runQuery(db, { tz: 'UTC' }, NOW);
  assert.deepEqual(r.window, { start: '2026-10-24T00:00:00.000Z', end: '2026-11-23T00:00:00.000Z', tz: 'UTC', label: 'last_30d' });
  assert.deepEqual(r.totals, {
    requests: 4, input_tokens: 1310, output_tokens: 575, cache_creation_tokens: 10, cache_read_tokens: 1000,
    total_tokens: 2895, cost_usd: 1.8, unpriced_requests: 1, web_search_requests: 1,
    cache_savings_usd: 0.0045, cache_write_premium_usd: 0.000033,
  });
  assert.equal(r.groups, undefined);
  assert.equal(r.previous, undefined);
  assert.equal(runQuery(db, { tz: 'UTC', window: 'all' }, NOW).totals.requests, 5);
});

test('group_by project / model / session / tool / source: keys, labels, order, share', async () => {
  const db = await handStore();
  const q = (group_by: string) => runQuery(db, { tz: 'UTC', group_by }, NOW);
  assert.deepEqual(keysOf(q('project')), [['alpha-repo', 'alpha-repo', 2, 1.75], ['Beta', 'Beta', 1, 0.05], ['internal-tools', 'internal-tools', 1, 0]]);
  assert.deepEqual(keysOf(q('model')), [['claude-opus-4-5', 'claude-opus-4-5', 1, 1.5], ['claude-sonnet-4-5', 'claude-sonnet-4-5', 2, 0.3], ['llama-local', 'llama-local', 1, 0]]);
  assert.deepEqual(keysOf(q('session')), [['sA', 'Fix bug', 2, 1.75], ['sB', 'sB', 1, 0.05], ['api-1', 'api-1', 1, 0]]);
  assert.deepEqual(keysOf(q('tool')), [['Edit, Read', 'Edit, Read', 1, 1.5], ['(none)', '(none)', 2, 0.25], ['Bash', 'Bash', 1, 0.05]]);
  assert.deepEqual(keysOf(q('source')), [['claude_code', 'claude_code', 3, 1.8], ['internal', 'internal', 1, 0]]);
  const p = q('project').groups!;
  assert.ok(Math.abs(p[0].share_of_cost - 1.75 / 1.8) < 1e-12);
  assert.equal(p[2].share_of_cost, 0);
  assert.equal(p[0].total_tokens, 100 + 50 + 10 + 1000 + 200 + 20);
  // share is 0 (not NaN) when the total cost is 0
  assert.deepEqual(runQuery(db, { tz: 'UTC', group_by: 'model', source: 'internal' }, NOW).groups!.map((g) => g.share_of_cost), [0]);
});

test('group_by provider / feature (API-log dimensions) read requests; Claude Code rows are anthropic / (none)', async () => {
  const db = await handStore();
  const r = runQuery(db, { tz: 'UTC', group_by: 'provider' }, NOW);
  // the internal row has no provider recorded
  assert.deepEqual(keysOf(r), [['anthropic', 'anthropic', 3, 1.8], ['(unknown)', '(unknown)', 1, 0]]);
  assert.deepEqual(keysOf(runQuery(db, { tz: 'UTC', group_by: 'feature' }, NOW)), [['(none)', '(none)', 4, 1.8]]);
  assert.equal(rollupAnswersExactly(at('2026-10-24T00:00:00Z'), at('2026-11-23T00:00:00Z'), 'UTC', ['provider']), false);
  assert.equal('success_rate' in r.totals, false, 'no call logged an outcome');
});

test('group_by day / hour use local days and hours of tz, in time order', async () => {
  const db = await handStore();
  const days = (tz: string) => runQuery(db, { tz, group_by: 'day' }, NOW).groups!.map((g) => [g.key, g.requests]);
  assert.deepEqual(days('UTC'), [['2026-11-20', 2], ['2026-11-21', 1], ['2026-11-22', 1]]);
  assert.deepEqual(days('America/New_York'), [['2026-11-20', 2], ['2026-11-21', 1], ['2026-11-22', 1]]);
  assert.deepEqual(days('Asia/Tokyo'), [['2026-11-20', 2], ['2026-11-22', 2]]);
  const hours = runQuery(db, { tz: 'Asia/Kolkata', group_by: 'hour' }, NOW).groups!.map((g) => [g.key, g.requests]);
  assert.deepEqual(hours, [['2026-11-20T15', 1], ['2026-11-20T16', 1], ['2026-11-22T05', 1], ['2026-11-22T14', 1]]);
});

test('filters: source, execution_mode, project substring (case-insensitive), models trichotomy', async () => {
  const db = await handStore();
  const n = (p: object) => runQuery(db, { tz: 'UTC', ...p }, NOW).totals.requests;
  assert.equal(n({ source: 'internal' }), 1);
  assert.equal(n({ source: 'claude_code' }), 3);
  assert.equal(n({ execution_mode: 'local' }), 1);
  assert.equal(n({ execution_mode: 'cloud' }), 3);
  assert.equal(n({ project: 'ALPHA' }), 2);
  assert.equal(n({ project: 'a' }), 4);
  assert.equal(n({ project: 'zzz' }), 0);
  assert.equal(n({ project: '%' }), 0, 'no LIKE wildcards');
  assert.equal(n({ models: null }), 4);
  assert.equal(n({ models: ['claude-opus-4-5'] }), 1);
  assert.equal(n({ models: 'claude-opus-4-5,llama-local' }), 2);
  assert.equal(n({ models: 'claude-opus' }), 0, 'ids match exactly as written');
  assert.equal(n({ models: [] }), 0);
  assert.equal(n({ models: '' }), 0);
  const none = runQuery(db, { tz: 'UTC', models: [], group_by: 'model' }, NOW);
  assert.deepEqual(none.groups, []);
  assert.equal(none.totals.cost_usd, 0);
});

test('compare: previous window of equal length with delta_pct (null when previous is 0)', async () => {
  const db = await handStore();
  const r = runQuery(db, { tz: 'UTC', window: 'today', compare: true }, NOW);
  assert.deepEqual(r.previous!.window, { start: '2026-11-21T00:00:00.000Z', end: '2026-11-22T00:00:00.000Z', tz: 'UTC', label: 'previous today' });
  assert.equal(r.totals.input_tokens, 1000);
  assert.equal(r.previous!.totals.input_tokens, 10);
  assert.equal(r.previous!.delta_pct.input_tokens, 9900);
  assert.equal(r.previous!.delta_pct.output_tokens, (500 - 5) / 5 * 100);
  assert.equal(r.previous!.delta_pct.cost_usd, -100);
  assert.equal(r.previous!.delta_pct.unpriced_requests, null);
  assert.equal(r.previous!.delta_pct.web_search_requests, null);
  assert.equal(r.previous!.delta_pct.requests, 0);
  assert.deepEqual(Object.keys(r.previous!.delta_pct).sort(), [...METRIC_KEYS].sort());
});

test('limit caps groups; totals still cover the whole filter; day groups keep the most recent', async () => {
  const db = await handStore();
  const p = runQuery(db, { tz: 'UTC', group_by: 'project', limit: 2 }, NOW);
  assert.deepEqual(p.groups!.map((g) => g.key), ['alpha-repo', 'Beta']);
  assert.equal(p.totals.requests, 4);
  const d = runQuery(db, { tz: 'UTC', group_by: 'day', limit: 2 }, NOW);
  assert.deepEqual(d.groups!.map((g) => g.key), ['2026-11-21', '2026-11-22']);
  assert.equal(d.totals.requests, 4);
  // ties in cost sort by key
  const t = runQuery(db, { tz: 'UTC', group_by: 'source', limit: 1, source: 'internal' }, NOW);
  assert.deepEqual(t.groups!.map((g) => g.key), ['internal']);
});

test('rollup_hour serves whole hours; partial and straddling hours come from requests', async () => {
  const db = await createStore();
  insertRequests(db, [
    { ts: at('2026-11-20T12:00:00Z'), input: 1 }, // a whole hour inside a Kolkata day: rollup
    { ts: at('2026-11-20T18:40:00Z'), input: 2 }, // in 18:00–19:00Z, which holds Kolkata midnight (18:30Z): raw for day keys
    { ts: at('2026-11-21T18:45:00Z'), input: 4 }, // head of Kolkata's "today" (from 18:30Z), a straddling hour: raw
    { ts: at('2026-11-22T05:00:00Z'), input: 8 }, // whole hour: rollup
    { ts: at('2026-11-22T18:10:00Z'), input: 16 }, // in the tail of Kolkata's "today" (to 18:30Z): raw
  ]);
  const kolkataToday = { tz: 'Asia/Kolkata', window: 'today' };
  const before = {
    utcDays: runQuery(db, { tz: 'UTC', group_by: 'day' }, NOW),
    today: runQuery(db, kolkataToday, NOW),
    todayHours: runQuery(db, { ...kolkataToday, group_by: 'hour' }, NOW),
    days: runQuery(db, { tz: 'Asia/Kolkata', window: 'last_7d', group_by: 'day' }, NOW),
  };
  assert.equal(before.today.totals.input_tokens, 4 + 8 + 16);
  assert.deepEqual(before.days.groups!.map((g) => [g.key, g.input_tokens]), [['2026-11-20', 1], ['2026-11-21', 2], ['2026-11-22', 4 + 8 + 16]]);
  assert.equal(rollupAnswersExactly(at('2026-10-24T00:00:00Z'), at('2026-11-23T00:00:00Z'), 'UTC', ['day']), true);
  assert.equal(rollupAnswersExactly(at('2026-11-01T00:00:00Z'), at('2026-11-23T00:00:00Z'), 'Asia/Kolkata', ['model']), true);
  assert.equal(rollupAnswersExactly(at('2026-11-01T00:00:00Z'), at('2026-11-23T00:00:00Z'), 'Asia/Kolkata', ['day']), false);
  assert.equal(rollupAnswersExactly(at('2026-11-21T18:30:00Z'), at('2026-11-22T18:30:00Z'), 'Asia/Kolkata', []), false);

  // Empty the rollup: what is left shows which rows each query read from requests.
  db.run('DELETE FROM rollup_hour');
  assert.equal(runQuery(db, { tz: 'UTC', group_by: 'day' }, NOW).totals.requests, 0, 'UTC days: all from rollup_hour');
  assert.equal(runQuery(db, kolkataToday, NOW).totals.input_tokens, 4 + 16, 'edges from requests');
  assert.deepEqual(runQuery(db, { ...kolkataToday, group_by: 'hour' }, NOW), before.todayHours, 'Kolkata hours: all from requests');
  assert.deepEqual(runQuery(db, { tz: 'Asia/Kolkata', window: 'last_7d', group_by: 'day' }, NOW).groups!.map((g) => [g.key, g.input_tokens]),
    [['2026-11-21', 2], ['2026-11-22', 4 + 16]], 'the midnight-straddling hours and the edges from requests');
  assert.equal(before.utcDays.totals.requests, 5);
});

test('DST: the repeated fall-back hour is one group; the 25-hour day is one group; both paths agree', async () => {
  const db = await createStore();
  insertRequests(db, [
    { ts: at('2026-11-01T05:30:00Z'), input: 1, cost: 0.1 }, // 01:30 EDT
    { ts: at('2026-11-01T06:30:00Z'), input: 2, cost: 0.2 }, // 01:30 EST
    { ts: at('2026-11-02T04:30:00Z'), input: 4, cost: 0.4 }, // 23:30 EST, still Nov 1
    { ts: at('2026-11-02T05:30:00Z'), input: 8, cost: 0.8 }, // 00:30 Nov 2
  ]);
  const now = at('2026-11-02T12:00:00Z');
  const hours = runQuery(db, { tz: 'America/New_York', group_by: 'hour', window: 'last_7d' }, now);
  assert.deepEqual(hours.groups!.map((g) => [g.key, g.input_tokens]), [['2026-11-01T01', 3], ['2026-11-01T23', 4], ['2026-11-02T00', 8]]);
  const days = runQuery(db, { tz: 'America/New_York', group_by: 'day', window: 'last_7d' }, now);
  assert.deepEqual(days.groups!.map((g) => [g.key, g.input_tokens]), [['2026-11-01', 7], ['2026-11-02', 8]]);
  for (const group_by of ['hour', 'day']) {
    const params = { tz: 'America/New_York', group_by, window: 'last_7d' };
    assert.deepEqual(runQuery(db, params, now, { table: 'requests' }), runQuery(db, params, now));
  }
});

// ---- random data: groups sum to totals; rollup and raw paths agree; totals match an independent sum ----

const MODELS = ['claude-opus-4-5', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5', 'gpt-local'];
const PROJECTS = ['alpha', 'alpha-web', 'Beta', 'gamma/tools'];
const TOOLS = ['', 'Bash', 'Edit, Read', 'Read', 'Bash, Edit, Read'];

function randomRows(seed: number, n: number): FixtureRequest[] {
  const rnd = prng(seed);
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  const start = at('2026-09-20T00:00:00Z');
  const span = at('2026-11-23T00:00:00Z') - start;
  return Array.from({ length: n }, (): FixtureRequest => {
    const internal = rnd() < 0.2;
    return {
      ts: start + Math.floor(rnd() * span),
      source: internal ? 'internal' : 'claude_code',
      executionMode: internal && rnd() < 0.5 ? 'local' : 'cloud',
      project: pick(PROJECTS),
      session: `s${Math.floor(rnd() * 12)}`,
      sessionTitle: rnd() < 0.3 ? 'titled' : null,
      model: pick(MODELS),
      tools: pick(TOOLS),
      input: Math.floor(rnd() * 5000),
      output: Math.floor(rnd() * 2000),
      cacheCreation: Math.floor(rnd() * 10000),
      cacheRead: Math.floor(rnd() * 50000),
      webSearch: rnd() < 0.1 ? 1 : 0,
      sidechain: rnd() < 0.2,
      cost: Math.round(rnd() * 10000) / 10000,
      priced: rnd() > 0.05,
      cacheSavings: Math.floor(rnd() * 1e9) / 1e10,
      cacheWritePremium: Math.floor(rnd() * 1e8) / 1e10,
    };
  });
}

function independentTotals(rows: FixtureRequest[], from: number, to: number): Metrics {
  const m = { requests: 0, input_tokens: 0, output_tokens: 0, cache_creation_tokens: 0, cache_read_tokens: 0, total_tokens: 0, cost_usd: 0, unpriced_requests: 0, web_search_requests: 0 };
  for (const r of rows) {
    if (r.ts < from || r.ts >= to) continue;
    m.requests++;
    m.input_tokens += r.input!; m.output_tokens += r.output!; m.cache_creation_tokens += r.cacheCreation!; m.cache_read_tokens += r.cacheRead!;
    m.total_tokens += r.input! + r.output! + r.cacheCreation! + r.cacheRead!;
    m.cost_usd += r.priced === false ? 0 : r.cost!;
    m.unpriced_requests += r.priced === false ? 1 : 0;
    m.web_search_requests += r.webSearch!;
  }
  return m;
}

function normalise(r: QueryResult): QueryResult {
  const g = (x: GroupRow) => ({ ...x, share_of_cost: Math.round(x.share_of_cost * 1e9) / 1e9 });
  return { ...r, groups: r.groups?.map(g) };
}

test('property: for every group_by and zone, groups sum to totals and totals match the rows', async () => {
  const rows = randomRows(7, 400).map((r) => (r.priced === false ? { ...r, cost: 0 } : r));
  const db = await createStore();
  insertRequests(db, rows);
  for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
    for (const group_by of GROUP_BYS) {
      const r = runQuery(db, { tz, group_by, window: 'all', limit: 10000 }, NOW);
      const expected = independentTotals(rows, 0, Number.MAX_SAFE_INTEGER);
      for (const k of METRIC_KEYS) {
        if (k === 'cost_usd') assert.ok(Math.abs(r.totals[k] - expected[k]) < 1e-6, `${tz} ${group_by} cost`);
        else assert.equal(r.totals[k], expected[k], `${tz} ${group_by} ${k}`);
      }
      // Stored as integer 1e-10 USD: the sums are exact before the final rounding to 1e-6.
      const e10 = (pick: (r: FixtureRequest) => number | undefined) => rows.reduce((s, row) => s + Math.round((pick(row) ?? 0) * 1e10), 0);
      assert.equal(r.totals.cache_savings_usd, Math.round(e10((x) => x.cacheSavings) / 1e4) / 1e6, `${tz} ${group_by} savings`);
      assert.equal(r.totals.cache_write_premium_usd, Math.round(e10((x) => x.cacheWritePremium) / 1e4) / 1e6, `${tz} ${group_by} premium`);
      if (group_by === 'none') continue;
      for (const k of METRIC_KEYS) {
        const sum = r.groups!.reduce((s, g) => s + g[k], 0);
        if (k === 'cost_usd') assert.ok(Math.abs(sum - r.totals[k]) < 1e-6 * r.groups!.length, `${tz} ${group_by} cost sum`);
        else assert.equal(sum, r.totals[k], `${tz} ${group_by} ${k} sum`);
      }
      assert.equal(new Set(r.groups!.map((g) => g.key)).size, r.groups!.length, 'keys are unique');
      if (group_by === 'day' || group_by === 'hour') {
        const fmt = group_by === 'day' ? formatDayKey : formatHourKey;
        const counts = new Map<string, number>();
        for (const row of rows) counts.set(fmt(row.ts, tz), (counts.get(fmt(row.ts, tz)) ?? 0) + 1);
        assert.deepEqual(new Map(r.groups!.map((g) => [g.key, g.requests])), counts, `${tz} ${group_by} keys via Intl`);
      }
    }
  }
});

test('property: the rollup path and the raw path give identical results', async () => {
  const rows = randomRows(11, 300);
  const db = await createStore();
  insertRequests(db, rows);
  const windows: unknown[] = ['today', 'yesterday', 'last_5h', 'last_24h', 'last_7d', 'last_30d', 'this_week', 'this_month', 'last_month', 'all',
    { start: '2026-10-01T07:00:00Z', end: '2026-11-10T19:00:00Z' }, { start: '2026-10-01T07:20:00Z', end: '2026-11-10T19:00:00Z' }];
  let compared = 0;
  // Half-hour zones with DST changes inside the data (Adelaide 2026-10-04, St John's 2026-11-01) and +05:45.
  const moreZones = ['Asia/Kathmandu', 'America/St_Johns', 'Australia/Adelaide'];
  const someWindows = ['last_24h', 'last_month', 'all', windows.at(-1)];
  const plan: [string, unknown[]][] = [
    ...['UTC', 'America/New_York', 'Asia/Kolkata'].map((tz): [string, unknown[]] => [tz, windows]),
    ...moreZones.map((tz): [string, unknown[]] => [tz, someWindows]),
  ];
  for (const [tz, zoneWindows] of plan) {
    for (const window of zoneWindows) {
      for (const group_by of GROUP_BYS) {
        const params = { tz, window, group_by, compare: true, limit: 10000 };
        assert.deepEqual(normalise(runQuery(db, params, NOW)), normalise(runQuery(db, params, NOW, { table: 'requests' })), JSON.stringify(params));
        compared++;
      }
    }
  }
  const filtered = { tz: 'UTC', group_by: 'project', source: 'internal', execution_mode: 'local', project: 'ALPHA', models: MODELS.slice(0, 3) };
  assert.deepEqual(normalise(runQuery(db, filtered, NOW)), normalise(runQuery(db, filtered, NOW, { table: 'requests' })));
  assert.equal(compared, (3 * windows.length + 3 * someWindows.length) * GROUP_BYS.length);
});

test('injection strings through every string param: clean error or empty result, tables intact', async () => {
  const db = await handStore();
  const evil = "'; DROP TABLE requests; --";
  const before = countRows(db, 'requests');
  const attempts: object[] = [
    { window: evil }, { window: { start: evil, end: evil } }, { start_date: evil }, { end_date: evil }, { group_by: evil },
    { source: evil }, { execution_mode: evil }, { tz: evil }, { project: evil }, { models: evil }, { models: [evil] }, { [evil]: 'x' },
    { project: "x') OR 1=1 --" }, { models: "a' OR '1'='1" },
  ];
  for (const params of attempts) {
    try {
      const r = runQuery(db, { tz: 'UTC', ...params }, NOW);
      assert.equal(r.totals.requests, 0, JSON.stringify(params));
    } catch (e) {
      assert.ok(e instanceof QueryParamError, `${JSON.stringify(params)} threw ${String(e)}`);
    }
  }
  assert.equal(countRows(db, 'requests'), before);
  assert.equal(countRows(db, 'rollup_hour') > 0, true);
  assert.equal(runQuery(db, { tz: 'UTC' }, NOW).totals.requests, 4);
});

test('an empty store answers every window with zeros', async () => {
  const db = await createStore();
  for (const group_by of GROUP_BYS) {
    const r = runQuery(db, { window: 'all', group_by, compare: true, tz: 'UTC' }, NOW);
    assert.equal(r.totals.requests, 0);
    assert.equal(r.window.start, '1970-01-01T00:00:00.000Z');
    if (group_by !== 'none') assert.deepEqual(r.groups, []);
  }
});
