// Plan value: a month's API-equivalent cost against the plan's price, and `claude-costs report value`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_PLAN_PRICES, type DetectedPlan } from '../../src/core/limits/plan';
import { computePlanValue, describePlanValue, monthRange, resolvePlan, type PlanValue } from '../../src/core/query/planValue';
import { generateCorpus } from '../../bench/corpus/generate';
import { main } from '../../src/cli';
import { createStore, insertRequests } from './helpers/store-fixture';

const at = (iso: string): number => Date.parse(iso);
const DETECTED: DetectedPlan = { plan: 'max20', from: '~/.claude.json oauthAccount.organizationRateLimitTier', raw: 'default_claude_max_20x' };

describe('the plan', () => {
  test('setting first, then the detected plan; api and custom have no list price', () => {
    assert.deepEqual(resolvePlan('pro', DETECTED, DEFAULT_PLAN_PRICES), { plan: 'pro', label: 'Pro', priceUsd: 20, source: 'setting' });
    assert.deepEqual(resolvePlan('auto', DETECTED, DEFAULT_PLAN_PRICES), { plan: 'max20', label: 'Max 20x', priceUsd: 200, source: 'detected' });
    assert.deepEqual(resolvePlan('auto', null, DEFAULT_PLAN_PRICES), { plan: null, label: null, priceUsd: null, source: null });
    assert.equal(resolvePlan('api', DETECTED, DEFAULT_PLAN_PRICES).priceUsd, null);
    assert.equal(resolvePlan('custom', null, DEFAULT_PLAN_PRICES).priceUsd, null);
    assert.equal(resolvePlan('custom', null, { ...DEFAULT_PLAN_PRICES, custom: 150 }).priceUsd, 150);
    assert.equal(resolvePlan('max5', null, { ...DEFAULT_PLAN_PRICES, max5: 90 }).priceUsd, 90, 'edited prices win');
  });
});

describe('the month', () => {
  test('local calendar month in the zone, December rolls into January', () => {
    assert.deepEqual(monthRange('2026-11', 'UTC'), { startMs: at('2026-11-01T00:00:00Z'), endMs: at('2026-12-01T00:00:00Z') });
    // New York: EDT until 2026-11-01 02:00, EST after.
    assert.deepEqual(monthRange('2026-11', 'America/New_York'), { startMs: at('2026-11-01T04:00:00Z'), endMs: at('2026-12-01T05:00:00Z') });
    assert.deepEqual(monthRange('2026-12', 'Asia/Tokyo'), { startMs: at('2026-11-30T15:00:00Z'), endMs: at('2026-12-31T15:00:00Z') });
  });

  test('a bad month or zone names the option', () => {
    assert.throws(() => monthRange('2026-13', 'UTC'), /--month: must be a month YYYY-MM/);
    assert.throws(() => monthRange('Nov', 'UTC'), /--month/);
  });
});

describe('computePlanValue over a hand-made store', () => {
  test('Claude Code requests of the month only, ratio to the price, cache economics', async () => {
    const db = await createStore();
    insertRequests(db, [
      { ts: at('2026-11-02T10:00:00Z'), cost: 4000, cacheSavings: 900, cacheWritePremium: 40.5 },
      { ts: at('2026-11-30T23:59:59Z'), cost: 776, cacheSavings: 100, cacheWritePremium: 0.25 },
      { ts: at('2026-10-31T23:59:59Z'), cost: 1000 }, // October
      { ts: at('2026-12-01T00:00:00Z'), cost: 1000 }, // December
      { ts: at('2026-11-15T00:00:00Z'), cost: 500, source: 'internal' }, // own API calls: not covered by a plan
    ]);
    const v = computePlanValue(db, { month: '2026-11', tz: 'UTC', nowMs: at('2026-12-10T00:00:00Z'), plan: resolvePlan('auto', DETECTED, DEFAULT_PLAN_PRICES) });
    assert.deepEqual(v, {
      month: '2026-11', api_equivalent_usd: 4776, plan: 'max20', plan_price_usd: 200, value_ratio: 23.88,
      cache_savings_usd: 1000, cache_write_premium_usd: 40.75, plan_label: 'Max 20x', plan_source: 'detected', requests: 2, tz: 'UTC',
    });
    assert.equal(describePlanValue(v), 'Max 20x: $4,776 of API usage in 2026-11, 24× its $200 price.');
    // Default month: the month of now in the zone (Dec 1, 03:00 in Tokyo is still Nov 30 in UTC).
    assert.equal(computePlanValue(db, { tz: 'UTC', nowMs: at('2026-11-30T18:00:00Z'), plan: resolvePlan('api', null, DEFAULT_PLAN_PRICES) }).month, '2026-11');
    assert.equal(computePlanValue(db, { tz: 'Asia/Tokyo', nowMs: at('2026-11-30T18:00:00Z'), plan: resolvePlan('api', null, DEFAULT_PLAN_PRICES) }).month, '2026-12');
  });

  test('the sentence for api billing, an unknown plan, and a plan without price', () => {
    const base: PlanValue = {
      month: '2026-11', api_equivalent_usd: 312.4, plan: null, plan_price_usd: null, value_ratio: null, cache_savings_usd: 80.2,
      cache_write_premium_usd: 3, plan_label: null, plan_source: null, requests: 10, tz: 'UTC',
    };
    assert.equal(describePlanValue(base), '$312 of API usage in 2026-11; set claudeCosts.plan to compare it with your plan\'s price.');
    assert.equal(describePlanValue({ ...base, plan: 'api', plan_label: 'API (pay as you go)' }), 'API billing: $312 of API usage in 2026-11 (prompt caching saved $80).');
    assert.equal(describePlanValue({ ...base, plan: 'custom', plan_label: 'Custom plan' }), 'Custom plan: $312 of API usage in 2026-11 (set claudeCosts.planPrices to compare it with the price).');
    assert.equal(describePlanValue({ ...base, plan: 'pro', plan_label: 'Pro', plan_price_usd: 20, value_ratio: 15.62 }), 'Pro: $312 of API usage in 2026-11, 16× its $20 price.');
    assert.equal(describePlanValue({ ...base, plan: 'max5', plan_label: 'Max 5x', plan_price_usd: 100, value_ratio: 3.12 }), 'Max 5x: $312 of API usage in 2026-11, 3.1× its $100 price.');
  });
});

