// User price overrides: precedence, defaults, validation, and the re-pricing fingerprint.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { priceRequest, priceTableFingerprint, validatePriceOverrides, type PriceOverrides } from '../../src/core/pricing';
import type { UsageForPricing } from '../../src/core/types';

const WHEN = Date.parse('2026-06-06T00:16:18.724Z');

/** One million tokens in each bucket, writes split half 1h / half 5m. */
const MILLIONS: UsageForPricing = {
  inputTokens: 1_000_000,
  outputTokens: 1_000_000,
  cacheCreationTokens: 2_000_000,
  cacheCreation1hTokens: 1_000_000,
  cacheReadTokens: 1_000_000,
  webSearchRequests: 0,
  speed: 'standard',
  inferenceGeo: '',
  serviceTier: 'standard',
};

describe('overrides in priceRequest', () => {
  test('an override takes precedence over the table', () => {
    // table: 3 + 15 + 6 + 3.75 + 0.3 = 28.05
    assert.equal(priceRequest('claude-sonnet-4-6', WHEN, MILLIONS).costUsd, 28.05);
    const overrides: PriceOverrides = { 'claude-sonnet-4-6': { input: 1, output: 2, cacheWrite5m: 3, cacheWrite1h: 4, cacheRead: 5 } };
    assert.deepEqual(priceRequest('claude-sonnet-4-6', WHEN, MILLIONS, overrides), {
      costUsd: 15, // 1 + 2 + 4 + 3 + 5
      priced: true,
      canonicalModel: 'claude-sonnet-4-6',
      cacheSavingsUsd: -4, // reads priced above input: 1 − 5
      cacheWritePremiumUsd: 5, // (4 − 1) + (3 − 1)
    });
  });

  test('omitted cache rates default to 1.25× / 2× / 0.1× input', () => {
    // input 4: 4 + 8 (output) + 8 (1h) + 5 (5m) + 0.4 (read) = 25.4
    assert.equal(priceRequest('claude-sonnet-4-6', WHEN, MILLIONS, { 'claude-sonnet-4-6': { input: 4, output: 8 } }).costUsd, 25.4);
  });

  test('an override makes an unknown model priced', () => {
    assert.equal(priceRequest('my-gateway-model', WHEN, MILLIONS).priced, false);
    const result = priceRequest('my-gateway-model', WHEN, MILLIONS, { 'my-gateway-model': { input: 1, output: 1 } });
    // 1 + 1 + 2 (1h) + 1.25 (5m) + 0.1 = 5.35
    // savings 1 − 0.1; premium (2 − 1) + (1.25 − 1)
    assert.deepEqual(result, { costUsd: 5.35, priced: true, canonicalModel: 'my-gateway-model', cacheSavingsUsd: 0.9, cacheWritePremiumUsd: 1.25 });
  });

  test('a key matches every id form with the same canonical id (dated key vs Bedrock id)', () => {
    const overrides = { 'claude-sonnet-4-5-20250929': { input: 1, output: 1, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 } };
    const result = priceRequest('us.anthropic.claude-sonnet-4-5-20250929-v1:0', WHEN, MILLIONS, overrides);
    // free writes and reads: savings 1 − 0, premium (0 − 1) × 2
    assert.deepEqual(result, { costUsd: 2, priced: true, canonicalModel: 'claude-sonnet-4-5', cacheSavingsUsd: 1, cacheWritePremiumUsd: -2 });
  });

  test('an exact key wins over a canonical key', () => {
    const overrides: PriceOverrides = {
      'claude-opus-4-6': { input: 1, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 },
      'us.anthropic.claude-opus-4-6-v1': { input: 2, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 },
    };
    assert.equal(priceRequest('us.anthropic.claude-opus-4-6-v1', WHEN, MILLIONS, overrides).costUsd, 2);
    assert.equal(priceRequest('claude-opus-4-6', WHEN, MILLIONS, overrides).costUsd, 1);
  });

  test('overrides are flat: no long-prompt tier, no fast table; geo, batch and web search still apply', () => {
    const overrides = { 'claude-sonnet-4-5': { input: 3, output: 15, webSearch: 0.02 } };
    const big: UsageForPricing = { ...MILLIONS, cacheCreationTokens: 0, cacheCreation1hTokens: 0, cacheReadTokens: 0, outputTokens: 0 };
    // 1M input in the 1M-beta period: table premium $6, override flat $3
    const inBeta = Date.parse('2026-01-10T00:00:00Z');
    assert.equal(priceRequest('claude-sonnet-4-5', inBeta, big).costUsd, 6);
    assert.equal(priceRequest('claude-sonnet-4-5', inBeta, big, overrides).costUsd, 3);
    assert.equal(priceRequest('claude-sonnet-4-5', inBeta, { ...big, speed: 'fast' }, overrides).costUsd, 3);
    // geo 1.1 and batch 0.5 on tokens, then 2 searches at the overridden $0.02
    assert.equal(priceRequest('claude-sonnet-4-5', inBeta, { ...big, inferenceGeo: 'us', serviceTier: 'batch', webSearchRequests: 2 }, overrides).costUsd, 1.69);
  });

  test('models without an override still use the table', () => {
    const overrides = { 'claude-opus-4-6': { input: 1, output: 1 } };
    assert.equal(priceRequest('claude-sonnet-4-6', WHEN, MILLIONS, overrides).costUsd, 28.05);
  });
});

