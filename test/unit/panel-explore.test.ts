// The panel's exploring rules in plain Node: the zoom arithmetic (webview/charts/zoom.ts), the drill-down
// targets and Back stack (webview/drill.ts), the session filter and the read model's unusual spending.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pannedView, zoomedView } from '../../webview/charts/zoomMath';
import { MAX_DRILL_STEPS, drillBack, drillDown, drillFilter, isNoOp, restoreTrail } from '../../webview/drill';
import { DEFAULT_PANEL_FILTER, parsePanelFilter, parseWebviewMessage } from '../../src/protocol';
import type { PanelFilter } from '../../src/protocol';
import { buildReadModel } from '../../src/core/query/readModel';
import { NOW, SPIKE_DAY, SPIKE_SESSION, populatedStore, spikeStore } from '../webview/fixture';

test('zoom keeps the category under the pointer in place, never shows fewer than 3 days, and a full view is "not zoomed"', () => {
  const full = { min: 0, max: 29 };
  const z = zoomedView(full, 30, 2, 10)!;
  assert.ok(Math.abs((z.max - z.min) - 14.5) < 1e-9);
  // 10 sat a third of the way in; it still does.
  assert.ok(Math.abs((10 - z.min) / (z.max - z.min) - 10 / 29) < 1e-9);
  let v = z;
  for (let i = 0; i < 20; i++) v = zoomedView(v, 30, 2, 10)!;
  assert.equal(v.max - v.min, 2, 'three categories at most zoomed');
  assert.equal(zoomedView(z, 30, 0.1, 10), null, 'zooming out past the series resets');
  assert.equal(zoomedView(full, 2, 2, 1), null, 'two days cannot zoom below three');
});

test('pan moves the view, keeps its span and stops at both ends', () => {
  const v = { min: 10, max: 20 };
  assert.deepEqual(pannedView(v, 30, 3), { min: 13, max: 23 });
  assert.deepEqual(pannedView(v, 30, 100), { min: 19, max: 29 });
  assert.deepEqual(pannedView(v, 30, -100), { min: 0, max: 10 });
});

const base: PanelFilter = { ...DEFAULT_PANEL_FILTER, tz: 'UTC' };

test('drill-down targets set one dimension; the Back stack restores the whole filter it left', () => {
  assert.deepEqual(drillFilter({ kind: 'day', day: '2026-03-13' }), { range: 'custom', from: '2026-03-13', until: '2026-03-13', interval: '15m' });
  assert.deepEqual(drillFilter({ kind: 'model', model: 'claude-opus-4-6' }), { models: ['claude-opus-4-6'] });
  assert.deepEqual(drillFilter({ kind: 'project', project: 'shop' }), { project: 'shop' });
  assert.deepEqual(drillFilter({ kind: 'session', session: 's1', label: 'Fix' }), { session: 's1' });
  assert.deepEqual(drillFilter({ kind: 'branch', project: 'shop', branch: 'main' }), { project: 'shop', branch: 'main' });
  const a = drillDown([], { ...base, interval: '1h' }, { kind: 'model', model: 'm' });
  const b = drillDown(a.trail, a.filter, { kind: 'day', day: '2026-03-13' });
  assert.deepEqual(b.filter, { ...base, models: ['m'], range: 'custom', from: '2026-03-13', until: '2026-03-13', interval: '15m' });
  assert.equal(b.trail.length, 2);
  const back1 = drillBack(b.trail)!;
  assert.deepEqual(back1.filter, a.filter);
  const back2 = drillBack(back1.trail)!;
  assert.deepEqual(back2.filter, { ...base, interval: '1h' });
  assert.equal(drillBack(back2.trail), null);
  assert.equal(isNoOp(b.filter, { kind: 'day', day: '2026-03-13' }), true);
  let trail = b.trail;
  for (let i = 0; i < MAX_DRILL_STEPS + 5; i++) trail = drillDown(trail, base, { kind: 'project', project: `p${i}` }).trail;
  assert.equal(trail.length, MAX_DRILL_STEPS);
});

