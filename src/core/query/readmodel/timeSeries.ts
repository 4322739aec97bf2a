// The short-range time series (windows ≤ 48 h): requests in fixed 5 min / 15 min / 1 h buckets.
import { selectAll } from '../../store/sqljs';
import type { Database, SqlValue } from '../../store/sqljs';
import { HOUR_MS } from '../windows';
import { requestsWhere } from './compileFilter';
import type { CompiledFilter } from './compileFilter';
import type { SeriesInterval } from './filterState';
import type { SeriesPoint, TimeSeries } from './types';

/** The short-range time series is offered up to this window length. */
export const SHORT_RANGE_MS = 48 * HOUR_MS;

const INTERVAL_MS: Record<SeriesInterval, number> = { '5m': 300_000, '15m': 900_000, '1h': HOUR_MS };

/** Requests of a ≤ 48 h window in fixed buckets, zero-filled up to the bucket holding `nowMs`. */
export function buildTimeSeries(db: Database, f: CompiledFilter, startMs: number, endMs: number, nowMs: number, interval: SeriesInterval): TimeSeries {
  const step = INTERVAL_MS[interval];
  const first = Math.floor(startMs / step) * step;
  const stopAt = Math.min(endMs, Math.max(startMs + 1, nowMs + 1));
  const points: SeriesPoint[] = [];
  const index = new Map<number, SeriesPoint>();
  for (let t = first; t < stopAt; t += step) {
    const p: SeriesPoint = { startMs: t, requests: 0, input_tokens: 0, output_tokens: 0, cache_creation_tokens: 0, cache_read_tokens: 0, total_tokens: 0, cost_usd: 0 };
    points.push(p);
    index.set(t, p);
  }
  if (!f.empty) {
    const rw = requestsWhere(f);
    const where = ['ts >= ?', 'ts < ?', ...rw.sql].join(' AND ');
    const rows = selectAll<Record<string, SqlValue>>(db, `SELECT (ts / ${step}) * ${step} AS b, COUNT(*) AS n,
      SUM(input_tokens) AS i, SUM(output_tokens) AS o, SUM(cache_creation_tokens) AS w, SUM(cache_read_tokens) AS r, SUM(cost_usd) AS c
      FROM requests WHERE ${where} GROUP BY b`, [startMs, endMs, ...rw.params]);
    for (const r of rows) {
      const b = Number(r.b);
      let p = index.get(b);
      if (!p) {
        // A request stamped after "now" (clock skew): keep it rather than lose it.
        p = { startMs: b, requests: 0, input_tokens: 0, output_tokens: 0, cache_creation_tokens: 0, cache_read_tokens: 0, total_tokens: 0, cost_usd: 0 };
        points.push(p);
        index.set(b, p);
      }
      p.requests += Number(r.n);
      p.input_tokens += Number(r.i);
      p.output_tokens += Number(r.o);
      p.cache_creation_tokens += Number(r.w);
      p.cache_read_tokens += Number(r.r);
      p.total_tokens = p.input_tokens + p.output_tokens + p.cache_creation_tokens + p.cache_read_tokens;
      p.cost_usd += Number(r.c);
    }
    points.sort((a, b) => a.startMs - b.startMs);
  }
  return { interval, points };
}
