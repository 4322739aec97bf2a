// llm_costs_query: validated params → SQL over rollup_hour (or requests) → result.
// SQL is assembled only from fixed fragments chosen by whitelisted values; every user value
// (dates, ids) is a bound parameter. Project and model names are matched in JS against the
// dictionaries and only their integer ids reach the SQL.
import { sessionFills } from '../limits/context';
import { loadProjects, projectMatches } from './projects';
import type { Metrics } from '../types';
import { EXECUTION_MODE_IDS, SOURCE_IDS } from '../store/schema';
import { selectAll } from '../store/sqljs';
import type { Database, SqlValue, Statement } from '../store/sqljs';
import {
  addMetrics, addOutcome, callStats, deltaPct, emptyMetrics, emptyOutcome, metricSelectSql, metricsFromRow, outcomeFromRow,
  outcomeSelectSql, roundedMetrics,
} from './metrics';
import type { OutcomeSums } from './metrics';
import { addCacheSums, cacheEconomics, cacheSelectSql, cacheSumsFromRow, emptyCacheSums, type CacheSums } from './cacheEconomics';
import { validateQueryParams } from './params';
import type { StoreBounds } from './params';
import type { GroupBy, GroupRow, QueryParams, QueryResult, QueryWindow } from './types';
import { DAY_MS, HOUR_MS, dayNumberToKey, offsetSegments, previousWindow } from './windows';
import type { OffsetSegment } from './windows';

/** A grouping dimension (the query's group_by values other than none, plus a few the reports use). */
export type GroupDim = Exclude<GroupBy, 'none'>;

/** Which table to read: auto = rollup_hour for every whole hour it answers exactly, requests for the rest. */
export type TableChoice = 'auto' | 'requests' | 'rollup_hour';

export interface AggregateRow { keys: string[]; labels: string[]; metrics: Metrics; outcome: OutcomeSums; cache: CacheSums }

/** The filter part of the params (everything but window, grouping, compare and limit). */
export type QueryFilter = Pick<QueryParams, 'source' | 'project' | 'models' | 'executionMode' | 'tz'>;

export interface RunOptions { table?: TableChoice }

const SOURCE_NAMES: Record<number, string> = { [SOURCE_IDS.claude_code]: 'claude_code', [SOURCE_IDS.internal]: 'internal' };

/**
 * Earliest and latest request timestamps: two index-only lookups. (One SELECT with both MIN and MAX is not
 * optimised by SQLite and walks the whole ts index: 0.7 s at a million requests.)
 */
export function storeBounds(db: Database): StoreBounds {
  const row = selectAll<{ lo: SqlValue; hi: SqlValue }>(db, 'SELECT (SELECT MIN(ts) FROM requests) AS lo, (SELECT MAX(ts) FROM requests) AS hi')[0];
  return {
    earliestMs: typeof row?.lo === 'number' ? row.lo : null,
    latestMs: typeof row?.hi === 'number' ? row.hi : null,
  };
}

interface CompiledFilter { where: string[]; params: SqlValue[]; empty: boolean }

/** Resolves project substring / model ids to dictionary ids and builds the WHERE fragments. */
function compileFilter(db: Database, f: QueryFilter): CompiledFilter {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (f.source !== 'all') {
    where.push('source = ?');
    params.push(SOURCE_IDS[f.source]);
  }
  if (f.executionMode) {
    where.push('execution_mode = ?');
    params.push(EXECUTION_MODE_IDS[f.executionMode]);
  }
  if (f.project != null) {
    const needle = f.project;
    const ids = loadProjects(db).filter((p) => projectMatches(p, needle)).map((p) => p.id);
    if (ids.length === 0) return { where, params, empty: true };
    where.push(`project_id IN (${ids.map(() => '?').join(',')})`);
    params.push(...ids);
  }
  if (f.models != null) {
    if (f.models.length === 0) return { where, params, empty: true };
    const wanted = new Set(f.models);
    const ids = selectAll<{ id: number; name: string }>(db, 'SELECT id, name FROM models')
      .filter((m) => wanted.has(String(m.name)))
      .map((m) => m.id);
    if (ids.length === 0) return { where, params, empty: true };
    where.push(`model_id IN (${ids.map(() => '?').join(',')})`);
    params.push(...ids);
  }
  return { where, params, empty: false };
}

