// Filter compilation: the panel's filter state as WHERE fragments over integer ids, split into
// disjoint parts that fact scans read one after the other. Every user value is a bound parameter;
// project and model names are resolved to ids in JS first.
//
// API logs: a provider filter needs `requests` (rollup_hour has no provider), so the filter compiles
// to disjoint parts — Claude Code rows (rollup) and API-log rows (raw).
import { loadProjects, projectMatches, type ProjectIdentity } from '../projects';
import { EXECUTION_MODE_IDS, SOURCE_IDS } from '../../store/schema';
import { selectAll } from '../../store/sqljs';
import type { Database, SqlValue } from '../../store/sqljs';
import { DAY_MS, HOUR_MS, offsetSegments } from '../windows';
import { NO_BRANCH_FILTER } from './filterState';
import type { PanelFilter } from './filterState';
import { CLAUDE_CODE_PROVIDER, UNKNOWN_PROVIDER } from './types';

/** Stands for the time column in a WHERE fragment (rollup_hour.hour or requests.ts); see withTimeColumn. */
export const TIME_COLUMN = '{time}';

/** The fragments with the time column named (`hour` for rollup_hour, `ts` for requests). */
export function withTimeColumn(where: string[], column: 'hour' | 'ts'): string[] {
  return where.map((w) => w.split(TIME_COLUMN).join(column));
}

/** Local hour slots are judged over this span (offsets change with DST; a slot's SQL needs each offset). */
const SLOT_SPAN = { startMs: Date.UTC(2020, 0, 1), endMs: Date.UTC(2036, 0, 1) };

/**
 * The rows whose local weekday and hour in `tz` are the slot's: per stretch of constant UTC offset,
 * ((t + offset) / hour) % 24 and ((t + offset) / day + 3) % 7 (1970-01-01 was a Thursday, Monday = 0).
 * Only integers go into the SQL (validated weekday / hour, computed offsets).
 */
function slotWhere(slot: { weekday: number; hour: number }, tz: string): string {
  const t = TIME_COLUMN;
  const segments = offsetSegments(SLOT_SPAN.startMs, SLOT_SPAN.endMs, tz);
  const byOffset = new Map<number, [number, number][]>();
  for (const s of segments) {
    const list = byOffset.get(s.offsetMs) ?? [];
    list.push([s.startMs, s.endMs]);
    byOffset.set(s.offsetMs, list);
  }
  const match = (off: number) => `((${t} + ${off}) / ${HOUR_MS}) % 24 = ${Math.trunc(slot.hour)} AND (((${t} + ${off}) / ${DAY_MS}) + 3) % 7 = ${Math.trunc(slot.weekday)}`;
  if (byOffset.size === 1) return `(${match(segments[0]?.offsetMs ?? 0)})`;
  const arms = [...byOffset].map(([off, spans]) => `((${spans.map(([a, b]) => `(${t} >= ${a} AND ${t} < ${b})`).join(' OR ')}) AND ${match(off)})`);
  return `(${arms.join(' OR ')})`;
}

/**
 * One disjoint slice of the rows a filter selects. `raw`: its WHERE names columns only `requests` has
 * (provider_id), so it is never read from rollup_hour.
 */
export interface FilterPart { where: string[]; params: SqlValue[]; raw: boolean }

/** The filter as disjoint parts (usually one); no part = nothing matches. */
export interface CompiledFilter { parts: FilterPart[]; empty: boolean }

const NOTHING: CompiledFilter = { parts: [], empty: true };


export interface Dictionaries {
  /** Unique display names ("app (a)" / "app (b)" for two checkouts named alike). */
  projects: Map<number, string>;
  /** Each project's identity, for a filter that names a folder or a path. */
  projectIdentities: ProjectIdentity[];
  models: Map<number, string>;
  toolsets: Map<number, string>;
  providers: Map<number, string>;
  features: Map<number, string>;
  /** Git branch names (transcripts' gitBranch). */
  branches: Map<number, string>;
}

export function loadDictionaries(db: Database): Dictionaries {
  const load = (table: string) => {
    const m = new Map<number, string>();
    for (const r of selectAll<{ id: number; name: string }>(db, `SELECT id, name FROM ${table}`)) m.set(Number(r.id), String(r.name));
    return m;
  };
  const projectIdentities = loadProjects(db);
  return {
    projects: new Map(projectIdentities.map((p) => [p.id, p.name])), projectIdentities, models: load('models'), toolsets: load('toolsets'), providers: load('providers'), features: load('features'),
    branches: load('branches'),
  };
}

export interface CompileOptions {
  /** False: ignore the source, provider and view (the budgets' "all spend"). */
  scoped: boolean;
  /** The store has API-log rows; without them the internal part is left out (no useless reads). */
  internalAvailable: boolean;
}

/**
 * The filter as WHERE fragments over ids. Project: the exact display name when one matches (the
 * panel's select), else a case-insensitive substring of a name or path (a filter from llm_costs_query).
 *
 * Cost view: calls that cost nothing by design are left out. The store marks them cost_kind 2, which
 * ingest sets exactly for local calls (execution_mode 1; a local line's logged cost is ignored, and
 * Claude Code rows are cloud), so `execution_mode = 0` selects the same rows — and rollup_hour carries
 * execution_mode but not cost_kind (test/unit/readmodel-api-logs.test.ts checks the equivalence).
 */
export function compileFilter(filter: PanelFilter, dict: Dictionaries, opts: CompileOptions): CompiledFilter {
  const common: string[] = [];
  const params: SqlValue[] = [];
  if (filter.project != null) {
    let ids = [...dict.projects].filter(([, n]) => n === filter.project).map(([id]) => id);
    if (ids.length === 0) {
      const needle = filter.project;
      ids = dict.projectIdentities.filter((p) => projectMatches(p, needle)).map((p) => p.id);
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
  if (filter.session != null) {
    // A drill-down to one session: its key resolved by the sessions table (both fact tables carry session_id).
    common.push('session_id IN (SELECT id FROM sessions WHERE session_key = ?)');
    params.push(filter.session);
  }
  // A drill-down to one weekday and hour (a heatmap cell); its fragment names no parameter.
  if (filter.slot != null) common.push(slotWhere(filter.slot, filter.tz));
  // Both fact tables carry the branch (rollup_hour since schema 7, −1 for none; requests NULL).
  if (filter.branch != null) {
    if (filter.branch === NO_BRANCH_FILTER) {
      common.push('coalesce(branch_id, -1) = -1');
    } else {
      const ids = [...dict.branches].filter(([, n]) => n === filter.branch).map(([id]) => id);
      if (ids.length === 0) return NOTHING;
      common.push(`branch_id IN (${ids.map(() => '?').join(',')})`);
      params.push(...ids);
    }
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
export function requestsWhere(f: CompiledFilter): { sql: string[]; params: SqlValue[] } {
  if (f.parts.length === 1) return { sql: withTimeColumn(f.parts[0].where, 'ts'), params: f.parts[0].params };
  const sql = f.parts.map((p) => (p.where.length ? `(${withTimeColumn(p.where, 'ts').join(' AND ')})` : '1')).join(' OR ');
  return { sql: [`(${sql})`], params: f.parts.flatMap((p) => p.params) };
}

/** True when every local hour boundary in the window falls on a whole UTC hour. */
export function wholeHourZone(startMs: number, endMs: number, tz: string): boolean {
  return offsetSegments(startMs, endMs, tz).every((s) => s.offsetMs % HOUR_MS === 0);
}
