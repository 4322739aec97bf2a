// Period spend behind the budget bars: all spend (every source, project and model) today and this
// month in tz, whatever the filter shows.
import type { Database } from '../../store/sqljs';
import { dayNumberToKey, localDayNumber, resolveWindow } from '../windows';
import { compileFilter, wholeHourZone } from './compileFilter';
import type { Dictionaries } from './compileFilter';
import type { PeriodSpend } from './budgets';
import { sumRange } from './facts';
import type { PanelFilter } from './filterState';

export function periodSpend(
  db: Database, filter: PanelFilter, dict: Dictionaries, internalAvailable: boolean, nowMs: number,
): { today: PeriodSpend; month: PeriodSpend } {
  const tz = filter.tz;
  const all = compileFilter({ ...filter, project: null, models: null, branch: null }, dict, { scoped: false, internalAvailable });
  const today = resolveWindow('today', tz, nowMs);
  const month = resolveWindow('this_month', tz, nowMs);
  const dayExact = !wholeHourZone(month.startMs, month.endMs, tz);
  const todaySpend = sumRange(db, all, today.startMs, Math.min(today.endMs, nowMs + 1), dayExact).cost_usd;
  const monthSpend = sumRange(db, all, month.startMs, Math.min(month.endMs, nowMs + 1), dayExact).cost_usd;
  const frac = (w: { startMs: number; endMs: number }) => Math.min(1, Math.max(0, (nowMs - w.startMs) / (w.endMs - w.startMs)));
  const todayKey = dayNumberToKey(localDayNumber(nowMs, tz));
  return {
    today: { usd: todaySpend, elapsed: frac(today), period: todayKey },
    month: { usd: monthSpend, elapsed: frac(month), period: todayKey.slice(0, 7) },
  };
}
