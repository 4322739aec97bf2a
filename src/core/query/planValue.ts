// Plan value: a month's API-equivalent cost (what the Claude Code requests would have cost at API
// prices) set against the subscription's monthly price, with what prompt caching saved that month.
// `claude-costs report value`, the panel's plan-value insight and the chip tooltip all read this.
import type { Database } from '../store/sqljs';
import { PLAN_LABELS, type DetectedPlan, type PlanId, type PlanPrices, type PlanSetting } from '../limits/plan';
import { cacheEconomics, emptyCacheSums } from './cacheEconomics';
import { roundCost } from './metrics';
import type { PlanValue } from './types';

export type { PlanValue };
import { aggregateGroups } from './run';
import type { QueryFilter } from './run';
import { dayNumberToKey, isValidTimeZone, localDayNumber, parseDayKey, startOfLocalDay } from './windows';

/** A bad value option; the message names it (the CLI maps it to exit code 2). */
export class PlanValueParamError extends Error {
  constructor(public readonly param: string, message: string) {
    super(`${param}: ${message}`);
    this.name = 'PlanValueParamError';
  }
}

/** The plan the value is measured against, and where that came from. */
export interface ResolvedPlan {
  /** pro | max5 | max20 | custom | api; null when `auto` found nothing. */
  plan: PlanId | 'custom' | 'api' | null;
  label: string | null;
  /** USD per month; null for api, for an unknown plan and for custom without a price. */
  priceUsd: number | null;
  source: 'setting' | 'detected' | null;
}

export function resolvePlan(setting: PlanSetting, detected: DetectedPlan | null, prices: PlanPrices): ResolvedPlan {
  if (setting === 'api') return { plan: 'api', label: 'API (pay as you go)', priceUsd: null, source: 'setting' };
  if (setting === 'custom') return { plan: 'custom', label: 'Custom plan', priceUsd: prices.custom, source: 'setting' };
  if (setting !== 'auto') return { plan: setting, label: PLAN_LABELS[setting], priceUsd: prices[setting], source: 'setting' };
  if (detected) return { plan: detected.plan, label: PLAN_LABELS[detected.plan], priceUsd: prices[detected.plan], source: 'detected' };
  return { plan: null, label: null, priceUsd: null, source: null };
}


/** [start, end) of a local calendar month "YYYY-MM" in tz. */
export function monthRange(month: string, tz: string): { startMs: number; endMs: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const first = m ? parseDayKey(`${m[1]}-${m[2]}-01`) : null;
  if (first == null) throw new PlanValueParamError('--month', `must be a month YYYY-MM (got ${JSON.stringify(String(month).slice(0, 40))})`);
  const [y, mo] = [Number(m![1]), Number(m![2])];
  const next = parseDayKey(mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`)!;
  return { startMs: startOfLocalDay(first, tz), endMs: startOfLocalDay(next, tz) };
}

/** "YYYY-MM" of the instant in tz. */
export function monthOf(ms: number, tz: string): string {
  return dayNumberToKey(localDayNumber(ms, tz)).slice(0, 7);
}

export interface PlanValueOptions {
  /** "YYYY-MM"; default the month of nowMs in tz. */
  month?: string;
  tz: string;
  nowMs: number;
  plan: ResolvedPlan;
}

/**
 * The month's value. Only Claude Code requests count: a subscription covers Claude Code, not the user's
 * own API calls (which are billed as they are). Figures come from the same aggregation as llm_costs_query
 * and `report daily`, so the month equals the sum of its days there.
 */
export function computePlanValue(db: Database, opts: PlanValueOptions): PlanValue {
  if (!isValidTimeZone(opts.tz)) throw new PlanValueParamError('--tz', `must be an IANA time zone (got ${JSON.stringify(String(opts.tz).slice(0, 40))})`);
  const month = opts.month ?? monthOf(opts.nowMs, opts.tz);
  const { startMs, endMs } = monthRange(month, opts.tz);
  const filter: QueryFilter = { source: 'claude_code', project: null, models: null, executionMode: null, tz: opts.tz };
  const row = aggregateGroups(db, filter, startMs, endMs, [])[0];
  const cost = row?.metrics.cost_usd ?? 0;
  const price = opts.plan.priceUsd;
  const economics = cacheEconomics(row?.cache ?? emptyCacheSums());
  return {
    month,
    api_equivalent_usd: roundCost(cost),
    plan: opts.plan.plan,
    plan_price_usd: price,
    value_ratio: price != null && price > 0 ? Math.round((cost / price) * 100) / 100 : null,
    cache_savings_usd: economics.cache_savings_usd,
    cache_write_premium_usd: economics.cache_write_premium_usd,
    plan_label: opts.plan.label,
    plan_source: opts.plan.source,
    requests: row?.metrics.requests ?? 0,
    tz: opts.tz,
  };
}

function usd(n: number): string {
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 })}`;
}

/** One sentence, e.g. "Max 20x: $4,776 of API usage in 2026-11, 24× its $200 price." */
export function describePlanValue(v: PlanValue): string {
  const usage = `${usd(v.api_equivalent_usd)} of API usage in ${v.month}`;
  if (v.plan === 'api') return `API billing: ${usage} (prompt caching saved ${usd(v.cache_savings_usd)}).`;
  if (v.plan_label && v.plan_price_usd != null && v.value_ratio != null) {
    const ratio = v.value_ratio >= 10 ? Math.round(v.value_ratio).toString() : v.value_ratio.toFixed(1);
    return `${v.plan_label}: ${usage}, ${ratio}× its ${usd(v.plan_price_usd)} price.`;
  }
  if (v.plan_label) return `${v.plan_label}: ${usage} (set claudeCosts.planPrices to compare it with the price).`;
  return `${usage}; set claudeCosts.plan to compare it with your plan's price.`;
}
