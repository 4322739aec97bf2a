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
import { HOUR_MS, offsetSegments } from '../windows';
import { NO_BRANCH_FILTER } from './filterState';
import type { PanelFilter } from './filterState';
import { CLAUDE_CODE_PROVIDER, UNKNOWN_PROVIDER } from './types';

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
  // rollup_hour carries no branch: a branch filter reads `requests` (every part raw).
  const branchRaw = filter.branch != null;
  if (filter.branch != null) {
    if (filter.branch === NO_BRANCH_FILTER) {
      common.push('branch_id IS NULL');
    } else {
      const ids = [...dict.branches].filter(([, n]) => n === filter.branch).map(([id]) => id);
      if (ids.length === 0) return NOTHING;
      common.push(`branch_id IN (${ids.map(() => '?').join(',')})`);
      params.push(...ids);
    }
  }
  if (!opts.scoped) return { parts: [{ where: common, params, raw: branchRaw }], empty: false };
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
    parts.push({ where: common, params, raw: branchRaw });
  } else {
    if (claudeCode) parts.push({ where: [`source = ${SOURCE_IDS.claude_code}`, ...common], params, raw: branchRaw });
    if (internal) {
      parts.push({
        where: [`source = ${SOURCE_IDS.internal}`, ...internalWhere, ...common], params: [...internalParams, ...params], raw: branchRaw || internalWhere.length > 0,
      });
    }
  }
  return { parts, empty: parts.length === 0 };
}

/** The whole filter as one WHERE over `requests` (the parts OR-ed). */
export function requestsWhere(f: CompiledFilter): { sql: string[]; params: SqlValue[] } {
  if (f.parts.length === 1) return { sql: f.parts[0].where, params: f.parts[0].params };
  const sql = f.parts.map((p) => (p.where.length ? `(${p.where.join(' AND ')})` : '1')).join(' OR ');
  return { sql: [`(${sql})`], params: f.parts.flatMap((p) => p.params) };
}

/** True when every local hour boundary in the window falls on a whole UTC hour. */
export function wholeHourZone(startMs: number, endMs: number, tz: string): boolean {
  return offsetSegments(startMs, endMs, tz).every((s) => s.offsetMs % HOUR_MS === 0);
}
