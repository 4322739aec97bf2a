// What the cards compare with, and how a period is projected to its end. One rule each, used by every
// surface that shows them (the KPI cards and the budget bars), so they cannot disagree.
//
// A fair comparison has the same elapsed length: on Dec 3 "This month" is Dec 1–3 and is compared with
// Nov 1–3, not with all of November. A window that runs into the future (this month, today, the last 7
// days including today) is compared through now only.
import { resolveWindow, wallClock } from '../windows';
import type { PanelFilter } from './filterState';

/** Share of a period that must have passed before a linear projection means anything (earlier it is noise). */
export const MIN_PROJECTION_ELAPSED = 0.1;

/** Share of [startMs, endMs) elapsed at nowMs, 0..1. */
export function periodElapsed(nowMs: number, startMs: number, endMs: number): number {
  if (endMs <= startMs) return 1;
  return Math.min(1, Math.max(0, (nowMs - startMs) / (endMs - startMs)));
}

/** `value` so far, projected linearly to the end of its period; null before MIN_PROJECTION_ELAPSED of it. */
export function linearProjection(value: number, elapsed: number): number | null {
  return elapsed >= MIN_PROJECTION_ELAPSED ? value / Math.min(1, elapsed) : null;
}

export interface ComparedStretches {
  /** The previous stretch of the same elapsed length. */
  startMs: number;
  endMs: number;
  /** Its days ("Nov 1–3"), and those of the current stretch it is compared with ("Dec 1–3"). */
  label: string;
  currentLabel: string;
}

const monthFormats = new Map<string, Intl.DateTimeFormat>();

function monthName(ms: number, tz: string): string {
  let f = monthFormats.get(tz);
  if (!f) monthFormats.set(tz, (f = new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: tz })));
  return f.format(ms);
}

/** "Dec 3", "Dec 1–3", "Nov 29 – Dec 3", "Dec 30, 2025 – Jan 2, 2026": the local days of [startMs, endMs). */
export function dayRangeLabel(startMs: number, endMs: number, tz: string): string {
  const a = wallClock(startMs, tz);
  const b = wallClock(Math.max(startMs, endMs - 1), tz);
  const ma = monthName(startMs, tz), mb = monthName(Math.max(startMs, endMs - 1), tz);
  if (a.year !== b.year) return `${ma} ${a.day}, ${a.year} – ${mb} ${b.day}, ${b.year}`;
  if (a.month !== b.month) return `${ma} ${a.day} – ${mb} ${b.day}`;
  return a.day === b.day ? `${ma} ${a.day}` : `${ma} ${a.day}–${b.day}`;
}

/**
 * The stretch the cards compare [startMs, endMs) with at nowMs: as long as the part elapsed so far,
 * starting where the previous period starts (the previous calendar month for "This month"; the window
 * of equal length before otherwise). Null for "all" and for a window that has not started.
 */
export function fairPrevious(filter: PanelFilter, startMs: number, endMs: number, nowMs: number): ComparedStretches | null {
  if (filter.range === 'all') return null;
  const elapsedEnd = Math.min(endMs, nowMs);
  if (elapsedEnd <= startMs) return null;
  const prevStart = filter.range === 'this_month'
    ? resolveWindow('last_month', filter.tz, nowMs).startMs
    : startMs - (endMs - startMs);
  // Never past the current window's start (March's 31 days against February's 28).
  const prevEnd = Math.min(startMs, prevStart + (elapsedEnd - startMs));
  return {
    startMs: prevStart,
    endMs: prevEnd,
    label: dayRangeLabel(prevStart, prevEnd, filter.tz),
    currentLabel: dayRangeLabel(startMs, elapsedEnd, filter.tz),
  };
}
