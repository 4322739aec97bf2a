// Official headroom sources: the statusline `rate_limits` JSON and both OAuth usage response shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyUsageHttpStatus,
  parseOAuthUsage,
  parseResetInstant,
  parseRetryAfter,
  parseStatuslineJson,
  MIN_OAUTH_POLL_MS,
} from '../../src/core/limits/readings';

const CAPTURED = Date.parse('2026-11-22T10:00:00Z');

test('statusline: five_hour and seven_day with epoch-second resets', () => {
  const json = JSON.stringify({
    session_id: 's1',
    version: '2.1.90',
    model: { id: 'claude-opus-4-6' },
    rate_limits: {
      five_hour: { used_percentage: 37.5, resets_at: 1795428000 },
      seven_day: { used_percentage: 12, resets_at: 1795860000 },
    },
  });
  const s = parseStatuslineJson(json, CAPTURED);
  assert.ok(s);
  assert.equal(s.capturedAtMs, CAPTURED);
  assert.equal(s.sessionId, 's1');
  assert.equal(s.version, '2.1.90');
  assert.deepEqual(s.fiveHour, { id: 'five_hour', label: '5-hour', usedPct: 37.5, resetsAtMs: 1795428000_000 });
  assert.equal(s.sevenDay?.usedPct, 12);
  assert.equal(s.sevenDay?.resetsAtMs, 1795860000_000);
  assert.deepEqual(s.anomalies, []);
});

test('statusline: absent rate_limits (API key user / before the first response) is null, not an error', () => {
  assert.equal(parseStatuslineJson(JSON.stringify({ session_id: 's', model: { id: 'x' } }), CAPTURED), null);
  assert.equal(parseStatuslineJson(JSON.stringify({ rate_limits: {} }), CAPTURED), null);
  assert.equal(parseStatuslineJson('not json', CAPTURED), null);
  assert.equal(parseStatuslineJson('[1,2]', CAPTURED), null);
});

test('statusline: only one window present', () => {
  const s = parseStatuslineJson(JSON.stringify({ rate_limits: { seven_day: { used_percentage: 64, resets_at: 1795860000 } } }), CAPTURED);
  assert.ok(s);
  assert.equal(s.fiveHour, null);
  assert.equal(s.sevenDay?.usedPct, 64);
});

test('statusline: leaked epoch in used_percentage is not a percentage; it becomes the reset when resets_at is missing', () => {
  const s = parseStatuslineJson(JSON.stringify({ rate_limits: { five_hour: { used_percentage: 1795428000 } } }), CAPTURED);
  assert.ok(s);
  assert.equal(s.fiveHour?.usedPct, null);
  assert.equal(s.fiveHour?.resetsAtMs, 1795428000_000);
  assert.match(s.anomalies[0], /five_hour\.used_percentage carried an epoch/);
  // With a proper resets_at the leaked value is still dropped and resets_at wins.
  const s2 = parseStatuslineJson(JSON.stringify({ rate_limits: { five_hour: { used_percentage: 1795428000, resets_at: 1795429000 } } }), CAPTURED);
  assert.equal(s2?.fiveHour?.usedPct, null);
  assert.equal(s2?.fiveHour?.resetsAtMs, 1795429000_000);
});

test('statusline: other windows (seven_day_opus) and a captured_at field', () => {
  const s = parseStatuslineJson(
    JSON.stringify({ captured_at: 1795420000, rate_limits: { five_hour: { used_percentage: 5 }, seven_day_opus: { used_percentage: 80, resets_at: 1795860000 } } }),
    CAPTURED,
  );
  assert.ok(s);
  assert.equal(s.capturedAtMs, 1795420000_000);
  assert.equal(s.fiveHour?.resetsAtMs, null);
  assert.deepEqual(s.others.map((o) => [o.id, o.label, o.usedPct]), [['seven_day_opus', 'Weekly Opus', 80]]);
});

test('parseResetInstant: seconds, ms, ISO, junk', () => {
  assert.equal(parseResetInstant(1795428000), 1795428000_000);
  assert.equal(parseResetInstant(1795428000_000), 1795428000_000);
  assert.equal(parseResetInstant('2026-04-11T07:00:00.528743+00:00'), Date.parse('2026-04-11T07:00:00.528Z'));
  assert.equal(parseResetInstant('soon'), null);
  assert.equal(parseResetInstant(42), null);
  assert.equal(parseResetInstant(null), null);
});

// Fixture: the legacy shape (peers-and-headroom.md §3.2).
const LEGACY = {
  five_hour: { utilization: 33.0, resets_at: '2026-04-11T07:00:00.528743+00:00' },
  seven_day: { utilization: 13.0, resets_at: '2026-04-17T00:59:59.951713+00:00' },
  seven_day_opus: null,
  seven_day_sonnet: { utilization: 1.0, resets_at: '2026-03-16T20:59:59.771655+00:00' },
  seven_day_oauth_apps: null,
  extra_usage: { is_enabled: false, monthly_limit: null, used_credits: null, utilization: null, currency: null },
};

