// Cost of one deduped API response, by Claude Code's own formula (reference §7, 2.1.330 Rfn/P0/K0/M0):
//
//   rows  = usage.iterations when given and they sum to the top-level counts, else [usage]
//   tier  = long-prompt rates when a row's input + cache read + cache write > threshold (strictly),
//           applied to EVERY token of that row (not per bucket as ccusage does)
//   cost  = Σ_rows(in·in + out·out + read·read + 1h·cw1h + (writes − 1h)·cw5m)
//           × 1.1 if inference_geo == "us"  × 0.5 if service_tier == "batch"
//         + web_search_requests × $0.01 (not multiplied)
//
// Arithmetic is exact: rates become integers in pico-USD per token (USD per 1M tokens × 1e6) and
// token sums are BigInt, so the only rounding is the final one, to 1e-10 USD.

import { createHash } from 'node:crypto';
import type { UsageForPricing, UsageIteration } from '../types';
import { normalizeModelId } from './normalize';
import {
  BATCH_MULTIPLIER,
  PRICE_TABLE,
  PRICING_FORMULA_VERSION,
  US_GEO_MULTIPLIER,
  WEB_SEARCH_USD_PER_REQUEST,
  findPricePeriod,
  type ModelRates,
} from './prices';

/** One user-supplied price, USD per 1M tokens (webSearch: USD per search). */
export interface PriceOverride {
  input: number;
  output: number;
  /** Default 1.25 × input. */
  cacheWrite5m?: number;
  /** Default 2 × input. */
  cacheWrite1h?: number;
  /** Default 0.1 × input. */
  cacheRead?: number;
  /** USD per web search; default 0.01. */
  webSearch?: number;
}

/**
 * User price overrides keyed by a model id as written in transcripts (exact match first) or by any id
 * that normalises to the same canonical id. An override replaces the table for that model entirely
 * (flat price: no effective dates, no long-prompt tier, no fast table); geo and batch still apply.
 * It also makes an otherwise unknown model priced.
 */
export type PriceOverrides = Record<string, PriceOverride>;

export interface PriceResult {
  costUsd: number;
  /** False when neither the table nor an override knows the model: costUsd is then 0, never a guess. */
  priced: boolean;
  /** Canonical id the price was taken from; null when unpriced. */
  canonicalModel: string | null;
  /**
   * What the cache reads saved: cache-read tokens × (input rate − cache-read rate), at the rates that
   * priced the request (same period, long-prompt tier, fast table, geo and batch). The long-prompt test
   * counts input + read + writes, so pricing the reads as plain input would not change the tier. 0 when unpriced.
   */
  cacheSavingsUsd: number;
  /** What the cache writes cost above plain input: 5m writes × (5m rate − input) + 1h writes × (1h rate − input). */
  cacheWritePremiumUsd: number;
}

/** Final rounding step: 1e-10 USD = 100 pico-USD. */
const ROUNDING_UNIT_PICO = 100n;
const ROUNDING_UNITS_PER_USD = 1e10;

/** A USD amount priceRequest returned (a multiple of 1e-10) as an integer count of 1e-10 USD, for storage. */
export function usdToE10(usd: number): number {
  return Math.round(usd * ROUNDING_UNITS_PER_USD);
}

/** Back from stored 1e-10 USD units (sums of them are exact integers) to USD. */
export function e10ToUsd(units: number): number {
  return units / ROUNDING_UNITS_PER_USD;
}

/** Rates as integer pico-USD per token. */
interface ScaledRates {
  input: bigint;
  output: bigint;
  cacheWrite5m: bigint;
  cacheWrite1h: bigint;
  cacheRead: bigint;
}

/** USD per 1M tokens → pico-USD per token (exact for rates with up to 6 decimals). */
function perMillionToPicoPerToken(usdPerMillion: number): bigint {
  return BigInt(Math.round(usdPerMillion * 1e6));
}

