// The duration-vs-tokens scatter of API-log calls (one point per call, or a grid of means).
import { MAX_SCATTER_POINTS } from './types';
import type { DurationScatter, ScatterPoint } from './types';

/** Grid of the bucketed scatter: 50 token columns × 40 duration rows = at most 2,000 cells. */
const SCATTER_GRID_X = 50;
const SCATTER_GRID_Y = 40;

/**
 * Duration vs output tokens of the timed calls. Up to MAX_SCATTER_POINTS calls: one point per call.
 * More: a point per call would swamp the chart (and the message), so the calls are folded into a
 * linear 50 × 40 grid over [0, max tokens] × [0, max duration]; each non-empty cell becomes one point
 * at the mean of its calls, carrying their count and failures. Unlike sampling, this keeps the rare
 * slow outliers visible, which are what the chart is for.
 */
export function durationScatter(timed: { tokens: number[]; durations: number[]; failed: number[] }): DurationScatter | null {
  const n = timed.durations.length;
  if (n === 0) return null;
  let maxT = 1, maxD = 1, slowestAt = 0;
  for (let i = 0; i < n; i++) {
    if (timed.tokens[i] > maxT) maxT = timed.tokens[i];
    if (timed.durations[i] > maxD) maxD = timed.durations[i];
    if (timed.durations[i] > timed.durations[slowestAt]) slowestAt = i;
  }
  const bucketed = n > MAX_SCATTER_POINTS;
  const points: ScatterPoint[] = [];
  if (!bucketed) {
    for (let i = 0; i < n; i++) points.push({ tokens: timed.tokens[i], durationMs: timed.durations[i], calls: 1, failed: timed.failed[i] });
  } else {
    const cells = new Map<number, { t: number; d: number; n: number; failed: number }>();
    for (let i = 0; i < n; i++) {
      const tok = timed.tokens[i], dur = timed.durations[i];
      const cx = Math.min(SCATTER_GRID_X - 1, Math.floor((tok / maxT) * SCATTER_GRID_X));
      const cy = Math.min(SCATTER_GRID_Y - 1, Math.floor((dur / maxD) * SCATTER_GRID_Y));
      const key = cy * SCATTER_GRID_X + cx;
      const c = cells.get(key);
      if (c) { c.t += tok; c.d += dur; c.n++; c.failed += timed.failed[i]; } else cells.set(key, { t: tok, d: dur, n: 1, failed: timed.failed[i] });
    }
    for (const c of cells.values()) points.push({ tokens: Math.round(c.t / c.n), durationMs: Math.round(c.d / c.n), calls: c.n, failed: c.failed });
  }
  const sorted = Float64Array.from(timed.durations).sort();
  const mid = n >> 1;
  return {
    points, calls: n, bucketed, slowest: { tokens: timed.tokens[slowestAt], durationMs: timed.durations[slowestAt] },
    medianDurationMs: n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
  };
}
