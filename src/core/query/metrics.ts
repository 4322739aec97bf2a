// Metric sums shared by llm_costs_query (run.ts), the reports and the panel's read model.
import type { Metrics } from '../types';
import type { CallStats } from './types';
import type { SqlValue } from '../store/sqljs';

export const METRIC_KEYS = [
  'requests', 'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens',
  'total_tokens', 'cost_usd', 'unpriced_requests', 'web_search_requests',
] as const satisfies readonly (keyof Metrics)[];

export function emptyMetrics(): Metrics {
  return {
    requests: 0, input_tokens: 0, output_tokens: 0, cache_creation_tokens: 0, cache_read_tokens: 0,
    total_tokens: 0, cost_usd: 0, unpriced_requests: 0, web_search_requests: 0,
  };
}

/** Adds `b` into `a` (mutates and returns `a`). Cost is summed unrounded. */
export function addMetrics(a: Metrics, b: Metrics): Metrics {
  for (const k of METRIC_KEYS) a[k] += b[k];
  return a;
}

export function sumMetrics(list: Iterable<Metrics>): Metrics {
  const total = emptyMetrics();
  for (const m of list) addMetrics(total, m);
  return total;
}

/** Cost rounded to 1e-6 USD for output (sums are always taken on unrounded values). */
export function roundCost(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/** A copy fit for output: cost rounded to 1e-6. */
export function roundedMetrics(m: Metrics): Metrics {
  return { ...m, cost_usd: roundCost(m.cost_usd) };
}

/**
 * The SELECT list of the metric sums, aliased m_<metric>. `requests` rows are single API responses
 * (count them, unpriced = priced 0); `rollup_hour` rows carry pre-summed counts.
 * total_tokens = input + output + cache_creation + cache_read.
 */
export function metricSelectSql(table: 'requests' | 'rollup_hour', alias = ''): string {
  const c = (col: string) => (alias ? `${alias}.${col}` : col);
  const requests = table === 'requests' ? 'COUNT(*)' : `SUM(${c('requests')})`;
  const unpriced = table === 'requests' ? `SUM(1 - ${c('priced')})` : `SUM(${c('unpriced_requests')})`;
  return [
    `${requests} AS m_requests`,
    `SUM(${c('input_tokens')}) AS m_input_tokens`,
    `SUM(${c('output_tokens')}) AS m_output_tokens`,
    `SUM(${c('cache_creation_tokens')}) AS m_cache_creation_tokens`,
    `SUM(${c('cache_read_tokens')}) AS m_cache_read_tokens`,
    `SUM(${c('cost_usd')}) AS m_cost_usd`,
    `${unpriced} AS m_unpriced_requests`,
    `SUM(${c('web_search_requests')}) AS m_web_search_requests`,
  ].join(', ');
}

/** Reads the m_<metric> columns of one result row (NULL sums of an empty set → 0). */
export function metricsFromRow(row: Record<string, SqlValue>): Metrics {
  const n = (k: string) => {
    const v = row[`m_${k}`];
    return typeof v === 'number' ? v : v == null ? 0 : Number(v);
  };
  const m: Metrics = {
    requests: n('requests'),
    input_tokens: n('input_tokens'),
    output_tokens: n('output_tokens'),
    cache_creation_tokens: n('cache_creation_tokens'),
    cache_read_tokens: n('cache_read_tokens'),
    total_tokens: 0,
    cost_usd: n('cost_usd'),
    unpriced_requests: n('unpriced_requests'),
    web_search_requests: n('web_search_requests'),
  };
  m.total_tokens = m.input_tokens + m.output_tokens + m.cache_creation_tokens + m.cache_read_tokens;
  return m;
}

/** delta_pct per metric: (cur − prev) / prev × 100, rounded to 0.01; null when prev is 0. */
export function deltaPct(cur: Metrics, prev: Metrics): Record<keyof Metrics, number | null> {
  const out = {} as Record<keyof Metrics, number | null>;
  for (const k of METRIC_KEYS) {
    out[k] = prev[k] === 0 ? null : Math.round(((cur[k] - prev[k]) / prev[k]) * 100 * 100) / 100;
  }
  return out;
}

/** Outcome sums of API-log calls (rollup_hour carries the same five columns). */
export interface OutcomeSums {
  outcome_calls: number;
  successes: number;
  timed_calls: number;
  duration_ms_sum: number;
  timed_output_tokens: number;
}

export const emptyOutcome = (): OutcomeSums =>
  ({ outcome_calls: 0, successes: 0, timed_calls: 0, duration_ms_sum: 0, timed_output_tokens: 0 });

export function addOutcome(a: OutcomeSums, b: OutcomeSums): OutcomeSums {
  a.outcome_calls += b.outcome_calls;
  a.successes += b.successes;
  a.timed_calls += b.timed_calls;
  a.duration_ms_sum += b.duration_ms_sum;
  a.timed_output_tokens += b.timed_output_tokens;
  return a;
}

/** SELECT list of the outcome sums, aliased o_<name> (same definitions as the ingest's rollup). */
export function outcomeSelectSql(table: 'requests' | 'rollup_hour'): string {
  if (table === 'rollup_hour') {
    return ['outcome_calls', 'successes', 'timed_calls', 'duration_ms_sum', 'timed_output_tokens']
      .map((c) => `SUM(${c}) AS o_${c}`).join(', ');
  }
  return [
    'COUNT(success) AS o_outcome_calls',
    'COALESCE(SUM(success), 0) AS o_successes',
    'COUNT(duration_ms) AS o_timed_calls',
    'COALESCE(SUM(duration_ms), 0) AS o_duration_ms_sum',
    'COALESCE(SUM(CASE WHEN duration_ms > 0 THEN output_tokens END), 0) AS o_timed_output_tokens',
  ].join(', ');
}

export function outcomeFromRow(row: Record<string, SqlValue>): OutcomeSums {
  const n = (k: keyof OutcomeSums) => Number(row[`o_${k}`] ?? 0) || 0;
  return {
    outcome_calls: n('outcome_calls'), successes: n('successes'), timed_calls: n('timed_calls'),
    duration_ms_sum: n('duration_ms_sum'), timed_output_tokens: n('timed_output_tokens'),
  };
}

/** The figures of CallStats that the sums support (absent keys where no call logged them). */
export function callStats(o: OutcomeSums): CallStats {
  const out: CallStats = {};
  if (o.outcome_calls > 0) out.success_rate = Math.round((o.successes / o.outcome_calls) * 1e6) / 1e6;
  if (o.timed_calls > 0) out.avg_duration_ms = Math.round((o.duration_ms_sum / o.timed_calls) * 10) / 10;
  if (o.duration_ms_sum > 0) out.tokens_per_second = Math.round((o.timed_output_tokens / (o.duration_ms_sum / 1000)) * 100) / 100;
  return out;
}
