// Pricing engine: Claude Code's cost formula (reference §7) over the effective-dated table (§9).
// Usage objects are shaped like the real transcript lines of reference §4.4 and mapped the way the
// parser does (§4.3); expected figures are worked by hand from the §9 rates (shown in comments).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { priceRequest, type PriceOverrides } from '../../src/core/pricing';
import type { UsageForPricing, UsageIteration } from '../../src/core/types';

/** The raw `message.usage` of a transcript line (2.1.97+ final-usage shape). */
interface RawUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
  server_tool_use?: { web_search_requests: number; web_fetch_requests: number };
  service_tier: string | null;
  cache_creation?: { ephemeral_1h_input_tokens: number; ephemeral_5m_input_tokens: number };
  inference_geo?: string;
  iterations?: Array<{
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens: number;
    cache_creation_input_tokens: number;
    cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
    type: string;
  }>;
  speed?: string;
}

function toIteration(it: NonNullable<RawUsage['iterations']>[number]): UsageIteration {
  const split = (it.cache_creation?.ephemeral_5m_input_tokens ?? 0) + (it.cache_creation?.ephemeral_1h_input_tokens ?? 0);
  return {
    inputTokens: it.input_tokens,
    outputTokens: it.output_tokens,
    cacheCreationTokens: Math.max(it.cache_creation_input_tokens, split),
    cacheCreation1hTokens: it.cache_creation?.ephemeral_1h_input_tokens ?? 0,
    cacheReadTokens: it.cache_read_input_tokens,
  };
}

/** What the parser hands the pricing engine for one line (reference §4.3 mapping). */
function fromRaw(raw: RawUsage): UsageForPricing {
  const split = (raw.cache_creation?.ephemeral_5m_input_tokens ?? 0) + (raw.cache_creation?.ephemeral_1h_input_tokens ?? 0);
  const usage: UsageForPricing = {
    inputTokens: raw.input_tokens,
    outputTokens: raw.output_tokens,
    cacheCreationTokens: Math.max(raw.cache_creation_input_tokens, split),
    cacheCreation1hTokens: raw.cache_creation?.ephemeral_1h_input_tokens ?? 0,
    cacheReadTokens: raw.cache_read_input_tokens,
    webSearchRequests: raw.server_tool_use?.web_search_requests ?? 0,
    speed: raw.speed ?? null,
    inferenceGeo: raw.inference_geo ?? null,
    serviceTier: raw.service_tier,
  };
  const iterations = (raw.iterations ?? []).filter((it) => it.type === 'message');
  if (iterations.length > 1) usage.iterations = iterations.map(toIteration);
  return usage;
}

/** Line (e) of §4.4, verbatim usage: v2.1.138, Sonnet 4.6, 1-hour cache write, 517,195-token prompt. */
const LINE_E: RawUsage = JSON.parse(
  '{"input_tokens":3,"cache_creation_input_tokens":4579,"cache_read_input_tokens":512613,"output_tokens":13928,"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},"service_tier":"standard","cache_creation":{"ephemeral_1h_input_tokens":4579,"ephemeral_5m_input_tokens":0},"inference_geo":"","iterations":[{"input_tokens":3,"output_tokens":13928,"cache_read_input_tokens":512613,"cache_creation_input_tokens":4579,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":4579},"type":"message"}],"speed":"standard"}',
);
const LINE_E_TIME = Date.parse('2026-06-06T00:16:18.724Z');

/** Line (d) of §4.4, verbatim usage: v2.1.218, Haiku 4.5, `claude -p`. */
const LINE_D: RawUsage = JSON.parse(
  '{"input_tokens":156,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":79,"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},"service_tier":"standard","cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"inference_geo":"not_available","iterations":[{"input_tokens":156,"output_tokens":79,"cache_read_input_tokens":0,"cache_creation_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"type":"message"}],"speed":"standard"}',
);
const LINE_D_TIME = Date.parse('2026-07-31T01:06:51.370Z');

