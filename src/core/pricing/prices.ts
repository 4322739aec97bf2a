// The effective-dated price table, as data. USD per 1M tokens.
//
// Sources are the sections of /work/shared/reference/transcripts-and-pricing.md: §9.1 list prices
// (Claude Code 2.1.330 baked catalog, cross-checked with Anthropic's pricing pages and LiteLLM),
// §9.2 long-prompt tier, §9.3 fast mode, §9.4 modifiers, §9.5 effective dates.
//
// Dates are ISO calendar dates meaning 00:00:00 UTC of that day. A period applies from its `from`
// (inclusive) until the next period's `from` (exclusive); the first period of a model has
// `from: null` and reaches back to the beginning of time. So "premium until 2026-03-13" means the
// last premium instant is 2026-03-12T23:59:59.999Z.

/** Rates of one pricing tier, USD per 1M tokens. */
export interface ModelRates {
  input: number;
  output: number;
  /** 5-minute cache write (1.25× input for most models). */
  cacheWrite5m: number;
  /** 1-hour cache write (2× input). */
  cacheWrite1h: number;
  /** Cache hit (0.1× input for most models). */
  cacheRead: number;
}

/** The long-prompt tier: every token of a request is priced at `rates` when its prompt exceeds the threshold. */
export interface LongPromptTier {
  /** Strictly greater: input + cache read + cache write > abovePromptTokens (§9.2). */
  abovePromptTokens: number;
  rates: ModelRates;
}

/** The prices of one model during one period. */
export interface PricePeriod {
  /** ISO date (00:00 UTC) this period starts; null = since the beginning. */
  from: string | null;
  rates: ModelRates;
  longPrompt?: LongPromptTier;
  /** Fast-mode rates (`usage.speed == "fast"`, §9.3). Fast mode has no long-prompt premium (§9.2). */
  fast?: ModelRates;
  /** Which reference section(s) justify this period. */
  source: string;
}

export interface ModelPriceEntry {
  /** Canonical model id (§9.1), the output of normalizeModelId. */
  model: string;
  /** Periods sorted by `from`, the first with `from: null`. */
  periods: readonly PricePeriod[];
}

/** Web search: $10 per 1,000 searches, every model (§9.4). Not multiplied by geo or batch. */
export const WEB_SEARCH_USD_PER_REQUEST = 0.01;

/** `inference_geo: "us"` multiplies token cost by 1.1 (§9.4, Claude Code's M0). */
export const US_GEO_MULTIPLIER = 1.1;

/** `service_tier: "batch"` halves token cost (§9.4). */
export const BATCH_MULTIPLIER = 0.5;

/** Bump when the *formula* in cost.ts changes in a way that changes stored costs. Part of the fingerprint. */
export const PRICING_FORMULA_VERSION = 1;

const r = (input: number, output: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number): ModelRates => ({
  input,
  output,
  cacheWrite5m,
  cacheWrite1h,
  cacheRead,
});

// Shared tiers (§9.1; Claude Code's `pricing_tiers`).
const TIER_3_15 = r(3, 15, 3.75, 6, 0.3);
const TIER_15_75 = r(15, 75, 18.75, 30, 1.5);
const TIER_5_25 = r(5, 25, 6.25, 10, 0.5);
const TIER_10_50 = r(10, 50, 12.5, 20, 1);

/** Sonnet 4 / 4.5 / 4.6 1M-context beta premium above 200k: 2× input categories, 1.5× output (§9.1, §9.2). */
const SONNET_1M_BETA_PREMIUM: LongPromptTier = { abovePromptTokens: 200_000, rates: r(6, 22.5, 7.5, 12, 0.6) };
/** Opus 4.6 1M beta premium: $10/$37.50 documented; writes/reads ×2 is the reference's INFERENCE (§9.1, §12). */
const OPUS_46_1M_BETA_PREMIUM: LongPromptTier = { abovePromptTokens: 200_000, rates: r(10, 37.5, 12.5, 20, 1) };

/** Fast mode at 6× standard Opus (§9.3). */
const OPUS_FAST_6X = r(30, 150, 37.5, 60, 3);
/** Fast mode at 2× standard Opus (§9.3). */
const OPUS_FAST_2X = r(10, 50, 12.5, 20, 1);