describe('claude-costs report value on the generated corpus', () => {
  let dir: string;
  let common: string[];
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-value-'));
    await generateCorpus({ outDir: path.join(dir, 'claude'), targetBytes: 2 * 1024 * 1024, seed: 3 });
    common = ['--config-dir', path.join(dir, 'claude'), '--db', path.join(dir, 'usage.sqlite'), '--now', '2026-11-21T00:00:00Z'];
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[]): Promise<string> {
    let text = '';
    const code = await main([...args, ...common], (s) => { text += s; });
    assert.equal(code, 0, `${args.join(' ')} exits 0`);
    return text;
  }

  for (const tz of ['UTC', 'America/New_York']) {
    test(`the month's API-equivalent cost is the sum of its days in report daily (${tz})`, async () => {
      const value = JSON.parse(await run(['report', 'value', '--json', '--month', '2026-11', '--plan', 'max20', '--tz', tz])) as PlanValue;
      const daily = JSON.parse(await run(['report', 'daily', '--json', '--since', '2026-11-01', '--until', '2026-11-30', '--tz', tz])) as {
        daily: { date: string; totalCost: number }[]; totals: { totalCost: number };
      };
      assert.ok(daily.daily.length >= 10, `November has days of usage (${daily.daily.length})`);
      assert.ok(daily.daily.every((d) => d.date.startsWith('2026-11-')));
      // The report's total is the unrounded sum of its days rounded once: the same figure exactly.
      assert.equal(value.api_equivalent_usd, daily.totals.totalCost);
      const sumOfDays = daily.daily.reduce((s, d) => s + d.totalCost, 0);
      assert.ok(Math.abs(value.api_equivalent_usd - sumOfDays) <= 5e-7 * daily.daily.length, `${value.api_equivalent_usd} vs Σ days ${sumOfDays}`);
      assert.equal(value.plan, 'max20');
      assert.equal(value.plan_price_usd, 200);
      assert.equal(value.value_ratio, Math.round((value.api_equivalent_usd / 200) * 100) / 100);
      assert.ok(value.cache_savings_usd > 0 && value.cache_write_premium_usd > 0);
      // And llm_costs_query over the same dates agrees on the cache figures.
      const q = JSON.parse(await run(['query', '--no-scan', '--params', JSON.stringify({ start_date: '2026-11-01', end_date: '2026-11-30', tz, source: 'claude_code' })]));
      assert.equal(q.totals.cache_savings_usd, value.cache_savings_usd);
      assert.equal(q.totals.cost_usd, value.api_equivalent_usd);
    });
  }

  test('text output and bad options', async () => {
    const text = await run(['report', 'value', '--month', '2026-10', '--plan', 'pro', '--tz', 'UTC']);
    assert.match(text, /^Pro: \$[\d,]+ of API usage in 2026-10, [\d.]+× its \$20 price\.\nPrompt caching in 2026-10: reads saved \$[\d.]+, writes cost \$[\d.]+ above plain input\.\n$/);
    const errors: string[] = [];
    const origWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => { errors.push(String(s)); return true; }) as typeof process.stderr.write;
    try {
      assert.equal(await main(['report', 'value', '--plan', 'team', ...common], () => undefined), 2);
      assert.equal(await main(['report', 'value', '--month', '2026-1', ...common], () => undefined), 2);
    } finally {
      process.stderr.write = origWrite;
    }
    assert.match(errors.join(''), /--plan: expected one of/);
    assert.match(errors.join(''), /--month: must be a month YYYY-MM/);
  });
});
