// The chart sections: daily series (with its peaks), model slices and the weekday × hour heatmap.
import { dayNumberToKey, localDayNumber, startOfLocalDay } from '../windows';
import { Acc } from './facts';
import type { FactSums, HeatGrids } from './fold';
import type { DailyPeak, DailyPoint, Heatmap, HeatmapPeak, ModelRow, ModelSlice } from './types';

/**
 * Every local day of the window (zero-filled), cumulative cost in order. The cumulative line stops at
 * today: days after `nowMs` have none (null), so it never runs flat through the future.
 */
export function dailySeries(byDay: FactSums['byDay'], startMs: number, endMs: number, tz: string, nowMs: number): DailyPoint[] {
  const firstDay = localDayNumber(startMs, tz);
  const lastDay = localDayNumber(endMs - 1, tz);
  const today = localDayNumber(nowMs, tz);
  const daily: DailyPoint[] = [];
  let cumulative = 0;
  for (let day = firstDay; day <= lastDay; day++) {
    const d = byDay.get(day) ?? { main: new Acc(), sub: new Acc() };
    const all = new Acc();
    all.addAcc(d.main);
    all.addAcc(d.sub);
    cumulative += all.cost;
    daily.push({
      ...all.metrics(), day: dayNumberToKey(day), startMs: Math.max(startMs, startOfLocalDay(day, tz)), cumulativeCost: day > today ? null : cumulative,
      mainTokens: d.main.tokens, subagentTokens: d.sub.tokens, mainCost: d.main.cost, subagentCost: d.sub.cost,
    });
  }
  return daily;
}

/** The day with the most tokens / the highest cost (chart summaries); null when all are zero. */
export function dailyPeaks(daily: DailyPoint[]): { tokens: DailyPeak | null; cost: DailyPeak | null } {
  const peakOf = (value: (d: DailyPoint) => number) => {
    let best: DailyPeak | null = null;
    for (const d of daily) if (value(d) > 0 && (!best || value(d) > best.value)) best = { day: d.day, value: value(d) };
    return best;
  };
  return { tokens: peakOf((d) => d.total_tokens), cost: peakOf((d) => d.cost_usd) };
}

/** The donut's slices: one per model row, same order. */
export function modelSlices(modelRows: ModelRow[]): ModelSlice[] {
  return modelRows.map((r) => ({
    model: r.model, family: r.family, total_tokens: r.total_tokens, cost_usd: r.cost_usd,
    tokenPct: r.shareOfTokens, costPct: r.shareOfCost,
  }));
}

export function heatmapOf(heat: HeatGrids): Heatmap {
  const peakOf = (g: number[][]) => {
    let best: HeatmapPeak | null = null;
    g.forEach((row, weekday) => row.forEach((value, hour) => { if (value > 0 && (!best || value > best.value)) best = { weekday, hour, value }; }));
    return best as HeatmapPeak | null;
  };
  return {
    ...heat, maxTokens: Math.max(0, ...heat.tokens.flat()), maxCost: Math.max(0, ...heat.cost.flat()),
    peakTokens: peakOf(heat.tokens), peakCost: peakOf(heat.cost),
  };
}