/** Start of the Sonnet 4 1M-context beta (§9.5). */
const SONNET_1M_BETA_START = '2025-08-12';
/** 1M beta header retired: Sonnet 4/4.5 requests over 200k are flat from this day (§9.5). */
const SONNET_1M_BETA_RETIRED = '2026-04-30';
/** 1M context GA for Opus 4.6 / Sonnet 4.6: "standard pricing across the full 1M window" (§9.5). */
const GEN_46_1M_GA = '2026-03-13';
/** Opus 4.8 fast mode drops from 6× to 2× (changelog 2.1.154, late May 2026; exact day is an INFERENCE, §9.3/§9.5). */
const OPUS_48_FAST_2X_FROM = '2026-05-28';
/** Sonnet 5.5 cache read $0.20 → $0.10 (§9.1, §9.5). */
const SONNET_55_CACHE_READ_CUT = '2026-10-07';

function flat(model: string, rates: ModelRates, source: string, fast?: ModelRates): ModelPriceEntry {
  return { model, periods: [fast ? { from: null, rates, fast, source } : { from: null, rates, source }] };
}

/** Sonnet 4 / 4.5: flat, premium above 200k during the 1M beta, flat again once the beta header retired. */
function sonnet1mBeta(model: string): ModelPriceEntry {
  return {
    model,
    periods: [
      { from: null, rates: TIER_3_15, source: '§9.1' },
      { from: SONNET_1M_BETA_START, rates: TIER_3_15, longPrompt: SONNET_1M_BETA_PREMIUM, source: '§9.1, §9.2, §9.5 (1M beta)' },
      { from: SONNET_1M_BETA_RETIRED, rates: TIER_3_15, source: '§9.5 (1M beta header retired)' },
    ],
  };
}

export const PRICE_TABLE: readonly ModelPriceEntry[] = [
  // Legacy and 3.x generation (§9.1). Claude 3 Haiku's write/read prices are Anthropic's published
  // $0.30 / $0.03, not the usual multiples of input.
  flat('claude-3-haiku', r(0.25, 1.25, 0.3, 0.5, 0.03), '§9.1 (legacy; S6/S5)'),
  flat('claude-3-opus', TIER_15_75, '§9.1 (legacy; S6)'),
  flat('claude-3-5-haiku', r(0.8, 4, 1, 1.6, 0.08), '§9.1'),
  flat('claude-3-5-sonnet', TIER_3_15, '§9.1'),
  flat('claude-3-7-sonnet', TIER_3_15, '§9.1'),

  // Sonnet.
  sonnet1mBeta('claude-sonnet-4-0'),
  // Sonnet 4.5 launched 2025-09-29, inside the beta window; the same periods apply.
  sonnet1mBeta('claude-sonnet-4-5'),
  {
    model: 'claude-sonnet-4-6',
    periods: [
      { from: null, rates: TIER_3_15, longPrompt: SONNET_1M_BETA_PREMIUM, source: '§9.1, §9.5 (1M beta premium until GA)' },
      { from: GEN_46_1M_GA, rates: TIER_3_15, source: '§9.5 (1M GA: flat)' },
    ],
  },
  // Sonnet 5 launched 2026-06-30 at $2/$10 "through August 31". The planned 2026-09-01 return to
  // $3/$15 is treated as cancelled (§9.5, §12): the 2.1.330 catalog, the Sonnet 5 docs page and
  // LiteLLM all still say $2/$10, so there is one flat period.
  flat('claude-sonnet-5', r(2, 10, 2.5, 4, 0.2), '§9.1, §9.5 (Sep-1 hike treated as cancelled)'),
  {
    model: 'claude-sonnet-5-5',
    periods: [
      { from: null, rates: r(2, 10, 2.5, 4, 0.2), source: '§9.1 (cache read 0.20 before the cut)' },
      { from: SONNET_55_CACHE_READ_CUT, rates: r(2, 10, 2.5, 4, 0.1), source: '§9.1, §9.5 (cache read 0.10)' },
    ],
  },

  // Haiku.
  flat('claude-haiku-4-5', r(1, 5, 1.25, 2, 0.1), '§9.1'),
  {
    model: 'claude-haiku-5-5',
    periods: [
      {
        from: null,
        rates: r(0.1, 0.5, 0.125, 0.2, 0.01),
        // 5× on every token of a request whose prompt exceeds 100k (Claude Code's haiku_55 tier, §9.1/§9.2).
        longPrompt: { abovePromptTokens: 100_000, rates: r(0.5, 2.5, 0.625, 1, 0.05) },
        source: '§9.1, §9.2',
      },
    ],
  },

  // Opus.
  flat('claude-opus-4-0', TIER_15_75, '§9.1'),
  flat('claude-opus-4-1', TIER_15_75, '§9.1'),
  flat('claude-opus-4-5', TIER_5_25, '§9.1'),
  {
    model: 'claude-opus-4-6',
    periods: [
      { from: null, rates: TIER_5_25, longPrompt: OPUS_46_1M_BETA_PREMIUM, fast: OPUS_FAST_6X, source: '§9.1, §9.3, §9.5 (1M beta premium until GA)' },
      { from: GEN_46_1M_GA, rates: TIER_5_25, fast: OPUS_FAST_6X, source: '§9.3, §9.5 (1M GA: flat)' },
    ],
  },
  // Fast for Opus 4.7 was removed 2026-07-24; rows written before then keep their fast price, and no
  // fast rows exist afterwards, so the removal needs no period of its own.
  flat('claude-opus-4-7', TIER_5_25, '§9.1, §9.3', OPUS_FAST_6X),
  {
    model: 'claude-opus-4-8',
    periods: [
      { from: null, rates: TIER_5_25, fast: OPUS_FAST_6X, source: '§9.3 (fast 6× before 2.1.154)' },
      // Fast deprecated 2026-10-30, removed 2026-11-30: no price change for rows that exist.
      { from: OPUS_48_FAST_2X_FROM, rates: TIER_5_25, fast: OPUS_FAST_2X, source: '§9.3, §9.5 (fast 2×)' },
    ],
  },
  flat('claude-opus-5', TIER_5_25, '§9.1, §9.3', OPUS_FAST_2X),
  flat('claude-opus-5-5', r(4, 20, 5, 8, 0.2), '§9.1, §9.3', r(8, 40, 10, 16, 0.4)),

  // Fable / Mythos: two names, one price each (§9.1).
  flat('claude-fable-5', TIER_10_50, '§9.1'),
  flat('claude-mythos-5', TIER_10_50, '§9.1'),
  flat('claude-fable-5-1', r(10, 50, 12.5, 20, 0.25), '§9.1 (cache read 0.025×)'),
  flat('claude-mythos-5-1', r(10, 50, 12.5, 20, 0.25), '§9.1 (cache read 0.025×)'),
  flat('claude-fable-5-2', r(8, 40, 10, 16, 0.2), '§9.1, §9.3', r(16, 80, 20, 32, 0.4)),
  flat('claude-mythos-5-2', r(8, 40, 10, 16, 0.2), '§9.1, §9.3', r(16, 80, 20, 32, 0.4)),
];

