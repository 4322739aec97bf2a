// Period spend behind the budget bars: all spend (every source, project and model) today and this
// month in tz, whatever the filter shows.
import type { Database } from '../../store/sqljs';
import { selectAll } from '../../store/sqljs';
import { HOUR_MS, dayNumberToKey, localDayNumber, resolveWindow } from '../windows';
import type { PeriodSpend } from './budgets';
import type { PanelFilter } from './filterState';

/**
 * Every request's cost in [fromMs, toMs): whole UTC hours from activity_hour (a few rows per active hour),
 * the partial hours at the edges from requests. A plain total needs no local buckets, so any zone is exact.
 */
function totalCost(db: Database, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  const a = Math.ceil(fromMs / HOUR_MS) * HOUR_MS;
  const b = Math.floor(toMs / HOUR_MS) * HOUR_MS;
  const sum = (sql: string, lo: number, hi: number) => (hi > lo ? Number(selectAll<{ c: number | null }>(db, sql, [lo, hi])[0]?.c ?? 0) : 0);
  const raw = 'SELECT sum(cost_usd) AS c FROM requests WHERE ts >= ? AND ts < ?';
  if (a >= b) return sum(raw, fromMs, toMs);
  return sum(raw, fromMs, a) + sum('SELECT sum(cost_usd) AS c FROM activity_hour WHERE hour >= ? AND hour < ?', a, b) + sum(raw, b, toMs);
}

export function periodSpend(db: Database, filter: PanelFilter, nowMs: number): { today: PeriodSpend; month: PeriodSpend } {
  const tz = filter.tz;
  const today = resolveWindow('today', tz, nowMs);
  const month = resolveWindow('this_month', tz, nowMs);
  const todaySpend = totalCost(db, today.startMs, Math.min(today.endMs, nowMs + 1));
  const monthSpend = totalCost(db, month.startMs, Math.min(month.endMs, nowMs + 1));
  const frac = (w: { startMs: number; endMs: number }) => Math.min(1, Math.max(0, (nowMs - w.startMs) / (w.endMs - w.startMs)));
  const todayKey = dayNumberToKey(localDayNumber(nowMs, tz));
  return {
    today: { usd: todaySpend, elapsed: frac(today), period: todayKey },
    month: { usd: monthSpend, elapsed: frac(month), period: todayKey.slice(0, 7) },
  };
}
