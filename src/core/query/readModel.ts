// The costs panel's read model: one snapshot of everything the page shows for one filter state.
// Cards, charts and tables are all folded from the same pass over the same fact rows, so they agree
// by construction (test/unit/readmodel.test.ts checks it).
//
// Speed: the window's whole UTC hours come from rollup_hour (pre-summed); only the partial hours at
// the edges (rolling windows such as last_24h) are read from `requests` through its ts index. In a
// zone whose offset is not a whole hour (Asia/Kolkata) day/hour buckets need the exact timestamps,
// so everything is read from `requests` there. Every user value is a bound parameter; project and
// model names are resolved to integer ids in JS first.
//
// API logs (issue 7): a provider filter needs `requests` (rollup_hour has no provider), so the filter
// compiles to disjoint parts — Claude Code rows (rollup) and API-log rows (raw) — read one after the
// other. By provider / by feature, call outcomes and the duration scatter group API-log rows in SQL;
// Claude Code rows join them as provider "anthropic", feature "(none)", as in llm_costs_query.
import type { Metrics } from '../types';
import type {
  BudgetLimits, CallFigures, DailyPoint, DurationScatter, FeatureRow, Heatmap, Insight, Kpi, ModelFamily, ModelRateLimit, ModelRow,
  ModelSlice, PanelFilter, PanelReadModel, ProjectRow, ProviderRow, RateLimitKindName, RateLimitReadingView, RateLimitSummary,
  ScatterPoint, SeriesInterval, SeriesPoint, SessionRow, SplitFigures, Table, TimeSeries, ToolRow,
} from '../../protocol';
import {
  CLAUDE_CODE_PROVIDER, MAX_SCATTER_POINTS, MODEL_FAMILIES, NO_FEATURE, UNKNOWN_PROVIDER, budgetsFor, modelFamily,
} from '../../protocol';
import { EXECUTION_MODE_IDS, SOURCE_IDS } from '../store/schema';
import { selectAll } from '../store/sqljs';
import type { Database, SqlValue } from '../store/sqljs';
import { latestRateLimits } from '../sources/api-log/scanner';
import {
  addMetrics, addOutcome, callStats, emptyMetrics, emptyOutcome, metricSelectSql, metricsFromRow, outcomeFromRow, outcomeSelectSql,
} from './metrics';
import type { OutcomeSums } from './metrics';
import {
  DAY_MS, HOUR_MS, dayNumberToKey, defaultTimeZone, isValidTimeZone, localDayNumber, offsetSegments, parseDayKey,
  previousWindow, resolveWindow, startOfLocalDay, tzOffsetMs,
} from './windows';

export interface ReadModelOptions {
  /** Transcript roots the engine scans (shown in the no-data state). */
  roots?: string[];
  /** JSONL files seen by the last scan. */
  files?: number;
  demoMode?: boolean;
  /** USD budgets from settings; missing or ≤ 0 = no budget. */
  budgets?: BudgetLimits;
  /** When given, receives the milliseconds spent per phase (benchmarks). */
  timings?: Record<string, number>;
}

/** A session counts as active when its last request is this recent. */
export const ACTIVE_SESSION_MS = 10 * 60_000;
/** The short-range time series is offered up to this window length. */
export const SHORT_RANGE_MS = 48 * HOUR_MS;
export const MAX_PROJECT_ROWS = 200;
export const MAX_TOOL_ROWS = 100;
export const MAX_SESSION_ROWS = 100;
/** Sessions (by cost) whose first/last instants are read exactly; the rest are to the hour. */
export const EXACT_SESSION_TIMES = 10;

const INTERVAL_MS: Record<SeriesInterval, number> = { '5m': 300_000, '15m': 900_000, '1h': HOUR_MS };

// Column order of a fact row (rollup_hour row, or one request shaped like one).
const F_HOUR = 0, F_SESSION = 1, F_PROJECT = 2, F_MODEL = 3, F_TOOLSET = 4, F_SIDECHAIN = 5, F_REQUESTS = 6,
  F_INPUT = 7, F_OUTPUT = 8, F_CW = 9, F_CR = 10, F_WEB = 11, F_COST = 12, F_UNPRICED = 13, F_SOURCE = 14, F_EXEC = 15;

const ROLLUP_FACTS = `SELECT hour, session_id, project_id, model_id, toolset_id, sidechain, requests, input_tokens,
  output_tokens, cache_creation_tokens, cache_read_tokens, web_search_requests, cost_usd, unpriced_requests, source, execution_mode FROM rollup_hour`;
const REQUEST_FACTS = `SELECT ts, session_id, project_id, model_id, toolset_id, sidechain, 1, input_tokens,
  output_tokens, cache_creation_tokens, cache_read_tokens, web_search_requests, cost_usd, 1 - priced, source, execution_mode FROM requests`;

/**
 * One disjoint slice of the rows a filter selects. `raw`: its WHERE names columns only `requests` has
 * (provider_id), so it is never read from rollup_hour.
 */
interface FilterPart { where: string[]; params: SqlValue[]; raw: boolean }

/** The filter as disjoint parts (usually one); no part = nothing matches. */
interface CompiledFilter { parts: FilterPart[]; empty: boolean }

const NOTHING: CompiledFilter = { parts: [], empty: true };

interface Dictionaries {
  projects: Map<number, string>;
  models: Map<number, string>;
  toolsets: Map<number, string>;
  providers: Map<number, string>;
  features: Map<number, string>;
}

function loadDictionaries(db: Database): Dictionaries {
  const load = (table: string) => {
    const m = new Map<number, string>();
    for (const r of selectAll<{ id: number; name: string }>(db, `SELECT id, name FROM ${table}`)) m.set(Number(r.id), String(r.name));
    return m;
  };
  return {
    projects: load('projects'), models: load('models'), toolsets: load('toolsets'), providers: load('providers'), features: load('features'),
  };
}

interface CompileOptions {
  /** False: ignore the source, provider and view (the budgets' "all spend"). */
  scoped: boolean;
  /** The store has API-log rows; without them the internal part is left out (no useless reads). */
  internalAvailable: boolean;
}