/** A 2.1.x-shaped usage with the given counts (all cache writes 1-hour unless told). */
function usage(counts: Partial<UsageForPricing>): UsageForPricing {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheCreation1hTokens: counts.cacheCreationTokens ?? 0,
    cacheReadTokens: 0,
    webSearchRequests: 0,
    speed: 'standard',
    inferenceGeo: 'not_available',
    serviceTier: 'standard',
    ...counts,
  };
}

const at = (iso: string): number => Date.parse(iso);
const cost = (model: string, time: number, u: UsageForPricing, overrides?: PriceOverrides): number => {
  const result = priceRequest(model, time, u, overrides);
  assert.equal(result.priced, true, `${model} should be priced`);
  return result.costUsd;
};

describe('worked costs of reference §11', () => {
  test('line (e), Sonnet 4.6 after the 1M GA: flat $0.390187', () => {
    // 3×3 + 4579×6 (1h) + 512613×0.30 + 13928×15 = 390,186.9 µ$ → $0.3901869
    const result = priceRequest('claude-sonnet-4-6', LINE_E_TIME, fromRaw(LINE_E));
    // Savings: 512613 reads × (3 − 0.30) = 1,384,055.1 µ$; premium: 4579 1h writes × (6 − 3) = 13,737 µ$.
    assert.deepEqual(result, {
      costUsd: 0.3901869, priced: true, canonicalModel: 'claude-sonnet-4-6', cacheSavingsUsd: 1.3840551, cacheWritePremiumUsd: 0.013737,
    });
    assert.equal(result.costUsd.toFixed(6), '0.390187');
  });

  test('same usage on Sonnet 4.5 inside the 1M-beta period: premium on every token, $0.675914', () => {
    // 3×6 + 4579×12 + 512613×0.60 + 13928×22.50 = 675,913.8 µ$
    const c = cost('claude-sonnet-4-5-20250929', at('2026-01-06T09:15:24Z'), fromRaw(LINE_E));
    assert.equal(c, 0.6759138);
    assert.equal(c.toFixed(6), '0.675914');
  });

  test('line (d), Haiku 4.5: $0.000551', () => {
    // 156×1 + 79×5 = 551 µ$
    assert.equal(cost('claude-haiku-4-5-20251001', LINE_D_TIME, fromRaw(LINE_D)), 0.000551);
  });

  test('Haiku 5.5 with a 122k prompt (over 100k): $0.0100025', () => {
    // §11 does not print this usage. Input 5 + 1h writes 2,000 + reads 120,000 (prompt 122,005),
    // output 800 reproduces it at the 5× tier: 5×0.50 + 2000×1.00 + 120000×0.05 + 800×2.50 = 10,002.5 µ$.
    const u = usage({ inputTokens: 5, cacheCreationTokens: 2000, cacheReadTokens: 120_000, outputTokens: 800 });
    assert.equal(cost('claude-haiku-5-5', at('2026-11-01T12:00:00Z'), u), 0.0100025);
    // The figure does not pin the usage down: 5-minute writes with output 1,100 give the same total
    // (2.5 + 2000×0.625 + 6000 + 1100×2.5), which is why the test names the usage it assumes.
    const alt = usage({ inputTokens: 5, cacheCreationTokens: 2000, cacheCreation1hTokens: 0, cacheReadTokens: 120_000, outputTokens: 1100 });
    assert.equal(cost('claude-haiku-5-5', at('2026-11-01T12:00:00Z'), alt), 0.0100025);
  });
});

