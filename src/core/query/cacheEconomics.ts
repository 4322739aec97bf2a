// Cache economics sums: what cache reads saved against plain input and what cache writes cost above it
// (rows priced from the table; see pricing/cost.ts). requests and rollup_hour carry the same columns,
// in integer 1e-10 USD, so sums are exact whichever table answers.
import { e10ToUsd } from '../pricing';
import type { SqlValue } from '../store/sqljs';
import type { CacheEconomics } from './types';

export type { CacheEconomics };

export interface CacheSums {
  /** The 1-hour part of the cache-write tokens (the 5-minute part is cache_creation_tokens − this). */
  cache_creation_1h_tokens: number;
  cache_savings_e10: number;
  cache_write_premium_e10: number;
}


export const emptyCacheSums = (): CacheSums => ({ cache_creation_1h_tokens: 0, cache_savings_e10: 0, cache_write_premium_e10: 0 });

export function addCacheSums(a: CacheSums, b: CacheSums): CacheSums {
  a.cache_creation_1h_tokens += b.cache_creation_1h_tokens;
  a.cache_savings_e10 += b.cache_savings_e10;
  a.cache_write_premium_e10 += b.cache_write_premium_e10;
  return a;
}

/** SELECT list of the sums, aliased c_<column> (the column names are the same in both tables). */
export function cacheSelectSql(): string {
  return ['cache_creation_1h_tokens', 'cache_savings_e10', 'cache_write_premium_e10'].map((c) => `SUM(${c}) AS c_${c}`).join(', ');
}

export function cacheSumsFromRow(row: Record<string, SqlValue>): CacheSums {
  const n = (k: keyof CacheSums) => Number(row[`c_${k}`] ?? 0) || 0;
  return {
    cache_creation_1h_tokens: n('cache_creation_1h_tokens'),
    cache_savings_e10: n('cache_savings_e10'),
    cache_write_premium_e10: n('cache_write_premium_e10'),
  };
}

/** USD rounded to 1e-6, like every cost in a query result (the sums themselves are exact). */
const round6 = (usd: number): number => Math.round(usd * 1e6) / 1e6;

export function cacheEconomics(sums: CacheSums): CacheEconomics {
  return {
    cache_savings_usd: round6(e10ToUsd(sums.cache_savings_e10)),
    cache_write_premium_usd: round6(e10ToUsd(sums.cache_write_premium_e10)),
  };
}