/**
 * The filter as WHERE fragments over ids. Project: the exact canonical name when one matches (the
 * panel's select), else a case-insensitive substring (a filter handed over from llm_costs_query).
 *
 * Cost view: calls that cost nothing by design are left out. The store marks them cost_kind 2, which
 * ingest sets exactly for local calls (execution_mode 1; a local line's logged cost is ignored, and
 * Claude Code rows are cloud), so `execution_mode = 0` selects the same rows — and rollup_hour carries
 * execution_mode but not cost_kind (test/unit/readmodel-api-logs.test.ts checks the equivalence).
 */
function compileFilter(filter: PanelFilter, dict: Dictionaries, opts: CompileOptions): CompiledFilter {
  const common: string[] = [];
  const params: SqlValue[] = [];
  if (filter.project != null) {
    let ids = [...dict.projects].filter(([, n]) => n === filter.project).map(([id]) => id);
    if (ids.length === 0) {
      const needle = filter.project.toLowerCase();
      ids = [...dict.projects].filter(([, n]) => n.toLowerCase().includes(needle)).map(([id]) => id);
    }
    if (ids.length === 0) return NOTHING;
    common.push(`project_id IN (${ids.map(() => '?').join(',')})`);
    params.push(...ids);
  }
  if (filter.models != null) {
    const wanted = new Set(filter.models);
    const ids = [...dict.models].filter(([, n]) => wanted.has(n)).map(([id]) => id);
    if (ids.length === 0) return NOTHING;
    common.push(`model_id IN (${ids.map(() => '?').join(',')})`);
    params.push(...ids);
  }
  if (!opts.scoped) return { parts: [{ where: common, params, raw: false }], empty: false };
  if (filter.view === 'cost' && opts.internalAvailable) common.push(`execution_mode = ${EXECUTION_MODE_IDS.cloud}`);

  let claudeCode = filter.source !== 'internal';
  let internal = filter.source !== 'claude_code' && opts.internalAvailable;
  const internalWhere: string[] = [];
  const internalParams: SqlValue[] = [];
  if (filter.provider != null) {
    if (filter.provider !== CLAUDE_CODE_PROVIDER) claudeCode = false;
    if (filter.provider === UNKNOWN_PROVIDER) {
      internalWhere.push('provider_id IS NULL');
    } else {
      const ids = [...dict.providers].filter(([, n]) => n === filter.provider).map(([id]) => id);
      if (ids.length === 0) internal = false;
      internalWhere.push(`provider_id IN (${ids.map(() => '?').join(',')})`);
      internalParams.push(...ids);
    }
  }
  const parts: FilterPart[] = [];
  if (claudeCode && internal && internalWhere.length === 0) {
    parts.push({ where: common, params, raw: false });
  } else {
    if (claudeCode) parts.push({ where: [`source = ${SOURCE_IDS.claude_code}`, ...common], params, raw: false });
    if (internal) {
      parts.push({
        where: [`source = ${SOURCE_IDS.internal}`, ...internalWhere, ...common], params: [...internalParams, ...params], raw: internalWhere.length > 0,
      });
    }
  }
  return { parts, empty: parts.length === 0 };
}

/** The whole filter as one WHERE over `requests` (the parts OR-ed). */
function requestsWhere(f: CompiledFilter): { sql: string[]; params: SqlValue[] } {
  if (f.parts.length === 1) return { sql: f.parts[0].where, params: f.parts[0].params };
  const sql = f.parts.map((p) => (p.where.length ? `(${p.where.join(' AND ')})` : '1')).join(' OR ');
  return { sql: [`(${sql})`], params: f.parts.flatMap((p) => p.params) };
}

/** True when every local hour boundary in the window falls on a whole UTC hour. */
function wholeHourZone(startMs: number, endMs: number, tz: string): boolean {
  return offsetSegments(startMs, endMs, tz).every((s) => s.offsetMs % HOUR_MS === 0);
}

/** Calls `visit` with every fact row of [startMs, endMs) matching the filter (each request exactly once). */
function scanFacts(
  db: Database, f: CompiledFilter, startMs: number, endMs: number, exactTimes: boolean, visit: (row: SqlValue[]) => void,
): void {
  if (f.empty || endMs <= startMs) return;
  for (const part of f.parts) {
    const run = (base: string, timeCol: string, lo: number, hi: number) => {
      if (hi <= lo) return;
      const where = [`${timeCol} >= ?`, `${timeCol} < ?`, ...part.where].join(' AND ');
      const stmt = db.prepare(`${base} WHERE ${where}`);
      try {
        stmt.bind([lo, hi, ...part.params]);
        while (stmt.step()) visit(stmt.get());
      } finally {
        stmt.free();
      }
    };
    const firstWhole = Math.ceil(startMs / HOUR_MS) * HOUR_MS;
    const lastWhole = Math.floor(endMs / HOUR_MS) * HOUR_MS;
    if (exactTimes || part.raw || firstWhole >= lastWhole) {
      run(REQUEST_FACTS, 'ts', startMs, endMs);
      continue;
    }
    run(REQUEST_FACTS, 'ts', startMs, firstWhole);
    run(ROLLUP_FACTS, 'hour', firstWhole, lastWhole);
    run(REQUEST_FACTS, 'ts', lastWhole, endMs);
  }
}

/**
 * Running sums of one group. A class with plain fields (not a Metrics record walked by key): this is
 * the hot loop of the panel, and monomorphic field adds keep it an order of magnitude faster.
 */
class Acc {
  requests = 0; input = 0; output = 0; cacheWrite = 0; cacheRead = 0; cost = 0; unpriced = 0; web = 0;

  addRow(row: SqlValue[]): void {
    this.requests += row[F_REQUESTS] as number;
    this.input += row[F_INPUT] as number;
    this.output += row[F_OUTPUT] as number;
    this.cacheWrite += row[F_CW] as number;
    this.cacheRead += row[F_CR] as number;
    this.cost += row[F_COST] as number;
    this.unpriced += row[F_UNPRICED] as number;
    this.web += row[F_WEB] as number;
  }