describe('validatePriceOverrides', () => {
  test('accepts a valid map (object or JSON text) and returns a clean copy', () => {
    const input = { 'claude-sonnet-4-6': { input: 3, output: 15, cacheRead: 0.3 }, 'my-model': { input: 0, output: 0, webSearch: 0 } };
    assert.deepEqual(validatePriceOverrides(input), input);
    assert.deepEqual(validatePriceOverrides(JSON.stringify(input)), input);
    assert.deepEqual(validatePriceOverrides({}), {});
    assert.deepEqual(validatePriceOverrides(undefined), {});
    assert.deepEqual(validatePriceOverrides(null), {});
  });

  const BAD: ReadonlyArray<[string, unknown, RegExp]> = [
    ['an array', [], /expected an object/],
    ['a number', 42, /expected an object/],
    ['invalid JSON text', '{"a":', /not valid JSON/],
    ['an empty model id', { '': { input: 1, output: 1 } }, /model id must not be empty/],
    ['an entry that is not an object', { 'claude-x': 3 }, /price overrides\["claude-x"\]: expected an object/],
    ['a missing input', { 'claude-x': { output: 1 } }, /\["claude-x"\]\.input: required/],
    ['a missing output', { 'claude-x': { input: 1 } }, /\["claude-x"\]\.output: required/],
    ['a negative rate', { 'claude-x': { input: -1, output: 1 } }, /\["claude-x"\]\.input: must be a non-negative number, got -1/],
    ['a string rate', { 'claude-x': { input: '3', output: 1 } }, /\["claude-x"\]\.input: must be a non-negative number, got "3"/],
    ['a NaN rate', { 'claude-x': { input: 1, output: Number.NaN } }, /\["claude-x"\]\.output: must be a non-negative number/],
    ['an absurd rate', { 'claude-x': { input: 1, output: 1e9 } }, /\["claude-x"\]\.output: must be a non-negative number/],
    ['a bad optional field', { 'claude-x': { input: 1, output: 1, cacheRead: null } }, /\["claude-x"\]\.cacheRead: must be a non-negative number, got null/],
    ['a snake_case field', { 'claude-x': { input: 1, output: 1, cache_read: 0.1 } }, /\["claude-x"\]\.cache_read: unknown field/],
  ];
  for (const [what, value, message] of BAD) {
    test(`rejects ${what}, naming it`, () => {
      assert.throws(() => validatePriceOverrides(value), message);
    });
  }

  test('a "__proto__" key stays an ordinary entry', () => {
    const parsed = validatePriceOverrides('{"__proto__": {"input": 1, "output": 2}}');
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.deepEqual(Object.keys(parsed), ['__proto__']);
    assert.equal(priceRequest('__proto__', WHEN, MILLIONS, parsed).priced, true);
  });
});

describe('priceTableFingerprint', () => {
  test('is stable and has a readable shape', () => {
    assert.match(priceTableFingerprint(), /^p\d+-[0-9a-f]{16}$/);
    assert.equal(priceTableFingerprint(), priceTableFingerprint());
    assert.equal(priceTableFingerprint(), priceTableFingerprint({}));
  });

  test('changes with overrides, and ignores key order', () => {
    const a = { 'm-1': { input: 1, output: 2 }, 'm-2': { input: 3, output: 4, cacheRead: 0.3 } };
    const b = { 'm-2': { cacheRead: 0.3, output: 4, input: 3 }, 'm-1': { output: 2, input: 1 } };
    assert.notEqual(priceTableFingerprint(a), priceTableFingerprint());
    assert.equal(priceTableFingerprint(a), priceTableFingerprint(b));
    assert.notEqual(priceTableFingerprint(a), priceTableFingerprint({ ...a, 'm-1': { input: 1, output: 2.5 } }));
  });
});
