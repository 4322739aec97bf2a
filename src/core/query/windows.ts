// Time zones and named windows, with Intl only (no date library).
// Every window is a half-open interval [startMs, endMs) of epoch milliseconds. Calendar windows
// (today, last_7d, this_month, …) start and end on local midnights in the requested zone, so they
// stay correct across DST changes (a local day may last 23 or 25 hours).
import type { WindowName } from './types';

export const HOUR_MS = 3_600_000;

/**
 * [fromMs, toMs) as the reads that answer it: the whole UTC hours inside (an hourly table: rollup_hour or
 * activity_hour) and the partial hours at its edges (requests); all of it from requests when `raw` or when it
 * holds no whole hour. Empty pieces are left out.
 */
export function hourPieces(fromMs: number, toMs: number, raw = false): Array<{ hourly: boolean; fromMs: number; toMs: number }> {
  const a = Math.ceil(fromMs / HOUR_MS) * HOUR_MS;
  const b = Math.floor(toMs / HOUR_MS) * HOUR_MS;
  const pieces = raw || a >= b ? [{ hourly: false, fromMs, toMs }]
    : [{ hourly: false, fromMs, toMs: a }, { hourly: true, fromMs: a, toMs: b }, { hourly: false, fromMs: b, toMs }];
  return pieces.filter((p) => p.toMs > p.fromMs);
}
export const DAY_MS = 86_400_000;

export interface ResolvedWindow { startMs: number; endMs: number; label: string }

interface WallClock { year: number; month: number; day: number; hour: number; minute: number; second: number }

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatterCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatterCache.set(tz, f);
  }
  return f;
}

/** True when `tz` is an IANA zone (or alias) this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

let machineZone: string | undefined;

/** The machine's zone, or UTC when the runtime cannot tell (asked once per process: it is slow). */
export function defaultTimeZone(): string {
  if (machineZone === undefined) {
    try {
      const tz = new Intl.DateTimeFormat().resolvedOptions().timeZone;
      machineZone = tz && isValidTimeZone(tz) ? tz : 'UTC';
    } catch {
      machineZone = 'UTC';
    }
  }
  return machineZone;
}

/** The wall clock in `tz` at instant `ms`. */
export function wallClock(ms: number, tz: string): WallClock {
  const out: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatterFor(tz).formatToParts(new Date(ms))) {
    switch (p.type) {
      case 'year': out.year = Number(p.value); break;
      case 'month': out.month = Number(p.value); break;
      case 'day': out.day = Number(p.value); break;
      case 'hour': out.hour = Number(p.value); break;
      case 'minute': out.minute = Number(p.value); break;
      case 'second': out.second = Number(p.value); break;
    }
  }
  return out;
}

/** UTC offset of `tz` at instant `ms`, in ms (local = utc + offset). Whole seconds. */
export function tzOffsetMs(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - Math.floor(ms / 1000) * 1000;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const pad4 = (n: number) => String(n).padStart(4, '0');

/** "YYYY-MM-DD" of instant `ms` in `tz`. */
export function formatDayKey(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  return `${pad4(w.year)}-${pad2(w.month)}-${pad2(w.day)}`;
}

/** "YYYY-MM-DDTHH" of instant `ms` in `tz`. */
export function formatHourKey(ms: number, tz: string): string {
  const w = wallClock(ms, tz);
  return `${pad4(w.year)}-${pad2(w.month)}-${pad2(w.day)}T${pad2(w.hour)}`;
}

/** Day number (days since 1970-01-01) of a calendar date; month is 1-based. */
function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

function dayNumberAt(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  return dayNumber(w.year, w.month, w.day);
}

/**
 * First instant of the local calendar day `dayNum` (days since 1970-01-01) in `tz`. Usually local
 * midnight; where midnight does not exist (a DST jump at 00:00) the first instant that does.
 */
export function startOfLocalDay(dayNum: number, tz: string): number {
  const wallMidnight = dayNum * DAY_MS;
  // Fast path: two rounds of "wall − offset" settle on midnight in every zone without a gap there.
  let t = wallMidnight - tzOffsetMs(wallMidnight, tz);
  t = wallMidnight - tzOffsetMs(t, tz);
  if (dayNumberAt(t, tz) === dayNum && dayNumberAt(t - 1, tz) < dayNum) return t;
  // Slow path: binary search for the first instant whose local date is `dayNum`
  // (offsets stay within ±15 h, so the answer lies within a day and a half of wall midnight).
  let lo = wallMidnight - 16 * HOUR_MS; // local date < dayNum here
  let hi = wallMidnight + 16 * HOUR_MS; // local date ≥ dayNum here
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (dayNumberAt(mid, tz) >= dayNum) hi = mid; else lo = mid;
  }
  return hi;
}

/** First instant of the local day containing `ms` in `tz`. */
export function zonedDayStart(ms: number, tz: string): number {
  return startOfLocalDay(dayNumberAt(ms, tz), tz);
}

/** Parses "YYYY-MM-DD" into a day number; null when malformed or not a real date. */
export function parseDayKey(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  return dayNumber(y, mo, d);
}

/** "YYYY-MM-DD" of a day number. */
export function dayNumberToKey(dayNum: number): string {
  return new Date(dayNum * DAY_MS).toISOString().slice(0, 10);
}

/** Day number of the local date of `ms` in `tz`. */
export function localDayNumber(ms: number, tz: string): number {
  return dayNumberAt(ms, tz);
}

/**
 * The instant a wall-clock time (given as if it were UTC) happens in `tz`. In a DST gap the wall time
 * does not exist and the result is shifted forward by the gap; in a DST overlap the earlier instant.
 */