  addAcc(o: Acc): void {
    this.requests += o.requests; this.input += o.input; this.output += o.output; this.cacheWrite += o.cacheWrite;
    this.cacheRead += o.cacheRead; this.cost += o.cost; this.unpriced += o.unpriced; this.web += o.web;
  }

  get tokens(): number { return this.input + this.output + this.cacheWrite + this.cacheRead; }

  metrics(): Metrics {
    return {
      requests: this.requests, input_tokens: this.input, output_tokens: this.output, cache_creation_tokens: this.cacheWrite,
      cache_read_tokens: this.cacheRead, total_tokens: this.tokens, cost_usd: this.cost, unpriced_requests: this.unpriced,
      web_search_requests: this.web,
    };
  }
}

/** Totals of [startMs, endMs) for the filter, summed in SQL (one row per part of the window). */
function sumRange(db: Database, f: CompiledFilter, startMs: number, endMs: number, exactTimes: boolean): Metrics {
  const total = emptyMetrics();
  if (f.empty || endMs <= startMs) return total;
  for (const p of f.parts) {
    const part = (table: 'requests' | 'rollup_hour', lo: number, hi: number) => {
      if (hi <= lo) return;
      const col = table === 'requests' ? 'ts' : 'hour';
      const where = [`${col} >= ?`, `${col} < ?`, ...p.where].join(' AND ');
      const row = selectAll(db, `SELECT ${metricSelectSql(table)} FROM ${table} WHERE ${where}`, [lo, hi, ...p.params])[0];
      if (row) addMetrics(total, metricsFromRow(row));
    };
    const firstWhole = Math.ceil(startMs / HOUR_MS) * HOUR_MS;
    const lastWhole = Math.floor(endMs / HOUR_MS) * HOUR_MS;
    if (exactTimes || p.raw || firstWhole >= lastWhole) {
      part('requests', startMs, endMs);
    } else {
      part('requests', startMs, firstWhole);
      part('rollup_hour', firstWhole, lastWhole);
      part('requests', lastWhole, endMs);
    }
  }
  return total;
}

/** UTC offset of tz at an instant, from precomputed constant-offset stretches (no Intl call per row). */
function offsetLookup(startMs: number, endMs: number, tz: string): (t: number) => number {
  const segs = offsetSegments(startMs, endMs, tz);
  let last = segs[0];
  return (t: number) => {
    if (last && t >= last.startMs && t < last.endMs) return last.offsetMs;
    let lo = 0, hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid].startMs <= t) lo = mid; else hi = mid - 1;
    }
    last = segs[lo];
    return last ? last.offsetMs : tzOffsetMs(t, tz);
  };
}

const pct = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : 0);
const round1 = (n: number) => Math.round(n * 10) / 10;

function kpi(value: number, previous: number | null, projection: number | null): Kpi {
  const deltaPct = previous == null || previous === 0 ? null : Math.round(((value - previous) / previous) * 1000) / 10;
  return { value, previous, deltaPct, projectedMonth: projection == null ? null : value * projection };
}

interface SessionAcc { acc: Acc; project: number; models: Set<number>; firstHour: number; lastHour: number; sub: number }

