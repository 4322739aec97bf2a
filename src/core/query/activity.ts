// Whole-account totals over a time range (every project and model, optionally one source): the whole UTC
// hours from activity_hour (a few rows per active hour, kept by ingest: store/rollups.ts), the partial hours
// at the edges from requests. A plain total needs no local buckets, so it is exact in any zone.
import { SOURCE_IDS } from '../store/schema';
import { selectAll } from '../store/sqljs';
import type { Database, SqlValue } from '../store/sqljs';
import { hourPieces } from './windows';

export interface AccountTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  cacheSavingsE10: number;
  cacheWritePremiumE10: number;
}

const SUMS = `count(*) AS n, sum(input_tokens) AS i, sum(output_tokens) AS o, sum(cache_creation_tokens) AS cc, sum(cache_read_tokens) AS cr,
  sum(cost_usd) AS c, sum(cache_savings_e10) AS s, sum(cache_write_premium_e10) AS p`;
const HOUR_SUMS = SUMS.replace('count(*)', 'sum(requests)');

/** Totals of [fromMs, toMs) for every source, or for one. */
export function accountTotals(db: Database, fromMs: number, toMs: number, source: 'all' | 'claude_code' | 'internal' = 'all'): AccountTotals {
  const total: AccountTotals = { requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, costUsd: 0, cacheSavingsE10: 0, cacheWritePremiumE10: 0 };
  if (toMs <= fromMs) return total;
  const bySource = source === 'all' ? '' : ` AND source = ${SOURCE_IDS[source]}`;
  const add = (table: 'requests' | 'activity_hour', lo: number, hi: number) => {
    const col = table === 'requests' ? 'ts' : 'hour';
    const r = selectAll<Record<string, SqlValue>>(db, `SELECT ${table === 'requests' ? SUMS : HOUR_SUMS} FROM ${table} WHERE ${col} >= ? AND ${col} < ?${bySource}`, [lo, hi])[0];
    if (!r) return;
    total.requests += Number(r.n ?? 0);
    total.inputTokens += Number(r.i ?? 0);
    total.outputTokens += Number(r.o ?? 0);
    total.cacheCreationTokens += Number(r.cc ?? 0);
    total.cacheReadTokens += Number(r.cr ?? 0);
    total.costUsd += Number(r.c ?? 0);
    total.cacheSavingsE10 += Number(r.s ?? 0);
    total.cacheWritePremiumE10 += Number(r.p ?? 0);
  };
  for (const piece of hourPieces(fromMs, toMs)) add(piece.hourly ? 'activity_hour' : 'requests', piece.fromMs, piece.toMs);
  return total;
}