test('a Back stack restored from webview state keeps only well-formed steps with valid filters', () => {
  const valid = (f: unknown) => { const p = parsePanelFilter(f); return 'error' in p ? null : p; };
  const good = { target: { kind: 'day', day: '2026-03-13' }, before: base };
  const branch = { target: { kind: 'branch', project: 'shop', branch: '(no branch)' }, before: base };
  const restored = restoreTrail([good, branch, { target: { kind: 'branch', project: 'shop' }, before: base }, { target: { kind: 'day' }, before: base }, { target: { kind: 'x', day: 'd' }, before: base },
    { target: { kind: 'model', model: 'm' }, before: { range: 'nope' } }, 'junk', null], valid);
  assert.deepEqual(restored, [good, branch]);
  assert.deepEqual(restoreTrail('nope', valid), []);
});

test('the filter takes a session; a bad one is refused naming the field', () => {
  const ok = parseWebviewMessage({ type: 'setFilter', requestId: 1, filter: { ...base, session: 'session-3' } });
  assert.ok(!('error' in ok) && ok.type === 'setFilter' && ok.filter.session === 'session-3');
  const bad = parseWebviewMessage({ type: 'setFilter', requestId: 1, filter: { ...base, session: 42 } });
  assert.ok('error' in bad && bad.error.startsWith('filter.session:'));
  const long = parseWebviewMessage({ type: 'setFilter', requestId: 1, filter: { ...base, session: 'x'.repeat(201) } });
  assert.ok('error' in long && long.error.startsWith('filter.session:'));
  // Absent or '' = all sessions (no field in the parsed filter).
  const none = parsePanelFilter({ ...base, session: '' });
  assert.ok(!('error' in none) && none.session === undefined);
});

test('a session filter: every section shows that session only, and its figures are its row in the unfiltered table', async () => {
  const db = await populatedStore();
  const all = buildReadModel(db, base, NOW);
  const row = all.sessions.rows[3];
  const one = buildReadModel(db, { ...base, session: row.sessionKey }, NOW);
  assert.equal(one.filter.session, row.sessionKey);
  assert.deepEqual(one.sessions.rows.map((r) => r.sessionKey), [row.sessionKey]);
  assert.equal(one.totals.requests, row.requests);
  assert.equal(one.totals.total_tokens, row.total_tokens);
  assert.ok(Math.abs(one.totals.cost_usd - row.cost_usd) < 1e-9);
  assert.equal(one.daily.reduce((s, d) => s + d.requests, 0), row.requests);
  // The budgets' spend is all spend, whatever the drill-down.
  assert.deepEqual(one.spend, all.spend);
  const nobody = buildReadModel(db, { ...base, session: 'no-such-session' }, NOW);
  assert.equal(nobody.totals.requests, 0);
});

test('the read model carries the window\'s unusual days and sessions from the core, and none on an ordinary history', async () => {
  const spiky = await spikeStore();
  const m = buildReadModel(spiky, base, NOW);
  assert.deepEqual(m.anomalies.days.map((d) => d.day), [SPIKE_DAY]);
  const day = m.anomalies.days[0];
  const daily = m.daily.find((d) => d.day === SPIKE_DAY)!;
  assert.ok(Math.abs(day.cost_usd - daily.cost_usd) < 1e-6, 'the flagged cost is the day bar\'s');
  assert.ok(day.ratio >= 3 && day.cost_usd >= day.baseline_usd * 3);
  assert.equal(day.explanation, `${SPIKE_DAY}: $${day.cost_usd.toFixed(2)}, ${day.ratio.toFixed(1)}× your usual $${day.baseline_usd.toFixed(2)}`);
  assert.deepEqual(m.anomalies.sessions.map((s) => s.session), [SPIKE_SESSION]);
  // A window without the spike lists none; a drill-down into the day still flags it (judged against all history).
  assert.deepEqual(buildReadModel(spiky, { ...base, range: 'custom', from: '2026-03-14', until: '2026-03-18' }, NOW).anomalies.days, []);
  assert.deepEqual(buildReadModel(spiky, { ...base, range: 'custom', from: SPIKE_DAY, until: SPIKE_DAY }, NOW).anomalies.days.map((d) => d.day), [SPIKE_DAY]);
  const plain = buildReadModel(await populatedStore(), base, NOW);
  assert.ok(plain.anomalies.days.length <= 1, `ordinary history: ${plain.anomalies.days.map((d) => d.day).join(', ')}`);
});