const scaledCache = new WeakMap<ModelRates, ScaledRates>();
function scale(rates: ModelRates): ScaledRates {
  let scaled = scaledCache.get(rates);
  if (!scaled) {
    scaled = {
      input: perMillionToPicoPerToken(rates.input),
      output: perMillionToPicoPerToken(rates.output),
      cacheWrite5m: perMillionToPicoPerToken(rates.cacheWrite5m),
      cacheWrite1h: perMillionToPicoPerToken(rates.cacheWrite1h),
      cacheRead: perMillionToPicoPerToken(rates.cacheRead),
    };
    scaledCache.set(rates, scaled);
  }
  return scaled;
}

/** Token counts arrive as non-negative integers; anything else counts as 0 rather than poisoning the sum. */
function count(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.trunc(value) : 0;
}

interface TokenRow {
  input: number;
  output: number;
  cacheWrites: number;
  cacheWrites1h: number;
  cacheRead: number;
}

function toRow(u: UsageForPricing | UsageIteration): TokenRow {
  const cacheWrites = count(u.cacheCreationTokens);
  return {
    input: count(u.inputTokens),
    output: count(u.outputTokens),
    cacheWrites,
    // Claude Code clamps the 1h part to [0, total writes].
    cacheWrites1h: Math.min(count(u.cacheCreation1hTokens), cacheWrites),
    cacheRead: count(u.cacheReadTokens),
  };
}

/** The rows the threshold is evaluated on: the iterations when they add up to the request, else the request. */
function pricingRows(usage: UsageForPricing): TokenRow[] {
  const top = toRow(usage);
  const iterations = usage.iterations;
  if (!iterations || iterations.length === 0) return [top];
  const rows = iterations.map(toRow);
  const sum = (key: keyof TokenRow): number => rows.reduce((acc, row) => acc + row[key], 0);
  const consistent =
    sum('input') === top.input &&
    sum('output') === top.output &&
    sum('cacheWrites') === top.cacheWrites &&
    sum('cacheRead') === top.cacheRead;
  return consistent ? rows : [top];
}

function rowCostPico(row: TokenRow, rates: ScaledRates): bigint {
  const writes5m = row.cacheWrites - row.cacheWrites1h;
  return (
    BigInt(row.input) * rates.input +
    BigInt(row.output) * rates.output +
    BigInt(row.cacheRead) * rates.cacheRead +
    BigInt(row.cacheWrites1h) * rates.cacheWrite1h +
    BigInt(writes5m) * rates.cacheWrite5m
  );
}

function promptTokens(row: TokenRow): number {
  return row.input + row.cacheRead + row.cacheWrites;
}

/** A multiplier as an exact fraction. */
interface Fraction {
  num: bigint;
  den: bigint;
}
const ONE: Fraction = { num: 1n, den: 1n };
const US_GEO: Fraction = { num: BigInt(Math.round(US_GEO_MULTIPLIER * 10)), den: 10n };
const BATCH: Fraction = { num: BigInt(Math.round(BATCH_MULTIPLIER * 10)), den: 10n };

/** Round a rational number of pico-USD to the nearest 1e-10 USD (half away from zero), as USD. */
function picoToUsd(numerator: bigint, denominator: bigint): number {
  // An override may price writes below input: the write premium can be negative.
  if (numerator < 0n) return -picoToUsd(-numerator, denominator);
  const den = denominator * ROUNDING_UNIT_PICO;
  const units = (numerator * 2n + den) / (den * 2n);
  return Number(units) / ROUNDING_UNITS_PER_USD;
}

/** Cache-read savings and cache-write premium of one row, pico-USD before multipliers. */
function rowCacheEconomicsPico(row: TokenRow, rates: ScaledRates): { savings: bigint; premium: bigint } {
  const writes5m = row.cacheWrites - row.cacheWrites1h;
  return {
    savings: BigInt(row.cacheRead) * (rates.input - rates.cacheRead),
    premium: BigInt(row.cacheWrites1h) * (rates.cacheWrite1h - rates.input) + BigInt(writes5m) * (rates.cacheWrite5m - rates.input),
  };
}