/**
 * The id each dictionary-backed dimension groups on (same column in requests and rollup_hour, except
 * provider/feature, which only requests has). A row without provider is a Claude Code response
 * (→ anthropic, id −1) or an API-log call that did not say (id −2); a row without feature → (none).
 */
const DIM_COLUMN: Record<Exclude<GroupDim, 'day' | 'hour'>, string> = {
  project: 'project_id', model: 'model_id', session: 'session_id', tool: 'toolset_id', source: 'source',
  provider: 'COALESCE(provider_id, -1 - source)', feature: 'COALESCE(feature_id, -1)',
  // A request without a branch (no repository, an old writer, an API-log call) → id −1, "(no branch)".
  branch: 'COALESCE(branch_id, -1)',
};

/** The group of requests that recorded no git branch. */
export const NO_BRANCH = '(no branch)';

/** Dimensions rollup_hour does not carry: always read from requests. */
const RAW_ONLY_DIMS: readonly GroupDim[] = ['provider', 'feature'];

const isTimeDim = (d: GroupDim): d is 'day' | 'hour' => d === 'day' || d === 'hour';

/**
 * True when rollup_hour alone answers [startMs, endMs) exactly: the edges are whole UTC hours and —
 * for day/hour keys — every local day/hour boundary in it is a whole UTC hour too (false in zones such
 * as Asia/Kolkata, +05:30). Otherwise aggregateGroups still reads rollup_hour for the hours it can and
 * requests for the rest (see planSegment).
 */
export function rollupAnswersExactly(startMs: number, endMs: number, tz: string, dims: GroupDim[]): boolean {
  if (startMs % HOUR_MS !== 0 || endMs % HOUR_MS !== 0) return false;
  if (dims.some((d) => RAW_ONLY_DIMS.includes(d))) return false;
  if (!dims.some(isTimeDim)) return true;
  return offsetSegments(startMs, endMs, tz).every((s) => s.offsetMs % HOUR_MS === 0 && s.startMs % HOUR_MS === 0);
}

/** One read: a table, the time ranges to read from it, and the offset the day/hour buckets use. */
interface Piece {
  table: 'requests' | 'rollup_hour';
  ranges: [number, number][];
  offsetMs: number;
  /** rollup_hour only: skip hours that straddle a local boundary of this unit (they are read raw). */
  skipStraddling: number | null;
}

const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const ceilHour = (ms: number) => Math.ceil(ms / HOUR_MS) * HOUR_MS;

/**
 * How to read one stretch of constant UTC offset. rollup_hour rows are whole UTC hours, so it serves
 * the whole hours inside the stretch, minus — for day keys in a zone with a non-whole-hour offset —
 * the one hour per day that straddles local midnight. requests serves the partial hours at the edges
 * and those straddling hours. Hour keys in such a zone straddle every hour: all raw.
 */
function planSegment(seg: OffsetSegment, unit: number | null, choice: TableChoice): Piece[] {
  const { startMs: s, endMs: e, offsetMs: off } = seg;
  const raw = (ranges: [number, number][]): Piece => ({ table: 'requests', ranges, offsetMs: off, skipStraddling: null });
  if (choice === 'requests') return [raw([[s, e]])];
  if (choice === 'rollup_hour') return [{ table: 'rollup_hour', ranges: [[s, e]], offsetMs: off, skipStraddling: null }];
  const a = ceilHour(s);
  const b = floorHour(e);
  const wholeHourOffset = off % HOUR_MS === 0;
  if (a >= b || (unit === HOUR_MS && !wholeHourOffset)) return [raw([[s, e]])];
  const rawRanges: [number, number][] = [];
  if (s < a) rawRanges.push([s, a]);
  let skipStraddling: number | null = null;
  if (unit === DAY_MS && !wholeHourOffset) {
    skipStraddling = DAY_MS;
    // Local midnights t = k·DAY − off inside (a, b); the UTC hour holding each is read raw.
    for (let k = Math.floor((a + off) / DAY_MS) + 1; k * DAY_MS - off < b; k++) {
      const h = floorHour(k * DAY_MS - off);
      if (h >= a) rawRanges.push([h, h + HOUR_MS]);
    }
  }
  if (b < e) rawRanges.push([b, e]);
  const pieces: Piece[] = [{ table: 'rollup_hour', ranges: [[a, b]], offsetMs: off, skipStraddling }];
  if (rawRanges.length) pieces.push(raw(rawRanges));
  return pieces;
}

