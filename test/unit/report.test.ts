import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport, renderReportTable, shortModelName } from '../../src/core/query/report';
import type { BlocksReport, PeriodReport, SessionReport } from '../../src/core/query/report';
import { runQuery } from '../../src/core/query/run';
import { createStore, insertRequests } from './helpers/store-fixture';
import type { Database } from '../../src/core/store/sqljs';

const at = (s: string) => Date.parse(s);
const NOW = at('2026-11-22T12:00:00Z');

async function store(): Promise<Database> {
  const db = await createStore();
  insertRequests(db, [
    { ts: at('2026-10-31T10:15:00Z'), project: 'alpha-repo', session: 'sA', sessionTitle: 'Fix bug', model: 'claude-opus-4-5-20251101',
      input: 1234567, output: 50, cacheCreation: 10, cacheRead: 1000, cost: 12.5 },
    { ts: at('2026-11-02T10:45:00Z'), project: 'alpha-repo', session: 'sA', sessionTitle: 'Fix bug', model: 'claude-sonnet-4-5-20250929',
      input: 200, output: 20, cost: 0.25 },
    { ts: at('2026-11-21T23:30:00Z'), project: 'Beta', session: 'sB', model: 'claude-sonnet-4-5-20250929', input: 10, output: 5, cost: 0.05 },
    { ts: at('2026-11-22T11:00:00Z'), project: 'Beta', session: 'sB', model: 'claude-sonnet-4-5-20250929', input: 10, output: 5, cost: 0.05 },
  ]);
  return db;
}

test('daily report: rows per local day, model breakdowns, totals; agrees with llm_costs_query', async () => {
  const db = await store();
  const d = buildReport(db, 'daily', { tz: 'UTC', nowMs: NOW }) as PeriodReport;
  assert.deepEqual(d.daily!.map((r) => [r.date, r.requests, r.totalTokens, r.totalCost, r.modelsUsed]), [
    ['2026-10-31', 1, 1235627, 12.5, ['claude-opus-4-5-20251101']],
    ['2026-11-02', 1, 220, 0.25, ['claude-sonnet-4-5-20250929']],
    ['2026-11-21', 1, 15, 0.05, ['claude-sonnet-4-5-20250929']],
    ['2026-11-22', 1, 15, 0.05, ['claude-sonnet-4-5-20250929']],
  ]);
  assert.deepEqual(d.daily![0].modelBreakdowns, [{
    modelName: 'claude-opus-4-5-20251101', requests: 1, inputTokens: 1234567, outputTokens: 50, cacheCreationTokens: 10, cacheReadTokens: 1000, cost: 12.5,
  }]);
  assert.deepEqual(d.totals, { requests: 4, inputTokens: 1234787, outputTokens: 80, cacheCreationTokens: 10, cacheReadTokens: 1000, totalTokens: 1235877, totalCost: 12.85 });
  // Same figures as the query surface over the same days.
  const q = runQuery(db, { start_date: '2026-10-31', end_date: '2026-11-22', group_by: 'day', tz: 'UTC' }, NOW);
  assert.deepEqual(q.groups!.map((g) => [g.key, g.total_tokens, g.cost_usd]), d.daily!.map((r) => [r.date, r.totalTokens, r.totalCost]));
  assert.equal(q.totals.total_tokens, d.totals.totalTokens);
  // In Tokyo the 23:30Z request falls on the 22nd.
  const tokyo = buildReport(db, 'daily', { tz: 'Asia/Tokyo', nowMs: NOW }) as PeriodReport;
  assert.deepEqual(tokyo.daily!.map((r) => [r.date, r.requests]), [['2026-10-31', 1], ['2026-11-02', 1], ['2026-11-22', 2]]);
});

test('daily table: aligned columns, short model names, thousands separators, totals row', async () => {
  const db = await store();
  const text = renderReportTable(buildReport(db, 'daily', { tz: 'UTC', nowMs: NOW }));
  const lines = text.split('\n');
  assert.equal(lines[0], 'daily report · UTC');
  assert.match(lines[1], /^Date\s+Models\s+Input\s+Output\s+Cache Create\s+Cache Read\s+Total Tokens\s+Cost \(USD\)$/);
  assert.equal(lines[3], '2026-10-31  opus-4-5    1,234,567      50            10       1,000     1,235,627      $12.50');
  assert.equal(lines.at(-1), 'Total                   1,234,787      80            10       1,000     1,235,877      $12.85');
  // every row has the same width as the header (right-aligned numbers end in the same column)
  const width = lines[1].length;
  for (const l of [lines[3], lines[4], lines.at(-1)!]) assert.equal(l.length, width);
  assert.equal(shortModelName('claude-sonnet-4-5-20250929'), 'sonnet-4-5');
  assert.equal(shortModelName('gpt-local'), 'gpt-local');
});

