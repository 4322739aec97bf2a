// The query command's error mapping (the message names the param, also after crossing the worker
// thread), the tool's summary text, the panel filter for a query, and the settings reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryParamError, type QueryResult } from '../../src/core/query/types';
import { deserializeError, Emitter } from '../../src/host/engineClient';
import { serializeError } from '../../src/host/workerProtocol';
import { panelFilterForQuery, summarizeQueryResult, toolErrorText, toQueryCommandError } from '../../src/host/querySurface';
import { readSettings } from '../../src/host/settings';

test('a QueryParamError survives the thread hop: same class, param and message', () => {
  const original = new QueryParamError('group_by', 'must be one of none, project, model');
  const back = deserializeError(structuredClone(serializeError(original)));
  assert.ok(back instanceof QueryParamError);
  assert.equal((back as QueryParamError).param, 'group_by');
  assert.equal(back.message, 'group_by: must be one of none, project, model');
  const plain = deserializeError(serializeError(new RangeError('boom')));
  assert.equal(plain.name, 'RangeError');
  assert.equal(plain.message, 'boom');
});

test('command errors name the param; other errors pass through', () => {
  const e = toQueryCommandError(new QueryParamError('tz', 'unknown time zone "Mars/Base"'));
  assert.equal(e.message, 'llm_costs_query: invalid param "tz" — tz: unknown time zone "Mars/Base"');
  assert.equal((e as Error & { param?: string }).param, 'tz');
  // As rebuilt from a worker message (name + param, not the class).
  const crossed = Object.assign(new Error('limit: must be a positive integer'), { name: 'QueryParamError', param: 'limit' });
  assert.match(toQueryCommandError(crossed).message, /invalid param "limit"/);
  const other = new Error('the engine is closed');
  assert.equal(toQueryCommandError(other), other);
  assert.equal(toQueryCommandError('x').message, 'x');
  assert.match(toolErrorText(new QueryParamError('models', 'expected an array')), /^Error: invalid parameter "models": models: expected an array\. Fix that parameter/);
  assert.equal(toolErrorText(new Error('disk full')), 'Error: disk full');
});

const METRICS = { requests: 1234, input_tokens: 1000, output_tokens: 200_000, cache_creation_tokens: 5000, cache_read_tokens: 3_000_000, total_tokens: 3_206_000, cost_usd: 41.2, unpriced_requests: 0, web_search_requests: 0, cache_savings_usd: 12.5, cache_write_premium_usd: 0.75 };
const RESULT: QueryResult = {
  window: { start: '2026-11-15T00:00:00.000Z', end: '2026-11-22T00:00:00.000Z', tz: 'UTC', label: 'last_7d' },
  totals: METRICS,
  groups: [
    { ...METRICS, key: 'shop', label: 'shop', cost_usd: 30.1, share_of_cost: 30.1 / 41.2 },
    { ...METRICS, key: 'blog', label: 'blog', cost_usd: 11.1, share_of_cost: 11.1 / 41.2 },
  ],
  previous: { window: { start: '', end: '', tz: 'UTC', label: 'previous' }, totals: { ...METRICS, cost_usd: 20.6 }, delta_pct: { ...Object.fromEntries(Object.keys(METRICS).map((k) => [k, null])), cost_usd: 100 } as never },
};

test('the tool summary: window, totals, top groups, comparison', () => {
  assert.equal(
    summarizeQueryResult(RESULT),
    'last_7d (2026-11-15T00:00:00.000Z → 2026-11-22T00:00:00.000Z, UTC): $41.20 over 1,234 requests, 3.2M tokens (input 1.0K, output 200.0K, cache writes 5.0K, cache reads 3.0M). ' +
      'Caching saved $12.50 on reads and cost $0.75 extra on writes. ' +
      'Groups (2): shop $30.10 (73%), blog $11.10 (27%). Previous window: $20.60 (+100.0% now).',
  );
});

test('panel filter for a query: named presets where the panel has them, else the same dates', () => {
  assert.deepEqual(panelFilterForQuery({ window: 'last_7d', project: 'shop' }, RESULT), { tz: 'UTC', range: 'last_7d', project: 'shop' });
  assert.deepEqual(panelFilterForQuery({ window: 'this_week', models: ['a', 1] }, RESULT), { tz: 'UTC', range: 'custom', from: '2026-11-15', until: '2026-11-21', models: ['a'] });
});

test('settings reader: defaults, clamping, bad values ignored', () => {
  const d = readSettings(() => undefined);
  assert.equal(d.plan, 'auto');
  assert.deepEqual(d.planPrices, { pro: 20, max5: 100, max20: 200, custom: null });
  assert.equal(readSettings((k) => (k === 'plan' ? 'api' : undefined)).plan, 'api');
  assert.deepEqual(
    readSettings((k) => (k === 'planPrices' ? { max20: 180, pro: -5, max5: 'x', custom: 42, other: 1 } : undefined)).planPrices,
    { pro: 20, max5: 100, max20: 180, custom: 42 },
    'only valid prices replace the defaults',
  );
  assert.equal(d.useOAuthUsageEndpoint, false);
  assert.equal(d.oauthPollMs, 300_000);
  assert.deepEqual(
    { ...d.chip },
    { alignment: 'left', showTokens: true, showCost: false, showHeadroom: true, showReset: true, warningPct: 80, errorPct: 95, staleAfterMs: 900_000,
      showContext: true, contextWarningPct: 70, contextErrorPct: 85 },
  );
  assert.equal(d.notifications.enabled, true);
  const values: Record<string, unknown> = {
    plan: 'max9', 'headroom.oauthPollSeconds': 30, 'chip.warningThreshold': 90, 'chip.errorThreshold': 50, roots: ['/a', 3, ''],
    'headroom.useOAuthUsageEndpoint': 'yes', customPlanTokenLimit: -1,
  };
  const s = readSettings((k) => values[k]);
  assert.equal(s.plan, 'auto');
  assert.equal(s.oauthPollMs, 180_000, 'never faster than 180 s');
  assert.equal(s.chip.errorPct, 90, 'error threshold never below the warning threshold');
  assert.deepEqual(s.roots, ['/a']);
  assert.equal(s.useOAuthUsageEndpoint, false, 'only a real true turns the network on');
  assert.equal(s.customPlanTokenLimit, null);
});

test('Emitter has vscode.Event\'s shape and isolates failing listeners', () => {
  const em = new Emitter<number>();
  const got: number[] = [];
  const bag: { dispose(): void }[] = [];
  em.event(() => {
    throw new Error('bad listener');
  });
  const d = em.event((n) => got.push(n), undefined, bag);
  em.fire(1);
  d.dispose();
  em.fire(2);
  assert.deepEqual(got, [1]);
  assert.equal(bag.length, 1);
});
