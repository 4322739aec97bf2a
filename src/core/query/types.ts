// The llm_costs_query contract (design.md): the same params and result for the command, the
// language-model tool, the CLI and the panel.
import type { Metrics } from '../types';

export const WINDOW_NAMES = [
  'today', 'yesterday', 'last_5h', 'last_24h', 'last_7d', 'last_30d',
  'this_week', 'this_month', 'last_month', 'all',
] as const;
export type WindowName = (typeof WINDOW_NAMES)[number];

// provider / feature: API-log calls (Claude Code rows count under provider "anthropic", feature "(none)").
export const GROUP_BYS = ['none', 'project', 'model', 'session', 'day', 'hour', 'tool', 'source', 'provider', 'feature', 'branch'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** Params as a caller may send them (all optional). Validated into `QueryParams`. */
export interface QueryParamsInput {
  window?: WindowName | { start: string; end: string };
  start_date?: string;
  end_date?: string;
  group_by?: GroupBy;
  source?: 'all' | 'claude_code' | 'internal';
  project?: string;
  models?: string[] | string;
  execution_mode?: 'cloud' | 'local';
  compare?: boolean;
  anomalies?: boolean;
  tz?: string;
  limit?: number;
}

/** Validated params with defaults applied and the window resolved to concrete instants. */
export interface QueryParams {
  /** Inclusive start, exclusive end, epoch ms. */
  startMs: number;
  endMs: number;
  label: string;
  tz: string;
  groupBy: GroupBy;
  source: 'all' | 'claude_code' | 'internal';
  project: string | null;
  /** null = all models; [] = none (zero rows); otherwise only these ids as written. */
  models: string[] | null;
  executionMode: 'cloud' | 'local' | null;
  compare: boolean;
  limit: number;
  /** Also flag unusual days and sessions in the window (src/core/query/anomalies.ts). */
  anomalies?: boolean;
}

export interface QueryWindow { start: string; end: string; tz: string; label: string }

/**
 * Outcome figures of API-log calls, present only where some call logged them (never for Claude Code
 * rows alone): success_rate = successes / calls with a known outcome; avg_duration_ms over calls with
 * a duration; tokens_per_second = output tokens of timed calls / their summed duration.
 */
export type CallStats = { success_rate?: number; avg_duration_ms?: number; tokens_per_second?: number };

/**
 * What prompt caching did, USD rounded to 1e-6: reads' savings against the plain input rate, and the
 * premium of 5-minute / 1-hour writes above it (rows priced from the table; see pricing/cost.ts).
 */
export interface CacheEconomics {
  cache_savings_usd: number;
  cache_write_premium_usd: number;
}

/** A month's API-equivalent cost of Claude Code requests against the plan's price (query/planValue.ts). */
export type { PlanValue } from '../types';

/** Metrics, cache economics, and the outcome figures where some API-log call logged them. */
export type MetricsWithStats = Metrics & CacheEconomics & CallStats;

export type GroupRow = Metrics & CacheEconomics & {
  key: string; label: string; share_of_cost: number;
  success_rate?: number; avg_duration_ms?: number; tokens_per_second?: number;
} & Partial<SessionContextFields>;

/**
 * group_by "session" (Claude Code sessions): the session's context-window fill as last recorded, whatever
 * the window: the last main-thread response's context (null right after a compaction of unknown size),
 * the peak, the window (200k or 1M) and the number of compactions.
 */
export interface SessionContextFields {
  context_tokens: number | null;
  context_window: number;
  context_pct: number | null;
  peak_context_tokens: number;
  peak_context_pct: number;
  compactions: number;
}

export interface QueryResult {
  window: QueryWindow;
  totals: MetricsWithStats;
  groups?: GroupRow[];
  previous?: { window: QueryWindow; totals: MetricsWithStats; delta_pct: Record<keyof Metrics, number | null> };
  /** With `anomalies: true`: unusual days of the window (in tz) and sessions that started in it. */
  anomalies?: { days: WindowDayAnomaly[]; sessions: WindowSessionAnomaly[] };
}

export interface WindowDayAnomaly { day: string; cost_usd: number; baseline_usd: number; ratio: number; explanation: string }
export interface WindowSessionAnomaly { session: string; label: string; started_at: string; cost_usd: number; baseline_usd: number; ratio: number }

/** A bad param: the message names the key. Callers map it to exit code 2 / an Error / a tool error. */
export class QueryParamError extends Error {
  constructor(public readonly param: string, message: string) {
    super(`${param}: ${message}`);
    this.name = 'QueryParamError';
  }
}
