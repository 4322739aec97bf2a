// The one typed contract between the extension host and the costs panel's webview: the messages each
// side sends and the validation of what comes from the webview. Both bundles import it, so it stays
// plain data: no `vscode`, no DOM, no Node.
//
// Flow: the webview sends a filter state (setFilter); the host answers with ONE read model for the
// whole page (cards, charts and tables come from the same snapshot, so they always agree) and pushes
// a fresh one when a rescan adds data. The webview never computes figures; it only formats them.
//
// The filter state and the read model are the core's (src/core/query/readmodel/); they are re-exported
// here because the webview sees the core only through this file (docs/architecture.md).
import type { PanelFilter } from './core/query/readmodel/filterState';
import type { PanelReadModel } from './core/query/readmodel/types';
import { PANEL_SOURCES, PANEL_VIEWS, RANGE_PRESETS, SERIES_INTERVALS } from './core/query/readmodel/filterState';
import { isValidTimeZone } from './core/query/windows';

export type { Metrics } from './core/types';
export * from './core/query/readmodel/filterState';
export type * from './core/query/readmodel/types';
export { CLAUDE_CODE_PROVIDER, MAX_SCATTER_POINTS, NO_FEATURE, UNKNOWN_PROVIDER } from './core/query/readmodel/types';
export type { ModelFamily } from './core/query/readmodel/families';
export type { Budget, BudgetLimits, BudgetState, PeriodSpend } from './core/query/readmodel/budgets';
export type { LimitsSection, LimitHit, LocalWeek, OfficialWindow, TimelineBlock, CacheModelRow } from './core/query/limitsTypes';
export type { PlanValue } from './core/query/types';

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

/**
 * What the page knows before any message: the UI language and the translated strings (the host's
 * `vscode.l10n.bundle`, keyed by the English message; empty in English). The host writes it into the
 * page as JSON (`<script type="application/json" id="initial-state">`), so the first paint is already
 * in the user's language.
 */
export interface WebviewInitialState { language: string; l10n: Record<string, string> }
export const INITIAL_STATE_ELEMENT_ID = 'initial-state';

/** The state as page text: JSON with `<` escaped, so no string can close the script element. */
export function serializeInitialState(state: WebviewInitialState): string {
  return JSON.stringify(state).replace(/</g, '\\u003c');
}

// ---------------------------------------------------------------------------------------------
// Validation (host side: everything from the webview is untrusted)

export const MAX_MESSAGE_CHARS = 64 * 1024;
export const MAX_MODELS = 500;
export const MAX_MODEL_ID_CHARS = 200;
export const MAX_PROJECT_CHARS = 500;
export const MAX_PROVIDER_CHARS = 200;
/** Git allows long ref names; this bounds what a message may carry. */
export const MAX_BRANCH_CHARS = 500;
const DAY_KEY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

type Result<T> = T | { error: string };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const oneOf = <T extends string>(v: unknown, allowed: readonly T[]): v is T =>
  typeof v === 'string' && (allowed as readonly string[]).includes(v);

/** '' = the host machine's zone; otherwise an IANA zone this runtime knows. */
const validTimeZone = (tz: string): boolean => tz === '' || isValidTimeZone(tz);

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
  const known = ['range', 'from', 'until', 'tz', 'source', 'project', 'models', 'provider', 'branch', 'view', 'interval'];
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
  let branch: string | null = null;
  if (raw.branch !== null && raw.branch !== undefined) {
    if (typeof raw.branch !== 'string') return { error: `${path}.branch: must be a string or null` };
    if (raw.branch.length > MAX_BRANCH_CHARS) return { error: `${path}.branch: at most ${MAX_BRANCH_CHARS} characters` };
    branch = raw.branch === '' ? null : raw.branch;
  }
  const view = raw.view ?? 'cost';
  if (!oneOf(view, PANEL_VIEWS)) return { error: `${path}.view: must be one of ${PANEL_VIEWS.join(', ')}` };
  const interval = raw.interval ?? '15m';
  if (!oneOf(interval, SERIES_INTERVALS)) return { error: `${path}.interval: must be one of ${SERIES_INTERVALS.join(', ')}` };
  return { range: raw.range, from, until, tz, source, project, models, provider, branch, view, interval };
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