/** Epoch ms of 00:00 UTC of an ISO date. */
export function isoDateToMs(isoDate: string): number {
  const ms = Date.parse(`${isoDate}T00:00:00.000Z`);
  if (!Number.isFinite(ms)) throw new Error(`price table: bad date ${isoDate}`);
  return ms;
}

interface CompiledPeriod {
  fromMs: number;
  period: PricePeriod;
}

const COMPILED: ReadonlyMap<string, readonly CompiledPeriod[]> = (() => {
  const map = new Map<string, CompiledPeriod[]>();
  for (const entry of PRICE_TABLE) {
    if (map.has(entry.model)) throw new Error(`price table: duplicate model ${entry.model}`);
    const compiled = entry.periods.map((period) => ({
      fromMs: period.from === null ? Number.NEGATIVE_INFINITY : isoDateToMs(period.from),
      period,
    }));
    for (let i = 1; i < compiled.length; i++) {
      if (!(compiled[i]!.fromMs > compiled[i - 1]!.fromMs)) throw new Error(`price table: periods of ${entry.model} out of order`);
    }
    if (compiled[0]?.fromMs !== Number.NEGATIVE_INFINITY) throw new Error(`price table: first period of ${entry.model} must have from: null`);
    map.set(entry.model, compiled);
  }
  return map;
})();

/**
 * The period of a canonical model in force at `timestampMs`; undefined for an unknown model.
 * A non-finite timestamp gets the newest period (today's prices).
 */
export function findPricePeriod(canonicalModel: string, timestampMs: number): PricePeriod | undefined {
  const periods = COMPILED.get(canonicalModel);
  if (!periods) return undefined;
  if (!Number.isFinite(timestampMs)) return periods[periods.length - 1]!.period;
  let found = periods[0]!.period;
  for (const p of periods) {
    if (p.fromMs <= timestampMs) found = p.period;
    else break;
  }
  return found;
}

/** Canonical ids of every model in the table, sorted. */
export function knownModels(): string[] {
  return [...COMPILED.keys()].sort();
}