/** At most this many time ranges per raw statement (each is two bound parameters). */
const MAX_RANGES_PER_STATEMENT = 200;

interface DictNames { key: Map<number, string>; label: Map<number, string> }

function loadDictionary(db: Database, dim: Exclude<GroupDim, 'day' | 'hour'>): DictNames {
  const key = new Map<number, string>();
  const label = new Map<number, string>();
  if (dim === 'source') {
    for (const [id, name] of Object.entries(SOURCE_NAMES)) { key.set(Number(id), name); label.set(Number(id), name); }
    return { key, label };
  }
  if (dim === 'session') {
    for (const r of selectAll<{ id: number; k: string; t: string | null }>(db, 'SELECT id, session_key AS k, title AS t FROM sessions')) {
      key.set(r.id, String(r.k));
      label.set(r.id, r.t != null && String(r.t).trim() !== '' ? String(r.t) : String(r.k));
    }
    return { key, label };
  }
  if (dim === 'provider' || dim === 'feature') {
    if (dim === 'provider') { key.set(-1, 'anthropic'); key.set(-2, '(unknown)'); } else key.set(-1, '(none)');
    for (const r of selectAll<{ id: number; name: string }>(db, `SELECT id, name FROM ${dim === 'provider' ? 'providers' : 'features'}`)) {
      key.set(r.id, String(r.name));
    }
    for (const [id, name] of key) label.set(id, name);
    return { key, label };
  }
  if (dim === 'branch') {
    key.set(-1, NO_BRANCH);
    for (const r of selectAll<{ id: number; name: string }>(db, 'SELECT id, name FROM branches')) key.set(r.id, String(r.name));
    for (const [id, name] of key) label.set(id, name);
    return { key, label };
  }
  if (dim === 'project') {
    // Keyed by the unique display name ("app (a)" / "app (b)" when two checkouts share a folder name).
    for (const p of loadProjects(db)) {
      key.set(p.id, p.name);
      label.set(p.id, p.name);
    }
    return { key, label };
  }
  const table = dim === 'model' ? 'models' : 'toolsets';
  for (const r of selectAll<{ id: number; name: string }>(db, `SELECT id, name FROM ${table}`)) {
    // Tool keys are the response's tool set: the distinct sorted tool names joined by ", " (e.g.
    // "Edit, Read"), '' → "(none)". Keying by the set rather than by single tool keeps every response
    // in exactly one group, so the groups always sum to the totals.
    const name = dim === 'tool' && r.name === '' ? '(none)' : String(r.name);
    key.set(r.id, name);
    label.set(r.id, name);
  }
  return { key, label };
}

/**
 * Sums the metrics over [startMs, endMs) for the filter, grouped by `dims` (none = one row, or no
 * row when nothing matches). Day/hour keys are local to filter.tz: each stretch of constant UTC
 * offset is bucketed in SQL by (time + offset) / unit, and buckets are merged by key in JS (so a DST
 * day or a repeated fall-back hour comes out as one group). `table` pins the source (tests compare
 * both; 'rollup_hour' is exact only where rollupAnswersExactly says so).
 */
