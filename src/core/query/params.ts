// Validation of llm_costs_query params: every key of the contract, defaults applied, the window
// resolved to concrete instants. Anything unknown or malformed → QueryParamError naming the key.
import { QueryParamError } from './types';
import type { GroupBy, QueryParams, WindowName } from './types';
import {
  DEFAULT_LIMIT, EXECUTION_MODES, MAX_LIMIT, MAX_PROJECT_LENGTH, QUERY_PARAM_KEYS, QUERY_PARAMS_SCHEMA, SOURCES,
  type QueryParamKey,
} from './schema';
import {
  DAY_MS, defaultTimeZone, dayNumberToKey, formatDayKey, isValidTimeZone, localDayNumber, parseDayKey,
  resolveWindow, startOfLocalDay, wallTimeToInstant, zonedDayStart,
} from './windows';

export { QUERY_PARAM_KEYS, DEFAULT_LIMIT, MAX_LIMIT };

// The value sets come from the schema the tool declares, so the two cannot drift apart.
const WINDOW_NAMES = QUERY_PARAMS_SCHEMA.properties.window.anyOf[0].enum;
const GROUP_BYS = QUERY_PARAMS_SCHEMA.properties.group_by.enum;

/** Earliest / latest stored request timestamps (epoch ms), or null when the store is empty. */
export interface StoreBounds { earliestMs: number | null; latestMs: number | null }

/** Asked lazily, only when the window needs it ("all", or end_date without start_date). */
export type StoreBoundsProvider = () => StoreBounds;

const NO_BOUNDS: StoreBoundsProvider = () => ({ earliestMs: null, latestMs: null });

