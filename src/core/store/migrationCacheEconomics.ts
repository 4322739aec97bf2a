// Schema 1 → 2: cache economics. Requests gain the cache-read savings and the cache-write premium
// (1e-10 USD integers), rollup_hour gains their sums and the 1-hour part of the cache writes.
//
// Stored rows get their figures from the re-pricing the engine runs on open when the price fingerprint
// differs: forgetting the fingerprint here makes that happen once, with the caller's price overrides,
// and the re-pricing rebuilds every rollup (the 1-hour sums included). Columns are appended at the end,
// in the order of SCHEMA_SQL, because the rollup rebuild inserts by position.
import type { Database } from './sqljs';

export const CACHE_ECONOMICS_SCHEMA_VERSION = 2;

export const CACHE_ECONOMICS_MIGRATION_SQL = `
ALTER TABLE requests ADD COLUMN cache_savings_e10 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN cache_write_premium_e10 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_hour ADD COLUMN cache_creation_1h_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_hour ADD COLUMN cache_savings_e10 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_hour ADD COLUMN cache_write_premium_e10 INTEGER NOT NULL DEFAULT 0;
DELETE FROM meta WHERE key = 'price_fingerprint';
`;

/** Applies the migration to a schema-1 DB in one transaction (all or nothing). */
export function migrateToCacheEconomics(db: Database): void {
  db.run('BEGIN');
  try {
    db.run(CACHE_ECONOMICS_MIGRATION_SQL);
    db.run(`PRAGMA user_version = ${CACHE_ECONOMICS_SCHEMA_VERSION}`);
    db.run('COMMIT');
  } catch (e) {
    db.run('ROLLBACK');
    throw e;
  }
}