/** Resolved price for one request: either a table period or a user override. */
interface ResolvedPrice {
  canonicalModel: string;
  /** The tier selector: long-prompt tier or standard rates for a row. */
  ratesFor(row: TokenRow): ModelRates;
  webSearchUsd: number;
}

function overrideRates(o: PriceOverride): ModelRates {
  return {
    input: o.input,
    output: o.output,
    cacheWrite5m: o.cacheWrite5m ?? o.input * 1.25,
    cacheWrite1h: o.cacheWrite1h ?? o.input * 2,
    cacheRead: o.cacheRead ?? o.input * 0.1,
  };
}

/** Overrides re-keyed by canonical id (computed once per overrides object). */
const canonicalOverrideCache = new WeakMap<PriceOverrides, Map<string, { rates: ModelRates; webSearchUsd: number }>>();
function overridesByCanonical(overrides: PriceOverrides): Map<string, { rates: ModelRates; webSearchUsd: number }> {
  let map = canonicalOverrideCache.get(overrides);
  if (!map) {
    map = new Map();
    // Sorted keys so that two keys normalising to one id resolve the same way every time.
    for (const key of Object.keys(overrides).sort()) {
      const canonical = normalizeModelId(key);
      if (!map.has(canonical)) map.set(canonical, toOverridePrice(overrides[key]!));
    }
    canonicalOverrideCache.set(overrides, map);
  }
  return map;
}

function toOverridePrice(o: PriceOverride): { rates: ModelRates; webSearchUsd: number } {
  return { rates: overrideRates(o), webSearchUsd: o.webSearch ?? WEB_SEARCH_USD_PER_REQUEST };
}

function resolvePrice(model: string, timestampMs: number, speed: string | null, overrides?: PriceOverrides): ResolvedPrice | null {
  const canonical = normalizeModelId(model);
  if (overrides) {
    const exact = Object.prototype.hasOwnProperty.call(overrides, model) ? toOverridePrice(overrides[model]!) : undefined;
    const found = exact ?? overridesByCanonical(overrides).get(canonical);
    if (found) return { canonicalModel: canonical, ratesFor: () => found.rates, webSearchUsd: found.webSearchUsd };
  }
  const period = findPricePeriod(canonical, timestampMs);
  if (!period) return null;
  // Fast mode has its own table and no long-context premium (§9.2, §9.3); a model without one is priced standard.
  if (speed === 'fast' && period.fast) {
    const fast = period.fast;
    return { canonicalModel: canonical, ratesFor: () => fast, webSearchUsd: WEB_SEARCH_USD_PER_REQUEST };
  }
  const longPrompt = period.longPrompt;
  return {
    canonicalModel: canonical,
    ratesFor: (row) => (longPrompt && promptTokens(row) > longPrompt.abovePromptTokens ? longPrompt.rates : period.rates),
    webSearchUsd: WEB_SEARCH_USD_PER_REQUEST,
  };
}

/**
 * Cost in USD of one deduped API response.
 * @param model `message.model` as written (any form of §8).
 * @param timestampMs epoch ms (UTC) of the response; selects the price period.
 */
