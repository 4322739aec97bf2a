// What ingest keeps beside `requests`, all derived from it and rebuilt for the hours a batch touched:
// - rollup_hour: per UTC hour and key (source, mode, session, project, model, tools, sidechain, branch), the
//   sums every aggregate reads (schema.ts);
// - activity_hour: per UTC hour, source and model, the first and last request time and the sums of the 5-hour
//   blocks (limits/blocks.ts) and of whole-account totals (query/activity.ts). A block starts on a whole hour
//   and requests less than 5 h apart chain, so whole hours never split between blocks: blocks come out of these
//   few rows exactly as out of every request;
// - sessions.first_ts: each session's first request (unusual-session baselines order sessions by it).
import type { Database } from './sqljs';

export const HOUR_MS = 3_600_000;

const ROLLUP_SELECT = `SELECT (ts / ${HOUR_MS}) * ${HOUR_MS} AS hour, source, execution_mode, session_id, project_id, model_id, toolset_id, sidechain,
  count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens), sum(web_search_requests),
  sum(cost_usd), sum(1 - priced),
  count(success), coalesce(sum(success), 0), count(duration_ms), coalesce(sum(duration_ms), 0),
  coalesce(sum(CASE WHEN duration_ms > 0 THEN output_tokens END), 0),
  sum(cache_creation_1h_tokens), sum(cache_savings_e10), sum(cache_write_premium_e10), coalesce(branch_id, -1)
  FROM requests`;
const ROLLUP_GROUP = 'GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 25';

const ACTIVITY_SELECT = `SELECT (ts / ${HOUR_MS}) * ${HOUR_MS} AS hour, source, model_id, min(ts), max(ts), count(*), sum(input_tokens),
  sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens), sum(cost_usd), sum(cache_savings_e10), sum(cache_write_premium_e10)
  FROM requests`;
const ACTIVITY_GROUP = 'GROUP BY 1, 2, 3';

/**
 * Creates an empty temporary table with the definition of `table` (main schema) and returns its name. Rows
 * written there reach `table` through packLoadTable with full pages: SQLite copies a table into an empty one of
 * the same definition in key order, page after page, where inserts into a b-tree leave the pages they split
 * part-empty (12 % of rollup_hour, measured).
 */
export function createLoadTable(db: Database, table: string): string {
  const def = String(db.exec(`SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?`, [table])[0].values[0][0]);
  const load = `${table}_load`;
  db.run(`DROP TABLE IF EXISTS temp.${load}`);
  db.run(def.replace(/^CREATE TABLE\s+(?:IF NOT EXISTS\s+)?("?)\w+\1/i, `CREATE TEMP TABLE ${load}`));
  return `temp.${load}`;
}

/** Moves the rows of createLoadTable's copy into `table`, which must be empty, and drops the copy. */
export function packLoadTable(db: Database, table: string): void {
  db.run(`INSERT INTO main.${table} SELECT * FROM temp.${table}_load`);
  db.run(`DROP TABLE temp.${table}_load`);
}

/** Replaces every row of `table` by the rows of `select`, packed (see createLoadTable). */
function refill(db: Database, table: string, select: string): void {
  const load = createLoadTable(db, table);
  db.run(`INSERT INTO ${load} ${select}`);
  db.run(`DELETE FROM main.${table}`);
  packLoadTable(db, table);
}

/** Rebuilds the derived tables for the given hours (hour numbers = floor(ts / HOUR_MS)); all hours when `hours` is null. */
export function rebuildRollups(db: Database, hours: number[] | null): void {
  if (hours === null || hours.length > 4000) {
    refill(db, 'rollup_hour', `${ROLLUP_SELECT} ${ROLLUP_GROUP}`);
    refill(db, 'activity_hour', `${ACTIVITY_SELECT} ${ACTIVITY_GROUP}`);
    db.run('UPDATE sessions SET first_ts = NULL');
    refreshSessionStarts(db, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    return;
  }
  // Contiguous runs of hours become one range each.
  let i = 0;
  while (i < hours.length) {
    let j = i;
    while (j + 1 < hours.length && hours[j + 1] === hours[j] + 1) j++;
    const start = hours[i] * HOUR_MS;
    const end = (hours[j] + 1) * HOUR_MS;
    db.run('DELETE FROM rollup_hour WHERE hour >= ? AND hour < ?', [start, end]);
    db.run(`INSERT INTO rollup_hour ${ROLLUP_SELECT} WHERE ts >= ? AND ts < ? ${ROLLUP_GROUP}`, [start, end]);
    db.run('DELETE FROM activity_hour WHERE hour >= ? AND hour < ?', [start, end]);
    db.run(`INSERT INTO activity_hour ${ACTIVITY_SELECT} WHERE ts >= ? AND ts < ? ${ACTIVITY_GROUP}`, [start, end]);
    i = j + 1;
  }
  refreshSessionStarts(db, hours[0] * HOUR_MS, (hours[hours.length - 1] + 1) * HOUR_MS);
}

/**
 * Keeps sessions.first_ts after requests in [fromMs, toMs) changed. Rows outside the span did not change:
 * a session whose stored start is before the span keeps it; any other session takes its earliest row in the
 * span; one whose rows in the span all went (replaced by another copy of the response) looks for its first
 * row after the span.
 */
function refreshSessionStarts(db: Database, fromMs: number, toMs: number): void {
  db.run(`UPDATE sessions SET first_ts = x.lo FROM (SELECT session_id, MIN(ts) AS lo FROM requests WHERE ts >= ? AND ts < ? GROUP BY session_id) AS x
    WHERE sessions.id = x.session_id AND (sessions.first_ts IS NULL OR sessions.first_ts >= ? OR x.lo < sessions.first_ts)`, [fromMs, toMs, fromMs]);
  db.run(`UPDATE sessions SET first_ts = (SELECT MIN(ts) FROM requests WHERE session_id = sessions.id AND ts >= ?)
    WHERE first_ts >= ? AND first_ts < ? AND id NOT IN (SELECT session_id FROM requests WHERE ts >= ? AND ts < ?)`, [toMs, fromMs, toMs, fromMs, toMs]);
}