export function wallTimeToInstant(wallAsUtcMs: number, tz: string): number {
  const before = wallAsUtcMs - tzOffsetMs(wallAsUtcMs - DAY_MS / 2, tz);
  const after = wallAsUtcMs - tzOffsetMs(wallAsUtcMs + DAY_MS / 2, tz);
  // Offsets are whole seconds, so t keeps the wall time's milliseconds and this comparison is exact.
  const fits = (t: number) => t + tzOffsetMs(t, tz) === wallAsUtcMs;
  const candidates = [before, after].filter(fits).sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0];
  // A gap: use the offset in force before the jump, which lands the same distance past it.
  return Math.max(before, after);
}

/** Weekday of a day number, 0 = Monday … 6 = Sunday. */
function isoWeekday(dayNum: number): number {
  // 1970-01-01 was a Thursday (index 3).
  return (((dayNum + 3) % 7) + 7) % 7;
}

/** The (year, month) of a day number; month 1-based. */
function yearMonth(dayNum: number): { year: number; month: number } {
  const d = new Date(dayNum * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/**
 * Resolves a named window in `tz` at instant `nowMs`.
 * - today / yesterday: the local calendar day (ending at the next local midnight).
 * - last_5h / last_24h: rolling, [now − 5 h, now) and [now − 24 h, now).
 * - last_7d / last_30d: the last 7 / 30 local calendar days including today.
 * - this_week: Monday 00:00 local to next Monday; this_month / last_month: calendar months.
 * - all: from `earliestMs` (the earliest stored row, floored to the UTC hour; epoch 0 when the store
 *   is empty) to `latestEndMs` (defaults to the UTC hour after now).
 */
export function resolveWindow(
  name: WindowName, tz: string, nowMs: number,
  bounds: { earliestMs?: number | null; latestEndMs?: number | null } = {},
): ResolvedWindow {
  const today = dayNumberAt(nowMs, tz);
  const days = (from: number, toExclusive: number): ResolvedWindow =>
    ({ startMs: startOfLocalDay(from, tz), endMs: startOfLocalDay(toExclusive, tz), label: name });
  switch (name) {
    case 'today': return days(today, today + 1);
    case 'yesterday': return days(today - 1, today);
    case 'last_5h': return { startMs: nowMs - 5 * HOUR_MS, endMs: nowMs, label: name };
    case 'last_24h': return { startMs: nowMs - 24 * HOUR_MS, endMs: nowMs, label: name };
    case 'last_7d': return days(today - 6, today + 1);
    case 'last_30d': return days(today - 29, today + 1);
    case 'this_week': {
      const monday = today - isoWeekday(today);
      return days(monday, monday + 7);
    }
    case 'this_month': {
      const { year, month } = yearMonth(today);
      return days(dayNumber(year, month, 1), dayNumber(year, month + 1, 1));
    }
    case 'last_month': {
      const { year, month } = yearMonth(today);
      return days(dayNumber(year, month - 1, 1), dayNumber(year, month, 1));
    }
    case 'all': {
      const startMs = bounds.earliestMs == null ? 0 : Math.floor(bounds.earliestMs / HOUR_MS) * HOUR_MS;
      const defaultEnd = Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS;
      const endMs = Math.max(defaultEnd, bounds.latestEndMs ?? 0, startMs + HOUR_MS);
      return { startMs, endMs, label: name };
    }
  }
}

/** The window of equal length immediately before (for `compare`). */
export function previousWindow(w: { startMs: number; endMs: number }): { startMs: number; endMs: number } {
  const len = w.endMs - w.startMs;
  return { startMs: w.startMs - len, endMs: w.startMs };
}

/** A stretch of time over which `tz` keeps one UTC offset. */
export interface OffsetSegment { startMs: number; endMs: number; offsetMs: number }

const segmentCache = new Map<string, OffsetSegment[]>();

/**
 * Splits [startMs, endMs) into stretches of constant UTC offset in `tz`. Offsets are sampled once a
 * week and each change is pinned to the millisecond by binary search (zones change offset a few
 * times a year at most; no current zone changes and changes back within a week). Cached.
 */
export function offsetSegments(startMs: number, endMs: number, tz: string): OffsetSegment[] {
  const cacheKey = `${tz}|${startMs}|${endMs}`;
  const cached = segmentCache.get(cacheKey);
  if (cached) return cached.map((s) => ({ ...s }));
  const segments = computeOffsetSegments(startMs, endMs, tz);
  if (segmentCache.size >= 64) segmentCache.delete(segmentCache.keys().next().value as string);
  segmentCache.set(cacheKey, segments.map((s) => ({ ...s })));
  return segments;
}

function computeOffsetSegments(startMs: number, endMs: number, tz: string): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  if (endMs <= startMs) return segments;
  if (tz === 'UTC' || tz === 'Etc/UTC' || tz === 'GMT' || tz === 'Etc/GMT') return [{ startMs, endMs, offsetMs: 0 }];
  const step = 7 * DAY_MS;
  let segStart = startMs;
  let segOffset = tzOffsetMs(startMs, tz);
  let probe = startMs;
  while (probe < endMs) {
    const next = Math.min(probe + step, endMs - 1);
    if (next <= probe) break;
    const off = tzOffsetMs(next, tz);
    if (off !== segOffset) {
      // Find the first instant in (probe, next] with the new offset.
      let lo = probe;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (tzOffsetMs(mid, tz) === segOffset) lo = mid; else hi = mid;
      }
      segments.push({ startMs: segStart, endMs: hi, offsetMs: segOffset });
      segStart = hi;
      segOffset = tzOffsetMs(hi, tz);
    }
    probe = next;
  }
  segments.push({ startMs: segStart, endMs, offsetMs: segOffset });
  return segments;
}