function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new QueryParamError(key, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : String(v);
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * One end of a custom window. "YYYY-MM-DD" = local midnight in tz; a date-time without offset = that
 * wall time in tz; with "Z" or "±HH:MM" = that exact instant.
 */
function parseInstant(s: unknown, tz: string, which: 'start' | 'end'): number {
  const bad = () => new QueryParamError('window', `${which} must be an ISO date or date-time (got ${describe(s)})`);
  if (typeof s !== 'string') throw bad();
  const m = ISO_INSTANT.exec(s.trim());
  if (!m) throw bad();
  const day = parseDayKey(`${m[1]}-${m[2]}-${m[3]}`);
  if (day == null) throw bad();
  if (m[4] === undefined) {
    if (m[8] !== undefined) throw bad();
    return startOfLocalDay(day, tz);
  }
  const [h, mi, sec] = [Number(m[4]), Number(m[5]), m[6] === undefined ? 0 : Number(m[6])];
  if (h > 23 || mi > 59 || sec > 59) throw bad();
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const wall = day * DAY_MS + ((h * 60 + mi) * 60 + sec) * 1000 + ms;
  const zone = m[8];
  if (zone === undefined) return wallTimeToInstant(wall, tz);
  if (zone.toUpperCase() === 'Z') return wall;
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  const offMin = Number(z[2]) * 60 + Number(z[3]);
  if (Number(z[2]) > 14 || Number(z[3]) > 59) throw bad();
  return wall - (z[1] === '+' ? 1 : -1) * offMin * 60_000;
}

function parseModels(value: unknown): string[] {
  let list: unknown[];
  if (typeof value === 'string') list = value.split(',');
  else if (Array.isArray(value)) list = value;
  else throw new QueryParamError('models', 'must be an array of model ids or a comma-separated string');
  const out: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string') throw new QueryParamError('models', `every entry must be a string (got ${describe(item)})`);
    if (item.length > 200) throw new QueryParamError('models', 'model ids are at most 200 characters');
    const id = item.trim();
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}

/**
 * Validates llm_costs_query params (already parsed: a JSON string is rejected here, the CLI parses
 * it first). `undefined` (a command called without arguments) means all defaults; anything else that
 * is not a plain object (null, an array, a string) is an error. A key whose value is null counts as
 * missing. Defaults: window last_30d, group_by none, source all, limit 50, tz = the machine's zone.
 *
 * Dates: start_date / end_date ("YYYY-MM-DD", inclusive, local days in tz) replace `window`; giving
 * both is an error naming both keys, never a silent choice. With only start_date the range runs
 * through today; with only end_date it starts at the local day of the earliest stored request (epoch 0
 * for an empty store).
 */
export function validateQueryParams(
  input: unknown, nowMs: number, storeBounds: StoreBoundsProvider = NO_BOUNDS,
): QueryParams {
  if (input === undefined) input = {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new QueryParamError('params', `must be an object (got ${describe(input)})`);
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!(QUERY_PARAM_KEYS as readonly string[]).includes(key)) {
      throw new QueryParamError(key, `unknown parameter; known: ${QUERY_PARAM_KEYS.join(', ')}`);
    }
  }
  const get = (k: QueryParamKey) => (raw[k] === null ? undefined : raw[k]);
  for (const dateKey of ['start_date', 'end_date'] as const) {
    if (get('window') !== undefined && get(dateKey) !== undefined) {
      throw new QueryParamError('window', `cannot be combined with ${dateKey}: give either window or start_date/end_date`);
    }
  }

  let tz = defaultTimeZone();
  const tzIn = get('tz');
  if (tzIn !== undefined) {
    if (typeof tzIn !== 'string' || !isValidTimeZone(tzIn)) {
      throw new QueryParamError('tz', `must be an IANA time zone such as "Europe/Berlin" or "UTC" (got ${describe(tzIn)})`);
    }
    // Intl accepts any case; echo UTC canonically (other names are kept as the caller wrote them).
    tz = tzIn.toUpperCase() === 'UTC' ? 'UTC' : tzIn;
  }

  const groupBy: GroupBy = get('group_by') === undefined ? 'none' : oneOf('group_by', get('group_by'), GROUP_BYS);
  const source = get('source') === undefined ? 'all' : oneOf('source', get('source'), SOURCES);
  const executionMode = get('execution_mode') === undefined ? null : oneOf('execution_mode', get('execution_mode'), EXECUTION_MODES);

  let project: string | null = null;
  const projectIn = get('project');
  if (projectIn !== undefined) {
    if (typeof projectIn !== 'string') throw new QueryParamError('project', `must be a string (got ${describe(projectIn)})`);
    if (projectIn.length > MAX_PROJECT_LENGTH) throw new QueryParamError('project', `is at most ${MAX_PROJECT_LENGTH} characters`);
    project = projectIn.trim() === '' ? null : projectIn.trim();
  }

  const modelsIn = raw.models; // null means "all"; [] and "" mean none
  const models = modelsIn === undefined || modelsIn === null ? null : parseModels(modelsIn);

  let compare = false;
  const compareIn = get('compare');
  if (compareIn !== undefined) {
    if (typeof compareIn !== 'boolean') throw new QueryParamError('compare', `must be true or false (got ${describe(compareIn)})`);
    compare = compareIn;
  }

  const anomaliesIn = get('anomalies');
  if (anomaliesIn !== undefined && typeof anomaliesIn !== 'boolean') {
    throw new QueryParamError('anomalies', `must be true or false (got ${describe(anomaliesIn)})`);
  }
  const anomalies = anomaliesIn === true;

  let limit = DEFAULT_LIMIT;
  const limitIn = get('limit');
  if (limitIn !== undefined) {
    if (typeof limitIn !== 'number' || !Number.isInteger(limitIn) || limitIn < 1 || limitIn > MAX_LIMIT) {
      throw new QueryParamError('limit', `must be an integer from 1 to ${MAX_LIMIT} (got ${describe(limitIn)})`);
    }
    limit = limitIn;
  }

  const windowIn = get('window');
  let startMs: number;
  let endMs: number;
  let label: string;
  let named: WindowName | null = 'last_30d';
  let custom: { start: number; end: number } | null = null;
  if (windowIn !== undefined) {
    if (typeof windowIn === 'string') {
      named = oneOf('window', windowIn, WINDOW_NAMES);
    } else if (typeof windowIn === 'object' && !Array.isArray(windowIn)) {
      const w = windowIn as Record<string, unknown>;
      for (const k of Object.keys(w)) {
        if (k !== 'start' && k !== 'end') throw new QueryParamError('window', `unknown key "${k.slice(0, 40)}" (expected start and end)`);
      }
      const start = parseInstant(w.start, tz, 'start');
      const end = parseInstant(w.end, tz, 'end');
      if (!(start < end)) throw new QueryParamError('window', 'start must be before end');
      named = null;
      custom = { start, end };
    } else {
      throw new QueryParamError('window', `must be one of ${WINDOW_NAMES.join(', ')} or {"start": ISO, "end": ISO}`);
    }
  }

  const startDateIn = get('start_date');
  const endDateIn = get('end_date');
  const dayParam = (key: 'start_date' | 'end_date', v: unknown): number | null => {
    if (v === undefined) return null;
    const d = typeof v === 'string' ? parseDayKey(v) : null;
    if (d == null) throw new QueryParamError(key, `must be a date "YYYY-MM-DD" (got ${describe(v)})`);
    return d;
  };
  const startDay = dayParam('start_date', startDateIn);
  const endDay = dayParam('end_date', endDateIn);

  if (startDay != null || endDay != null) {
    const lastDay = endDay ?? localDayNumber(nowMs, tz);
    let firstKey: string;
    if (startDay != null) {
      startMs = startOfLocalDay(startDay, tz);
      firstKey = dayNumberToKey(startDay);
    } else {
      const { earliestMs } = storeBounds();
      startMs = earliestMs == null ? 0 : zonedDayStart(earliestMs, tz);
      firstKey = earliestMs == null ? 'start' : formatDayKey(earliestMs, tz);
    }
    endMs = startOfLocalDay(lastDay + 1, tz);
    if (!(startMs < endMs)) {
      throw new QueryParamError('start_date', `must not be after end_date (${dayNumberToKey(lastDay)}${endDay == null ? ', today' : ''})`);
    }
    label = `${firstKey}..${dayNumberToKey(lastDay)}`;
  } else if (custom) {
    startMs = custom.start;
    endMs = custom.end;
    label = 'custom';
  } else {
    const name = named ?? 'last_30d';
    const bounds = name === 'all' ? storeBounds() : { earliestMs: null, latestMs: null };
    const w = resolveWindow(name, tz, nowMs, {
      earliestMs: bounds.earliestMs,
      latestEndMs: bounds.latestMs == null ? null : Math.floor(bounds.latestMs / 3_600_000) * 3_600_000 + 3_600_000,
    });
    ({ startMs, endMs, label } = w);
  }

  return { startMs, endMs, label, tz, groupBy, source, project, models, executionMode, compare, limit, ...(anomalies ? { anomalies } : {}) };
}