export function aggregateGroups(
  db: Database, filter: QueryFilter, startMs: number, endMs: number, dims: GroupDim[], table: TableChoice = 'auto',
): AggregateRow[] {
  const dicts = new Map<GroupDim, DictNames>();
  for (const d of dims) if (!isTimeDim(d)) dicts.set(d, loadDictionary(db, d));
  const merged = new Map<string, AggregateRow>();
  scanGroups(db, filter, startMs, endMs, dims, table,
    (t) => [metricSelectSql(t), outcomeSelectSql(t), cacheSelectSql()].join(', '),
    (stmt) => mergeRow(stmt.getAsObject(), dims, dicts, merged));
  return [...merged.values()];
}

/**
 * The cost over [startMs, endMs) for the filter by `dims`, as raw ids: a day / hour number (local to
 * filter.tz, see aggregateGroups) or a dictionary row id per dimension. Calls `visit` once per bucket of one
 * read, so the same ids may come more than once (a DST day, rollup and raw reads): the caller adds them up.
 * For figures that need the cost only (unusual days and sessions): no metrics, names or row objects.
 */
export function forEachGroupCost(
  db: Database, filter: QueryFilter, startMs: number, endMs: number, dims: GroupDim[], visit: (ids: number[], costUsd: number) => void,
): void {
  const ids = new Array<number>(dims.length).fill(0);
  // activity_hour (per hour, source and model: a few rows an hour) answers whole hours as exactly as
  // rollup_hour when neither the filter nor the groups name anything else.
  const byActivity = filter.project == null && !filter.executionMode && dims.every((d) => ACTIVITY_DIMS.includes(d));
  scanGroups(db, filter, startMs, endMs, dims, 'auto', () => 'sum(cost_usd) AS cost', (stmt) => {
    const row = stmt.get();
    for (let i = 0; i < dims.length; i++) ids[i] = Number(row[i]);
    visit(ids, Number(row[dims.length] ?? 0));
  }, byActivity ? 'activity_hour' : 'rollup_hour');
}

/** The groups activity_hour carries besides time. */
const ACTIVITY_DIMS: readonly GroupDim[] = ['day', 'hour', 'model', 'source'];

/**
 * Plans the reads of aggregateGroups and runs them; `onRow` sees each result row (the dims d0…, then `select`).
 * `hourTable`: the table that answers whole hours (activity_hour only for the columns it has).
 */
function scanGroups(
  db: Database, filter: QueryFilter, startMs: number, endMs: number, dims: GroupDim[], tableChoice: TableChoice,
  select: (table: 'requests' | 'rollup_hour') => string, onRow: (stmt: Statement) => void,
  hourTable: 'rollup_hour' | 'activity_hour' = 'rollup_hour',
): void {
  let table = tableChoice;
  // Clamp to the stored rows' hours: same rows, shorter offset scans, and often whole-hour edges.
  const bounds = storeBounds(db);
  if (bounds.earliestMs == null || bounds.latestMs == null) return;
  startMs = Math.max(startMs, floorHour(bounds.earliestMs));
  endMs = Math.min(endMs, floorHour(bounds.latestMs) + HOUR_MS);
  if (endMs <= startMs) return;
  const compiled = compileFilter(db, filter);
  if (compiled.empty) return;
  const unit = dims.includes('hour') ? HOUR_MS : dims.includes('day') ? DAY_MS : null;
  const segments: OffsetSegment[] = unit ? offsetSegments(startMs, endMs, filter.tz) : [{ startMs, endMs, offsetMs: 0 }];
  const timeDimCount = dims.filter(isTimeDim).length;
  if (table === 'auto' && dims.some((d) => RAW_ONLY_DIMS.includes(d))) table = 'requests';

  const sqlFor = (piece: Piece, rangeCount: number): string => {
    const timeCol = piece.table === 'rollup_hour' ? 'hour' : 'ts';
    const selectDims = dims.map((d, i) => {
      if (d === 'day') return `(${timeCol} + ?) / ${DAY_MS} AS d${i}`;
      if (d === 'hour') return `(${timeCol} + ?) / ${HOUR_MS} AS d${i}`;
      return `${DIM_COLUMN[d]} AS d${i}`;
    });
    const selectList = [...selectDims, select(piece.table)].join(', ');
    const ranges = Array.from({ length: rangeCount }, () => `(${timeCol} >= ? AND ${timeCol} < ?)`).join(' OR ');
    const where = [rangeCount === 1 ? ranges : `(${ranges})`];
    if (piece.skipStraddling) where.push(`(${timeCol} + ?) % ${piece.skipStraddling} <= ${piece.skipStraddling - HOUR_MS}`);
    where.push(...compiled.where);
    const groupBy = dims.length ? ` GROUP BY ${dims.map((_, i) => `d${i}`).join(', ')}` : '';
    return `SELECT ${selectList} FROM ${piece.table === 'rollup_hour' ? hourTable : 'requests'} WHERE ${where.join(' AND ')}${groupBy}`;
  };

  const statements = new Map<string, Statement>();
  try {
    for (const seg of segments) {
      for (const piece of planSegment(seg, unit, table)) {
        for (let i = 0; i < piece.ranges.length; i += MAX_RANGES_PER_STATEMENT) {
          const chunk = piece.ranges.slice(i, i + MAX_RANGES_PER_STATEMENT);
          const sql = sqlFor(piece, chunk.length);
          let stmt = statements.get(sql);
          if (!stmt) statements.set(sql, (stmt = db.prepare(sql)));
          // Offsets are whole seconds within ±15 h: they bind as 32-bit integers, keeping the division integral.
          const params: SqlValue[] = Array.from({ length: timeDimCount }, () => piece.offsetMs);
          for (const [from, to] of chunk) params.push(from, to);
          if (piece.skipStraddling) params.push(piece.offsetMs);
          params.push(...compiled.params);
          stmt.bind(params);
          while (stmt.step()) onRow(stmt);
          stmt.reset();
        }
      }
    }
  } finally {
    for (const stmt of statements.values()) stmt.free();
  }
}

