// Small helpers shared by the read model's sections: shares, rounding, names, ordering, tables.
import type { Metrics } from '../../types';
import type { Table } from './types';

/** part / whole × 100; 0 when whole is 0. */
export const pct = (part: number, whole: number): number => (whole > 0 ? (part / whole) * 100 : 0);
export const round1 = (n: number): number => Math.round(n * 10) / 10;

/** A dictionary name, or a visible placeholder for an id the dictionary lacks. */
export const nameOf = (map: Map<number, string>, id: number): string => map.get(id) ?? `(unknown #${id})`;

/** Costliest first, then most tokens. */
export const byCostThenTokens = (a: Metrics, b: Metrics): number => b.cost_usd - a.cost_usd || b.total_tokens - a.total_tokens;

/** The first `limit` rows with the window's totals (so a table's totals row always matches the cards). */
export function tableOf<R>(rows: R[], limit: number, totals: Metrics): Table<R> {
  return { rows: rows.slice(0, limit), totals: { ...totals }, omitted: Math.max(0, rows.length - limit) };
}
