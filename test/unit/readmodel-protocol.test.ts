// The host ↔ webview contract: every message from the webview is validated on the host, and a bad
// one is rejected with a reason naming the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_PANEL_FILTER, MAX_MESSAGE_CHARS, mergePanelFilter, parsePanelFilter, parseWebviewMessage,
} from '../../src/protocol';
import { budgetsFor } from '../../src/core/query/readmodel/budgets';
import { modelFamily } from '../../src/core/query/readmodel/families';

const filter = { ...DEFAULT_PANEL_FILTER, tz: 'Europe/Berlin' };
const reason = (raw: unknown) => {
  const r = parseWebviewMessage(raw);
  assert.ok('error' in r, `expected a rejection, got ${JSON.stringify(r).slice(0, 80)}`);
  return r.error;
};

test('valid messages pass through unchanged', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'rescan' }), { type: 'rescan' });
  assert.deepEqual(parseWebviewMessage({ type: 'refresh', requestId: 3 }), { type: 'refresh', requestId: 3 });
  assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'csv' }), { type: 'export', format: 'csv' });
  assert.deepEqual(parseWebviewMessage({ type: 'openSettings', target: 'roots' }), { type: 'openSettings', target: 'roots' });
  const set = parseWebviewMessage({ type: 'setFilter', requestId: 1, filter: { ...filter, models: ['claude-opus-4-6', 'claude-opus-4-6'], project: '<img src=x>' } });
  assert.deepEqual(set, { type: 'setFilter', requestId: 1, filter: { ...filter, models: ['claude-opus-4-6'], project: '<img src=x>' } });
  const none = parseWebviewMessage({ type: 'setFilter', requestId: 2, filter: { ...filter, models: [] } });
  assert.ok(!('error' in none) && none.type === 'setFilter' && Array.isArray(none.filter.models) && none.filter.models.length === 0, 'models [] (every chip off) is kept, not widened to all');
});

test('unknown types, wrong field types and extra fields are rejected naming the field', () => {
  assert.match(reason({ type: 'deleteEverything' }), /^type: unknown message type "deleteEverything"/);
  assert.match(reason({ type: 42 }), /^type: unknown message type number/);
  assert.match(reason(null), /^message: must be an object/);
  assert.match(reason('ready'), /^message: must be an object/);
  assert.match(reason({ type: 'refresh' }), /^requestId:/);
  assert.match(reason({ type: 'refresh', requestId: -1 }), /^requestId:/);
  assert.match(reason({ type: 'refresh', requestId: 1.5 }), /^requestId:/);
  assert.match(reason({ type: 'export', format: 'xlsx' }), /^format: must be csv or json/);
  assert.match(reason({ type: 'ready', extra: 1 }), /^extra: unexpected field for ready/);
  assert.match(reason({ type: 'openSettings', target: 'keybindings' }), /^target:/);
  assert.match(reason({ type: 'setFilter', requestId: 1, filter: { ...filter, range: 'forever' } }), /^filter\.range: must be one of/);
  assert.match(reason({ type: 'setFilter', requestId: 1, filter: { ...filter, models: 'claude-opus-4-6' } }), /^filter\.models: must be an array/);
  assert.match(reason({ type: 'setFilter', requestId: 1, filter: { ...filter, models: ['ok', 7] } }), /^filter\.models\[1\]:/);
  assert.match(reason({ type: 'setFilter', requestId: 1, filter: { ...filter, tz: 'Mars/Olympus' } }), /^filter\.tz:/);
  assert.match(reason({ type: 'setFilter', requestId: 1, filter: { ...filter, view: 'table' } }), /^filter\.view:/);
  assert.match(reason({ type: 'setFilter', requestId: 1, filter: { ...filter, interval: '1m' } }), /^filter\.interval:/);
  assert.match(reason({ type: 'setFilter', requestId: 1, filter: { ...filter, project: 5 } }), /^filter\.project:/);
  assert.match(reason({ type: 'setFilter', requestId: 1, filter: { ...filter, sql: 'DROP TABLE requests' } }), /^filter\.sql: unknown field/);
  assert.match(reason({ type: 'setFilter', requestId: 1, filter: { ...filter, range: 'custom', from: '2026-03-01', until: null } }), /^filter\.from: a custom range needs both/);
  assert.match(reason({ type: 'setFilter', requestId: 1, filter: { ...filter, range: 'custom', from: '2026-03-09', until: '2026-03-01' } }), /^filter\.from: must not be after until/);
  assert.match(reason({ type: 'setFilter', requestId: 1, filter: { ...filter, from: '2026-13-01' } }), /^filter\.from: must be a date/);
});