function mergeRow(row: Record<string, SqlValue>, dims: GroupDim[], dicts: Map<GroupDim, DictNames>, merged: Map<string, AggregateRow>): void {
  const metrics = metricsFromRow(row);
  if (metrics.requests === 0) return; // the single row of an ungrouped SELECT over nothing
  const outcome = outcomeFromRow(row);
  const cache = cacheSumsFromRow(row);
  const keys: string[] = [];
  const labels: string[] = [];
  dims.forEach((d, i) => {
    const v = Number(row[`d${i}`]);
    if (d === 'day') { const k = dayNumberToKey(v); keys.push(k); labels.push(k); return; }
    if (d === 'hour') { const k = new Date(v * HOUR_MS).toISOString().slice(0, 13); keys.push(k); labels.push(k); return; }
    const dict = dicts.get(d)!;
    keys.push(dict.key.get(v) ?? `(unknown #${v})`);
    labels.push(dict.label.get(v) ?? dict.key.get(v) ?? `(unknown #${v})`);
  });
  const id = keys.join('\u0000');
  const existing = merged.get(id);
  if (existing) {
    addMetrics(existing.metrics, metrics);
    addOutcome(existing.outcome, outcome);
    addCacheSums(existing.cache, cache);
  } else merged.set(id, { keys, labels, metrics, outcome, cache });
}

function windowOut(startMs: number, endMs: number, tz: string, label: string): QueryWindow {
  return { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), tz, label };
}

/** Sorts groups (cost desc then key; day/hour by time asc) and applies the limit. */
function orderAndLimit(rows: AggregateRow[], groupBy: GroupDim, limit: number): AggregateRow[] {
  if (isTimeDim(groupBy)) {
    // Day/hour keys sort chronologically as strings; when the limit cuts, keep the most recent.
    const sorted = rows.sort((a, b) => (a.keys[0] < b.keys[0] ? -1 : a.keys[0] > b.keys[0] ? 1 : 0));
    return sorted.length > limit ? sorted.slice(sorted.length - limit) : sorted;
  }
  rows.sort((a, b) => b.metrics.cost_usd - a.metrics.cost_usd || (a.keys[0] < b.keys[0] ? -1 : a.keys[0] > b.keys[0] ? 1 : 0));
  return rows.slice(0, limit);
}