describe('long-prompt threshold (§9.2): whole request, strictly greater', () => {
  const inBeta = at('2026-01-15T00:00:00Z');

  test('Sonnet 4.5: a prompt of exactly 200,000 is flat, 200,001 is premium', () => {
    // flat: 200000×0.30 + 1000×15 = 75,000 µ$
    assert.equal(cost('claude-sonnet-4-5', inBeta, usage({ cacheReadTokens: 200_000, outputTokens: 1000 })), 0.075);
    // premium: 200001×0.60 + 1000×22.50 = 142,500.6 µ$
    assert.equal(cost('claude-sonnet-4-5', inBeta, usage({ cacheReadTokens: 200_001, outputTokens: 1000 })), 0.1425006);
  });

  test('the prompt is input + cache reads + cache writes, output does not count', () => {
    const split = usage({ inputTokens: 100_000, cacheReadTokens: 50_000, cacheCreationTokens: 50_001, outputTokens: 500_000 });
    // premium: 100000×6 + 50000×0.6 + 50001×12 + 500000×22.5 = 12,480,012 µ$
    assert.equal(cost('claude-sonnet-4-5', inBeta, split), 12.480012);
    const underWithHugeOutput = usage({ inputTokens: 100_000, cacheReadTokens: 50_000, cacheCreationTokens: 50_000, outputTokens: 500_000 });
    // flat: 100000×3 + 50000×0.3 + 50000×6 + 500000×15 = 8,115,000 µ$
    assert.equal(cost('claude-sonnet-4-5', inBeta, underWithHugeOutput), 8.115);
  });

  test('Haiku 5.5: 100,000 is flat, 100,001 is 5×', () => {
    // flat: 100000×0.10 = 10,000 µ$; over: 100001×0.50 = 50,000.5 µ$
    assert.equal(cost('claude-haiku-5-5', at('2026-10-20T00:00:00Z'), usage({ inputTokens: 100_000 })), 0.01);
    assert.equal(cost('claude-haiku-5-5', at('2026-10-20T00:00:00Z'), usage({ inputTokens: 100_001 })), 0.0500005);
  });

  test('models with no long-prompt tier are flat above 200k (Opus 4.7, Sonnet 5)', () => {
    // Opus 4.7: 300000×5 = 1.5 $; Sonnet 5: 300000×2 = 0.6 $
    assert.equal(cost('claude-opus-4-7', at('2026-06-01T00:00:00Z'), usage({ inputTokens: 300_000 })), 1.5);
    assert.equal(cost('claude-sonnet-5', at('2026-08-01T00:00:00Z'), usage({ inputTokens: 300_000 })), 0.6);
  });
});

describe('effective dates (§9.5)', () => {
  test('Sonnet 4.6 over 200k: premium until 2026-03-13 00:00 UTC, flat from then', () => {
    const u = fromRaw(LINE_E);
    assert.equal(cost('claude-sonnet-4-6', at('2026-03-12T23:59:59.999Z'), u), 0.6759138);
    assert.equal(cost('claude-sonnet-4-6', at('2026-03-13T00:00:00.000Z'), u), 0.3901869);
  });

  test('Opus 4.6 over 200k: $10/$37.50 premium (writes and reads 2×) until 2026-03-13, flat after', () => {
    const u = fromRaw(LINE_E);
    // premium: 3×10 + 4579×20 + 512613×1 + 13928×37.5 = 1,126,523 µ$
    assert.equal(cost('claude-opus-4-6', at('2026-02-20T10:00:00Z'), u), 1.126523);
    // flat: 3×5 + 4579×10 + 512613×0.5 + 13928×25 = 650,311.5 µ$
    assert.equal(cost('claude-opus-4-6', at('2026-03-13T00:00:00Z'), u), 0.6503115);
  });

  test('Sonnet 4.5 over 200k is flat from 2026-04-30 (1M beta header retired)', () => {
    const u = fromRaw(LINE_E);
    assert.equal(cost('claude-sonnet-4-5-20250929', at('2026-04-29T23:59:59.999Z'), u), 0.6759138);
    assert.equal(cost('claude-sonnet-4-5-20250929', at('2026-04-30T00:00:00.000Z'), u), 0.3901869);
    assert.equal(cost('claude-sonnet-4-5-20250929', LINE_E_TIME, u), 0.3901869);
  });

  test('Sonnet 4 over 200k: flat before the 1M beta (2025-08-12), premium inside it', () => {
    const u = fromRaw(LINE_E);
    assert.equal(cost('claude-sonnet-4-20250514', at('2025-08-11T23:59:59.999Z'), u), 0.3901869);
    assert.equal(cost('claude-sonnet-4-20250514', at('2025-08-12T00:00:00.000Z'), u), 0.6759138);
  });

  test('Sonnet 5.5 cache read: $0.20 before 2026-10-07, $0.10 from then', () => {
    const u = usage({ cacheReadTokens: 1_000_000, inputTokens: 10 });
    // 1M×0.20 + 10×2 = 200,020 µ$; then 1M×0.10 + 20 = 100,020 µ$
    assert.equal(cost('claude-sonnet-5-5', at('2026-10-06T23:59:59.999Z'), u), 0.20002);
    assert.equal(cost('claude-sonnet-5-5', at('2026-10-07T00:00:00.000Z'), u), 0.10002);
  });

  test('Opus 4.8 fast: 6× before 2026-05-28, 2× from then; standard speed unchanged', () => {
    const fast = usage({ inputTokens: 1_000_000, outputTokens: 100_000, speed: 'fast' });
    // 6×: 1M×30 + 100k×150 = $45; 2×: 1M×10 + 100k×50 = $15
    assert.equal(cost('claude-opus-4-8', at('2026-05-27T23:59:59.999Z'), fast), 45);
    assert.equal(cost('claude-opus-4-8', at('2026-05-28T00:00:00.000Z'), fast), 15);
    // Fast deprecated/removed later (2026-10-30 / 2026-11-30): rows that exist keep the 2× price.
    assert.equal(cost('claude-opus-4-8', at('2026-11-20T00:00:00.000Z'), fast), 15);
    const standard = { ...fast, speed: 'standard' };
    assert.equal(cost('claude-opus-4-8', at('2026-05-01T00:00:00Z'), standard), 7.5);
    assert.equal(cost('claude-opus-4-8', at('2026-06-01T00:00:00Z'), standard), 7.5);
  });

  test('Sonnet 5 stays $2/$10 after 2026-09-01 (the hike is treated as cancelled)', () => {
    const u = usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 });
    assert.equal(cost('claude-sonnet-5', at('2026-07-15T00:00:00Z'), u), 12);
    assert.equal(cost('claude-sonnet-5', at('2026-09-15T00:00:00Z'), u), 12);
  });

  test('a non-finite timestamp gets the newest prices', () => {
    assert.equal(cost('claude-sonnet-4-6', Number.NaN, fromRaw(LINE_E)), 0.3901869);
  });
});

