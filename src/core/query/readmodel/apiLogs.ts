// API-log sections of the panel: by provider, by feature, call outcomes (success, latency, speed),
// the duration scatter's calls and the free (local) calls the Cost view leaves out. Claude Code rows
// join them as provider "anthropic", feature "(none)", as in llm_costs_query.
import type { Metrics } from '../../types';
import { EXECUTION_MODE_IDS } from '../../store/schema';
import type { Database } from '../../store/sqljs';
import { addMetrics, addOutcome, callStats, emptyOutcome } from '../metrics';
import type { OutcomeSums } from '../metrics';
import { compileFilter, requestsWhere } from './compileFilter';
import type { Dictionaries } from './compileFilter';
import { pct } from './figures';
import type { PanelFilter } from './filterState';
import { durationScatter } from './scatter';
import { CLAUDE_CODE_PROVIDER, NO_FEATURE, UNKNOWN_PROVIDER } from './types';
import type { CallFigures, DurationScatter, FeatureRow, ProviderRow, Table } from './types';

function callFigures(o: OutcomeSums): CallFigures | null {
  if (o.outcome_calls === 0 && o.timed_calls === 0) return null;
  const s = callStats(o);
  return {
    outcomeCalls: o.outcome_calls, successes: o.successes,
    successPct: s.success_rate === undefined ? null : Math.round(s.success_rate * 1e6) / 1e4,
    timedCalls: o.timed_calls, avgDurationMs: s.avg_duration_ms ?? null, tokensPerSecond: s.tokens_per_second ?? null,
  };
}

interface CallSections {
  providers: Table<ProviderRow>;
  features: Table<FeatureRow>;
  calls: CallFigures | null;
  freeCalls: { requests: number; total_tokens: number; hidden: boolean };
  scatter: DurationScatter | null;
}

export const MAX_PROVIDER_ROWS = 100;
export const MAX_FEATURE_ROWS = 200;

/**
 * By provider / by feature, outcomes and the scatter. Claude Code rows come summed from the main pass
 * (provider "anthropic", feature "(none)"); API-log rows are grouped in SQL from `requests` (rollup_hour
 * has no provider or feature), so the tables add up to the page's totals.
 */
export function callSections(
  db: Database, filter: PanelFilter, dict: Dictionaries,
  ctx: { startMs: number; endMs: number; internalAvailable: boolean; claudeCode: Metrics; totals: Metrics },
): CallSections {
  const hidden = filter.view === 'cost';
  const byProvider = new Map<string, { m: Metrics; o: OutcomeSums }>();
  const byFeature = new Map<string, { m: Metrics; o: OutcomeSums }>();
  const add = (map: Map<string, { m: Metrics; o: OutcomeSums }>, key: string, m: Metrics, o: OutcomeSums) => {
    const cur = map.get(key);
    if (cur) { addMetrics(cur.m, m); addOutcome(cur.o, o); } else map.set(key, { m: { ...m }, o: { ...o } });
  };
  if (ctx.claudeCode.requests > 0) {
    add(byProvider, CLAUDE_CODE_PROVIDER, ctx.claudeCode, emptyOutcome());
    add(byFeature, NO_FEATURE, ctx.claudeCode, emptyOutcome());
  }
  const outcome = emptyOutcome();
  const free = { requests: 0, total_tokens: 0, hidden };
  let scatter: DurationScatter | null = null;
  // Every API-log row of the filter, the free ones included (they are counted, then left out in the
  // Cost view), in ONE pass: rollup_hour has no provider / feature / duration, and `requests` has no
  // index on source, so each read walks the window's rows; one walk instead of three.
  const internal = compileFilter({ ...filter, source: 'internal', view: 'usage' }, dict, { scoped: true, internalAvailable: ctx.internalAvailable });
  if (!internal.empty && filter.source !== 'claude_code') {
    const rw = requestsWhere(internal);
    const where = ['ts >= ?', 'ts < ?', ...rw.sql].join(' AND ');
    const timed: { tokens: number[]; durations: number[]; failed: number[] } = { tokens: [], durations: [], failed: [] };
    const stmt = db.prepare(`SELECT COALESCE(provider_id, -1), COALESCE(feature_id, -1), execution_mode, input_tokens, output_tokens,
      cache_creation_tokens, cache_read_tokens, web_search_requests, cost_usd, priced, success, duration_ms FROM requests WHERE ${where}`);
    try {
      stmt.bind([ctx.startMs, ctx.endMs, ...rw.params]);
      while (stmt.step()) {
        const [p, f, x, input, output, cw, cr, web, cost, priced, success, dur] = stmt.get() as (number | null)[];
        const tokens = input! + output! + cw! + cr!;
        if (x === EXECUTION_MODE_IDS.local) {
          free.requests++;
          free.total_tokens += tokens;
          if (hidden) continue;
        }
        const m: Metrics = {
          requests: 1, input_tokens: input!, output_tokens: output!, cache_creation_tokens: cw!, cache_read_tokens: cr!,
          total_tokens: tokens, cost_usd: cost!, unpriced_requests: 1 - priced!, web_search_requests: web!,
        };
        // The same definitions as outcomeSelectSql (llm_costs_query) and the rollup's outcome columns.
        const o: OutcomeSums = {
          outcome_calls: success === null ? 0 : 1, successes: success === 1 ? 1 : 0, timed_calls: dur === null ? 0 : 1,
          duration_ms_sum: dur ?? 0, timed_output_tokens: dur !== null && dur > 0 ? output! : 0,
        };
        add(byProvider, dict.providers.get(p!) ?? UNKNOWN_PROVIDER, m, o);
        add(byFeature, dict.features.get(f!) ?? NO_FEATURE, m, o);
        addOutcome(outcome, o);
        if (dur !== null) {
          timed.tokens.push(output!);
          timed.durations.push(dur);
          timed.failed.push(success === 0 ? 1 : 0);
        }
      }
    } finally {
      stmt.free();
    }
    scatter = durationScatter(timed);
  }
  const t = ctx.totals;
  const share = (m: Metrics) => ({ shareOfCost: pct(m.cost_usd, t.cost_usd), shareOfTokens: pct(m.total_tokens, t.total_tokens) });
  const order = (a: { m: Metrics }, b: { m: Metrics }) => b.m.cost_usd - a.m.cost_usd || b.m.total_tokens - a.m.total_tokens || b.m.requests - a.m.requests;
  const providerRows: ProviderRow[] = [...byProvider].map(([provider, v]) => ({ provider, ...v }))
    .sort(order).map((v) => ({ ...v.m, provider: v.provider, ...share(v.m), calls: callFigures(v.o) }));
  const featureRows: FeatureRow[] = [...byFeature].map(([feature, v]) => ({ feature, ...v }))
    .sort(order).map((v) => ({ ...v.m, feature: v.feature, ...share(v.m), calls: callFigures(v.o) }));
  const table = <R>(rows: R[], limit: number): Table<R> => ({ rows: rows.slice(0, limit), totals: { ...t }, omitted: Math.max(0, rows.length - limit) });
  return {
    providers: table(providerRows, MAX_PROVIDER_ROWS), features: table(featureRows, MAX_FEATURE_ROWS),
    calls: callFigures(outcome), freeCalls: free, scatter,
  };
}
