// The costs panel's read model: one snapshot of everything the page shows for one filter state.
// Cards, charts and tables are all folded from the same pass over the same fact rows (./fold.ts), so
// they agree by construction (test/unit/readmodel.test.ts checks it). Each step below is a module of
// this folder: window → filter → one pass over the facts → sections → API-log sections.
import { SOURCE_IDS } from '../../store/schema';
import { selectAll } from '../../store/sqljs';
import type { Database } from '../../store/sqljs';
import { defaultTimeZone, isValidTimeZone } from '../windows';
import { anomaliesInWindow } from '../anomalies';
import { storeBounds } from '../run';
import { callSections } from './apiLogs';
import { MAX_BRANCH_ROWS, branchRows } from './branches';
import { budgetsFor } from './budgets';
import type { BudgetLimits } from './budgets';
import { dailyPeaks, dailySeries, heatmapOf, modelSlices } from './charts';
import { fairPrevious } from './comparison';
import { compileFilter, loadDictionaries, type Dictionaries } from './compileFilter';
import { filterControls } from './controls';
import { nameOf, tableOf } from './figures';
import type { PanelFilter } from './filterState';
import { foldFacts, type FactSums } from './fold';
import { insightOf, panelKpis, previousTotals } from './kpis';
import { limitsFor } from './limits';
import { cacheFiguresOf, type LimitsSection, type ModelCacheSums } from '../limitsSection';
import type { StatusOptions } from '../../limits/status';
import { rateLimitSummary } from './rateLimits';
import { rankSessions, sessionTable } from './sessions';
import { periodSpend } from './spend';
import { MAX_PROJECT_ROWS, MAX_TOOL_ROWS, modelRows, projectRows, toolRows } from './tables';
import { SHORT_RANGE_MS, buildTimeSeries } from './timeSeries';
import type { PanelReadModel } from './types';
import { resolvePanelWindow } from './window';

export interface ReadModelOptions {
  /** Transcript roots the engine scans (shown in the no-data state). */
  roots?: string[];
  /** JSONL files seen by the last scan. */
  files?: number;
  demoMode?: boolean;
  /** History still being read by a cold start (files read of all); null or missing: all read. */
  history?: { filesRead: number; filesTotal: number } | null;
  /** USD budgets from settings; missing or ≤ 0 = no budget. */
  budgets?: BudgetLimits;
  /** When given, receives the milliseconds spent per phase (benchmarks). */
  timings?: Record<string, number>;
  /** The chip's inputs (statusline capture, OAuth snapshot, plan and plan prices) for the Limits section. */
  status?: StatusOptions;
}

/** Adds the milliseconds since the previous lap to `timings[phase]` (no-op without timings). */
function phaseTimer(timings: Record<string, number> | undefined): (phase: string) => void {
  let t0 = performance.now();
  return (phase) => {
    if (!timings) return;
    const t = performance.now();
    timings[phase] = (timings[phase] ?? 0) + (t - t0);
    t0 = t;
  };
}

/** The store holds API-log rows. Small tables only (files, sessions): probing rollup_hour would scan it all when there are none. */
function hasInternalRows(db: Database): boolean {
  return selectAll(db, 'SELECT 1 FROM files WHERE source = ? LIMIT 1', [SOURCE_IDS.internal]).length > 0
    || selectAll(db, 'SELECT 1 FROM sessions WHERE source = ? LIMIT 1', [SOURCE_IDS.internal]).length > 0;
}

/**
 * True when the panel's filter selects exactly the rows a query filter of its source and models would (what the
 * Limits section's cache figures and the unusual sessions read): no drill-down, no project (the panel matches a
 * project's exact name first, a query filter by substring), no cost view over API logs (it leaves out local calls).
 */
function sameRowsAsQueryFilter(filter: PanelFilter, internalAvailable: boolean): boolean {
  return filter.session == null && filter.slot == null && filter.branch == null && filter.provider == null && filter.project == null
    && !(filter.view === 'cost' && internalAvailable);
}

/** Each session's cost in the window, from the page's pass. */
function sessionCostsOf(sums: FactSums): Map<number, number> {
  return new Map([...sums.bySession].map(([id, s]) => [id, s.acc.cost]));
}

/** The Limits section's cache figures from the page's own pass when it reads the same rows (else read apart). */
function cacheFromFold(sums: FactSums, dict: Dictionaries, filter: PanelFilter, internalAvailable: boolean): LimitsSection['cache'] | undefined {
  if (!sameRowsAsQueryFilter(filter, internalAvailable)) return undefined;
  const rows: ModelCacheSums[] = [];
  for (const [modelId, cache] of sums.cacheByModel) {
    const m = sums.byModel.get(modelId)!;
    rows.push({ model: nameOf(dict.models, modelId), cacheReadTokens: m.cache_read_tokens, cacheWriteTokens: m.cache_creation_tokens, sums: cache });
  }
  return cacheFiguresOf(rows);
}

/**
 * The source whose every row the filter selects (no project, model, drill-down, provider, or cost view over API
 * logs, which leaves out local calls); null when it selects fewer rows than that.
 */
