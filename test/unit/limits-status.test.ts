// buildStatus over an in-memory store: the active 5-hour block, headroom source ranking with provenance
// and age, limit events, P90, weekly windows, burn/projection/pace and the plain-text rendering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore, insertRequests, type FixtureRequest } from './helpers/store-fixture';
import { buildStatus } from '../../src/core/limits/status';
import { renderStatusText } from '../../src/core/limits/chip';
import { parseOAuthUsage, parseStatuslineJson } from '../../src/core/limits/readings';
import type { Database } from '../../src/core/store/sqljs';

const T = (iso: string) => Date.parse(iso);
const NOW = T('2026-11-22T12:00:00Z');

function req(iso: string, input: number, output: number, extra: Partial<FixtureRequest> = {}): FixtureRequest {
  return { ts: T(iso), input, output, cacheCreation: 0, cacheRead: 0, cost: 0, ...extra };
}

function addLimitEvent(db: Database, iso: string, limitType: string, resetsAtIso: string | null, text: string): void {
  db.run('INSERT INTO limit_events (event_key, session_key, ts, limit_type, resets_at, text) VALUES (?, ?, ?, ?, ?, ?)', [
    `k-${iso}-${limitType}`, 's', T(iso), limitType, resetsAtIso ? T(resetsAtIso) : null, text,
  ]);
}

async function windowStore(): Promise<Database> {
  const db = await createStore();
  insertRequests(db, [
    req('2026-11-22T10:05:00Z', 1000, 2000, { cacheCreation: 300, cacheRead: 40000, cost: 1.25 }),
    req('2026-11-22T10:30:00Z', 500, 1500, { cacheCreation: 0, cacheRead: 20000, cost: 0.75 }),
    req('2026-11-22T11:40:00Z', 4000, 35000, { cacheCreation: 1000, cacheRead: 100000, cost: 2.0 }),
  ]);
  return db;
}

test('the active block follows the chain of 5-hour blocks (a request at a block end starts the next)', async () => {
  const db = await createStore();
  insertRequests(db, [req('2026-11-22T04:10:00Z', 1, 1), req('2026-11-22T08:00:00Z', 2, 2), req('2026-11-22T09:30:00Z', 3, 3)]);
  // 04:10 opens 04:00–09:00; 09:30 is past its end, so the active block is 09:00–14:00 with one request.
  const s = buildStatus(db, NOW, { tz: 'UTC' });
  assert.equal(s.activeBlock?.start, '2026-11-22T09:00:00.000Z');
  assert.equal(s.activeBlock?.requests, 1);
  assert.equal(s.activeBlock?.limitTokens, 6);
});

test('active block: bucket sums, cost, requests, window bounds', async () => {
  const db = await windowStore();
  const s = buildStatus(db, NOW, { tz: 'UTC', plan: 'max5' });
  assert.ok(s.activeBlock);
  const b = s.activeBlock;
  assert.equal(b.start, '2026-11-22T10:00:00.000Z');
  assert.equal(b.end, '2026-11-22T15:00:00.000Z');
  assert.equal(b.requests, 3);
  assert.equal(b.inputTokens, 5500);
  assert.equal(b.outputTokens, 38500);
  assert.equal(b.cacheCreationTokens, 1300);
  assert.equal(b.cacheReadTokens, 160000);
  assert.equal(b.totalTokens, 5500 + 38500 + 1300 + 160000);
  assert.equal(b.limitTokens, 44000);
  assert.equal(b.costUsd, 4);
  assert.equal(b.lastActivityMs, T('2026-11-22T11:40:00Z'));
  assert.equal(s.resetsAtMs, T('2026-11-22T15:00:00Z'));
  assert.equal(s.windowStartMs, T('2026-11-22T10:00:00Z'));
  // Estimate from the plan setting: 44,000 of Max 5x's 88,000 in+out tokens.
  assert.equal(s.headroom.source, 'estimate');
  assert.equal(s.headroom.estimate, true);
  assert.equal(s.headroom.usedPct, 50);
  assert.equal(s.headroom.leftPct, 50);
  assert.equal(s.headroom.limitTokens, 88000);
  assert.match(s.headroom.sourceLabel, /^estimate · Max 5x plan \(setting\)/);
  assert.equal(s.today.costUsd, 4);
  assert.equal(s.today.requests, 3);
  // The status is plain JSON (what `claude-costs status --json` prints).
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});

