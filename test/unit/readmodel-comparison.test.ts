// The cards and the budget bars agree: one projection rule, and a fair comparison with the same elapsed
// length ("Dec 1–3 vs Nov 1–3"); the cumulative cost line stops at today.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReadModel } from '../../src/core/query/readModel';
import { dayRangeLabel, fairPrevious, linearProjection, periodElapsed } from '../../src/core/query/readmodel/comparison';
import { DEFAULT_PANEL_FILTER, type PanelFilter } from '../../src/protocol';
import type { Database } from '../../src/core/store/sqljs';
import { createStore, insertRequests } from './helpers/store-fixture';

const DAY = 86_400_000;
const utc = (s: string) => Date.parse(s);
const filter = (f: Partial<PanelFilter>): PanelFilter => ({ ...DEFAULT_PANEL_FILTER, tz: 'UTC', ...f });
let db: Database;

before(async () => {
  db = await createStore();
  // $1 a day through November, and $2 on each of Dec 1–3 (before 09:00 on the 3rd).
  const rows = [];
  for (let d = 1; d <= 30; d++) rows.push({ ts: utc(`2026-11-${String(d).padStart(2, '0')}T08:00:00Z`), cost: 1, input: 10, output: 10 });
  for (let d = 1; d <= 3; d++) rows.push({ ts: utc(`2026-12-0${d}T08:00:00Z`), cost: 2, input: 10, output: 10 });
  insertRequests(db, rows);
});

test('"This month" on Dec 3 compares Dec 1–3 with Nov 1–3, labelled; not with all of November', () => {
  const now = utc('2026-12-03T09:00:00Z');
  const m = buildReadModel(db, filter({ range: 'this_month' }), now);
  const p = m.window.previous!;
  assert.deepEqual([p.currentLabel, p.label], ['Dec 1–3', 'Nov 1–3']);
  assert.equal(p.startMs, utc('2026-11-01T00:00:00Z'));
  assert.equal(p.endMs, utc('2026-11-03T09:00:00Z'));
  assert.equal(m.kpis.cost.value, 6);
  assert.equal(m.kpis.cost.previous, 3, 'Nov 1, 2 and 3 (08:00) are inside the same elapsed stretch');
  assert.equal(m.kpis.cost.deltaPct, 100, 'not −80 % against the whole month');
});

test('one projection rule: the KPI "Projected / month" and the monthly budget bar give the same figure', () => {
  const early = utc('2026-12-03T09:00:00Z'); // 7.7 % of December: too early for both
  const a = buildReadModel(db, filter({ range: 'this_month' }), early, { budgets: { monthly: 50 } });
  assert.equal(a.kpis.cost.projectedMonth, null);
  assert.equal(a.budgets.monthly!.projectedUsd, null);
  const later = utc('2026-12-04T12:00:00Z'); // 11.3 %
  const b = buildReadModel(db, filter({ range: 'this_month' }), later, { budgets: { monthly: 50 } });
  assert.ok(b.kpis.cost.projectedMonth !== null);
  assert.equal(b.kpis.cost.projectedMonth, b.budgets.monthly!.projectedUsd);
  assert.equal(b.kpis.cost.projectedMonth, 6 / periodElapsed(later, utc('2026-12-01T00:00:00Z'), utc('2027-01-01T00:00:00Z')));
  assert.equal(linearProjection(5, 0.05), null);
  assert.equal(linearProjection(5, 0.5), 10);
});

test('the cumulative cost line stops at today; days after it have no value', () => {
  const m = buildReadModel(db, filter({ range: 'this_month' }), utc('2026-12-03T09:00:00Z'));
  assert.equal(m.daily.length, 31);
  assert.deepEqual(m.daily.slice(0, 3).map((d) => d.cumulativeCost), [2, 4, 6]);
  assert.ok(m.daily.slice(3).every((d) => d.cumulativeCost === null));
});

test('fair stretches for other windows; labels across months and years', () => {
  const now = utc('2026-03-31T12:00:00Z');
  // March's 31 days against February's 28: never past March 1.
  const march = fairPrevious(filter({ range: 'this_month' }), utc('2026-03-01T00:00:00Z'), utc('2026-04-01T00:00:00Z'), now)!;
  assert.equal(march.endMs, utc('2026-03-01T00:00:00Z'));
  assert.equal(march.label, 'Feb 1–28');
  const today = fairPrevious(filter({ range: 'today' }), utc('2026-03-31T00:00:00Z'), utc('2026-04-01T00:00:00Z'), now)!;
  assert.deepEqual([today.startMs, today.endMs], [utc('2026-03-30T00:00:00Z'), utc('2026-03-30T12:00:00Z')]);
  assert.equal(fairPrevious(filter({ range: 'all' }), 0, now, now), null);
  assert.equal(fairPrevious(filter({ range: 'custom' }), now + DAY, now + 2 * DAY, now), null, 'a window that has not started');
  assert.equal(dayRangeLabel(utc('2026-11-29T00:00:00Z'), utc('2026-12-04T00:00:00Z'), 'UTC'), 'Nov 29 – Dec 3');
  assert.equal(dayRangeLabel(utc('2025-12-30T00:00:00Z'), utc('2026-01-03T00:00:00Z'), 'UTC'), 'Dec 30, 2025 – Jan 2, 2026');
  assert.equal(dayRangeLabel(utc('2026-12-03T00:00:00Z'), utc('2026-12-03T09:00:00Z'), 'UTC'), 'Dec 3');
});

test('a custom range costs what the data spans, not what was typed', () => {
  const now = utc('2026-12-03T09:00:00Z');
  const wide = buildReadModel(db, filter({ range: 'custom', from: '2020-01-01', until: '2026-12-04' }), now);
  assert.equal(wide.daily[0].day, '2026-11-01', 'starts at the first day with data');
  assert.equal(wide.daily.at(-1)!.day, '2026-12-03', 'ends today');
  assert.equal(wide.totals.cost_usd, 36);
  // Even past the message validation (the core is also reached by other callers), year 0001 stays small.
  const stray = buildReadModel(db, filter({ range: 'custom', from: '0001-01-01', until: '2026-11-02' }), now);
  assert.ok(stray.daily.length <= 33, `${stray.daily.length} days`);
  const before = buildReadModel(db, filter({ range: 'custom', from: '2024-01-01', until: '2024-12-31' }), now);
  assert.deepEqual([before.daily.length, before.totals.requests, before.dataState], [1, 0, 'no_rows']);
});
