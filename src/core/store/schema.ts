// The store's schema. The DB is a cache of the transcripts plus the history they no longer have:
// rows are never deleted because a transcript vanished.
//
// Conventions (every query in the core relies on them):
// - timestamps are epoch milliseconds UTC (INTEGER); `hour` columns are floored to the UTC hour.
// - strings that repeat (model, project, session, tool set) live in dictionary tables; rows hold ids.
// - `source`: 0 = claude_code, 1 = internal (API logs). `execution_mode`: 0 = cloud, 1 = local.
// - `cost_usd` is computed at ingest by the pricing engine; `priced` = 0 marks a model with no price
//   (cost 0, counted in unpriced_requests).
// - `rollup_hour` is maintained by ingest: for every hour touched by a batch it is rebuilt from
//   `requests`, so it always equals `SELECT … FROM requests GROUP BY <its key>`.

export const SOURCE_IDS = { claude_code: 0, internal: 1 } as const;
export const EXECUTION_MODE_IDS = { cloud: 0, local: 1 } as const;

// The tables: schema 1 (src/core/store/schema-v1.ts, release 0.1.0) changed by each migration in order
// (src/core/store/migrations.ts). The constants below describe the current schema.

/** The indexes of `requests`, kept apart so that a bulk load can build them once at the end. */
export const REQUEST_INDEXES_SQL = `
CREATE UNIQUE INDEX IF NOT EXISTS requests_dedup ON requests(dedup_key);
CREATE INDEX IF NOT EXISTS requests_ts ON requests(ts);
CREATE INDEX IF NOT EXISTS requests_message ON requests(message_id);
-- API-log rows are few beside transcripts; the panel and provider/feature groups read them by time.
CREATE INDEX IF NOT EXISTS requests_internal_ts ON requests(ts) WHERE source = 1;
`;

export const DROP_REQUEST_INDEXES_SQL = `
DROP INDEX IF EXISTS requests_dedup;
DROP INDEX IF EXISTS requests_ts;
DROP INDEX IF EXISTS requests_message;
DROP INDEX IF EXISTS requests_internal_ts;
`;
