// Schema 5: cache economics. Requests gain the cache-read savings and the cache-write premium (integers in
// 1e-10 USD: they sum exactly, and small integers store in a few bytes), rollup_hour gains their sums and
// the 1-hour part of the cache writes.
//
// Stored rows get their figures from the re-pricing the engine runs on open when the price fingerprint
// differs: forgetting the fingerprint here makes that happen once, with the user's price overrides, and
// the re-pricing rebuilds every rollup (the 1-hour sums included). Columns are appended at the end because
// the rollup rebuild inserts by position (ingest.ts ROLLUP_SELECT).
import type { Database } from './sqljs';

// Typed where it is listed (migrations.ts), so this file does not import that list back.
export const CACHE_ECONOMICS = {
  version: 5,
  description: 'cache economics: savings and write premium per request, their sums and the 1-hour writes per rollup hour',
  up(db: Database) {
    db.run(`
      ALTER TABLE requests ADD COLUMN cache_savings_e10 INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE requests ADD COLUMN cache_write_premium_e10 INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rollup_hour ADD COLUMN cache_creation_1h_tokens INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rollup_hour ADD COLUMN cache_savings_e10 INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rollup_hour ADD COLUMN cache_write_premium_e10 INTEGER NOT NULL DEFAULT 0;
      DELETE FROM meta WHERE key = 'price_fingerprint';
    `);
  },
};