/** Totals over [startMs, endMs) for the filter (all zeros when nothing matches). */
function totalsFor(db: Database, q: QueryParams, startMs: number, endMs: number, table: TableChoice): AggregateRow {
  const rows = aggregateGroups(db, q, startMs, endMs, [], table);
  return rows[0] ?? { keys: [], labels: [], metrics: emptyMetrics(), outcome: emptyOutcome(), cache: emptyCacheSums() };
}

/** Session groups carry the session's context-window fill (issue 17), read from session_context by row id. */
function addSessionContext(db: Database, groups: GroupRow[]): void {
  if (groups.length === 0) return;
  const keys = groups.map((g) => g.key);
  const ids = new Map<string, number>();
  for (const r of selectAll<{ id: number; k: string }>(db, `SELECT id, session_key AS k FROM sessions WHERE session_key IN (${keys.map(() => '?').join(',')})`, keys)) ids.set(String(r.k), r.id);
  const fills = sessionFills(db, [...ids.values()]);
  for (const g of groups) {
    const f = fills.get(ids.get(g.key) ?? -1);
    if (!f) continue;
    Object.assign(g, {
      context_tokens: f.current_tokens, context_window: f.context_window, context_pct: f.current_pct,
      peak_context_tokens: f.peak_tokens, peak_context_pct: f.peak_pct, compactions: f.compactions,
    });
  }
}

/**
 * llm_costs_query over `db` at instant `nowMs`. Throws QueryParamError for bad params.
 * `opts.table` pins the source table (tests compare both paths; default auto).
 */
export function runQuery(db: Database, input: unknown, nowMs: number, opts: RunOptions = {}): QueryResult {
  const q = validateQueryParams(input, nowMs, () => storeBounds(db));
  return runValidatedQuery(db, q, opts);
}

/** runQuery for params already validated (the panel and reports build QueryParams themselves). */
export function runValidatedQuery(db: Database, q: QueryParams, opts: RunOptions = {}): QueryResult {
  const table = opts.table ?? 'auto';
  const result: QueryResult = {
    window: windowOut(q.startMs, q.endMs, q.tz, q.label), totals: { ...emptyMetrics(), ...cacheEconomics(emptyCacheSums()) },
  };
  let totals: AggregateRow;
  if (q.groupBy === 'none') {
    totals = totalsFor(db, q, q.startMs, q.endMs, table);
  } else {
    // Totals come from all groups before the limit, so they always cover the whole filter.
    const all = aggregateGroups(db, q, q.startMs, q.endMs, [q.groupBy], table);
    totals = { keys: [], labels: [], metrics: emptyMetrics(), outcome: emptyOutcome(), cache: emptyCacheSums() };
    for (const r of all) {
      addMetrics(totals.metrics, r.metrics);
      addOutcome(totals.outcome, r.outcome);
      addCacheSums(totals.cache, r.cache);
    }
    const totalCost = totals.metrics.cost_usd;
    result.groups = orderAndLimit(all, q.groupBy, q.limit).map((r): GroupRow => ({
      key: r.keys[0],
      label: r.labels[0],
      ...roundedMetrics(r.metrics),
      ...cacheEconomics(r.cache),
      ...callStats(r.outcome),
      share_of_cost: totalCost > 0 ? r.metrics.cost_usd / totalCost : 0,
    }));
    if (q.groupBy === 'session') addSessionContext(db, result.groups);
  }
  result.totals = { ...roundedMetrics(totals.metrics), ...cacheEconomics(totals.cache), ...callStats(totals.outcome) };
  if (q.compare) {
    const prev = previousWindow(q);
    const prevTotals = totalsFor(db, q, prev.startMs, prev.endMs, table);
    result.previous = {
      window: windowOut(prev.startMs, prev.endMs, q.tz, `previous ${q.label}`),
      totals: { ...roundedMetrics(prevTotals.metrics), ...cacheEconomics(prevTotals.cache), ...callStats(prevTotals.outcome) },
      delta_pct: deltaPct(totals.metrics, prevTotals.metrics),
    };
  }
  return result;
}
