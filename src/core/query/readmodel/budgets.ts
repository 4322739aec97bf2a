// Spending budgets: the daily / monthly bars of the panel, from the period spend in the read model
// and the user's limits (settings). Pure: the host re-applies it when only the settings change.
import { linearProjection } from './comparison';

export type BudgetState = 'ok' | 'warn' | 'over';
export interface Budget {
  limitUsd: number;
  spentUsd: number;
  /** spent / limit × 100. */
  pct: number;
  /** Linear projection to the end of the day / month (the KPI's rule); null while too little of it has passed. */
  projectedUsd: number | null;
  projectedPct: number | null;
  /** green < 80 % ≤ amber < 100 % ≤ red (on spent). */
  state: BudgetState;
  /** The period: "YYYY-MM-DD" (daily) or "YYYY-MM" (monthly), in tz. */
  period: string;
}

/** Spend over all data (every source, project and model) in the current day and month, in tz. */
export interface PeriodSpend {
  usd: number;
  /** Share of the period elapsed at generation time, 0..1. */
  elapsed: number;
  /** "YYYY-MM-DD" (day) or "YYYY-MM" (month). */
  period: string;
}

export interface BudgetLimits { daily?: number | null; monthly?: number | null }

function budgetOf(limit: number | null | undefined, spend: PeriodSpend): Budget | null {
  if (limit == null || !Number.isFinite(limit) || limit <= 0) return null;
  const pct = (spend.usd / limit) * 100;
  const projectedUsd = linearProjection(spend.usd, spend.elapsed);
  return {
    limitUsd: limit, spentUsd: spend.usd, pct, projectedUsd, projectedPct: projectedUsd === null ? null : (projectedUsd / limit) * 100,
    state: pct >= 100 ? 'over' : pct >= 80 ? 'warn' : 'ok', period: spend.period,
  };
}

/**
 * Budget bars from the read model's spend and the user's limits (settings). The host applies the
 * settings to whatever model the engine built, so a settings change needs no new query.
 */
export function budgetsFor(spend: { today: PeriodSpend; month: PeriodSpend }, limits: BudgetLimits): { daily: Budget | null; monthly: Budget | null } {
  return { daily: budgetOf(limits.daily, spend.today), monthly: budgetOf(limits.monthly, spend.month) };
}
