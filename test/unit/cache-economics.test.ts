// Cache economics of one request: what cache reads saved against plain input, and the premium paid for
// cache writes above plain input, at the rates that priced the request (period, long-prompt tier, fast
// table, geo, batch). Expected figures are worked by hand from the reference §9 rates (in comments, µ$).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { priceRequest } from '../../src/core/pricing';
import type { UsageForPricing } from '../../src/core/types';

function usage(counts: Partial<UsageForPricing>): UsageForPricing {
  return {
    inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheCreation1hTokens: 0, cacheReadTokens: 0,
    webSearchRequests: 0, speed: 'standard', inferenceGeo: 'not_available', serviceTier: 'standard',
    ...counts,
  };
}

const at = (iso: string): number => Date.parse(iso);
function economics(model: string, time: number, u: UsageForPricing): { savings: number; premium: number } {
  const r = priceRequest(model, time, u);
  assert.equal(r.priced, true, `${model} should be priced`);
  return { savings: r.cacheSavingsUsd, premium: r.cacheWritePremiumUsd };
}

// Opus 4.8: input 5, 5m write 6.25, 1h write 10, read 0.50 (USD per 1M).
const OPUS = 'claude-opus-4-8';
const JUNE = at('2026-06-15T10:00:00Z');

describe('5-minute and 1-hour cache writes', () => {
  test('5-minute writes only', () => {
    // reads: 100,000 × (5 − 0.5) = 450,000 µ$; writes: 20,000 × (6.25 − 5) = 25,000 µ$
    const e = economics(OPUS, JUNE, usage({ inputTokens: 10, outputTokens: 500, cacheCreationTokens: 20_000, cacheReadTokens: 100_000 }));
    assert.deepEqual(e, { savings: 0.45, premium: 0.025 });
  });

  test('1-hour writes only', () => {
    // 20,000 × (10 − 5) = 100,000 µ$
    const e = economics(OPUS, JUNE, usage({ cacheCreationTokens: 20_000, cacheCreation1hTokens: 20_000, cacheReadTokens: 100_000 }));
    assert.deepEqual(e, { savings: 0.45, premium: 0.1 });
  });

  test('mixed: 20,000 at 5m + 10,000 at 1h', () => {
    // 20,000 × 1.25 + 10,000 × 5 = 75,000 µ$
    const e = economics(OPUS, JUNE, usage({ cacheCreationTokens: 30_000, cacheCreation1hTokens: 10_000 }));
    assert.deepEqual(e, { savings: 0, premium: 0.075 });
  });

  test('a 1h count above the total is clamped to the total, as the cost is', () => {
    const e = economics(OPUS, JUNE, usage({ cacheCreationTokens: 1_000, cacheCreation1hTokens: 5_000 }));
    assert.deepEqual(e, { savings: 0, premium: 0.005 }); // 1,000 × 5 µ$
  });

  test('no cache traffic: both zero', () => {
    assert.deepEqual(economics(OPUS, JUNE, usage({ inputTokens: 5_000, outputTokens: 900 })), { savings: 0, premium: 0 });
  });
});

describe('long-context rows', () => {
  // Line (e) of reference §4.4: 3 input, 4,579 1h writes, 512,613 reads (prompt 517,195 > 200k).
  const LINE_E = usage({ inputTokens: 3, outputTokens: 13_928, cacheCreationTokens: 4_579, cacheCreation1hTokens: 4_579, cacheReadTokens: 512_613 });

  test('Sonnet 4.5 inside the 1M beta: every token at the premium rates (6 / 7.5 / 12 / 0.60)', () => {
    // reads 512,613 × (6 − 0.6) = 2,768,110.2 µ$; writes 4,579 × (12 − 6) = 27,474 µ$
    assert.deepEqual(economics('claude-sonnet-4-5-20250929', at('2026-01-06T09:15:24Z'), LINE_E), { savings: 2.7681102, premium: 0.027474 });
  });

  test('the same row after the beta header retired: flat rates (3 / 3.75 / 6 / 0.30)', () => {
    // 512,613 × 2.7 = 1,384,055.1 µ$; 4,579 × 3 = 13,737 µ$
    assert.deepEqual(economics('claude-sonnet-4-5-20250929', at('2026-05-02T00:00:00Z'), LINE_E), { savings: 1.3840551, premium: 0.013737 });
  });

  test('inside the beta but at the threshold: standard rates', () => {
    // prompt = 0 + 200,000 + 0 = 200,000, not strictly greater: 200,000 × 2.7 = 540,000 µ$
    assert.deepEqual(economics('claude-sonnet-4-5', at('2026-01-06T00:00:00Z'), usage({ cacheReadTokens: 200_000 })), { savings: 0.54, premium: 0 });
  });

  test('Haiku 5.5 above 100k: 5× rates (0.50 / 0.625 / 0.05)', () => {
    // prompt 121,001 > 100k: reads 120,000 × 0.45 = 54,000 µ$; 5m writes 1,000 × 0.125 = 125 µ$
    const e = economics('claude-haiku-5-5', JUNE, usage({ inputTokens: 1, cacheCreationTokens: 1_000, cacheReadTokens: 120_000 }));
    assert.deepEqual(e, { savings: 0.054, premium: 0.000125 });
  });

  test('iterations: the tier is chosen per iteration', () => {
    // iteration 1: 150,000 reads (standard, × 2.7) = 405,000 µ$; iteration 2: 250,000 reads (premium, × 5.4) = 1,350,000 µ$
    const u = usage({
      cacheReadTokens: 400_000,
      cacheCreationTokens: 2_000,
      iterations: [
        { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 2_000, cacheCreation1hTokens: 0, cacheReadTokens: 150_000 },
        { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheCreation1hTokens: 0, cacheReadTokens: 250_000 },
      ],
    });
    // the 2,000 5m writes are in the standard iteration: 2,000 × 0.75 = 1,500 µ$
    assert.deepEqual(economics('claude-sonnet-4-5', at('2026-01-06T00:00:00Z'), u), { savings: 1.755, premium: 0.0015 });
  });
});

