// The panel's window: the half-open interval [startMs, endMs) a filter state covers at `nowMs`.
import { selectAll } from '../../store/sqljs';
import type { Database, SqlValue } from '../../store/sqljs';
import { DAY_MS, HOUR_MS, dayNumberToKey, localDayNumber, parseDayKey, resolveWindow, startOfLocalDay } from '../windows';
import { wholeHourZone } from './compileFilter';
import type { PanelFilter } from './filterState';

export interface PanelWindow {
  startMs: number;
  endMs: number;
  label: string;
  /** The store holds at least one request. */
  hasData: boolean;
  /** The zone has non-whole-hour offsets in the window: day/hour buckets need exact timestamps. */
  exactTimes: boolean;
}

/** The window of `filter` (its tz already resolved); "all" spans the store's data. */
export function resolvePanelWindow(db: Database, filter: PanelFilter, nowMs: number): PanelWindow {
  const tz = filter.tz;
  // Store bounds through the ts index (MIN and MAX separately: each is then an index lookup).
  const earliest = selectAll<{ v: SqlValue }>(db, 'SELECT MIN(ts) AS v FROM requests')[0]?.v;
  const latest = selectAll<{ v: SqlValue }>(db, 'SELECT MAX(ts) AS v FROM requests')[0]?.v;
  const hasData = typeof earliest === 'number';

  let startMs: number, endMs: number, label: string;
  if (filter.range === 'custom') {
    const from = filter.from ? parseDayKey(filter.from) : null;
    const until = filter.until ? parseDayKey(filter.until) : null;
    const today = localDayNumber(nowMs, tz);
    const a = from ?? today, b = until ?? today;
    label = `${dayNumberToKey(Math.min(a, b))} – ${dayNumberToKey(Math.max(a, b))}`;
    // Only the days that can hold data are built (the daily series is one point per day): a custom range
    // costs what the data spans, not what was typed (a year 0001 would be 740,000 days).
    let first = Math.min(a, b), last = Math.max(a, b);
    if (hasData) {
      const dataFirst = localDayNumber(earliest as number, tz);
      const dataLast = Math.max(localDayNumber(latest as number, tz), today);
      if (first <= dataLast && last >= dataFirst) {
        first = Math.max(first, dataFirst);
        last = Math.min(last, dataLast);
      } else {
        last = first; // nothing can match: one empty day
      }
    } else {
      first = last = Math.min(Math.max(first, today - 1), today);
    }
    startMs = startOfLocalDay(first, tz);
    endMs = startOfLocalDay(last + 1, tz);
  } else {
    const w = resolveWindow(filter.range, tz, nowMs, {
      earliestMs: hasData ? (earliest as number) : null,
      latestEndMs: typeof latest === 'number' ? Math.floor(latest / HOUR_MS) * HOUR_MS + HOUR_MS : null,
    });
    ({ startMs, endMs, label } = w);
    if (filter.range === 'all' && !hasData) startMs = Math.max(0, endMs - DAY_MS);
  }
  return { startMs, endMs, label, hasData, exactTimes: !wholeHourZone(startMs, endMs, tz) };
}