describe('iterations[] (§7: threshold per iteration)', () => {
  const inBeta = at('2026-02-01T00:00:00Z');
  const iteration = (cacheRead: number): UsageIteration => ({
    inputTokens: 1,
    outputTokens: 100,
    cacheCreationTokens: 0,
    cacheCreation1hTokens: 0,
    cacheReadTokens: cacheRead,
  });

  test('two 150k iterations stay flat although the request totals 300k', () => {
    const whole = usage({ inputTokens: 2, outputTokens: 200, cacheReadTokens: 300_000 });
    // one row, premium: 2×6 + 300000×0.6 + 200×22.5 = 184,512 µ$
    assert.equal(cost('claude-sonnet-4-5', inBeta, whole), 0.184512);
    // per iteration, flat: 2 × (1×3 + 150000×0.3 + 100×15) = 93,006 µ$
    assert.equal(cost('claude-sonnet-4-5', inBeta, { ...whole, iterations: [iteration(150_000), iteration(150_000)] }), 0.093006);
  });

  test('only the iteration over the threshold pays the premium', () => {
    const whole = usage({ inputTokens: 2, outputTokens: 200, cacheReadTokens: 350_000 });
    // 1×6 + 250000×0.6 + 100×22.5 = 152,256; 1×3 + 100000×0.3 + 100×15 = 31,503 → 183,759 µ$
    assert.equal(cost('claude-sonnet-4-5', inBeta, { ...whole, iterations: [iteration(250_000), iteration(100_000)] }), 0.183759);
  });

  test('iterations that do not add up to the top-level counts are ignored', () => {
    const whole = usage({ inputTokens: 2, outputTokens: 200, cacheReadTokens: 300_000 });
    assert.equal(cost('claude-sonnet-4-5', inBeta, { ...whole, iterations: [iteration(150_000), iteration(100_000)] }), 0.184512);
  });

  test('each iteration splits its own writes into 1h and 5m', () => {
    const its: UsageIteration[] = [
      { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 1000, cacheCreation1hTokens: 1000, cacheReadTokens: 0 },
      { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 1000, cacheCreation1hTokens: 0, cacheReadTokens: 0 },
    ];
    const whole = usage({ cacheCreationTokens: 2000, cacheCreation1hTokens: 1000, iterations: its });
    // Sonnet 4.6: 1000×6 + 1000×3.75 = 9,750 µ$
    assert.equal(cost('claude-sonnet-4-6', LINE_E_TIME, whole), 0.00975);
  });
});