test('weekly (Monday start) and monthly reports; --since/--until inclusive, YYYYMMDD accepted', async () => {
  const db = await store();
  const w = buildReport(db, 'weekly', { tz: 'UTC', nowMs: NOW }) as PeriodReport;
  assert.deepEqual(w.weekly!.map((r) => [r.week, r.requests]), [['2026-10-26', 1], ['2026-11-02', 1], ['2026-11-16', 2]]);
  const m = buildReport(db, 'monthly', { tz: 'UTC', nowMs: NOW }) as PeriodReport;
  assert.deepEqual(m.monthly!.map((r) => [r.month, r.requests, r.totalCost, r.modelsUsed.length]), [['2026-10', 1, 12.5, 1], ['2026-11', 3, 0.35, 1]]);
  const ranged = buildReport(db, 'daily', { tz: 'UTC', nowMs: NOW, sinceDay: '20261101', untilDay: '2026-11-21' }) as PeriodReport;
  assert.deepEqual(ranged.daily!.map((r) => r.date), ['2026-11-02', '2026-11-21']);
  assert.equal(ranged.since, '2026-11-01');
  assert.equal(ranged.until, '2026-11-21');
  assert.match(renderReportTable(ranged).split('\n')[0], /2026-11-01 to 2026-11-21/);
  for (const bad of [{ sinceDay: '2026-13-01' }, { untilDay: 'yesterday' }, { sinceDay: '2026-11-05', untilDay: '2026-11-01' }, { tz: 'Nowhere/City' }]) {
    assert.throws(() => buildReport(db, 'daily', { tz: 'UTC', nowMs: NOW, ...bad }), (e: Error) => e.name === 'ReportParamError' && /^--(since|until|tz): /.test(e.message));
  }
  const empty = buildReport(db, 'monthly', { tz: 'UTC', nowMs: NOW, sinceDay: '2025-01-01', untilDay: '2025-01-31' });
  assert.match(renderReportTable(empty), /No usage in this range/);
});

test('session report: sorted by cost, title, project, first/last activity, table', async () => {
  const db = await store();
  const s = buildReport(db, 'session', { tz: 'UTC', nowMs: NOW }) as SessionReport;
  assert.deepEqual(s.sessions.map((r) => [r.sessionId, r.title, r.projectPath, r.firstActivity, r.lastActivity, r.requests, r.totalCost]), [
    ['sA', 'Fix bug', 'alpha-repo', '2026-10-31T10:15:00.000Z', '2026-11-02T10:45:00.000Z', 2, 12.75],
    ['sB', null, 'Beta', '2026-11-21T23:30:00.000Z', '2026-11-22T11:00:00.000Z', 2, 0.1],
  ]);
  const text = renderReportTable(s);
  assert.match(text, /Fix bug \(sA\)\s+alpha-repo\s+opus-4-5, sonnet-4-5\s+1,234,767/);
  assert.match(text, /Last Activity/);
  assert.match(text, /2026-11-22 11:00/);
});

test('blocks report: gaps, the active block with burn rate and projection, JSON shape and table', async () => {
  const db = await store();
  const b = buildReport(db, 'blocks', { tz: 'UTC', nowMs: NOW }) as BlocksReport;
  assert.deepEqual(b.blocks.map((x) => [x.id, x.isGap, x.isActive, x.entries, x.totalTokens]), [
    ['2026-10-31T10:00:00.000Z', false, false, 1, 1235627],
    ['gap-2026-10-31T15:00:00.000Z', true, false, 0, 0],
    ['2026-11-02T10:00:00.000Z', false, false, 1, 220],
    ['gap-2026-11-02T15:00:00.000Z', true, false, 0, 0],
    ['2026-11-21T23:00:00.000Z', false, false, 1, 15],
    ['gap-2026-11-22T04:00:00.000Z', true, false, 0, 0],
    ['2026-11-22T11:00:00.000Z', false, true, 1, 15],
  ]);
  const active = b.blocks.at(-1)!;
  assert.deepEqual(active.tokenCounts, { inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
  // 15 tokens in the last 60 minutes (the block started 60 minutes ago) → 0.25/min; 240 minutes left
  assert.deepEqual(active.burnRate, { tokensPerMinute: 0.25, tokensPerMinuteForIndicator: 0.25, costPerHour: 0.05 });
  assert.deepEqual(active.projection, { totalTokens: 75, totalCost: 0.25, remainingMinutes: 240 });
  assert.equal(b.blocks[0].burnRate, null);
  assert.equal(b.totals.totalTokens, 1235877);
  const text = renderReportTable(b);
  assert.match(text, /2026-11-22 11:00\s+ACTIVE\s+sonnet-4-5\s+1\s+15\s+\$0\.05/);
  assert.match(text, /REMAINING 4h 00m/);
  assert.match(text, /PROJECTED\s+75\s+\$0\.25/);
  assert.match(text, /\(inactive 7h 00m\)/);
  // --since keeps only blocks ending after it
  const recent = buildReport(db, 'blocks', { tz: 'UTC', nowMs: NOW, sinceDay: '2026-11-22' }) as BlocksReport;
  assert.deepEqual(recent.blocks.filter((x) => !x.isGap).map((x) => x.id), ['2026-11-21T23:00:00.000Z', '2026-11-22T11:00:00.000Z']);
  // JSON round-trips (what the CLI prints)
  assert.deepEqual(JSON.parse(JSON.stringify(b)), b);
});