test('a heatmap slot: that weekday and hour across the range, in the zone of the filter (DST and half-hour zones too)', async () => {
  const db = await populatedStore();
  for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
    const all = buildReadModel(db, { ...base, tz }, NOW);
    const peak = all.heatmap.peakTokens!;
    const one = buildReadModel(db, { ...base, tz, slot: { weekday: peak.weekday, hour: peak.hour } }, NOW);
    assert.equal(one.totals.requests, all.heatmap.requests[peak.weekday][peak.hour], tz);
    assert.ok(Math.abs(one.totals.total_tokens - all.heatmap.tokens[peak.weekday][peak.hour]) < 1e-6, tz);
    // Every other cell is empty.
    one.heatmap.requests.forEach((row, d) => row.forEach((n, h) => { if (d !== peak.weekday || h !== peak.hour) assert.equal(n, 0, `${tz} ${d} ${h}`); }));
    // The sessions table and the daily series agree with it.
    if (one.sessions.omitted === 0) assert.equal(one.sessions.rows.reduce((s, r) => s + r.requests, 0), one.totals.requests);
    assert.equal(one.daily.reduce((s, d) => s + d.requests, 0), one.totals.requests);
  }
  const bad = parsePanelFilter({ ...base, slot: { weekday: 7, hour: 3 } });
  assert.ok('error' in bad && bad.error.startsWith('filter.slot:'));
  const extra = parsePanelFilter({ ...base, slot: { weekday: 1, hour: 3, x: 1 } });
  assert.ok('error' in extra);
  assert.deepEqual(drillFilter({ kind: 'slot', weekday: 2, hour: 14 }), { slot: { weekday: 2, hour: 14 } });
});

test('the session starts kept between answers follow new rows: the same verdicts as a store read fresh', async () => {
  const { anomaliesInWindow } = await import('../../src/core/query/anomalies');
  const { insertRequests } = await import('./helpers/store-fixture');
  const filter = { source: 'all', project: null, models: null, executionMode: null, tz: 'UTC' } as const;
  const window = { startMs: NOW - 20 * 86_400_000, endMs: NOW + 1 };
  const more = Array.from({ length: 40 }, (_, i) => ({
    ts: NOW - 30 * 60_000 + i * 20_000, session: 'session-late-loop', sessionTitle: 'Another loop', project: 'infra', model: 'claude-opus-4-6',
    tools: 'Bash', input: 5, output: 3000, cacheCreation: 20_000, cacheRead: 200_000, cost: 0.3,
  }));
  const kept = await spikeStore();
  anomaliesInWindow(kept, filter, window.startMs, window.endMs);
  insertRequests(kept, more);
  const fresh = await spikeStore();
  insertRequests(fresh, more);
  const a = anomaliesInWindow(kept, filter, window.startMs, window.endMs);
  assert.deepEqual(a, anomaliesInWindow(fresh, filter, window.startMs, window.endMs));
  assert.ok(a.sessions.some((s) => s.session === 'session-late-loop'), 'the new runaway session is flagged');
  assert.equal(a.sessions.find((s) => s.session === 'session-late-loop')!.started_at, new Date(NOW - 30 * 60_000).toISOString(), 'exact start');
});