test('burn rate over the last hour, projection to reset and exhaustion against the estimate limit', async () => {
  const db = await windowStore();
  const s = buildStatus(db, NOW, { tz: 'UTC', plan: 'max5' });
  // Only the 11:40 request lies in [11:00, 12:00].
  assert.ok(s.burnRate);
  assert.equal(s.burnRate.toMs - s.burnRate.fromMs, 60 * 60_000);
  assert.equal(s.burnRate.tokensPerMinute, (4000 + 35000 + 1000 + 100000) / 60);
  assert.equal(s.burnRate.inputOutputTokensPerMinute, 39000 / 60);
  assert.ok(Math.abs(s.burnRate.costPerMinute - 2 / 60) < 1e-12);
  assert.ok(s.projection);
  assert.equal(s.projection.tokensAtReset, Math.round(205300 + (140000 / 60) * 180));
  // 44,000 left at 650 tokens/min → 67.7 min → 13:07:41.
  assert.equal(s.projection.exhaustionAtMs, Math.round(NOW + (44000 / 650) * 60000));
  assert.equal(s.projection.exhaustionBasis, 'estimate_limit');
  // Pace: 2 h of 5 elapsed (40 %) vs 50 % used → on track (within ±10).
  assert.ok(s.pace);
  assert.equal(s.pace.label, 'on_track');
  assert.equal(Math.round(s.pace.elapsedPct), 40);
});

test('no active window: today\'s figures, no headroom', async () => {
  const db = await createStore();
  insertRequests(db, [req('2026-11-22T01:00:00Z', 10, 20, { cost: 0.5 }), req('2026-11-21T23:00:00Z', 10, 20, { cost: 9 })]);
  const s = buildStatus(db, NOW, { tz: 'UTC', plan: 'pro' });
  assert.equal(s.activeBlock, null);
  assert.equal(s.burnRate, null);
  assert.equal(s.headroom.source, 'none');
  assert.equal(s.headroom.usedPct, null);
  assert.equal(s.today.costUsd, 0.5);
  assert.equal(s.today.requests, 1);
  // In a zone where 23:00Z yesterday is already today.
  assert.equal(buildStatus(db, NOW, { tz: 'Europe/Helsinki' }).today.costUsd, 9.5);
});

test('headroom: a fresh statusline reading beats the estimate and keeps the official reset', async () => {
  const db = await windowStore();
  const captured = NOW - 2 * 60_000;
  const statusline = parseStatuslineJson(JSON.stringify({ rate_limits: { five_hour: { used_percentage: 63, resets_at: T('2026-11-22T14:50:00Z') / 1000 } } }), captured);
  const s = buildStatus(db, NOW, { tz: 'UTC', plan: 'max5', statusline });
  assert.equal(s.headroom.source, 'statusline');
  assert.equal(s.headroom.usedPct, 63);
  assert.equal(s.headroom.leftPct, 37);
  assert.equal(s.headroom.ageMs, 120_000);
  assert.equal(s.headroom.stale, false);
  assert.equal(s.headroom.estimate, false);
  assert.equal(s.resetsAtMs, T('2026-11-22T14:50:00Z'));
  assert.equal(s.windowStartMs, T('2026-11-22T09:50:00Z'), 'the official window: reset − 5 h');
  // Exhaustion from the official %: capacity = 44,000 / 0.63.
  assert.equal(s.projection?.exhaustionBasis, 'official_pct');
});

