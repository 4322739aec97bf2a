// The read model: everything the costs panel shows for one filter state, as plain data. Built by
// ./build.ts in the core, sent by the host, rendered by the webview (which imports these types
// through src/protocol.ts and never computes a figure itself).
import type { Metrics } from '../../types';
import type { Budget, PeriodSpend } from './budgets';
import type { ModelFamily } from './families';
import type { PanelFilter, SeriesInterval } from './filterState';
import type { LimitsSection } from '../limitsTypes';
import type { WindowDayAnomaly, WindowSessionAnomaly } from '../types';

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
  /** Cost from the window's start through this day; null for days after today. */
  cumulativeCost: number | null;
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
/** One project's requests on one git branch; `branch` is "(no branch)" (noBranch) for requests without one. */
export interface BranchRow extends Metrics { project: string; branch: string; noBranch: boolean; shareOfCost: number; shareOfTokens: number }
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
  /** Context-window fill of the session's main thread as last recorded (issue 17); null without one (API logs). */
  context: SessionContextFill | null;
}

/** A session's context: the last response's (null right after a compaction of unknown size) and the peak. */
export interface SessionContextFill {
  currentTokens: number | null;
  currentPct: number | null;
  peakTokens: number;
  peakPct: number;
  /** 200,000, or 1,000,000 for a 1M-context session. */
  window: number;
  compactions: number;
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
    /**
     * What the card deltas compare with: the previous stretch of the same elapsed length ("Nov 1–3"
     * for "This month" on Dec 3; `currentLabel` "Dec 1–3"). Null for "all".
     */
    previous: { startMs: number; endMs: number; label: string; currentLabel: string } | null;
    /** True when the window is ≤ 48 h and the time series is present. */
    shortRange: boolean;
  };
  dataState: DataState;
  /** What the last scan looked at (for the no-data empty state). */
  scanned: { roots: string[]; files: number | null };
  /**
   * A cold start still reading older transcripts (the figures hold what is read so far; the chip's window is
   * already exact): files read of all the scan lists. Null when the whole history is read.
   */
  history: { filesRead: number; filesTotal: number } | null;
  demoMode: boolean;
  sources: { internalAvailable: boolean };
  available: {
    projects: string[];
    /** Model chips by family; scoped to `filter.provider` when one is picked. */
    models: { family: ModelFamily; models: { id: string; unpriced: boolean }[] }[];
    /** Providers with the models each served (empty when the store has no API-log rows). */
    providers: { name: string; models: string[] }[];
    /** Every git branch in the store (sorted), then "(no branch)": the branch filter's choices. */
    branches: string[];
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
  /** By project and git branch (from the page's one pass over the facts); the rows sum to `totals`. */
  branches: Table<BranchRow>;
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
  /**
   * Unusual spending (query/anomalies.ts): the window's flagged days and the sessions started in it, each
   * judged against all earlier history under the same source, project and models (not the other filters).
   */
  anomalies: { days: WindowDayAnomaly[]; sessions: WindowSessionAnomaly[] };
  /** 5-hour blocks, official and local weekly windows, plan value, cache economics (see query/limitsSection). */
  limits: LimitsSection;
}