describe('modifiers and effective dates', () => {
  const u = usage({ cacheCreationTokens: 20_000, cacheReadTokens: 100_000 });

  test('inference_geo "us" multiplies both by 1.1', () => {
    assert.deepEqual(economics(OPUS, JUNE, { ...u, inferenceGeo: 'us' }), { savings: 0.495, premium: 0.0275 });
  });

  test('batch halves both', () => {
    assert.deepEqual(economics(OPUS, JUNE, { ...u, serviceTier: 'batch' }), { savings: 0.225, premium: 0.0125 });
  });

  test('fast mode uses the fast table (Opus 4.8 at 2×: 10 / 12.5 / 1)', () => {
    // 100,000 × 9 = 900,000 µ$; 20,000 × 2.5 = 50,000 µ$
    assert.deepEqual(economics(OPUS, JUNE, { ...u, speed: 'fast' }), { savings: 0.9, premium: 0.05 });
  });

  test('Sonnet 5.5 cache-read cut on 2026-10-07: 0.20 → 0.10 makes reads save more', () => {
    const reads = usage({ cacheReadTokens: 1_000_000 });
    assert.equal(economics('claude-sonnet-5-5', at('2026-10-06T23:59:59Z'), reads).savings, 1.8);
    assert.equal(economics('claude-sonnet-5-5', at('2026-10-07T00:00:00Z'), reads).savings, 1.9);
  });
});

describe('identity: cost + savings − premium = the cost with every prompt token as plain input', () => {
  // A fixed pseudo-random walk (no clock, no Math.random): the identity holds for any mix.
  let seed = 12345;
  const next = (max: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % max;
  };
  const cases: Array<[string, number]> = [
    ['claude-opus-4-8', JUNE], ['claude-sonnet-4-5', at('2026-01-06T00:00:00Z')], ['claude-haiku-5-5', JUNE], ['claude-sonnet-5-5', JUNE],
  ];
  for (const [model, time] of cases) {
    test(model, () => {
      for (let i = 0; i < 50; i++) {
        const writes = next(300_000);
        const u = usage({
          inputTokens: next(50_000), outputTokens: next(20_000), cacheCreationTokens: writes,
          cacheCreation1hTokens: next(writes + 1), cacheReadTokens: next(400_000),
          inferenceGeo: i % 3 === 0 ? 'us' : '', serviceTier: i % 5 === 0 ? 'batch' : 'standard',
        });
        const plain = usage({
          ...u, inputTokens: u.inputTokens + u.cacheReadTokens + u.cacheCreationTokens,
          cacheReadTokens: 0, cacheCreationTokens: 0, cacheCreation1hTokens: 0,
        });
        const r = priceRequest(model, time, u);
        const uncached = priceRequest(model, time, plain).costUsd;
        assert.ok(Math.abs(r.costUsd + r.cacheSavingsUsd - r.cacheWritePremiumUsd - uncached) < 3e-10, `case ${i}`);
      }
    });
  }
});

test('unpriced models: no savings, no premium', () => {
  const r = priceRequest('gpt-4o', JUNE, usage({ cacheReadTokens: 1_000_000, cacheCreationTokens: 5 }));
  assert.deepEqual([r.priced, r.cacheSavingsUsd, r.cacheWritePremiumUsd], [false, 0, 0]);
});
