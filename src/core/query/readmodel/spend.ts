// Period spend behind the budget bars: all spend (every source, project and model) today and this
// month in tz, whatever the filter shows.
import type { Database } from '../../store/sqljs';
import { accountTotals } from '../activity';
import { dayNumberToKey, localDayNumber, resolveWindow } from '../windows';
import type { PeriodSpend } from './budgets';
import type { PanelFilter } from './filterState';

export function periodSpend(db: Database, filter: PanelFilter, nowMs: number): { today: PeriodSpend; month: PeriodSpend } {
  const tz = filter.tz;
  const today = resolveWindow('today', tz, nowMs);
  const month = resolveWindow('this_month', tz, nowMs);
  const todaySpend = accountTotals(db, today.startMs, Math.min(today.endMs, nowMs + 1)).costUsd;
  const monthSpend = accountTotals(db, month.startMs, Math.min(month.endMs, nowMs + 1)).costUsd;
  const frac = (w: { startMs: number; endMs: number }) => Math.min(1, Math.max(0, (nowMs - w.startMs) / (w.endMs - w.startMs)));
  const todayKey = dayNumberToKey(localDayNumber(nowMs, tz));
  return {
    today: { usd: todaySpend, elapsed: frac(today), period: todayKey },
    month: { usd: monthSpend, elapsed: frac(month), period: todayKey.slice(0, 7) },
  };
}
