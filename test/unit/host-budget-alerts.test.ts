// Budget notifications: once per period when the spend crosses the budget, never twice (state kept in
// globalState), none when the setting is off or no budget is set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGET_NOTIFIED_KEY, BudgetAlerts } from '../../src/host/budgetAlerts';
import type { BudgetLimits } from '../../src/core/query/readmodel/budgets';

const DEC_3 = Date.parse('2026-12-03T15:00:00Z');

function setup(spend: { today: number; this_month: number }, limits: BudgetLimits, enabled = true) {
  const store = new Map<string, unknown>();
  const shown: string[] = [];
  const queries: unknown[] = [];
  let opened = 0;
  let now = DEC_3;
  const alerts = new BudgetAlerts({
    engine: {
      query: async (params: unknown) => {
        queries.push(params);
        const w = (params as { window: 'today' | 'this_month' }).window;
        return { totals: { cost_usd: spend[w] } } as never;
      },
    },
    limits: () => limits,
    enabled: () => enabled,
    state: { get: <T>(k: string) => store.get(k) as T, update: async (k: string, v: unknown) => { store.set(k, v); } } as never,
    notify: async (m) => { shown.push(m); return 'Open Costs Panel'; },
    openPanel: () => { opened++; },
    log: { warn: () => {} },
    now: () => now,
    tz: () => 'UTC',
  });
  return { alerts, store, shown, queries, opened: () => opened, setNow: (ms: number) => { now = ms; } };
}

test('a crossed daily budget notifies once per day; the next day may notify again', async () => {
  const h = setup({ today: 12.5, this_month: 40 }, { daily: 10, monthly: 100 });
  await h.alerts.check();
  await h.alerts.check();
  assert.deepEqual(h.shown, ['Claude Code Costs: today\'s spend $12.50 is over your daily budget of $10.00.']);
  assert.deepEqual(h.store.get(BUDGET_NOTIFIED_KEY), { daily: '2026-12-03' });
  await new Promise((r) => setImmediate(r));
  assert.equal(h.opened(), 1, 'the button opens the panel');
  h.setNow(DEC_3 + 86_400_000);
  await h.alerts.check();
  assert.equal(h.shown.length, 2);
  assert.deepEqual(h.store.get(BUDGET_NOTIFIED_KEY), { daily: '2026-12-04' });
});

test('a crossed monthly budget notifies once per month, beside the daily one', async () => {
  const h = setup({ today: 5, this_month: 120 }, { daily: 10, monthly: 100 });
  await Promise.all([h.alerts.check(), h.alerts.check()]);
  assert.deepEqual(h.shown, ['Claude Code Costs: this month\'s spend $120.00 is over your monthly budget of $100.00.']);
  assert.deepEqual(h.store.get(BUDGET_NOTIFIED_KEY), { monthly: '2026-12' });
});

test('off by setting, or no budget: no query, no notification', async () => {
  const off = setup({ today: 50, this_month: 500 }, { daily: 10, monthly: 100 }, false);
  await off.alerts.check();
  const none = setup({ today: 50, this_month: 500 }, { daily: null, monthly: 0 });
  await none.alerts.check();
  assert.deepEqual([...off.shown, ...none.shown], []);
  assert.deepEqual([...off.queries, ...none.queries], []);
});
