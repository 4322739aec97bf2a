// Plan value: a month's API-equivalent cost (what the Claude Code requests would have cost at API
// prices) set against the subscription's monthly price, with what prompt caching saved that month.
// `claude-costs report value`, the panel's plan-value insight and the chip tooltip all read this.
import type { Database } from '../store/sqljs';
import { DEFAULT_PLAN_PRICES, resolvePlan, type PlanValue, type ResolvedPlan } from '../limits/plan';
import { buildStatus, type StatusOptions, type StatusResult } from '../limits/status';
import { accountTotals } from './activity';
import { cacheEconomics } from './cacheEconomics';
import { roundCost } from './metrics';

// The plan's own logic (which plan, its label and price, the sentence) lives with the plans in limits/plan.ts.
export { describePlanValue, resolvePlan, type PlanValue, type ResolvedPlan } from '../limits/plan';
import { dayNumberToKey, isValidTimeZone, localDayNumber, parseDayKey, startOfLocalDay } from './windows';

/** A bad value option; the message names it (the CLI maps it to exit code 2). */
export class PlanValueParamError extends Error {
  constructor(public readonly param: string, message: string) {
    super(`${param}: ${message}`);
    this.name = 'PlanValueParamError';
  }
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
  const totals = accountTotals(db, startMs, endMs, 'claude_code');
  const cost = totals.costUsd;
  const price = opts.plan.priceUsd;
  const economics = cacheEconomics({ cache_creation_1h_tokens: 0, cache_savings_e10: totals.cacheSavingsE10, cache_write_premium_e10: totals.cacheWritePremiumE10 });
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
    requests: totals.requests,
    tz: opts.tz,
  };
}

/**
 * The chip's status with the plan's value this month filled in (when the plan is set or detected). The
 * limits layer builds the status without it, since the value is a query over the month's requests.
 */
export function statusWithPlanValue(db: Database, nowMs: number, opts: StatusOptions = {}): StatusResult {
  const status = buildStatus(db, nowMs, opts);
  const plan = resolvePlan(opts.plan ?? 'auto', opts.detectedPlan ?? null, opts.planPrices ?? DEFAULT_PLAN_PRICES);
  return plan.plan === null ? status : { ...status, planValue: computePlanValue(db, { tz: status.today.tz, nowMs, plan }) };
}