function selectsWholeSource(filter: PanelFilter, internalAvailable: boolean): 'all' | 'claude_code' | 'internal' | null {
  const narrowed = filter.project != null || filter.models != null || filter.session != null || filter.slot != null || filter.branch != null
    || filter.provider != null || (filter.view === 'cost' && internalAvailable);
  return narrowed ? null : filter.source;
}

/** The whole-page read model for one filter state at instant `nowMs`. */
export function buildReadModel(db: Database, filterIn: PanelFilter, nowMs: number, opts: ReadModelOptions = {}): PanelReadModel {
  const tz = filterIn.tz && isValidTimeZone(filterIn.tz) ? filterIn.tz : defaultTimeZone();
  const filter: PanelFilter = { ...filterIn, tz, models: filterIn.models ? [...filterIn.models] : null };
  const lap = phaseTimer(opts.timings);
  const dict = loadDictionaries(db);
  lap('dictionaries');

  const { startMs, endMs, label, hasData, exactTimes } = resolvePanelWindow(db, filter, nowMs);
  const internalAvailable = hasInternalRows(db);
  const compiled = compileFilter(filter, dict, { scoped: true, internalAvailable });
  lap('setup');

  const sums = foldFacts(db, compiled, startMs, endMs, exactTimes, tz);
  const totals = sums.totals;
  lap('scan');

  const daily = dailySeries(sums.byDay, startMs, endMs, tz, nowMs);
  lap('daily');

  const compared = fairPrevious(filter, startMs, endMs, nowMs);
  const previous = previousTotals(db, compiled, compared, exactTimes, selectsWholeSource(filter, internalAvailable));
  lap('previous');

  const kpis = panelKpis(sums, previous, filter, startMs, endMs, nowMs);
  lap('kpis');

  const models = modelRows(sums, dict);
  const projects = projectRows(sums, dict);
  const tools = toolRows(sums, dict);
  const ranked = rankSessions(db, sums);
  lap('tables');

  const branches = branchRows(sums, dict, totals);
  lap('branches');

  const sessions = sessionTable(db, compiled, ranked, dict, { startMs, endMs }, nowMs, totals);
  lap('sessionTimes');

  const shortRange = endMs - startMs <= SHORT_RANGE_MS;
  const timeSeries = shortRange ? buildTimeSeries(db, compiled, startMs, endMs, nowMs, filter.interval) : null;
  lap('charts');

  const insight = insightOf(sums, dict);
  lap('insight');

  const spend = periodSpend(db, filter, nowMs);
  lap('budgets');

  const available = filterControls(db, dict, filter, models, internalAvailable);
  lap('controls');

  const calls = callSections(db, filter, dict, { startMs, endMs, internalAvailable, claudeCode: sums.claudeCode.metrics(), totals });
  const rateLimits = rateLimitSummary(db, nowMs);
  lap('apiLogs');

  const limits = limitsFor(db, filter, { startMs, endMs }, nowMs, opts.status, cacheFromFold(sums, dict, filter, internalAvailable));
  lap('limits');

  // Unusual days and sessions, under the filters a spending baseline means something for.
  const anomalies = hasData
    ? anomaliesInWindow(db, { source: filter.source, project: filter.project, models: filter.models, executionMode: null, tz }, startMs, Math.min(endMs, nowMs + 1),
      sameRowsAsQueryFilter(filter, internalAvailable) && (endMs <= nowMs + 1 || (storeBounds(db).latestMs ?? 0) <= nowMs) ? sessionCostsOf(sums) : undefined)
    : { days: [], sessions: [] };
  lap('anomalies');

  return {
    generatedAt: new Date(nowMs).toISOString(),
    nowMs,
    filter,
    window: { startMs, endMs, tz, label, days: daily.length, previous: compared, shortRange },
    dataState: !hasData ? 'no_data' : totals.requests === 0 ? 'no_rows' : 'ok',
    scanned: { roots: [...(opts.roots ?? [])], files: opts.files ?? null },
    history: opts.history ? { ...opts.history } : null,
    demoMode: opts.demoMode === true,
    sources: { internalAvailable },
    available,
    totals,
    kpis,
    insight,
    daily,
    dailyPeak: dailyPeaks(daily),
    hasSubagent: sums.sub.requests > 0,
    modelSlices: modelSlices(models),
    heatmap: heatmapOf(sums.heat),
    timeSeries,
    models: tableOf(models, models.length, totals),
    projects: tableOf(projects, MAX_PROJECT_ROWS, totals),
    branches: tableOf(branches, MAX_BRANCH_ROWS, totals),
    tools: tableOf(tools, MAX_TOOL_ROWS, totals),
    sessions,
    spend,
    budgets: budgetsFor(spend, opts.budgets ?? {}),
    providers: calls.providers,
    features: calls.features,
    calls: calls.calls,
    freeCalls: calls.freeCalls,
    scatter: calls.scatter,
    rateLimits,
    limits,
    anomalies,
  };
}