/** The whole-page read model for one filter state at instant `nowMs`. */
export function buildReadModel(db: Database, filterIn: PanelFilter, nowMs: number, opts: ReadModelOptions = {}): PanelReadModel {
  const tz = filterIn.tz && isValidTimeZone(filterIn.tz) ? filterIn.tz : defaultTimeZone();
  const filter: PanelFilter = { ...filterIn, tz, models: filterIn.models ? [...filterIn.models] : null };
  const dict = loadDictionaries(db);

  // Optional phase timings for the benchmark (opts.timings receives ms per phase).
  let t0 = performance.now();
  const lap = (phase: string) => {
    if (!opts.timings) return;
    const t = performance.now();
    opts.timings[phase] = (opts.timings[phase] ?? 0) + (t - t0);
    t0 = t;
  };
  lap('dictionaries');
  // Store bounds through the ts index (MIN and MAX separately: each is then an index lookup).
  const earliest = selectAll<{ v: SqlValue }>(db, 'SELECT MIN(ts) AS v FROM requests')[0]?.v;
  const latest = selectAll<{ v: SqlValue }>(db, 'SELECT MAX(ts) AS v FROM requests')[0]?.v;
  const hasData = typeof earliest === 'number';

  // The window.
  let startMs: number, endMs: number, label: string;
  if (filter.range === 'custom') {
    const from = filter.from ? parseDayKey(filter.from) : null;
    const until = filter.until ? parseDayKey(filter.until) : null;
    const today = localDayNumber(nowMs, tz);
    const a = from ?? today, b = until ?? today;
    startMs = startOfLocalDay(Math.min(a, b), tz);
    endMs = startOfLocalDay(Math.max(a, b) + 1, tz);
    label = `${dayNumberToKey(Math.min(a, b))} – ${dayNumberToKey(Math.max(a, b))}`;
  } else {
    const w = resolveWindow(filter.range, tz, nowMs, {
      earliestMs: hasData ? (earliest as number) : null,
      latestEndMs: typeof latest === 'number' ? Math.floor(latest / HOUR_MS) * HOUR_MS + HOUR_MS : null,
    });
    ({ startMs, endMs, label } = w);
    if (filter.range === 'all' && !hasData) startMs = Math.max(0, endMs - DAY_MS);
  }
  const exactTimes = !wholeHourZone(startMs, endMs, tz);
  // Small tables only (files, sessions): a probe of rollup_hour would scan it all when there are none.
  const internalAvailable = selectAll(db, 'SELECT 1 FROM files WHERE source = ? LIMIT 1', [SOURCE_IDS.internal]).length > 0
    || selectAll(db, 'SELECT 1 FROM sessions WHERE source = ? LIMIT 1', [SOURCE_IDS.internal]).length > 0;
  const compiled = compileFilter(filter, dict, { scoped: true, internalAvailable });

  lap('setup');
  // One pass over the window's facts feeds every section.
  const main = new Acc();
  const sub = new Acc();
  const claudeCodeAcc = new Acc();
  const cloudAcc = new Acc();
  const localAcc = new Acc();
  const byDay = new Map<number, { main: Acc; sub: Acc }>();
  const byModelAcc = new Map<number, Acc>();
  const byProjectAcc = new Map<number, Acc>();
  const byToolsetAcc = new Map<number, Acc>();
  const bySession = new Map<number, SessionAcc>();
  const heat = { tokens: grid(), cost: grid(), requests: grid() };
  const offsetAt = offsetLookup(startMs, endMs, tz);
  const accOf = (map: Map<number, Acc>, key: number) => {
    let a = map.get(key);
    if (!a) map.set(key, (a = new Acc()));
    return a;
  };

  scanFacts(db, compiled, startMs, endMs, exactTimes, (row) => {
    const timeMs = row[F_HOUR] as number;
    const isSub = row[F_SIDECHAIN] === 1;
    (isSub ? sub : main).addRow(row);
    if (row[F_SOURCE] === SOURCE_IDS.claude_code) claudeCodeAcc.addRow(row);
    (row[F_EXEC] === EXECUTION_MODE_IDS.local ? localAcc : cloudAcc).addRow(row);
    const local = timeMs + offsetAt(timeMs);
    const day = Math.floor(local / DAY_MS);
    const weekday = (((day + 3) % 7) + 7) % 7;
    const hour = Math.floor((local - day * DAY_MS) / HOUR_MS);
    let d = byDay.get(day);
    if (!d) byDay.set(day, (d = { main: new Acc(), sub: new Acc() }));
    (isSub ? d.sub : d.main).addRow(row);
    const tokens = (row[F_INPUT] as number) + (row[F_OUTPUT] as number) + (row[F_CW] as number) + (row[F_CR] as number);
    heat.tokens[weekday][hour] += tokens;
    heat.cost[weekday][hour] += row[F_COST] as number;
    heat.requests[weekday][hour] += row[F_REQUESTS] as number;
    const modelId = row[F_MODEL] as number;
    accOf(byModelAcc, modelId).addRow(row);
    accOf(byProjectAcc, row[F_PROJECT] as number).addRow(row);
    accOf(byToolsetAcc, row[F_TOOLSET] as number).addRow(row);
    const sid = row[F_SESSION] as number;
    const hourFloor = Math.floor(timeMs / HOUR_MS) * HOUR_MS;
    let s = bySession.get(sid);
    if (!s) {
      bySession.set(sid, (s = { acc: new Acc(), project: row[F_PROJECT] as number, models: new Set(), firstHour: hourFloor, lastHour: hourFloor, sub: 0 }));
    }
    s.acc.addRow(row);
    s.models.add(modelId);
    if (hourFloor < s.firstHour) s.firstHour = hourFloor;
    if (hourFloor > s.lastHour) s.lastHour = hourFloor;
    if (isSub) s.sub += row[F_REQUESTS] as number;
  });
  const totalAcc = new Acc();
  totalAcc.addAcc(main);
  totalAcc.addAcc(sub);
  const totals = totalAcc.metrics();
  const toMetrics = (map: Map<number, Acc>) => new Map([...map].map(([k, a]) => [k, a.metrics()] as [number, Metrics]));
  const byModel = toMetrics(byModelAcc);
  const byProject = toMetrics(byProjectAcc);
  const byToolset = toMetrics(byToolsetAcc);

  lap('scan');
  // Daily series: every local day of the window (zero-filled), cumulative cost in order.
  const firstDay = localDayNumber(startMs, tz);
  const lastDay = localDayNumber(endMs - 1, tz);
  const daily: DailyPoint[] = [];
  let cumulative = 0;
  for (let day = firstDay; day <= lastDay; day++) {
    const d = byDay.get(day) ?? { main: new Acc(), sub: new Acc() };
    const all = new Acc();
    all.addAcc(d.main);
    all.addAcc(d.sub);
    cumulative += all.cost;
    daily.push({
      ...all.metrics(), day: dayNumberToKey(day), startMs: Math.max(startMs, startOfLocalDay(day, tz)), cumulativeCost: cumulative,
      mainTokens: d.main.tokens, subagentTokens: d.sub.tokens, mainCost: d.main.cost, subagentCost: d.sub.cost,
    });
  }

  lap('daily');
  // Previous window of equal length (for the card deltas); none for "all".
  const prevRange = filter.range === 'all' ? null : previousWindow({ startMs, endMs });
  const prevTotals = prevRange ? sumRange(db, compiled, prevRange.startMs, prevRange.endMs, exactTimes) : null;

  lap('previous');
  // Month projection: this_month only, linear in the elapsed share of the month.
  let projection: number | null = null;
  if (filter.range === 'this_month' && nowMs > startMs) {
    const elapsed = Math.min(1, (nowMs - startMs) / (endMs - startMs));
    projection = elapsed >= 1 / 62 ? 1 / elapsed : null;
  }
  const elapsedDays = Math.max(1, Math.ceil((Math.min(endMs, Math.max(nowMs, startMs + 1)) - startMs) / DAY_MS));
  const split = (m: Metrics): SplitFigures => ({ requests: m.requests, total_tokens: m.total_tokens, cost_usd: m.cost_usd });
  const kpis = {
    requests: kpi(totals.requests, prevTotals?.requests ?? null, projection),
    totalTokens: kpi(totals.total_tokens, prevTotals?.total_tokens ?? null, projection),
    cost: kpi(totals.cost_usd, prevTotals?.cost_usd ?? null, projection),
    requestsPerDay: totals.requests / elapsedDays,
    costPerRequest: totals.requests > 0 ? totals.cost_usd / totals.requests : null,
    buckets: {
      input_tokens: totals.input_tokens, output_tokens: totals.output_tokens,
      cache_creation_tokens: totals.cache_creation_tokens, cache_read_tokens: totals.cache_read_tokens,
    },
    main: split(main.metrics()),
    subagent: split(sub.metrics()),
    subagentTokenPct: pct(sub.tokens, totals.total_tokens),
    unpricedRequests: totals.unpriced_requests,
    cloud: split(cloudAcc.metrics()),
    local: split(localAcc.metrics()),
  };

  const byCostThenTokens = (a: Metrics, b: Metrics) => b.cost_usd - a.cost_usd || b.total_tokens - a.total_tokens;
  const name = (map: Map<number, string>, id: number) => map.get(id) ?? `(unknown #${id})`;

  lap('kpis');
  // Tables.
  const modelRows: ModelRow[] = [...byModel].map(([id, m]) => {
    const model = name(dict.models, id);
    return {
      ...m, model, family: modelFamily(model), shareOfCost: pct(m.cost_usd, totals.cost_usd),
      shareOfTokens: pct(m.total_tokens, totals.total_tokens), unpriced: m.unpriced_requests > 0,
    };
  }).sort(byCostThenTokens);
  const projectRowsAll: ProjectRow[] = [...byProject].map(([id, m]) => ({
    ...m, project: name(dict.projects, id), shareOfCost: pct(m.cost_usd, totals.cost_usd), shareOfTokens: pct(m.total_tokens, totals.total_tokens),
  })).sort(byCostThenTokens);
  const toolRowsAll: ToolRow[] = [...byToolset].map(([id, m]) => {
    const set = name(dict.toolsets, id);
    return { ...m, tool: set === '' ? '(none)' : set, shareOfCost: pct(m.cost_usd, totals.cost_usd), shareOfTokens: pct(m.total_tokens, totals.total_tokens) };
  }).sort(byCostThenTokens);

  const sessionsSorted = [...bySession].map(([id, sa]) => [id, { ...sa, m: sa.acc.metrics() }] as const).sort((a, b) => byCostThenTokens(a[1].m, b[1].m));
  const shownSessions = sessionsSorted.slice(0, MAX_SESSION_ROWS);
  const sessionMeta = new Map<number, { key: string; title: string | null }>();
  if (shownSessions.length > 0) {
    const ids = shownSessions.map(([id]) => id);
    for (const r of selectAll<{ id: number; k: string; t: SqlValue }>(
      db, `SELECT id, session_key AS k, title AS t FROM sessions WHERE id IN (${ids.map(() => '?').join(',')})`, ids,
    )) {
      const title = typeof r.t === 'string' && r.t.trim() !== '' ? r.t : null;
      sessionMeta.set(Number(r.id), { key: String(r.k), title });
    }
  }
  lap('tables');
  // Exact instants cost one indexed read per distinct hour, so only where they matter: sessions that
  // may be active (the dot) and the costliest few. The rest keep the rollup's hour precision.
  const exactFor = shownSessions.filter(([, s], i) => i < EXACT_SESSION_TIMES || s.lastHour >= nowMs - 2 * HOUR_MS);
  const exact = exactSessionTimes(db, compiled, exactFor.map(([id, s]) => ({ id, firstHour: s.firstHour, lastHour: s.lastHour })), startMs, endMs);
  const sessionRows: SessionRow[] = shownSessions.map(([id, s]) => {
    const t = exact.get(id);
    const firstMs = t?.first ?? Math.max(startMs, s.firstHour);
    const lastMs = t?.last ?? Math.max(firstMs, s.lastHour);
    return {
      ...s.m, sessionKey: sessionMeta.get(id)?.key ?? `(unknown #${id})`, title: sessionMeta.get(id)?.title ?? null,
      project: name(dict.projects, s.project), models: [...s.models].map((m) => name(dict.models, m)).sort(),
      firstMs, lastMs, exactTimes: t !== undefined, active: nowMs - lastMs <= ACTIVE_SESSION_MS && lastMs <= nowMs + 60_000, subagentRequests: s.sub,
    };
  });
  const table = <R>(rows: R[], limit: number): Table<R> => ({ rows: rows.slice(0, limit), totals: { ...totals }, omitted: Math.max(0, rows.length - limit) });

  lap('sessionTimes');
  // Charts.
  const modelSlices: ModelSlice[] = modelRows.map((r) => ({
    model: r.model, family: r.family, total_tokens: r.total_tokens, cost_usd: r.cost_usd,
    tokenPct: r.shareOfTokens, costPct: r.shareOfCost,
  }));
  const peakOf = (g: number[][]) => {
    let best: { weekday: number; hour: number; value: number } | null = null;
    g.forEach((row, weekday) => row.forEach((value, hour) => { if (value > 0 && (!best || value > best.value)) best = { weekday, hour, value }; }));
    return best as { weekday: number; hour: number; value: number } | null;
  };
  const heatmap: Heatmap = {
    ...heat, maxTokens: Math.max(0, ...heat.tokens.flat()), maxCost: Math.max(0, ...heat.cost.flat()),
    peakTokens: peakOf(heat.tokens), peakCost: peakOf(heat.cost),
  };
  const dailyPeakOf = (value: (d: DailyPoint) => number) => {
    let best: { day: string; value: number } | null = null;
    for (const d of daily) if (value(d) > 0 && (!best || value(d) > best.value)) best = { day: d.day, value: value(d) };
    return best;
  };
  const shortRange = endMs - startMs <= SHORT_RANGE_MS;
  const timeSeries = shortRange ? buildTimeSeries(db, compiled, startMs, endMs, nowMs, filter.interval) : null;

  lap('charts');
  // Insight: whichever model or project has the larger share of output tokens.
  let insight: Insight | null = null;
  if (totals.output_tokens > 0) {
    const topBy = (map: Map<number, Metrics>, names: Map<number, string>) => {
      let best: [number, Metrics] | null = null;
      for (const e of map) if (!best || e[1].output_tokens > best[1].output_tokens) best = e;
      return best ? { subject: name(names, best[0]), outputTokens: best[1].output_tokens } : null;
    };
    // A dimension with a single member says nothing ("X drives 100 %"): prefer one with several.
    const candidates = [
      { kind: 'model' as const, top: topBy(byModel, dict.models), informative: byModel.size > 1 },
      { kind: 'project' as const, top: topBy(byProject, dict.projects), informative: byProject.size > 1 },
    ].filter((c) => c.top !== null);
    candidates.sort((a, b) => Number(b.informative) - Number(a.informative) || b.top!.outputTokens - a.top!.outputTokens);
    const best = candidates[0];
    const pick = best ? { kind: best.kind, ...best.top! } : null;
    if (pick) insight = { ...pick, sharePct: round1(pct(pick.outputTokens, totals.output_tokens)) };
  }

  lap('insight');
  // Budgets: all spend (every source, model and project) today and this month, in tz.
  const all = compileFilter({ ...filter, project: null, models: null }, dict, { scoped: false, internalAvailable });
  const today = resolveWindow('today', tz, nowMs);
  const month = resolveWindow('this_month', tz, nowMs);
  const dayExact = !wholeHourZone(month.startMs, month.endMs, tz);
  const todaySpend = sumRange(db, all, today.startMs, Math.min(today.endMs, nowMs + 1), dayExact).cost_usd;
  const monthSpend = sumRange(db, all, month.startMs, Math.min(month.endMs, nowMs + 1), dayExact).cost_usd;
  const frac = (w: { startMs: number; endMs: number }) => Math.min(1, Math.max(0, (nowMs - w.startMs) / (w.endMs - w.startMs)));
  const todayKey = dayNumberToKey(localDayNumber(nowMs, tz));
  const spend = {
    today: { usd: todaySpend, elapsed: frac(today), period: todayKey },
    month: { usd: monthSpend, elapsed: frac(month), period: todayKey.slice(0, 7) },
  };

  lap('budgets');
  // Filter controls: every project and model in the store, models grouped by family.
  const unpricedModels = new Set(modelRows.filter((r) => r.unpriced).map((r) => r.model));
  const providers = internalAvailable ? providerModels(db, dict) : [];
  // A picked provider scopes the chips to the models it served.
  const scope = filter.provider == null ? null : new Set(providers.find((p) => p.name === filter.provider)?.models ?? []);
  const families = new Map<ModelFamily, { id: string; unpriced: boolean }[]>();
  for (const id of [...dict.models.values()].sort()) {
    if (scope && !scope.has(id)) continue;
    const fam = modelFamily(id);
    if (!families.has(fam)) families.set(fam, []);
    families.get(fam)!.push({ id, unpriced: unpricedModels.has(id) });
  }

  lap('controls');
  // API-log sections: by provider / feature, call outcomes, the scatter, hidden free calls.
  const calls = callSections(db, filter, dict, { startMs, endMs, internalAvailable, claudeCode: claudeCodeAcc.metrics(), totals });
  const rateLimits = rateLimitSummary(db, nowMs);

  lap('apiLogs');
  return {
    generatedAt: new Date(nowMs).toISOString(),
    nowMs,
    filter,
    window: { startMs, endMs, tz, label, days: daily.length, previous: prevRange, shortRange },
    dataState: !hasData ? 'no_data' : totals.requests === 0 ? 'no_rows' : 'ok',
    scanned: { roots: [...(opts.roots ?? [])], files: opts.files ?? null },
    demoMode: opts.demoMode === true,
    sources: { internalAvailable },
    available: {
      projects: [...new Set(dict.projects.values())].sort((a, b) => a.localeCompare(b)),
      models: MODEL_FAMILIES.filter((f) => families.has(f)).map((family) => ({ family, models: families.get(family)! })),
      providers,
    },
    totals,
    kpis,
    insight,
    daily,
    dailyPeak: { tokens: dailyPeakOf((d) => d.total_tokens), cost: dailyPeakOf((d) => d.cost_usd) },
    hasSubagent: sub.requests > 0,
    modelSlices,
    heatmap,
    timeSeries,
    models: table(modelRows, modelRows.length),
    projects: table(projectRowsAll, MAX_PROJECT_ROWS),
    tools: table(toolRowsAll, MAX_TOOL_ROWS),
    sessions: { rows: sessionRows, totals: { ...totals }, omitted: Math.max(0, sessionsSorted.length - MAX_SESSION_ROWS) },
    spend,
    budgets: budgetsFor(spend, opts.budgets ?? {}),
    providers: calls.providers,
    features: calls.features,
    calls: calls.calls,
    freeCalls: calls.freeCalls,
    scatter: calls.scatter,
    rateLimits,
  };
}