test('headroom: a stale statusline is still shown (dimmed), an expired one is ignored', async () => {
  const db = await windowStore();
  const old = parseStatuslineJson(JSON.stringify({ rate_limits: { five_hour: { used_percentage: 90, resets_at: T('2026-11-22T14:00:00Z') / 1000 } } }), NOW - 40 * 60_000);
  const s = buildStatus(db, NOW, { tz: 'UTC', plan: 'max5', statusline: old });
  assert.equal(s.headroom.source, 'statusline');
  assert.equal(s.headroom.stale, true);
  assert.equal(s.headroom.ageMs, 40 * 60_000);
  assert.equal(s.pace, null, 'no pace from a stale figure');
  const expired = parseStatuslineJson(JSON.stringify({ rate_limits: { five_hour: { used_percentage: 90, resets_at: T('2026-11-22T11:00:00Z') / 1000 } } }), NOW - 90 * 60_000);
  assert.equal(buildStatus(db, NOW, { tz: 'UTC', plan: 'max5', statusline: expired }).headroom.source, 'estimate');
});

test('headroom: OAuth is used when there is no statusline; statusline wins when both are fresh', async () => {
  const db = await windowStore();
  const oauth = parseOAuthUsage({ five_hour: { utilization: 41, resets_at: '2026-11-22T14:30:00Z' }, seven_day: { utilization: 22, resets_at: '2026-11-25T06:00:00Z' } }, NOW - 60_000);
  const s = buildStatus(db, NOW, { tz: 'UTC', oauth });
  assert.equal(s.headroom.source, 'oauth');
  assert.equal(s.headroom.usedPct, 41);
  assert.match(s.headroom.sourceLabel, /OAuth usage endpoint/);
  assert.deepEqual(s.weekly.map((w) => [w.id, w.usedPct, w.source]), [['seven_day', 22, 'oauth']]);
  const statusline = parseStatuslineJson(JSON.stringify({ rate_limits: { five_hour: { used_percentage: 45, resets_at: T('2026-11-22T14:30:00Z') / 1000 } } }), NOW - 5 * 60_000);
  assert.equal(buildStatus(db, NOW, { tz: 'UTC', oauth, statusline }).headroom.source, 'statusline');
});

test('limit events: an active 5-hour limit shows 100 % until its reset; after the reset it no longer counts', async () => {
  const db = await windowStore();
  addLimitEvent(db, '2026-11-22T11:45:00Z', 'five_hour', '2026-11-22T15:00:00Z', "You've hit your session limit · resets 3pm (UTC)");
  const s = buildStatus(db, NOW, { tz: 'UTC', plan: 'max5' });
  assert.equal(s.headroom.source, 'limit_event');
  assert.equal(s.headroom.usedPct, 100);
  assert.equal(s.headroom.leftPct, 0);
  assert.equal(s.headroom.limitHit, true);
  assert.equal(s.headroom.resetsAtMs, T('2026-11-22T15:00:00Z'));
  assert.equal(s.latestLimitEvent?.active, true);
  assert.equal(s.latestLimitEvent?.limitType, 'five_hour');
  const later = buildStatus(db, T('2026-11-22T15:30:00Z'), { tz: 'UTC', plan: 'max5' });
  assert.equal(later.headroom.limitHit, false);
  assert.equal(later.latestLimitEvent?.active, false);
});

test('limit events: without a reset time the limit holds until the end of its window; legacy unknown type counts', async () => {
  const db = await windowStore();
  addLimitEvent(db, '2026-11-22T11:50:00Z', 'unknown', null, 'Usage limit reached');
  const s = buildStatus(db, NOW, { tz: 'UTC', plan: 'max5' });
  assert.equal(s.headroom.source, 'limit_event');
  assert.equal(s.headroom.resetsAtMs, T('2026-11-22T15:00:00Z'));
});

test('limit events: a limit message newer than the statusline wins; an older one does not', async () => {
  const db = await windowStore();
  addLimitEvent(db, '2026-11-22T11:50:00Z', 'five_hour', '2026-11-22T15:00:00Z', 'Claude AI usage limit reached|1795446000');
  const olderCapture = parseStatuslineJson(JSON.stringify({ rate_limits: { five_hour: { used_percentage: 80, resets_at: T('2026-11-22T15:00:00Z') / 1000 } } }), T('2026-11-22T11:40:00Z'));
  assert.equal(buildStatus(db, NOW, { tz: 'UTC', statusline: olderCapture }).headroom.source, 'limit_event');
  const newerCapture = parseStatuslineJson(JSON.stringify({ rate_limits: { five_hour: { used_percentage: 3, resets_at: T('2026-11-22T16:55:00Z') / 1000 } } }), T('2026-11-22T11:58:00Z'));
  const s = buildStatus(db, NOW, { tz: 'UTC', statusline: newerCapture });
  assert.equal(s.headroom.source, 'statusline');
  assert.equal(s.headroom.usedPct, 3);
});

