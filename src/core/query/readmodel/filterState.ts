// The panel's filter state: what the toolbar edits, kept in webview state, workspaceState and the
// serializer, and what the read model answers. Plain data (the webview bundle uses it through
// src/protocol.ts); its validation of untrusted input lives in the protocol.

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
  /**
   * Git branch name (exact) as Claude Code recorded it; NO_BRANCH_FILTER ("(no branch)") for requests
   * without one; null = all. Optional in messages (a missing field reads as null).
   */
  branch: string | null;
  /** 'cost' also leaves out calls that cost nothing by design (local models); the model says how many. */
  view: PanelView;
  /** Bucket of the short-range time series (ranges ≤ 48 h). */
  interval: SeriesInterval;
}

/** The branch filter's value for requests that recorded no git branch (the same key as llm_costs_query's group). */
export const NO_BRANCH_FILTER = '(no branch)';

export const DEFAULT_PANEL_FILTER: PanelFilter = Object.freeze({
  range: 'last_30d', from: null, until: null, tz: '', source: 'all', project: null, models: null, provider: null, branch: null,
  view: 'cost', interval: '15m',
}) as PanelFilter;
