// Fact scans: the rows behind every figure of the panel. The window's whole UTC hours come from
// rollup_hour (pre-summed); only the partial hours at the edges (rolling windows such as last_24h)
// are read from `requests` through its ts index. In a zone whose offset is not a whole hour
// (Asia/Kolkata) day/hour buckets need the exact timestamps, so everything is read from `requests`.
import type { Metrics } from '../../types';
import { forEachNumberRow, selectAll } from '../../store/sqljs';
import type { Database, SqlValue } from '../../store/sqljs';
import { addMetrics, emptyMetrics, metricSelectSql, metricsFromRow } from '../metrics';
import { hourPieces, offsetSegments, tzOffsetMs } from '../windows';
import type { CompiledFilter } from './compileFilter';
import { withTimeColumn } from './compileFilter';

// Column order of a fact row (rollup_hour row, or one request shaped like one).
export const F_HOUR = 0, F_SESSION = 1, F_PROJECT = 2, F_MODEL = 3, F_TOOLSET = 4, F_SIDECHAIN = 5, F_REQUESTS = 6,
  F_INPUT = 7, F_OUTPUT = 8, F_CW = 9, F_CR = 10, F_WEB = 11, F_COST = 12, F_UNPRICED = 13, F_SOURCE = 14, F_EXEC = 15,
  /** The git branch id; −1: none recorded. */
  F_BRANCH = 16,
  /** Cache economics: the 1-hour part of the cache writes, read savings and write premium (1e-10 USD). */
  F_CW1H = 17, F_SAVINGS = 18, F_PREMIUM = 19;

const ROLLUP_FACTS = `SELECT hour, session_id, project_id, model_id, toolset_id, sidechain, requests, input_tokens,
  output_tokens, cache_creation_tokens, cache_read_tokens, web_search_requests, cost_usd, unpriced_requests, source, execution_mode, branch_id, cache_creation_1h_tokens, cache_savings_e10, cache_write_premium_e10 FROM rollup_hour`;
const REQUEST_FACTS = `SELECT ts, session_id, project_id, model_id, toolset_id, sidechain, 1, input_tokens,
  output_tokens, cache_creation_tokens, cache_read_tokens, web_search_requests, cost_usd, 1 - priced, source, execution_mode, coalesce(branch_id, -1), cache_creation_1h_tokens, cache_savings_e10,
  cache_write_premium_e10 FROM requests`;

/** Calls `visit` with every fact row of [startMs, endMs) matching the filter (each request exactly once). */
export function scanFacts(
  db: Database, f: CompiledFilter, startMs: number, endMs: number, exactTimes: boolean, visit: (row: number[]) => void,
): void {
  if (f.empty || endMs <= startMs) return;
  for (const part of f.parts) {
    const run = (base: string, timeCol: 'hour' | 'ts', lo: number, hi: number) => {
      if (hi <= lo) return;
      const where = [`${timeCol} >= ?`, `${timeCol} < ?`, ...withTimeColumn(part.where, timeCol)].join(' AND ');
      // Every fact column is a number and never NULL (branch_id −1 for none).
      forEachNumberRow(db, `${base} WHERE ${where}`, [lo, hi, ...part.params], visit);
    };
    for (const piece of hourPieces(startMs, endMs, exactTimes || part.raw)) {
      run(piece.hourly ? ROLLUP_FACTS : REQUEST_FACTS, piece.hourly ? 'hour' : 'ts', piece.fromMs, piece.toMs);
    }
  }
}

/**
 * Running sums of one group. A class with plain fields (not a Metrics record walked by key): this is
 * the hot loop of the panel, and monomorphic field adds keep it an order of magnitude faster.
 */
export class Acc {
  requests = 0; input = 0; output = 0; cacheWrite = 0; cacheRead = 0; cost = 0; unpriced = 0; web = 0;

  addRow(row: SqlValue[]): void {
    this.requests += row[F_REQUESTS] as number;
    this.input += row[F_INPUT] as number;
    this.output += row[F_OUTPUT] as number;
    this.cacheWrite += row[F_CW] as number;
    this.cacheRead += row[F_CR] as number;
    this.cost += row[F_COST] as number;
    this.unpriced += row[F_UNPRICED] as number;
    this.web += row[F_WEB] as number;
  }

  addAcc(o: Acc): void {
    this.requests += o.requests; this.input += o.input; this.output += o.output; this.cacheWrite += o.cacheWrite;
    this.cacheRead += o.cacheRead; this.cost += o.cost; this.unpriced += o.unpriced; this.web += o.web;
  }

  get tokens(): number { return this.input + this.output + this.cacheWrite + this.cacheRead; }

  metrics(): Metrics {
    return {
      requests: this.requests, input_tokens: this.input, output_tokens: this.output, cache_creation_tokens: this.cacheWrite,
      cache_read_tokens: this.cacheRead, total_tokens: this.tokens, cost_usd: this.cost, unpriced_requests: this.unpriced,
      web_search_requests: this.web,
    };
  }
}

/** Totals of [startMs, endMs) for the filter, summed in SQL (one row per part of the window). */
export function sumRange(db: Database, f: CompiledFilter, startMs: number, endMs: number, exactTimes: boolean): Metrics {
  const total = emptyMetrics();
  if (f.empty || endMs <= startMs) return total;
  for (const p of f.parts) {
    const part = (table: 'requests' | 'rollup_hour', lo: number, hi: number) => {
      if (hi <= lo) return;
      const col = table === 'requests' ? 'ts' : 'hour';
      const where = [`${col} >= ?`, `${col} < ?`, ...withTimeColumn(p.where, col)].join(' AND ');
      const row = selectAll(db, `SELECT ${metricSelectSql(table)} FROM ${table} WHERE ${where}`, [lo, hi, ...p.params])[0];
      if (row) addMetrics(total, metricsFromRow(row));
    };
    for (const piece of hourPieces(startMs, endMs, exactTimes || p.raw)) part(piece.hourly ? 'rollup_hour' : 'requests', piece.fromMs, piece.toMs);
  }
  return total;
}

/** UTC offset of tz at an instant, from precomputed constant-offset stretches (no Intl call per row). */
export function offsetLookup(startMs: number, endMs: number, tz: string): (t: number) => number {
  const segs = offsetSegments(startMs, endMs, tz);
  let last = segs[0];
  return (t: number) => {
    if (last && t >= last.startMs && t < last.endMs) return last.offsetMs;
    let lo = 0, hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid].startMs <= t) lo = mid; else hi = mid - 1;
    }
    last = segs[lo];
    return last ? last.offsetMs : tzOffsetMs(t, tz);
  };
}