// Fixture: the newer limits[] shape (§3.3).
const MODERN = {
  limits: [
    { kind: 'session', group: 'session', percent: 5, severity: 'normal', resets_at: '2026-07-26T15:50:00Z', scope: null, is_active: false },
    { kind: 'weekly_all', group: 'weekly', percent: 28, severity: 'normal', resets_at: '2026-07-28T06:00:00Z', scope: null, is_active: true },
    { kind: 'weekly_scoped', group: 'weekly', percent: 0, severity: 'normal', resets_at: null, is_active: false, scope: { model: { id: null, display_name: 'Fable' }, surface: null } },
  ],
  seven_day_cowork: null,
  spend: { enabled: true, used: { amount_minor: 1234, exponent: 2, currency: 'USD' }, limit: null, percent: 12, severity: 'normal' },
};

test('oauth legacy shape: utilization is a 0–100 percentage (1.0 means 1 %), nulls skipped', () => {
  const s = parseOAuthUsage(LEGACY, CAPTURED);
  assert.equal(s.shape, 'legacy');
  assert.equal(s.fetchedAtMs, CAPTURED);
  assert.deepEqual(s.fiveHour, { id: 'five_hour', label: '5-hour', usedPct: 33, resetsAtMs: Date.parse('2026-04-11T07:00:00.528Z') });
  assert.equal(s.sevenDay?.usedPct, 13);
  assert.deepEqual(s.others.map((o) => [o.id, o.usedPct]), [['seven_day_sonnet', 1]]);
  assert.deepEqual(s.extraUsage, { enabled: false, usedPct: null });
});

test('oauth limits[] shape: session → five_hour, weekly_all → seven_day, scoped inherits the weekly reset', () => {
  const s = parseOAuthUsage(MODERN, CAPTURED);
  assert.equal(s.shape, 'limits');
  assert.equal(s.fiveHour?.usedPct, 5);
  assert.equal(s.fiveHour?.resetsAtMs, Date.parse('2026-07-26T15:50:00Z'));
  assert.equal(s.fiveHour?.severity, 'normal');
  assert.equal(s.sevenDay?.usedPct, 28);
  assert.equal(s.others.length, 1);
  assert.equal(s.others[0].id, 'weekly_scoped:Fable');
  assert.equal(s.others[0].label, 'Weekly Fable');
  assert.equal(s.others[0].usedPct, 0);
  assert.equal(s.others[0].resetsAtMs, Date.parse('2026-07-28T06:00:00Z'));
  assert.deepEqual(s.extraUsage, { enabled: true, usedPct: 12 });
});

test('oauth: limits[] wins, legacy fills what it lacks; junk entries are skipped and noted', () => {
  const s = parseOAuthUsage({ limits: [{ kind: 'weekly_all', percent: 40, resets_at: null }, 7, { percent: 3 }], five_hour: { utilization: 70, resets_at: '2026-07-26T15:50:00Z' } }, CAPTURED);
  assert.equal(s.shape, 'limits');
  assert.equal(s.sevenDay?.usedPct, 40);
  assert.equal(s.fiveHour?.usedPct, 70);
  assert.equal(s.anomalies.length, 2);
});

test('oauth: a body with neither shape is an error naming what is missing', () => {
  assert.throws(() => parseOAuthUsage({ error: 'x' }, CAPTURED), /neither limits\[\] nor five_hour\/seven_day/);
  assert.throws(() => parseOAuthUsage('nope', CAPTURED), /not a JSON object/);
});

test('oauth HTTP outcomes: 401 asks to run Claude Code, 429 honours Retry-After but never polls faster than 180 s', () => {
  const a = classifyUsageHttpStatus(401, null, CAPTURED);
  assert.equal(a.kind, 'auth');
  assert.match((a as { message: string }).message, /run any Claude Code command to refresh the login/);
  const r0 = classifyUsageHttpStatus(429, '0', CAPTURED);
  assert.deepEqual(r0.kind === 'retry_later' && r0.retryAfterMs, MIN_OAUTH_POLL_MS);
  const r1 = classifyUsageHttpStatus(429, '900', CAPTURED);
  assert.deepEqual(r1.kind === 'retry_later' && r1.retryAfterMs, 900_000);
  assert.equal(classifyUsageHttpStatus(200, null, CAPTURED).kind, 'ok');
  assert.equal(classifyUsageHttpStatus(404, null, CAPTURED).kind, 'error');
  assert.equal(parseRetryAfter(new Date(CAPTURED + 60_000).toUTCString(), CAPTURED), 60_000);
  assert.equal(parseRetryAfter('', CAPTURED), null);
});
