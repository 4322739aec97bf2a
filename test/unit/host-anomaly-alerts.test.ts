// Unusual-spending notification: once per day when the running day is flagged, never twice (state in
// globalState, shared by windows), none when the setting is off; the toast's buttons open the panel or
// turn the setting off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANOMALY_NOTIFIED_KEY, AnomalyAlerts } from '../../src/host/anomalyAlerts';

const DEC_3 = Date.parse('2026-12-03T15:00:00Z');
type Day = { day: string; cost_usd: number; baseline_usd: number; ratio: number; explanation: string };

function setup(flagged: Day[], opts: { enabled?: boolean; pick?: string; store?: Map<string, unknown> } = {}) {
  const store = opts.store ?? new Map<string, unknown>();
  const shown: { message: string; actions: string[] }[] = [];
  const queries: unknown[] = [];
  let opened = 0;
  let disabled = 0;
  let now = DEC_3;
  let enabled = opts.enabled ?? true;
  const alerts = new AnomalyAlerts({
    engine: { query: async (params: unknown) => { queries.push(params); return { anomalies: { days: flagged, sessions: [] } } as never; } },
    enabled: () => enabled,
    disable: async () => { disabled++; enabled = false; },
    state: { get: <T>(k: string) => store.get(k) as T, update: async (k: string, v: unknown) => { store.set(k, v); } } as never,
    notify: async (message, ...actions) => { shown.push({ message, actions }); return opts.pick; },
    openPanel: () => { opened++; },
    log: { warn: () => {} },
    now: () => now,
    tz: () => 'UTC',
  });
  return { alerts, store, shown, queries, opened: () => opened, disabled: () => disabled, setNow: (ms: number) => { now = ms; } };
}

const today: Day = { day: '2026-12-03', cost_usd: 41, baseline_usd: 6.6, ratio: 6.21, explanation: '2026-12-03: $41.00, 6.2× your usual $6.60' };

test('a flagged running day notifies once; the next day may notify again', async () => {
  const h = setup([today], { pick: 'Show Today' });
  await Promise.all([h.alerts.check(), h.alerts.check()]);
  await h.alerts.check();
  assert.equal(h.shown.length, 1);
  assert.equal(h.shown[0].message, 'Claude Code Costs: unusual spending today: $41.00, 6.2× your usual $6.60.');
  assert.deepEqual(h.shown[0].actions, ['Show Today', 'Don\'t Notify Again']);
  assert.deepEqual(h.queries[0], { window: 'today', tz: 'UTC', anomalies: true });
  assert.equal(h.store.get(ANOMALY_NOTIFIED_KEY), '2026-12-03');
  await new Promise((r) => setImmediate(r));
  assert.equal(h.opened(), 1, 'Show Today opens the panel');
  h.setNow(DEC_3 + 86_400_000);
  await h.alerts.check();
  assert.equal(h.shown.length, 1, 'the next day is not flagged (the engine listed only Dec 3)');
});

test('a second window (same globalState) does not repeat the day; no query once notified', async () => {
  const store = new Map<string, unknown>();
  const first = setup([today], { store });
  await first.alerts.check();
  const second = setup([today], { store });
  await second.alerts.check();
  assert.equal(first.shown.length + second.shown.length, 1);
  assert.equal(second.queries.length, 0);
});

test('an earlier flagged day in the window, or none, is not today: no notification', async () => {
  const h = setup([{ ...today, day: '2026-12-02' }]);
  await h.alerts.check();
  assert.equal(h.shown.length, 0);
  assert.equal(h.store.get(ANOMALY_NOTIFIED_KEY), undefined);
  const none = setup([]);
  await none.alerts.check();
  assert.equal(none.shown.length, 0);
});

test('off by setting: no query; the off switch in the toast turns the setting off', async () => {
  const off = setup([today], { enabled: false });
  await off.alerts.check();
  assert.equal(off.queries.length, 0);
  assert.equal(off.shown.length, 0);
  const h = setup([today], { pick: 'Don\'t Notify Again' });
  await h.alerts.check();
  await new Promise((r) => setImmediate(r));
  assert.equal(h.disabled(), 1);
  assert.equal(h.opened(), 0);
});

test('a failing engine is logged, not thrown, and nothing is recorded', async () => {
  const warnings: string[] = [];
  const store = new Map<string, unknown>();
  const alerts = new AnomalyAlerts({
    engine: { query: async () => { throw new Error('engine stopped'); } },
    enabled: () => true, disable: async () => {}, state: { get: <T>(k: string) => store.get(k) as T, update: async () => {} } as never,
    notify: async () => undefined, openPanel: () => {}, log: { warn: (m) => warnings.push(m) }, now: () => DEC_3, tz: () => 'UTC',
  });
  await alerts.check();
  assert.match(warnings[0], /engine stopped/);
  assert.equal(store.size, 0);
});
