// Model-id normalisation (reference §8) and the coverage of the price table (§9.1).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { knownModels, normalizeModelId, priceRequest } from '../../src/core/pricing';
import type { UsageForPricing } from '../../src/core/types';

/** Every id form of §8 (first-party, Bedrock, Vertex, mantle, decorations) → canonical id of §9.1. */
const CASES: ReadonlyArray<[string, string]> = [
  // First-party dated ids (≤ 4.5 generation).
  ['claude-3-haiku-20240307', 'claude-3-haiku'],
  ['claude-3-opus-20240229', 'claude-3-opus'],
  ['claude-3-5-haiku-20241022', 'claude-3-5-haiku'],
  ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
  ['claude-3-5-sonnet-20240620', 'claude-3-5-sonnet'],
  ['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet'],
  ['claude-sonnet-4-20250514', 'claude-sonnet-4-0'],
  ['claude-opus-4-20250514', 'claude-opus-4-0'],
  ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
  ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
  ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
  ['claude-opus-4-5-20251101', 'claude-opus-4-5'],
  // First-party undated ids (4.6+): already canonical.
  ['claude-opus-4-6', 'claude-opus-4-6'],
  ['claude-sonnet-4-6', 'claude-sonnet-4-6'],
  ['claude-opus-4-7', 'claude-opus-4-7'],
  ['claude-opus-4-8', 'claude-opus-4-8'],
  ['claude-opus-5', 'claude-opus-5'],
  ['claude-sonnet-5', 'claude-sonnet-5'],
  ['claude-fable-5', 'claude-fable-5'],
  ['claude-mythos-5', 'claude-mythos-5'],
  ['claude-fable-5-1', 'claude-fable-5-1'],
  ['claude-mythos-5-1', 'claude-mythos-5-1'],
  ['claude-opus-5-5', 'claude-opus-5-5'],
  ['claude-sonnet-5-5', 'claude-sonnet-5-5'],
  ['claude-haiku-5-5', 'claude-haiku-5-5'],
  ['claude-fable-5-2', 'claude-fable-5-2'],
  ['claude-mythos-5-2', 'claude-mythos-5-2'],
  // Aliases.
  ['claude-sonnet-4', 'claude-sonnet-4-0'],
  ['claude-opus-4', 'claude-opus-4-0'],
  ['claude-sonnet-4-0', 'claude-sonnet-4-0'],
  ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet'],
  ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet'],
  // Bedrock: region prefixes, `anthropic.`, version suffixes.
  ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
  ['us.anthropic.claude-opus-4-6-v1', 'claude-opus-4-6'],
  ['us.anthropic.claude-opus-5', 'claude-opus-5'],
  ['eu.anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
  ['apac.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4-0'],
  ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
  ['global.anthropic.claude-opus-4-8-v1', 'claude-opus-4-8'],
  ['anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku'],
  ['anthropic.claude-3-opus-20240229-v1:0', 'claude-3-opus'],
  ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet'],
  ['anthropic.claude-3-haiku-20240307-v1:0:200k', 'claude-3-haiku'],
  ['anthropic.claude-sonnet-5-5', 'claude-sonnet-5-5'],
  ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0', 'claude-opus-4-1'],
  // Vertex: `@YYYYMMDD` snapshots (and the v2 model name of Oct-2024 Sonnet 3.5).
  ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
  ['claude-opus-4-1@20250805', 'claude-opus-4-1'],
  ['claude-3-5-haiku@20241022', 'claude-3-5-haiku'],
  ['claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet'],
  ['claude-sonnet-4@20250514', 'claude-sonnet-4-0'],
  ['publishers/anthropic/models/claude-opus-4-5@20251101', 'claude-opus-4-5'],
  // Client-side decorations and spelling variants.
  ['claude-sonnet-4-6[1m]', 'claude-sonnet-4-6'],
  ['claude-opus-4-6[1M]', 'claude-opus-4-6'],
  ['claude-sonnet-4-5-20250929[1m]', 'claude-sonnet-4-5'],
  ['  Claude-Sonnet-4-5-20250929  ', 'claude-sonnet-4-5'],
  ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
  ['claude-3.7-sonnet', 'claude-3-7-sonnet'],
];

describe('normalizeModelId', () => {
  for (const [raw, canonical] of CASES) {
    test(`${JSON.stringify(raw)} → ${canonical}`, () => {
      assert.equal(normalizeModelId(raw), canonical);
    });
  }

  test('every canonical id maps to itself', () => {
    for (const model of knownModels()) assert.equal(normalizeModelId(model), model);
  });

  test('unknown ids come back cleaned but are not in the table', () => {
    assert.equal(normalizeModelId('us.anthropic.claude-mythos-preview-v1:0'), 'claude-mythos-preview');
    assert.equal(normalizeModelId('<synthetic>'), '<synthetic>');
    assert.equal(normalizeModelId('GPT-4o'), 'gpt-4o');
    assert.ok(!knownModels().includes('claude-mythos-preview'));
  });
});

describe('price table coverage (§9.1)', () => {
  const EXPECTED = [
    'claude-3-haiku', 'claude-3-opus', 'claude-3-5-haiku', 'claude-3-5-sonnet', 'claude-3-7-sonnet',
    'claude-sonnet-4-0', 'claude-sonnet-4-5', 'claude-sonnet-4-6', 'claude-sonnet-5', 'claude-sonnet-5-5',
    'claude-haiku-4-5', 'claude-haiku-5-5',
    'claude-opus-4-0', 'claude-opus-4-1', 'claude-opus-4-5', 'claude-opus-4-6', 'claude-opus-4-7', 'claude-opus-4-8',
    'claude-opus-5', 'claude-opus-5-5',
    'claude-fable-5', 'claude-mythos-5', 'claude-fable-5-1', 'claude-mythos-5-1', 'claude-fable-5-2', 'claude-mythos-5-2',
  ];

  test('knownModels() lists exactly the §9.1 models, sorted', () => {
    assert.deepEqual(knownModels(), [...EXPECTED].sort());
  });

  test('every id form of §8 is priced under its canonical id', () => {
    const oneMillionInput: UsageForPricing = {
      inputTokens: 1_000_000, outputTokens: 0, cacheCreationTokens: 0, cacheCreation1hTokens: 0, cacheReadTokens: 0,
      webSearchRequests: 0, speed: 'standard', inferenceGeo: null, serviceTier: 'standard',
    };
    for (const [raw, canonical] of CASES) {
      const result = priceRequest(raw, Date.parse('2026-11-01T00:00:00Z'), oneMillionInput);
      assert.equal(result.priced, true, raw);
      assert.equal(result.canonicalModel, canonical, raw);
      assert.ok(result.costUsd > 0, raw);
    }
  });

  test('1M input tokens cost the §9.1 input price of each model', () => {
    const INPUT_PRICE: Record<string, number> = {
      'claude-3-haiku': 0.25, 'claude-3-opus': 15, 'claude-3-5-haiku': 0.8, 'claude-3-5-sonnet': 3, 'claude-3-7-sonnet': 3,
      'claude-sonnet-4-0': 3, 'claude-sonnet-4-5': 3, 'claude-sonnet-4-6': 3, 'claude-sonnet-5': 2, 'claude-sonnet-5-5': 2,
      'claude-haiku-4-5': 1, 'claude-haiku-5-5': 0.1,
      'claude-opus-4-0': 15, 'claude-opus-4-1': 15, 'claude-opus-4-5': 5, 'claude-opus-4-6': 5, 'claude-opus-4-7': 5,
      'claude-opus-4-8': 5, 'claude-opus-5': 5, 'claude-opus-5-5': 4,
      'claude-fable-5': 10, 'claude-mythos-5': 10, 'claude-fable-5-1': 10, 'claude-mythos-5-1': 10, 'claude-fable-5-2': 8, 'claude-mythos-5-2': 8,
    };
    // 100k input stays under every long-prompt threshold; ×10 gives the per-1M price.
    const u: UsageForPricing = {
      inputTokens: 100_000, outputTokens: 0, cacheCreationTokens: 0, cacheCreation1hTokens: 0, cacheReadTokens: 0,
      webSearchRequests: 0, speed: 'standard', inferenceGeo: null, serviceTier: 'standard',
    };
    for (const model of knownModels()) {
      const result = priceRequest(model, Date.parse('2026-11-01T00:00:00Z'), u);
      assert.equal(Math.round(result.costUsd * 10 * 1e6) / 1e6, INPUT_PRICE[model], model);
    }
  });

  test('legacy Claude 3 Haiku uses its published write/read prices ($0.30 / $0.03)', () => {
    const u: UsageForPricing = {
      inputTokens: 0, outputTokens: 1_000_000, cacheCreationTokens: 1_000_000, cacheCreation1hTokens: 0, cacheReadTokens: 1_000_000,
      webSearchRequests: 0, speed: null, inferenceGeo: null, serviceTier: null,
    };
    // 1.25 + 0.30 + 0.03
    assert.equal(priceRequest('claude-3-haiku-20240307', Date.parse('2024-06-01T00:00:00Z'), u).costUsd, 1.58);
  });
});
