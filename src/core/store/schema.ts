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

/**
 * Bits of requests.flags (0 in the common case: a priced Claude Code cloud response, stored in 0 bytes). The
 * columns source, execution_mode, sidechain, priced, placeholder, forked, requestless and cost_kind are
 * virtual columns computed from it, so readers use them by name.
 */
export const FLAG = {
  internal: 1, local: 2, sidechain: 4, unpriced: 8, placeholder: 16, forked: 32, requestless: 64,
  /** cost_kind (2 bits): 0 priced from the table, 1 logged by the source, 2 free by design (local). */
  costKindShift: 7,
} as const;

/**
 * The indexes of `requests` (schema 8), kept apart so that a bulk load can build them once at the end. A
 * response's identity (identity.ts) is the key of `request_identity`, which names its row.
 */
export const REQUEST_INDEXES_SQL = `
CREATE INDEX IF NOT EXISTS requests_ts ON requests(ts);
-- API-log rows are few beside transcripts; the panel and provider/feature groups read them by time.
CREATE INDEX IF NOT EXISTS requests_internal_ts ON requests(ts) WHERE source = 1;
`;

export const DROP_REQUEST_INDEXES_SQL = `
DROP INDEX IF EXISTS requests_ts;
DROP INDEX IF EXISTS requests_internal_ts;
`;