test('huge payloads are rejected before they are walked', () => {
  const big = { type: 'setFilter', requestId: 1, filter: { ...filter, project: 'x'.repeat(MAX_MESSAGE_CHARS) } };
  assert.match(reason(big), /^message: too large/);
  const manyModels = { type: 'setFilter', requestId: 1, filter: { ...filter, models: Array.from({ length: 501 }, (_, i) => `m${i}`) } };
  assert.match(reason(manyModels), /^filter\.models: at most 500 entries/);
  const longProject = { type: 'setFilter', requestId: 1, filter: { ...filter, project: 'p'.repeat(501) } };
  assert.match(reason(longProject), /^filter\.project: at most 500 characters/);
  const cyclic: Record<string, unknown> = { type: 'ready' };
  cyclic.self = cyclic;
  assert.match(reason(cyclic), /^message: not serialisable/);
});

test('filters: defaults fill missing optional fields; a partial filter merges over a base', () => {
  const parsed = parsePanelFilter({ range: 'today' });
  assert.deepEqual(parsed, { ...DEFAULT_PANEL_FILTER, range: 'today' });
  assert.deepEqual(mergePanelFilter(filter, { project: 'shop', models: ['claude-opus-4-6'] }), { ...filter, project: 'shop', models: ['claude-opus-4-6'] });
  assert.deepEqual(mergePanelFilter(filter, undefined), filter);
  assert.match((mergePanelFilter(filter, { range: 'nope' }) as { error: string }).error, /^filter\.range/);
});

test('model families and budget states (green < 80 % ≤ amber < 100 % ≤ red)', () => {
  assert.equal(modelFamily('claude-opus-4-6'), 'opus');
  assert.equal(modelFamily('us.anthropic.claude-sonnet-4-5-20250929-v1:0'), 'sonnet');
  assert.equal(modelFamily('claude-3-5-haiku@20241022'), 'haiku');
  assert.equal(modelFamily('gpt-oss-120b'), 'other');
  const spend = (usd: number, elapsed = 0.5) => ({ today: { usd, elapsed, period: '2026-03-18' }, month: { usd, elapsed, period: '2026-03' } });
  assert.deepEqual(budgetsFor(spend(5), {}), { daily: null, monthly: null });
  assert.deepEqual(budgetsFor(spend(5), { daily: 0, monthly: -3 }), { daily: null, monthly: null });
  assert.equal(budgetsFor(spend(7.99), { daily: 10 }).daily!.state, 'ok');
  assert.equal(budgetsFor(spend(8), { daily: 10 }).daily!.state, 'warn');
  assert.equal(budgetsFor(spend(9.99), { daily: 10 }).daily!.state, 'warn');
  assert.equal(budgetsFor(spend(10), { daily: 10 }).daily!.state, 'over');
  const b = budgetsFor(spend(4, 0.25), { monthly: 10 }).monthly!;
  assert.equal(b.projectedUsd, 16);
  assert.equal(b.projectedPct, 160);
  const early = budgetsFor(spend(4, 0.05), { monthly: 10 }).monthly!;
  assert.deepEqual([early.projectedUsd, early.projectedPct], [null, null], 'no projection in the first tenth of the period');
});