// ---------------------------------------------------------------------------------------------
// API-log sections (issue 7)

/** Which (source, provider, model) combinations the store holds, kept per database and read incrementally. */
interface ProviderModelIndex { maxId: number; pairs: Set<string> }
const providerIndexCache = new WeakMap<Database, ProviderModelIndex>();

/**
 * Providers with the models each served. The combinations are read once per database and then only
 * from rows added since (ids only grow; a dedup update keeps its row's provider and model), so the
 * panel does not scan `requests` on every refresh.
 */
function providerModels(db: Database, dict: Dictionaries): { name: string; models: string[] }[] {
  let index = providerIndexCache.get(db);
  if (!index) providerIndexCache.set(db, (index = { maxId: 0, pairs: new Set() }));
  const maxId = Number(selectAll<{ v: SqlValue }>(db, 'SELECT MAX(id) AS v FROM requests')[0]?.v ?? 0);
  if (maxId < index.maxId) index.pairs.clear(), (index.maxId = 0); // a rebuilt store
  if (maxId > index.maxId) {
    for (const r of selectAll<{ s: number; p: SqlValue; m: number }>(
      db, 'SELECT DISTINCT source AS s, provider_id AS p, model_id AS m FROM requests WHERE id > ?', [index.maxId],
    )) index.pairs.add(`${r.s}:${r.p ?? ''}:${r.m}`);
    index.maxId = maxId;
  }
  const byProvider = new Map<string, Set<string>>();
  for (const key of index.pairs) {
    const [source, provider, model] = key.split(':');
    const name = Number(source) === SOURCE_IDS.claude_code ? CLAUDE_CODE_PROVIDER
      : provider === '' ? UNKNOWN_PROVIDER : dict.providers.get(Number(provider)) ?? UNKNOWN_PROVIDER;
    const modelName = dict.models.get(Number(model));
    if (modelName === undefined) continue;
    if (!byProvider.has(name)) byProvider.set(name, new Set());
    byProvider.get(name)!.add(modelName);
  }
  return [...byProvider].map(([name, models]) => ({ name, models: [...models].sort() })).sort((a, b) => a.name.localeCompare(b.name));
}

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
function callSections(
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

/** Grid of the bucketed scatter: 50 token columns × 40 duration rows = at most 2,000 cells. */
const SCATTER_GRID_X = 50;
const SCATTER_GRID_Y = 40;

/**
 * Duration vs output tokens of the timed calls. Up to MAX_SCATTER_POINTS calls: one point per call.
 * More: a point per call would swamp the chart (and the message), so the calls are folded into a
 * linear 50 × 40 grid over [0, max tokens] × [0, max duration]; each non-empty cell becomes one point
 * at the mean of its calls, carrying their count and failures. Unlike sampling, this keeps the rare
 * slow outliers visible, which are what the chart is for.
 */
function durationScatter(timed: { tokens: number[]; durations: number[]; failed: number[] }): DurationScatter | null {
  const n = timed.durations.length;
  if (n === 0) return null;
  let maxT = 1, maxD = 1, slowestAt = 0;
  for (let i = 0; i < n; i++) {
    if (timed.tokens[i] > maxT) maxT = timed.tokens[i];
    if (timed.durations[i] > maxD) maxD = timed.durations[i];
    if (timed.durations[i] > timed.durations[slowestAt]) slowestAt = i;
  }
  const bucketed = n > MAX_SCATTER_POINTS;
  const points: ScatterPoint[] = [];
  if (!bucketed) {
    for (let i = 0; i < n; i++) points.push({ tokens: timed.tokens[i], durationMs: timed.durations[i], calls: 1, failed: timed.failed[i] });
  } else {
    const cells = new Map<number, { t: number; d: number; n: number; failed: number }>();
    for (let i = 0; i < n; i++) {
      const tok = timed.tokens[i], dur = timed.durations[i];
      const cx = Math.min(SCATTER_GRID_X - 1, Math.floor((tok / maxT) * SCATTER_GRID_X));
      const cy = Math.min(SCATTER_GRID_Y - 1, Math.floor((dur / maxD) * SCATTER_GRID_Y));
      const key = cy * SCATTER_GRID_X + cx;
      const c = cells.get(key);
      if (c) { c.t += tok; c.d += dur; c.n++; c.failed += timed.failed[i]; } else cells.set(key, { t: tok, d: dur, n: 1, failed: timed.failed[i] });
    }
    for (const c of cells.values()) points.push({ tokens: Math.round(c.t / c.n), durationMs: Math.round(c.d / c.n), calls: c.n, failed: c.failed });
  }
  const sorted = Float64Array.from(timed.durations).sort();
  const mid = n >> 1;
  return {
    points, calls: n, bucketed, slowest: { tokens: timed.tokens[slowestAt], durationMs: timed.durations[slowestAt] },
    medianDurationMs: n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
  };
}

const RATE_FIELDS: Array<[RateLimitKindName, 'requests' | 'inputTokens' | 'outputTokens' | 'tokens']> = [
  ['requests', 'requests'], ['input_tokens', 'inputTokens'], ['output_tokens', 'outputTokens'], ['tokens', 'tokens'],
];

/** The latest rate-limit observation per model, as the panel shows it (percentages 0..100). */
function rateLimitSummary(db: Database, nowMs: number): RateLimitSummary {
  const latest = latestRateLimits(db, nowMs);
  const models: ModelRateLimit[] = latest.map((m) => {
    const readings: RateLimitReadingView[] = [];
    for (const [kind, field] of RATE_FIELDS) {
      const r = m[field];
      if (!r) continue;
      const known = !r.stale && r.limit !== null && r.remaining !== null && r.limit > 0;
      readings.push({
        kind, limit: r.limit, remaining: r.remaining, resetMs: r.resetMs, observedMs: r.ts, stale: r.stale,
        headroomPct: known ? Math.max(0, Math.min(100, (r.remaining! / r.limit!) * 100)) : null,
      });
    }
    return {
      model: m.model, provider: m.provider, observedMs: m.ts, stale: m.stale,
      headroomPct: m.headroom === null ? null : m.headroom * 100, tightest: m.tightest, readings,
    };
  });
  let tightest: RateLimitSummary['tightest'] = null;
  for (const m of models) {
    if (m.headroomPct === null || m.tightest === null) continue;
    if (!tightest || m.headroomPct < tightest.headroomPct) {
      const r = m.readings.find((x) => x.kind === m.tightest);
      tightest = { model: m.model, kind: m.tightest, headroomPct: m.headroomPct, resetMs: r?.resetMs ?? null };
    }
  }
  return { models, tightest };
}

function grid(): number[][] {
  return Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
}

/**
 * Exact first/last request instants of the listed sessions. Only the first and last hour of each
 * session is read (ts index), once per distinct hour, so the cost stays bounded by the rows shown.
 */
function exactSessionTimes(
  db: Database, f: CompiledFilter, sessions: { id: number; firstHour: number; lastHour: number }[], startMs: number, endMs: number,
): Map<number, { first: number; last: number }> {
  const out = new Map<number, { first: number; last: number }>();
  if (f.empty || sessions.length === 0) return out;
  const wanted = new Set(sessions.map((s) => s.id));
  const hours = new Set<number>();
  for (const s of sessions) { hours.add(s.firstHour); hours.add(s.lastHour); }
  const rw = requestsWhere(f);
  const where = ['ts >= ?', 'ts < ?', ...rw.sql].join(' AND ');
  const stmt = db.prepare(`SELECT session_id, MIN(ts), MAX(ts) FROM requests WHERE ${where} GROUP BY session_id`);
  const seen = new Map<number, { first: number; last: number }>();
  try {
    for (const h of hours) {
      stmt.bind([Math.max(startMs, h), Math.min(endMs, h + HOUR_MS), ...rw.params]);
      while (stmt.step()) {
        const [sid, lo, hi] = stmt.get().map(Number);
        if (!wanted.has(sid)) continue;
        const cur = seen.get(sid);
        if (!cur) seen.set(sid, { first: lo, last: hi });
        else { cur.first = Math.min(cur.first, lo); cur.last = Math.max(cur.last, hi); }
      }
      stmt.reset();
    }
  } finally {
    stmt.free();
  }
  for (const s of sessions) {
    const t = seen.get(s.id);
    if (t) out.set(s.id, t);
  }
  return out;
}

/** Requests of a ≤ 48 h window in fixed buckets, zero-filled up to the bucket holding `nowMs`. */
function buildTimeSeries(db: Database, f: CompiledFilter, startMs: number, endMs: number, nowMs: number, interval: SeriesInterval): TimeSeries {
  const step = INTERVAL_MS[interval];
  const first = Math.floor(startMs / step) * step;
  const stopAt = Math.min(endMs, Math.max(startMs + 1, nowMs + 1));
  const points: SeriesPoint[] = [];
  const index = new Map<number, SeriesPoint>();
  for (let t = first; t < stopAt; t += step) {
    const p: SeriesPoint = { startMs: t, requests: 0, input_tokens: 0, output_tokens: 0, cache_creation_tokens: 0, cache_read_tokens: 0, total_tokens: 0, cost_usd: 0 };
    points.push(p);
    index.set(t, p);
  }
  if (!f.empty) {
    const rw = requestsWhere(f);
    const where = ['ts >= ?', 'ts < ?', ...rw.sql].join(' AND ');
    const rows = selectAll<Record<string, SqlValue>>(db, `SELECT (ts / ${step}) * ${step} AS b, COUNT(*) AS n,
      SUM(input_tokens) AS i, SUM(output_tokens) AS o, SUM(cache_creation_tokens) AS w, SUM(cache_read_tokens) AS r, SUM(cost_usd) AS c
      FROM requests WHERE ${where} GROUP BY b`, [startMs, endMs, ...rw.params]);
    for (const r of rows) {
      const b = Number(r.b);
      let p = index.get(b);
      if (!p) {
        // A request stamped after "now" (clock skew): keep it rather than lose it.
        p = { startMs: b, requests: 0, input_tokens: 0, output_tokens: 0, cache_creation_tokens: 0, cache_read_tokens: 0, total_tokens: 0, cost_usd: 0 };
        points.push(p);
        index.set(b, p);
      }
      p.requests += Number(r.n);
      p.input_tokens += Number(r.i);
      p.output_tokens += Number(r.o);
      p.cache_creation_tokens += Number(r.w);
      p.cache_read_tokens += Number(r.r);
      p.total_tokens = p.input_tokens + p.output_tokens + p.cache_creation_tokens + p.cache_read_tokens;
      p.cost_usd += Number(r.c);
    }
    points.sort((a, b) => a.startMs - b.startMs);
  }
  return { interval, points };
}

// ---------------------------------------------------------------------------------------------
// Export (host side: the panel's Export CSV / JSON)

/** A CSV cell: quoted when needed; a leading = + - @ is neutralised so spreadsheets do not run it. */
function csvCell(v: string | number | boolean | null): string {
  if (v === null) return '';
  let s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6)) : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const METRIC_COLUMNS = ['requests', 'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'total_tokens', 'cost_usd'] as const;

/**
 * The current view as CSV: one section per table (daily, models, projects, tools, sessions), each
 * with a header row and a totals row, separated by a blank line. Figures are the read model's own.
 */
export function readModelToCsv(model: PanelReadModel): string {
  const lines: string[] = [];
  const section = (title: string, keyCols: string[], rows: (string | number | boolean | null)[][], totals: Metrics | null) => {
    if (lines.length) lines.push('');
    lines.push(csvCell(`# ${title}`));
    lines.push([...keyCols, ...METRIC_COLUMNS].map(csvCell).join(','));
    for (const r of rows) lines.push(r.map(csvCell).join(','));
    if (totals) lines.push([...keyCols.map((_, i) => (i === 0 ? 'Total' : '')), ...METRIC_COLUMNS.map((k) => totals[k])].map(csvCell).join(','));
  };
  const metricCells = (m: Metrics) => METRIC_COLUMNS.map((k) => m[k]);
  const f = model.filter;
  lines.push(csvCell(`# Claude Code Costs export: ${model.window.label} from ${new Date(model.window.startMs).toISOString()} to ${new Date(model.window.endMs).toISOString()} in ${model.window.tz}`));
  lines.push(csvCell(`# filter: source=${f.source} project=${f.project ?? 'all'} models=${f.models === null ? 'all' : f.models.join('|') || 'none'}${f.provider ? ` provider=${f.provider}` : ''}; generated ${model.generatedAt}`));
  if (model.freeCalls.hidden && model.freeCalls.requests > 0) lines.push(csvCell(`# ${model.freeCalls.requests} local/free calls left out (Cost view)`));
  section('Daily', ['day'], model.daily.map((d) => [d.day, ...metricCells(d)]), model.totals);
  section('Models', ['model', 'unpriced'], model.models.rows.map((r) => [r.model, r.unpriced, ...metricCells(r)]), model.totals);
  section('Projects', ['project'], model.projects.rows.map((r) => [r.project, ...metricCells(r)]), model.totals);
  section('Tools', ['tools'], model.tools.rows.map((r) => [r.tool, ...metricCells(r)]), model.totals);
  if (model.sources.internalAvailable) {
    const outcome = (c: CallFigures | null) => [c?.successPct ?? null, c?.avgDurationMs ?? null, c?.tokensPerSecond ?? null];
    const outcomeCols = ['success_pct', 'avg_duration_ms', 'tokens_per_second'];
    section('Providers', ['provider', ...outcomeCols], model.providers.rows.map((r) => [r.provider, ...outcome(r.calls), ...metricCells(r)]), model.totals);
    section('Features', ['feature', ...outcomeCols], model.features.rows.map((r) => [r.feature, ...outcome(r.calls), ...metricCells(r)]), model.totals);
  }
  section('Sessions', ['session', 'title', 'project', 'models', 'first', 'last'], model.sessions.rows.map((r) => [
    r.sessionKey, r.title, r.project, r.models.join(' '), new Date(r.firstMs).toISOString(), new Date(r.lastMs).toISOString(), ...metricCells(r),
  ]), null);
  return lines.join('\n') + '\n';
}

/** The current view as JSON (the read model itself, which is already plain data). */
export function readModelToJson(model: PanelReadModel): string {
  return JSON.stringify(model, null, 2) + '\n';
}
