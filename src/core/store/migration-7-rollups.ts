// Schema 7: two figures the panel used to compute from all of `requests`, kept at ingest instead (issue 11:
// panel first load and filter changes at a million stored requests).
// - rollup_hour gains the git branch in its key (branch_id, −1 = none recorded), so the Branches table, a
//   branch filter and the side bar's branch figure read the rollup. Sessions rarely change branch, so the
//   rollup barely grows.
// - sessions gain first_ts, the time of their first request, so unusual-session baselines (ordered by start)
//   no longer group the whole rollup by session on a fresh open.
// - activity_hour: per UTC hour, source and model, the first and last request time and the block sums (and the
//   cache economics), so the 5-hour blocks (chip, P90, Limits timeline, report blocks) and whole-account totals
//   (plan value, local week, budget bars) read a few rows per active hour, not every request.
// The rollup is rebuilt here with SQL frozen at this version (later migrations may change ingest's own).
import type { Database } from './sqljs';

const HOUR_MS = 3_600_000;

export const ROLLUP_HOUR_V7_SQL = `
CREATE TABLE rollup_hour_v7 (
  hour INTEGER NOT NULL,
  source INTEGER NOT NULL,
  execution_mode INTEGER NOT NULL,
  session_id INTEGER NOT NULL,
  project_id INTEGER NOT NULL,
  model_id INTEGER NOT NULL,
  toolset_id INTEGER NOT NULL,
  sidechain INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  web_search_requests INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  unpriced_requests INTEGER NOT NULL,
  outcome_calls INTEGER NOT NULL DEFAULT 0,
  successes INTEGER NOT NULL DEFAULT 0,
  timed_calls INTEGER NOT NULL DEFAULT 0,
  duration_ms_sum INTEGER NOT NULL DEFAULT 0,
  timed_output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_creation_1h_tokens INTEGER NOT NULL DEFAULT 0,
  cache_savings_e10 INTEGER NOT NULL DEFAULT 0,
  cache_write_premium_e10 INTEGER NOT NULL DEFAULT 0,
  -- The requests' git branch; −1: none recorded (NULL in requests). A key column, so never NULL.
  branch_id INTEGER NOT NULL DEFAULT -1,
  PRIMARY KEY (hour, source, execution_mode, session_id, project_id, model_id, toolset_id, sidechain, branch_id)
) WITHOUT ROWID;
CREATE TABLE activity_hour (
  hour INTEGER NOT NULL,
  source INTEGER NOT NULL,
  model_id INTEGER NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  cache_savings_e10 INTEGER NOT NULL,
  cache_write_premium_e10 INTEGER NOT NULL,
  PRIMARY KEY (hour, source, model_id)
) WITHOUT ROWID;
`;

// Typed where it is listed (migrations.ts), so this file does not import that list back.
export const ROLLUPS_V7 = {
  version: 7,
  description: 'git branch in the hourly rollup key; hourly activity for the 5-hour blocks; each session\'s first request time',
  vacuum: true,
  up(db: Database) {
    db.run(ROLLUP_HOUR_V7_SQL);
    db.run(`INSERT INTO rollup_hour_v7 SELECT (ts / ${HOUR_MS}) * ${HOUR_MS}, source, execution_mode, session_id, project_id, model_id,
      toolset_id, sidechain, count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens),
      sum(web_search_requests), sum(cost_usd), sum(1 - priced), count(success), coalesce(sum(success), 0), count(duration_ms),
      coalesce(sum(duration_ms), 0), coalesce(sum(CASE WHEN duration_ms > 0 THEN output_tokens END), 0), sum(cache_creation_1h_tokens),
      sum(cache_savings_e10), sum(cache_write_premium_e10), coalesce(branch_id, -1)
      FROM requests GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 25`);
    db.run('DROP TABLE rollup_hour');
    db.run('ALTER TABLE rollup_hour_v7 RENAME TO rollup_hour');
    db.run(`INSERT INTO activity_hour SELECT (ts / ${HOUR_MS}) * ${HOUR_MS}, source, model_id, min(ts), max(ts), count(*), sum(input_tokens),
      sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens), sum(cost_usd), sum(cache_savings_e10), sum(cache_write_premium_e10)
      FROM requests GROUP BY 1, 2, 3`);
    db.run('ALTER TABLE sessions ADD COLUMN first_ts INTEGER');
    db.run(`UPDATE sessions SET first_ts = x.lo FROM (SELECT session_id, MIN(ts) AS lo FROM requests GROUP BY session_id) AS x
      WHERE sessions.id = x.session_id`);
  },
};
