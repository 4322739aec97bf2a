// The cards: totals against the previous window of equal length, month projection, per-day and
// per-request figures, main vs subagent and cloud vs local splits; and the one-line insight.
import type { Metrics } from '../../types';
import type { Database } from '../../store/sqljs';
import { accountTotals } from '../activity';
import { DAY_MS } from '../windows';
import { linearProjection, periodElapsed, type ComparedStretches } from './comparison';
import type { CompiledFilter, Dictionaries } from './compileFilter';
import { sumRange } from './facts';
import { nameOf, pct, round1 } from './figures';
import type { PanelFilter } from './filterState';
import type { FactSums } from './fold';
import type { Insight, Kpi, PanelKpis, SplitFigures } from './types';

function kpi(value: number, previous: number | null, monthElapsed: number | null): Kpi {
  const deltaPct = previous == null || previous === 0 ? null : Math.round(((value - previous) / previous) * 1000) / 10;
  return { value, previous, deltaPct, projectedMonth: monthElapsed == null ? null : linearProjection(value, monthElapsed) };
}

/** What the cards compare: requests, tokens and cost. */
export type ComparedTotals = Pick<Metrics, 'requests' | 'total_tokens' | 'cost_usd'>;

/**
 * The totals of the stretch the cards compare with (fairPrevious); none for "all". `accountWide`: the filter
 * selects every row of a source (no project, model, drill-down or cost view over API logs), so whole-account
 * totals (a few rows per hour: query/activity.ts) answer it; null: summed under the compiled filter.
 */
export function previousTotals(
  db: Database, compiled: CompiledFilter, range: ComparedStretches | null, exactTimes: boolean, accountWide: 'all' | 'claude_code' | 'internal' | null,
): ComparedTotals | null {
  if (!range) return null;
  if (accountWide) {
    const t = accountTotals(db, range.startMs, range.endMs, accountWide);
    return { requests: t.requests, total_tokens: t.inputTokens + t.outputTokens + t.cacheCreationTokens + t.cacheReadTokens, cost_usd: t.costUsd };
  }
  return sumRange(db, compiled, range.startMs, range.endMs, exactTimes);
}

export function panelKpis(
  sums: FactSums, prevTotals: ComparedTotals | null, filter: PanelFilter, startMs: number, endMs: number, nowMs: number,
): PanelKpis {
  const totals = sums.totals;
  // Month projection: this_month only; the same rule as the monthly budget bar (linearProjection).
  const monthElapsed = filter.range === 'this_month' ? periodElapsed(nowMs, startMs, endMs) : null;
  const elapsedDays = Math.max(1, Math.ceil((Math.min(endMs, Math.max(nowMs, startMs + 1)) - startMs) / DAY_MS));
  const split = (m: Metrics): SplitFigures => ({ requests: m.requests, total_tokens: m.total_tokens, cost_usd: m.cost_usd });
  return {
    requests: kpi(totals.requests, prevTotals?.requests ?? null, monthElapsed),
    totalTokens: kpi(totals.total_tokens, prevTotals?.total_tokens ?? null, monthElapsed),
    cost: kpi(totals.cost_usd, prevTotals?.cost_usd ?? null, monthElapsed),
    requestsPerDay: totals.requests / elapsedDays,
    costPerRequest: totals.requests > 0 ? totals.cost_usd / totals.requests : null,
    buckets: {
      input_tokens: totals.input_tokens, output_tokens: totals.output_tokens,
      cache_creation_tokens: totals.cache_creation_tokens, cache_read_tokens: totals.cache_read_tokens,
    },
    main: split(sums.main.metrics()),
    subagent: split(sums.sub.metrics()),
    subagentTokenPct: pct(sums.sub.tokens, totals.total_tokens),
    unpricedRequests: totals.unpriced_requests,
    cloud: split(sums.cloud.metrics()),
    local: split(sums.local.metrics()),
  };
}

/** Whichever model or project has the larger share of output tokens; null when there are none. */
export function insightOf(sums: FactSums, dict: Dictionaries): Insight | null {
  const totals = sums.totals;
  if (totals.output_tokens <= 0) return null;
  const topBy = (map: Map<number, Metrics>, names: Map<number, string>) => {
    let best: [number, Metrics] | null = null;
    for (const e of map) if (!best || e[1].output_tokens > best[1].output_tokens) best = e;
    return best ? { subject: nameOf(names, best[0]), outputTokens: best[1].output_tokens } : null;
  };
  // A dimension with a single member says nothing ("X drives 100 %"): prefer one with several.
  const candidates = [
    { kind: 'model' as const, top: topBy(sums.byModel, dict.models), informative: sums.byModel.size > 1 },
    { kind: 'project' as const, top: topBy(sums.byProject, dict.projects), informative: sums.byProject.size > 1 },
  ].filter((c) => c.top !== null);
  candidates.sort((a, b) => Number(b.informative) - Number(a.informative) || b.top!.outputTokens - a.top!.outputTokens);
  const best = candidates[0];
  const pick = best ? { kind: best.kind, ...best.top! } : null;
  return pick ? { ...pick, sharePct: round1(pct(pick.outputTokens, totals.output_tokens)) } : null;
}