export function priceRequest(model: string, timestampMs: number, usage: UsageForPricing, overrides?: PriceOverrides): PriceResult {
  const price = resolvePrice(model, timestampMs, usage.speed, overrides);
  if (!price) return { costUsd: 0, priced: false, canonicalModel: null, cacheSavingsUsd: 0, cacheWritePremiumUsd: 0 };

  let tokenPico = 0n;
  let savingsPico = 0n;
  let premiumPico = 0n;
  for (const row of pricingRows(usage)) {
    const rates = scale(price.ratesFor(row));
    tokenPico += rowCostPico(row, rates);
    const economics = rowCacheEconomicsPico(row, rates);
    savingsPico += economics.savings;
    premiumPico += economics.premium;
  }

  const geo = usage.inferenceGeo === 'us' ? US_GEO : ONE;
  const batch = usage.serviceTier === 'batch' ? BATCH : ONE;
  const den = geo.den * batch.den;
  const webSearchPico = BigInt(count(usage.webSearchRequests)) * BigInt(Math.round(price.webSearchUsd * 1e12));
  const numerator = tokenPico * geo.num * batch.num + webSearchPico * den;
  const multiplier = geo.num * batch.num;
  return {
    costUsd: picoToUsd(numerator, den),
    priced: true,
    canonicalModel: price.canonicalModel,
    cacheSavingsUsd: picoToUsd(savingsPico * multiplier, den),
    cacheWritePremiumUsd: picoToUsd(premiumPico * multiplier, den),
  };
}

const OVERRIDE_FIELDS = ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead', 'webSearch'] as const;
const REQUIRED_FIELDS = new Set<string>(['input', 'output']);
/** Far above any real price; catches unit mix-ups (per-token vs per-1M prices stay below this anyway). */
const MAX_RATE = 1_000_000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Check user-supplied overrides (an object, or its JSON text). Returns a clean copy; throws an Error
 * whose message names the offending model key and field.
 */
export function validatePriceOverrides(value: unknown): PriceOverrides {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      throw new Error(`price overrides: not valid JSON (${(err as Error).message})`, { cause: err });
    }
  }
  if (parsed === undefined || parsed === null) return {};
  if (!isPlainObject(parsed)) throw new Error('price overrides: expected an object mapping model ids to prices');
  const result: PriceOverrides = {};
  for (const [key, entry] of Object.entries(parsed)) {
    if (key.trim() === '') throw new Error('price overrides: model id must not be empty');
    if (!isPlainObject(entry)) throw new Error(`price overrides["${key}"]: expected an object like {"input": 3, "output": 15}`);
    for (const field of Object.keys(entry)) {
      if (!(OVERRIDE_FIELDS as readonly string[]).includes(field)) {
        throw new Error(`price overrides["${key}"].${field}: unknown field (allowed: ${OVERRIDE_FIELDS.join(', ')})`);
      }
    }
    const clean: Partial<PriceOverride> = {};
    for (const field of OVERRIDE_FIELDS) {
      const v = entry[field];
      if (v === undefined) {
        if (REQUIRED_FIELDS.has(field)) throw new Error(`price overrides["${key}"].${field}: required (USD per 1M tokens)`);
        continue;
      }
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_RATE) {
        throw new Error(`price overrides["${key}"].${field}: must be a non-negative number, got ${JSON.stringify(v)}`);
      }
      clean[field] = v;
    }
    // defineProperty: a key like "__proto__" must stay a plain entry, not reset the prototype.
    Object.defineProperty(result, key, { value: clean as PriceOverride, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

/** JSON with object keys sorted, so equal data always hashes equal. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

let tableDigest: string | undefined;

/**
 * A stable hash of the price table, the formula version and the overrides. When it differs from the
 * one stored with the costs, the stored costs must be re-priced.
 */
export function priceTableFingerprint(overrides?: PriceOverrides): string {
  tableDigest ??= stableJson({ formula: PRICING_FORMULA_VERSION, table: PRICE_TABLE, webSearch: WEB_SEARCH_USD_PER_REQUEST, geo: US_GEO_MULTIPLIER, batch: BATCH_MULTIPLIER });
  const overridesJson = overrides && Object.keys(overrides).length > 0 ? stableJson(overrides) : '';
  const hash = createHash('sha256').update(tableDigest).update('\u0000').update(overridesJson).digest('hex');
  return `p${PRICING_FORMULA_VERSION}-${hash.slice(0, 16)}`;
}