test('weekly limit event raises the weekly window to 100 %', async () => {
  const db = await windowStore();
  addLimitEvent(db, '2026-11-22T09:00:00Z', 'seven_day', '2026-11-24T08:00:00Z', "You've hit your weekly limit · resets Nov 24, 8am (UTC)");
  const s = buildStatus(db, NOW, { tz: 'UTC', plan: 'max5' });
  assert.deepEqual(s.weekly.map((w) => [w.id, w.usedPct, w.source, w.resetsAtMs]), [['seven_day', 100, 'limit_event', T('2026-11-24T08:00:00Z')]]);
  // A weekly limit does not block the 5-hour figure.
  assert.equal(s.headroom.source, 'estimate');
});

test('auto plan: detected plan first, else the P90 of past windows, labelled as estimates', async () => {
  const db = await windowStore();
  // Five past windows on previous days with 10K..50K in+out tokens.
  const past: FixtureRequest[] = [];
  for (let d = 1; d <= 5; d++) past.push(req(`2026-11-${String(22 - d).padStart(2, '0')}T08:00:00Z`, d * 4000, d * 6000));
  insertRequests(db, past);
  const s = buildStatus(db, NOW, { tz: 'UTC' });
  // blocks.ts P90 on the input+output basis: 10K…50K → 46K (linear between closest ranks).
  assert.equal(s.p90WindowTokens, 46000);
  assert.equal(s.headroom.source, 'estimate');
  assert.equal(s.headroom.limitTokens, 46000);
  assert.match(s.headroom.sourceLabel, /P90 of your past windows/);
  const detected = buildStatus(db, NOW, { tz: 'UTC', detectedPlan: { plan: 'max20', from: 'x', raw: 'default_claude_max_20x' } });
  assert.equal(detected.headroom.limitTokens, 220000);
  assert.match(detected.headroom.sourceLabel, /Max 20x plan \(detected\)/);
  const custom = buildStatus(db, NOW, { tz: 'UTC', plan: 'custom', customTokenLimit: 100000 });
  assert.equal(custom.headroom.usedPct, 44);
});

test('renderStatusText prints the window, headroom source and today', async () => {
  const db = await windowStore();
  const text = renderStatusText(buildStatus(db, NOW, { tz: 'UTC', plan: 'max5' }));
  assert.match(text, /5-hour window: 10:00 → 15:00 \(resets in 3h00m\)/);
  assert.match(text, /tokens: 205,300 \(input 5,500, output 38,500, cache writes 1,300, cache reads 160,000\)/);
  assert.match(text, /headroom: 50% used, 50% left — estimate · Max 5x plan/);
  assert.match(text, /today \(UTC\): \$4\.00/);
});

test('only Claude Code requests count: API-log (internal) rows never open or fill a 5-hour window', async () => {
  const db = await createStore();
  insertRequests(db, [
    req('2026-11-22T11:00:00Z', 100, 200, { cost: 1 }),
    req('2026-11-22T11:30:00Z', 999_000, 999_000, { cost: 50, source: 'internal' }),
    req('2026-11-22T09:00:00Z', 5, 5, { cost: 7, source: 'internal' }),
  ]);
  const s = buildStatus(db, NOW, { tz: 'UTC', plan: 'pro' });
  assert.equal(s.activeBlock?.start, '2026-11-22T11:00:00.000Z', 'the 09:00 internal row does not start the window');
  assert.equal(s.activeBlock?.requests, 1);
  assert.equal(s.activeBlock?.limitTokens, 300);
  assert.equal(s.today.costUsd, 1);
});