describe('fast mode (§9.3)', () => {
  const u = usage({ inputTokens: 1000, outputTokens: 1000, cacheCreationTokens: 1000, cacheReadTokens: 1000, speed: 'fast' });

  test('Opus 4.6 fast: 30/150/60(1h)/3', () => {
    // 1000×30 + 1000×150 + 1000×60 + 1000×3 = 243,000 µ$
    assert.equal(cost('claude-opus-4-6', at('2026-04-01T00:00:00Z'), u), 0.243);
  });

  test('Opus 5.5 and Fable 5.2 fast tables', () => {
    // Opus 5.5: 8 + 40 + 16 + 0.4 = 64.4 per 1000 → 64,400 µ$; Fable 5.2: 16 + 80 + 32 + 0.4 = 128,400 µ$
    assert.equal(cost('claude-opus-5-5', at('2026-11-01T00:00:00Z'), u), 0.0644);
    assert.equal(cost('claude-fable-5-2', at('2026-11-01T00:00:00Z'), u), 0.1284);
    assert.equal(cost('claude-mythos-5-2', at('2026-11-01T00:00:00Z'), u), 0.1284);
  });

  test('a model without a fast table is priced standard', () => {
    // Sonnet 4.6: 3 + 15 + 6 + 0.3 = 24,300 µ$
    assert.equal(cost('claude-sonnet-4-6', LINE_E_TIME, u), 0.0243);
  });

  test('fast mode has no long-context premium (Opus 4.6 before GA)', () => {
    const big = { ...fromRaw(LINE_E), speed: 'fast' };
    // 3×30 + 4579×60 + 512613×3 + 13928×150 = 3,901,869 µ$
    assert.equal(cost('claude-opus-4-6', at('2026-02-20T00:00:00Z'), big), 3.901869);
  });
});

describe('modifiers (§9.4)', () => {
  test('inference_geo "us" multiplies token cost by 1.1; other values do not', () => {
    const u = fromRaw(LINE_E);
    // 390,186.9 × 1.1 = 429,205.59 µ$
    assert.equal(cost('claude-sonnet-4-6', LINE_E_TIME, { ...u, inferenceGeo: 'us' }), 0.42920559);
    for (const geo of ['global', '', 'not_available', null]) {
      assert.equal(cost('claude-sonnet-4-6', LINE_E_TIME, { ...u, inferenceGeo: geo }), 0.3901869, String(geo));
    }
  });

  test('web search is $0.01 each and not geo-multiplied', () => {
    const u = { ...fromRaw(LINE_E), inferenceGeo: 'us', webSearchRequests: 2 };
    assert.equal(cost('claude-sonnet-4-6', LINE_E_TIME, u), 0.44920559);
    assert.equal(cost('claude-haiku-5-5', at('2026-11-01T00:00:00Z'), usage({ webSearchRequests: 3 })), 0.03);
  });

  test('service_tier "batch" halves token cost but not web search; "priority" is standard', () => {
    const u = fromRaw(LINE_E);
    // 390,186.9 / 2 = 195,093.45 µ$
    assert.equal(cost('claude-sonnet-4-6', LINE_E_TIME, { ...u, serviceTier: 'batch' }), 0.19509345);
    // with 1 search: + 0.01
    assert.equal(cost('claude-sonnet-4-6', LINE_E_TIME, { ...u, serviceTier: 'batch', webSearchRequests: 1 }), 0.20509345);
    // batch and geo stack: 390,186.9 × 0.55 = 214,602.795 µ$
    assert.equal(cost('claude-sonnet-4-6', LINE_E_TIME, { ...u, serviceTier: 'batch', inferenceGeo: 'us' }), 0.214602795);
    assert.equal(cost('claude-sonnet-4-6', LINE_E_TIME, { ...u, serviceTier: 'priority' }), 0.3901869);
  });
});

