// The one typed contract between the extension host and the costs panel's webview.
// Both bundles import it, so it stays plain data: no `vscode`, no DOM, no Node.
//
// Flow: the webview sends a filter state (setFilter); the host answers with ONE read model for the
// whole page (cards, charts and tables come from the same snapshot, so they always agree) and pushes
// a fresh one when a rescan adds data. The webview never computes figures; it only formats them.
import type { Metrics } from './core/types';

export type { Metrics };

// ---------------------------------------------------------------------------------------------
// Filter state (what the toolbar edits; kept in webview state, workspaceState and the serializer)

export const RANGE_PRESETS = [
  'today', 'yesterday', 'last_24h', 'last_7d', 'last_30d', 'this_month', 'last_month', 'all', 'custom',
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const PANEL_SOURCES = ['all', 'claude_code', 'internal'] as const;
export type PanelSource = (typeof PANEL_SOURCES)[number];

export const PANEL_VIEWS = ['usage', 'cost'] as const;
export type PanelView = (typeof PANEL_VIEWS)[number];

export const SERIES_INTERVALS = ['5m', '15m', '1h'] as const;
export type SeriesInterval = (typeof SERIES_INTERVALS)[number];

export interface PanelFilter {
  range: RangePreset;
  /** Inclusive local dates "YYYY-MM-DD" in `tz`; used when range is 'custom'. */
  from: string | null;
  until: string | null;
  /** IANA zone for day/hour boundaries; '' = the host machine's zone. */
  tz: string;
  source: PanelSource;
  /** Canonical project name (exact), or a substring when no name matches exactly; null = all. */
  project: string | null;
  /** null = all models; [] = none (zero rows); otherwise only these ids as written in transcripts. */
  models: string[] | null;
  /**
   * Provider name (exact), null = all. Claude Code rows count as "anthropic"; API-log calls that name
   * no provider as "(unknown)". Optional in messages (a missing field reads as null).
   */
  provider: string | null;
  /** 'cost' also leaves out calls that cost nothing by design (local models); the model says how many. */
  view: PanelView;
  /** Bucket of the short-range time series (ranges ≤ 48 h). */
  interval: SeriesInterval;
}

export const DEFAULT_PANEL_FILTER: PanelFilter = Object.freeze({
  range: 'last_30d', from: null, until: null, tz: '', source: 'all', project: null, models: null, provider: null,
  view: 'cost', interval: '15m',
}) as PanelFilter;

// ---------------------------------------------------------------------------------------------
// Read model (everything the page shows)

export type ModelFamily = 'opus' | 'sonnet' | 'haiku' | 'other';
export const MODEL_FAMILIES: readonly ModelFamily[] = ['opus', 'sonnet', 'haiku', 'other'];

/** The family of a model id (Bedrock / Vertex / dated spellings included). */
export function modelFamily(model: string): ModelFamily {
  const id = model.toLowerCase();
  if (id.includes('opus')) return 'opus';
  if (id.includes('sonnet')) return 'sonnet';
  if (id.includes('haiku')) return 'haiku';
  return 'other';
}

export interface Kpi {
  value: number;
  /** The same figure over the previous window of equal length; null when there is none ("all"). */
  previous: number | null;
  /** (value − previous) / previous × 100; null when previous is 0 or missing. */
  deltaPct: number | null;
  /** Linear projection to the end of the month (this_month only), else null. */
  projectedMonth: number | null;
}

export interface SplitFigures { requests: number; total_tokens: number; cost_usd: number }

export interface PanelKpis {
  requests: Kpi;
  totalTokens: Kpi;
  cost: Kpi;
  /** Requests per calendar day of the window elapsed so far. */
  requestsPerDay: number;
  /** cost / requests; null when there are no requests. */
  costPerRequest: number | null;
  buckets: { input_tokens: number; output_tokens: number; cache_creation_tokens: number; cache_read_tokens: number };
  main: SplitFigures;
  subagent: SplitFigures;
  /** subagent share of total tokens, 0..100. */
  subagentTokenPct: number;
  unpricedRequests: number;
  /** Cloud vs local calls (Claude Code rows are cloud). */
  cloud: SplitFigures;
  local: SplitFigures;
}

export interface Insight {
  kind: 'model' | 'project';
  subject: string;
  /** Share of output tokens in this range, 0..100 (one decimal). */
  sharePct: number;
  outputTokens: number;
}

export interface DailyPoint extends Metrics {
  /** Local date "YYYY-MM-DD" in tz. */
  day: string;
  /** First instant of the local day. */
  startMs: number;
  cumulativeCost: number;
  mainTokens: number;
  subagentTokens: number;
  mainCost: number;
  subagentCost: number;
}

export type SeriesPoint = { startMs: number } & Pick<
  Metrics,
  'requests' | 'input_tokens' | 'output_tokens' | 'cache_creation_tokens' | 'cache_read_tokens' | 'total_tokens' | 'cost_usd'
>;

export interface TimeSeries { interval: SeriesInterval; points: SeriesPoint[] }

export interface ModelSlice { model: string; family: ModelFamily; total_tokens: number; cost_usd: number; tokenPct: number; costPct: number }

export interface Heatmap {
  /** [weekday 0 = Monday … 6 = Sunday][hour 0..23] in tz. */
  tokens: number[][];
  cost: number[][];
  requests: number[][];
  maxTokens: number;
  maxCost: number;
  /** The busiest cell by tokens / by cost (for the text alternative); null when empty. */
  peakTokens: HeatmapPeak | null;
  peakCost: HeatmapPeak | null;
}

export interface HeatmapPeak { weekday: number; hour: number; value: number }

export interface DailyPeak { day: string; value: number }

export interface ModelRow extends Metrics { model: string; family: ModelFamily; shareOfCost: number; shareOfTokens: number; unpriced: boolean }
export interface ProjectRow extends Metrics { project: string; shareOfCost: number; shareOfTokens: number }
export interface ToolRow extends Metrics { tool: string; shareOfCost: number; shareOfTokens: number }
export interface SessionRow extends Metrics {
  sessionKey: string;
  title: string | null;
  project: string;
  models: string[];
  /** First / last request in the window: exact when `exactTimes`, else the start of their UTC hour. */
  firstMs: number;
  lastMs: number;
  exactTimes: boolean;
  /** Last activity within 10 minutes of generation time. */
  active: boolean;
  subagentRequests: number;
}

export interface Table<R> {
  rows: R[];
  /** Totals of the whole window (= the cards), so the totals row always matches them. */
  totals: Metrics;
  /** Rows left out beyond the display limit (their figures are still inside `totals`). */
  omitted: number;
}

/** The provider of Claude Code rows, and of API-log calls that name none (same keys as llm_costs_query). */
export const CLAUDE_CODE_PROVIDER = 'anthropic';
export const UNKNOWN_PROVIDER = '(unknown)';
/** The feature of rows that name none (every Claude Code row). */
export const NO_FEATURE = '(none)';

/**
 * Outcome figures of API-log calls (success, latency, speed): the same definitions as llm_costs_query's
 * success_rate / avg_duration_ms / tokens_per_second. A figure is null when no call logged its field.
 */
export interface CallFigures {
  /** Calls with a logged outcome, and how many of them succeeded. */
  outcomeCalls: number;
  successes: number;
  /** successes / outcomeCalls × 100. */
  successPct: number | null;
  /** Calls with a logged duration, and their mean duration. */
  timedCalls: number;
  avgDurationMs: number | null;
  /** Output tokens of timed calls / their summed duration. */
  tokensPerSecond: number | null;
}

export interface ProviderRow extends Metrics {
  provider: string;
  shareOfCost: number;
  shareOfTokens: number;
  /** null when none of its calls logged an outcome or a duration. */
  calls: CallFigures | null;
}
export interface FeatureRow extends Metrics {
  feature: string;
  shareOfCost: number;
  shareOfTokens: number;
  calls: CallFigures | null;
}

/** One point of the duration-vs-tokens scatter: a call, or (bucketed) the mean of the calls of one cell. */
export interface ScatterPoint { tokens: number; durationMs: number; calls: number; failed: number }

export interface DurationScatter {
  /** At most MAX_SCATTER_POINTS points (see `bucketed`). */
  points: ScatterPoint[];
  /** Timed calls behind the points. */
  calls: number;
  /** True when the calls were folded into grid cells (more calls than points allowed). */
  bucketed: boolean;
  /** The slowest call (for the text alternative). */
  slowest: { tokens: number; durationMs: number } | null;
  /** Median duration over all timed calls. */
  medianDurationMs: number | null;
}
export const MAX_SCATTER_POINTS = 2000;

export type RateLimitKindName = 'requests' | 'input_tokens' | 'output_tokens' | 'tokens';

export interface RateLimitReadingView {
  kind: RateLimitKindName;
  limit: number | null;
  remaining: number | null;
  /** Epoch ms when the bucket is full again; null when the log did not say. */
  resetMs: number | null;
  /** When the call that saw it was made. */
  observedMs: number;
  /** Past its reset (or old without one): history, not headroom. */
  stale: boolean;
  /** remaining / limit × 100; null when stale or unknown. */
  headroomPct: number | null;
}

export interface ModelRateLimit {
  model: string;
  provider: string | null;
  observedMs: number;
  /** Every reading is stale. */
  stale: boolean;
  /** The most restrictive fresh reading, 0..100; null when none is fresh and known. */
  headroomPct: number | null;
  tightest: RateLimitKindName | null;
  readings: RateLimitReadingView[];
}

/** The latest rate-limit observation per model (API logs), most restrictive first, stale ones last. */
export interface RateLimitSummary {
  models: ModelRateLimit[];
  /** The most restrictive fresh headroom over all models; null when nothing fresh is known. */
  tightest: { model: string; kind: RateLimitKindName; headroomPct: number; resetMs: number | null } | null;
}

export type BudgetState = 'ok' | 'warn' | 'over';
export interface Budget {
  limitUsd: number;
  spentUsd: number;
  /** spent / limit × 100. */
  pct: number;
  /** Linear projection to the end of the day / month. */
  projectedUsd: number;
  projectedPct: number;
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
  // Before a tenth of the period has passed a linear projection is noise: show the spend itself.
  const projectedUsd = spend.elapsed >= 0.1 ? spend.usd / spend.elapsed : spend.usd;
  return {
    limitUsd: limit, spentUsd: spend.usd, pct, projectedUsd, projectedPct: (projectedUsd / limit) * 100,
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

export type DataState = 'no_data' | 'no_rows' | 'ok';

export interface PanelReadModel {
  /** ISO instant the model was built. */
  generatedAt: string;
  nowMs: number;
  /** The normalised filter this model answers (tz filled in). */
  filter: PanelFilter;
  window: {
    startMs: number; endMs: number; tz: string; label: string;
    /** Local calendar days covered (the daily series length). */
    days: number;
    previous: { startMs: number; endMs: number } | null;
    /** True when the window is ≤ 48 h and the time series is present. */
    shortRange: boolean;
  };
  dataState: DataState;
  /** What the last scan looked at (for the no-data empty state). */
  scanned: { roots: string[]; files: number | null };
  demoMode: boolean;
  sources: { internalAvailable: boolean };
  available: {
    projects: string[];
    /** Model chips by family; scoped to `filter.provider` when one is picked. */
    models: { family: ModelFamily; models: { id: string; unpriced: boolean }[] }[];
    /** Providers with the models each served (empty when the store has no API-log rows). */
    providers: { name: string; models: string[] }[];
  };
  totals: Metrics;
  kpis: PanelKpis;
  insight: Insight | null;
  daily: DailyPoint[];
  /** The day with the most tokens / the highest cost (chart summaries); null when all are zero. */
  dailyPeak: { tokens: DailyPeak | null; cost: DailyPeak | null };
  /** False when no subagent row is in the window (the chart is hidden). */
  hasSubagent: boolean;
  modelSlices: ModelSlice[];
  heatmap: Heatmap;
  timeSeries: TimeSeries | null;
  models: Table<ModelRow>;
  projects: Table<ProjectRow>;
  tools: Table<ToolRow>;
  sessions: Table<SessionRow>;
  spend: { today: PeriodSpend; month: PeriodSpend };
  budgets: { daily: Budget | null; monthly: Budget | null };
  /** By provider / by feature (Claude Code rows: "anthropic" / "(none)"); they sum to `totals`. */
  providers: Table<ProviderRow>;
  features: Table<FeatureRow>;
  /** Success, latency and speed of the rows shown; null when none logged an outcome or a duration. */
  calls: CallFigures | null;
  /**
   * Calls that cost nothing by design (local models: cost_kind 2) matching the filter in the window.
   * `hidden`: the Cost view leaves them out of every figure on the page.
   */
  freeCalls: { requests: number; total_tokens: number; hidden: boolean };
  /** Duration vs output tokens of the timed calls shown; null when no call logged a duration. */
  scatter: DurationScatter | null;
  /** Latest rate-limit observations (not filtered: they describe now). */
  rateLimits: RateLimitSummary;
}

// ---------------------------------------------------------------------------------------------
// Messages

export type ExportFormat = 'csv' | 'json';
export type SettingsTarget = 'roots' | 'budget' | 'all';

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'setFilter'; requestId: number; filter: PanelFilter }
  | { type: 'refresh'; requestId: number }
  | { type: 'export'; format: ExportFormat }
  | { type: 'openSettings'; target: SettingsTarget }
  | { type: 'rescan' };

export type HostToWebview =
  /**
   * requestId echoes the newest request of this webview instance that the message covers (a push after
   * request 7 carries 7); null when the page has sent none since its `ready`. Ids restart per instance.
   */
  | { type: 'readModel'; requestId: number | null; model: PanelReadModel }
  | { type: 'loading'; requestId: number | null }
  | { type: 'error'; requestId: number | null; message: string }
  | { type: 'notice'; message: string };

/** Webview state persisted with vscode.setState (and handed to the serializer on reload). */
export interface PanelWebviewState { filter: PanelFilter }

// ---------------------------------------------------------------------------------------------
// Validation (host side: everything from the webview is untrusted)

export const MAX_MESSAGE_CHARS = 64 * 1024;
export const MAX_MODELS = 500;
export const MAX_MODEL_ID_CHARS = 200;
export const MAX_PROJECT_CHARS = 500;
export const MAX_PROVIDER_CHARS = 200;
const DAY_KEY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

type Result<T> = T | { error: string };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const oneOf = <T extends string>(v: unknown, allowed: readonly T[]): v is T =>
  typeof v === 'string' && (allowed as readonly string[]).includes(v);

function validTimeZone(tz: string): boolean {
  if (tz === '') return true;
  if (tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The earliest day a custom range may name (Claude Code and these logs are younger than that). */
export const EARLIEST_CUSTOM_DAY = '2020-01-01';
const DAY_MS = 86_400_000;

/** The last day a custom range may name at `nowMs`: tomorrow in the zone furthest ahead (UTC+14). */
export function latestCustomDay(nowMs: number): string {
  return new Date(nowMs + 2 * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Why `day` cannot bound a custom range, or null. A real calendar date ("YYYY-MM-DD", no Feb 30)
 * from EARLIEST_CUSTOM_DAY on; with `nowMs`, also no later than latestCustomDay(nowMs). The bound
 * keeps one stray keystroke (year 0001) from asking for a read model of two thousand years.
 */
export function customDayProblem(day: unknown, nowMs?: number): string | null {
  if (typeof day !== 'string' || !DAY_KEY.test(day)) return 'must be a date YYYY-MM-DD';
  const [y, m, d] = day.split('-').map(Number);
  if (new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) return `${day} is not a calendar date`;
  if (day < EARLIEST_CUSTOM_DAY) return `must not be before ${EARLIEST_CUSTOM_DAY}`;
  if (nowMs !== undefined && Number.isFinite(nowMs) && day > latestCustomDay(nowMs)) return `must not be after ${latestCustomDay(nowMs)}`;
  return null;
}

/**
 * Validates a complete filter. The reason names the offending field (`filter.models[3]`, …).
 * `nowMs` (the host's clock) also bounds custom dates from above.
 */
export function parsePanelFilter(raw: unknown, path = 'filter', nowMs?: number): Result<PanelFilter> {
  if (!isObject(raw)) return { error: `${path}: must be an object` };
  const known = ['range', 'from', 'until', 'tz', 'source', 'project', 'models', 'provider', 'view', 'interval'];
  for (const k of Object.keys(raw)) if (!known.includes(k)) return { error: `${path}.${k}: unknown field` };
  if (!oneOf(raw.range, RANGE_PRESETS)) return { error: `${path}.range: must be one of ${RANGE_PRESETS.join(', ')}` };
  for (const k of ['from', 'until'] as const) {
    const v = raw[k];
    if (v === null || v === undefined) continue;
    const problem = customDayProblem(v, nowMs);
    if (problem) return { error: `${path}.${k}: ${problem === 'must be a date YYYY-MM-DD' ? 'must be a date YYYY-MM-DD or null' : problem}` };
  }
  const from = (raw.from as string | null | undefined) ?? null;
  const until = (raw.until as string | null | undefined) ?? null;
  if (raw.range === 'custom') {
    if (from === null || until === null) return { error: `${path}.from: a custom range needs both from and until` };
    if (from > until) return { error: `${path}.from: must not be after until` };
  }
  const tz = raw.tz ?? '';
  if (typeof tz !== 'string' || !validTimeZone(tz)) return { error: `${path}.tz: must be an IANA time zone or ''` };
  const source = raw.source ?? 'all';
  if (!oneOf(source, PANEL_SOURCES)) return { error: `${path}.source: must be one of ${PANEL_SOURCES.join(', ')}` };
  let project: string | null = null;
  if (raw.project !== null && raw.project !== undefined) {
    if (typeof raw.project !== 'string') return { error: `${path}.project: must be a string or null` };
    if (raw.project.length > MAX_PROJECT_CHARS) return { error: `${path}.project: at most ${MAX_PROJECT_CHARS} characters` };
    project = raw.project === '' ? null : raw.project;
  }
  let models: string[] | null = null;
  if (raw.models !== null && raw.models !== undefined) {
    if (!Array.isArray(raw.models)) return { error: `${path}.models: must be an array of model ids or null` };
    if (raw.models.length > MAX_MODELS) return { error: `${path}.models: at most ${MAX_MODELS} entries` };
    models = [];
    for (let i = 0; i < raw.models.length; i++) {
      const m = raw.models[i];
      if (typeof m !== 'string' || m.length === 0 || m.length > MAX_MODEL_ID_CHARS) {
        return { error: `${path}.models[${i}]: must be a non-empty string of at most ${MAX_MODEL_ID_CHARS} characters` };
      }
      if (!models.includes(m)) models.push(m);
    }
  }
  let provider: string | null = null;
  if (raw.provider !== null && raw.provider !== undefined) {
    if (typeof raw.provider !== 'string') return { error: `${path}.provider: must be a string or null` };
    if (raw.provider.length > MAX_PROVIDER_CHARS) return { error: `${path}.provider: at most ${MAX_PROVIDER_CHARS} characters` };
    provider = raw.provider === '' ? null : raw.provider;
  }
  const view = raw.view ?? 'cost';
  if (!oneOf(view, PANEL_VIEWS)) return { error: `${path}.view: must be one of ${PANEL_VIEWS.join(', ')}` };
  const interval = raw.interval ?? '15m';
  if (!oneOf(interval, SERIES_INTERVALS)) return { error: `${path}.interval: must be one of ${SERIES_INTERVALS.join(', ')}` };
  return { range: raw.range, from, until, tz, source, project, models, provider, view, interval };
}

/** A partial filter (e.g. from the query command) laid over a base; invalid → the reason. */
export function mergePanelFilter(base: PanelFilter, partial: unknown): Result<PanelFilter> {
  if (partial === undefined || partial === null) return base;
  if (!isObject(partial)) return { error: 'filter: must be an object' };
  return parsePanelFilter({ ...base, ...partial });
}

/** The requestId of a message that failed validation, when it carries a usable one (to answer it with the error). */
export function requestIdOfInvalid(raw: unknown): number | null {
  if (!isObject(raw)) return null;
  const id = requestIdOf(raw);
  return typeof id === 'number' ? id : null;
}

function requestIdOf(raw: Record<string, unknown>): Result<number> {
  const id = raw.requestId;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return { error: 'requestId: must be a non-negative integer' };
  return id;
}

/**
 * Validates a message from the webview. Unknown type, wrong field types or an oversized payload →
 * `{ error }` naming the field; the host ignores such messages and logs the reason.
 */
export function parseWebviewMessage(raw: unknown, nowMs?: number): WebviewToHost | { error: string } {
  let size: number;
  try {
    size = JSON.stringify(raw)?.length ?? 0;
  } catch {
    return { error: 'message: not serialisable' };
  }
  if (size > MAX_MESSAGE_CHARS) return { error: `message: too large (${size} characters, max ${MAX_MESSAGE_CHARS})` };
  if (!isObject(raw)) return { error: 'message: must be an object' };
  const allowed = (...keys: string[]): { error: string } | null => {
    for (const k of Object.keys(raw)) if (k !== 'type' && !keys.includes(k)) return { error: `${k}: unexpected field for ${String(raw.type)}` };
    return null;
  };
  switch (raw.type) {
    case 'ready':
    case 'rescan':
      return allowed() ?? { type: raw.type };
    case 'refresh': {
      const bad = allowed('requestId');
      if (bad) return bad;
      const id = requestIdOf(raw);
      return typeof id === 'number' ? { type: 'refresh', requestId: id } : id;
    }
    case 'setFilter': {
      const bad = allowed('requestId', 'filter');
      if (bad) return bad;
      const id = requestIdOf(raw);
      if (typeof id !== 'number') return id;
      const filter = parsePanelFilter(raw.filter, 'filter', nowMs);
      return 'error' in filter ? filter : { type: 'setFilter', requestId: id, filter };
    }
    case 'export': {
      const bad = allowed('format');
      if (bad) return bad;
      if (raw.format !== 'csv' && raw.format !== 'json') return { error: 'format: must be csv or json' };
      return { type: 'export', format: raw.format };
    }
    case 'openSettings': {
      const bad = allowed('target');
      if (bad) return bad;
      const target = raw.target ?? 'all';
      if (target !== 'roots' && target !== 'budget' && target !== 'all') return { error: 'target: must be roots, budget or all' };
      return { type: 'openSettings', target };
    }
    default:
      return { error: `type: unknown message type ${typeof raw.type === 'string' ? JSON.stringify(raw.type.slice(0, 40)) : typeof raw.type}` };
  }
}
