// The tables ingest keeps beside `requests` (src/core/store/rollups.ts, and the identities), checked against their definitions.
import assert from 'node:assert/strict';
import type { Database } from '../../../src/core/store/sqljs';

const HOUR = 3_600_000;

/** Each derived table against its definition over `requests`. */
export function assertDerivedTablesExact(db: Database): void {
  const rows = (sql: string) => JSON.stringify(db.exec(sql)[0]?.values ?? []);
  assert.equal(
    rows(`SELECT hour, source, execution_mode, session_id, project_id, model_id, toolset_id, sidechain, branch_id, requests, input_tokens, output_tokens,
      cache_creation_tokens, cache_read_tokens, round(cost_usd, 9) FROM rollup_hour ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`),
    rows(`SELECT (ts / ${HOUR}) * ${HOUR}, source, execution_mode, session_id, project_id, model_id, toolset_id, sidechain, coalesce(branch_id, -1), count(*),
      sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens), round(sum(cost_usd), 9) FROM requests
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`),
    'rollup_hour = requests grouped by its key',
  );
  assert.equal(
    rows(`SELECT hour, source, model_id, first_ts, last_ts, requests, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, round(cost_usd, 9),
      cache_savings_e10, cache_write_premium_e10 FROM activity_hour ORDER BY 1, 2, 3`),
    rows(`SELECT (ts / ${HOUR}) * ${HOUR}, source, model_id, min(ts), max(ts), count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens), sum(cache_read_tokens),
      round(sum(cost_usd), 9), sum(cache_savings_e10), sum(cache_write_premium_e10) FROM requests GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`),
    'activity_hour = requests grouped by hour, source and model',
  );
  assert.equal(
    rows('SELECT id, first_ts FROM sessions ORDER BY id'),
    rows('SELECT s.id, (SELECT min(ts) FROM requests r WHERE r.session_id = s.id) FROM sessions s ORDER BY s.id'),
    'sessions.first_ts = the first request of each session',
  );
  assert.equal(
    rows('SELECT request_id FROM request_identity ORDER BY 1'),
    rows('SELECT id FROM requests ORDER BY 1'),
    'request_identity names every request once',
  );
}

