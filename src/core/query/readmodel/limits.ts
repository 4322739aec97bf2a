// The Limits section of the read model: built by query/limitsSection.ts for the panel's range. Blocks
// and limits are account-wide (every project, Claude Code only); the cache figures follow the filter.
import type { Database } from '../../store/sqljs';
import { changeCount } from '../../store/sqljs';
import { buildAccountLimits, cacheFigures, type AccountLimits, type LimitsSection } from '../limitsSection';
import type { StatusOptions } from '../../limits/status';
import type { PanelFilter } from './filterState';

/**
 * The account-wide part is kept for a few seconds while the database is unchanged: changing the project,
 * model or source filter (or drilling into a row) does not rebuild the blocks, the status and the plan
 * value, which take hundreds of milliseconds at a million stored requests. A reading is at most this old.
 */
const ACCOUNT_LIMITS_REUSE_MS = 15_000;

interface KeptLimits { changes: number; key: string; builtAtMs: number; value: AccountLimits }
const kept = new WeakMap<Database, KeptLimits>();

/**
 * `cache`: the cache figures when the caller has them for exactly the rows cacheFigures would read (the panel's
 * one pass over the facts, under a filter of source, project and models only); else they are read here.
 */
export function limitsFor(
  db: Database, filter: PanelFilter, range: { startMs: number; endMs: number }, nowMs: number, status?: StatusOptions, cache?: LimitsSection['cache'],
): LimitsSection {
  const queryFilter = { source: filter.source, project: filter.project, models: filter.models, executionMode: null, tz: filter.tz };
  const changes = changeCount(db);
  const key = JSON.stringify([range.startMs, range.endMs, filter.tz, status ?? null]);
  const hit = kept.get(db);
  let account: AccountLimits;
  if (hit && hit.changes === changes && hit.key === key && nowMs >= hit.builtAtMs && nowMs - hit.builtAtMs < ACCOUNT_LIMITS_REUSE_MS) {
    account = structuredClone(hit.value);
  } else {
    account = buildAccountLimits(db, nowMs, { startMs: range.startMs, endMs: range.endMs, tz: filter.tz, status });
    kept.set(db, { changes, key, builtAtMs: nowMs, value: structuredClone(account) });
  }
  return { ...account, cache: cache ?? cacheFigures(db, { startMs: range.startMs, endMs: range.endMs, tz: filter.tz, filter: queryFilter, status }) };
}