describe('cache writes: 1h vs 5m (§7 cacheSplit)', () => {
  const t = LINE_E_TIME;
  test('1h writes at 2× input, 5m writes at 1.25×, mixed split', () => {
    assert.equal(cost('claude-sonnet-4-6', t, usage({ cacheCreationTokens: 1_000_000, cacheCreation1hTokens: 1_000_000 })), 6);
    assert.equal(cost('claude-sonnet-4-6', t, usage({ cacheCreationTokens: 1_000_000, cacheCreation1hTokens: 0 })), 3.75);
    assert.equal(cost('claude-sonnet-4-6', t, usage({ cacheCreationTokens: 1_000_000, cacheCreation1hTokens: 400_000 })), 4.65);
  });

  test('line (b) shape (2025, 5m only) on Sonnet 4', () => {
    const lineB: RawUsage = JSON.parse(
      '{"input_tokens":3,"cache_creation_input_tokens":15495,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":15495,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard"}',
    );
    // 3×3 + 15495×3.75 + 1×15 = 58,130.25 µ$
    assert.equal(cost('claude-sonnet-4-20250514', at('2025-08-30T07:16:28.537Z'), fromRaw(lineB)), 0.05813025);
  });

  test('the 1h part is clamped to [0, total writes]', () => {
    assert.equal(cost('claude-sonnet-4-6', t, usage({ cacheCreationTokens: 1000, cacheCreation1hTokens: 5000 })), 0.006);
    assert.equal(cost('claude-sonnet-4-6', t, usage({ cacheCreationTokens: 1000, cacheCreation1hTokens: -5 })), 0.00375);
  });

  test('bad counts (NaN, negative) count as zero instead of poisoning the cost', () => {
    const u = usage({ inputTokens: Number.NaN, outputTokens: -10, cacheReadTokens: 1000 });
    assert.equal(cost('claude-sonnet-4-6', t, u), 0.0003);
  });
});

describe('exactness', () => {
  test('no float noise: 7 cache reads on Sonnet is exactly 2.1e-6, 3 on Haiku 4.5 exactly 3e-7', () => {
    // Naive floating point gives 2.1000000000000002e-6 and 3.0000000000000004e-7.
    assert.notEqual((7 * 0.3) / 1e6, 2.1e-6);
    assert.notEqual((3 * 0.1) / 1e6, 3e-7);
    assert.equal(cost('claude-sonnet-4-6', LINE_E_TIME, usage({ cacheReadTokens: 7 })), 2.1e-6);
    assert.equal(cost('claude-haiku-4-5', LINE_E_TIME, usage({ cacheReadTokens: 3 })), 3e-7);
  });

  test('geo 1.1 is applied exactly (naive 390186.9 × 1.1 / 1e6 is 0.4292055900000001)', () => {
    assert.notEqual((390186.9 * 1.1) / 1e6, 0.42920559);
    assert.equal(cost('claude-sonnet-4-6', LINE_E_TIME, { ...fromRaw(LINE_E), inferenceGeo: 'us' }), 0.42920559);
  });

  test('large requests keep every digit (integer arithmetic)', () => {
    // 123,456,789 reads × 0.30 + 7 input × 3 = 37,037,057.7 µ$
    assert.equal(cost('claude-sonnet-4-6', LINE_E_TIME, usage({ cacheReadTokens: 123_456_789, inputTokens: 7 })), 37.0370577);
  });
});

describe('unknown models are never guessed', () => {
  for (const model of ['gpt-4o', '<synthetic>', '', 'claude-mythos-preview', 'claude-sonnet-9', 'claude-opus-4-2']) {
    test(`"${model}" → unpriced`, () => {
      assert.deepEqual(priceRequest(model, LINE_E_TIME, fromRaw(LINE_E)), { costUsd: 0, priced: false, canonicalModel: null, cacheSavingsUsd: 0, cacheWritePremiumUsd: 0 });
    });
  }
  test('web searches alone do not make an unknown model priced', () => {
    assert.deepEqual(priceRequest('gpt-4o', LINE_E_TIME, usage({ webSearchRequests: 5 })), { costUsd: 0, priced: false, canonicalModel: null, cacheSavingsUsd: 0, cacheWritePremiumUsd: 0 });
  });
});
