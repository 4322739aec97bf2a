// Schema 8: smaller request rows (issue 11: ≤ 150 bytes per request on a ~28k-request corpus; schema 7 wrote
// 168). Measured on that corpus, each change below and what it saves per request:
// - the identity (msg_hash, key_hash) leaves the request row for `request_identity`, a table keyed by it that
//   names the row: the same entries as schema 2's unique index, without a second copy in every row (−11 B);
// - the row stores the 5-minute part of the cache writes; the 1-hour part is a virtual column under its old
//   name (total − 5m). A line writes one kind of cache: Claude Code's 2026 lines are all 1-hour, so the stored
//   part is 0 and takes no bytes (−2 B);
// - `files.path` loses its UNIQUE index (a second copy of every path, −4.4 B): the scan keeps the stored
//   files in a map by path and inserts only paths it does not hold.
// Values are copied as they are: every id, token count, cost and flag is kept.
// The SQL is frozen at this version (later migrations may change ingest's own).
import type { Database } from './sqljs';

export const REQUESTS_V8_SQL = `
CREATE TABLE request_identity (
  msg_hash INTEGER NOT NULL,
  key_hash INTEGER NOT NULL,
  request_id INTEGER NOT NULL,
  PRIMARY KEY (msg_hash, key_hash)
) WITHOUT ROWID;
CREATE TABLE requests_v8 (
  id INTEGER PRIMARY KEY,
  flags INTEGER NOT NULL DEFAULT 0,
  session_id INTEGER NOT NULL,
  project_id INTEGER NOT NULL,
  model_id INTEGER NOT NULL,
  toolset_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cache_creation_5m_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  web_search_requests INTEGER NOT NULL,
  attrs_id INTEGER NOT NULL,
  agent_id INTEGER,
  cost_usd REAL NOT NULL,
  file_id INTEGER,
  provider_id INTEGER,
  feature_id INTEGER,
  success INTEGER,
  duration_ms INTEGER,
  branch_id INTEGER,
  cache_savings_e10 INTEGER NOT NULL DEFAULT 0,
  cache_write_premium_e10 INTEGER NOT NULL DEFAULT 0,
  source INTEGER GENERATED ALWAYS AS (flags & 1) VIRTUAL,
  execution_mode INTEGER GENERATED ALWAYS AS ((flags & 2) != 0) VIRTUAL,
  sidechain INTEGER GENERATED ALWAYS AS ((flags & 4) != 0) VIRTUAL,
  priced INTEGER GENERATED ALWAYS AS ((flags & 8) = 0) VIRTUAL,
  placeholder INTEGER GENERATED ALWAYS AS ((flags & 16) != 0) VIRTUAL,
  forked INTEGER GENERATED ALWAYS AS ((flags & 32) != 0) VIRTUAL,
  requestless INTEGER GENERATED ALWAYS AS ((flags & 64) != 0) VIRTUAL,
  cost_kind INTEGER GENERATED ALWAYS AS ((flags >> 7) & 3) VIRTUAL,
  cache_creation_1h_tokens INTEGER GENERATED ALWAYS AS (cache_creation_tokens - cache_creation_5m_tokens) VIRTUAL
);
CREATE TABLE files_v8 (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  source INTEGER NOT NULL,
  dev INTEGER NOT NULL DEFAULT 0,
  ino INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL DEFAULT 0,
  mtime_ms INTEGER NOT NULL DEFAULT 0,
  offset INTEGER NOT NULL DEFAULT 0,
  bad_lines INTEGER NOT NULL DEFAULT 0,
  missing INTEGER NOT NULL DEFAULT 0
);
`;

/** The indexes of `requests` at schema 8 (the identity is a table now). */
export const REQUEST_INDEXES_V8_SQL = `
CREATE INDEX requests_ts ON requests(ts);
CREATE INDEX requests_internal_ts ON requests(ts) WHERE source = 1;
`;

const KEPT_COLUMNS = `id, flags, session_id, project_id, model_id, toolset_id, ts, input_tokens, output_tokens, cache_creation_tokens,
  cache_read_tokens, web_search_requests, attrs_id, agent_id, cost_usd, file_id, provider_id, feature_id, success, duration_ms, branch_id,
  cache_savings_e10, cache_write_premium_e10`;

// Typed where it is listed (migrations.ts), so this file does not import that list back.
export const IDENTITY_V8 = {
  version: 8,
  description: 'request identity in its own table, the 1-hour cache writes as a virtual column, no second copy of file paths',
  vacuum: true,
  up(db: Database) {
    db.run(REQUESTS_V8_SQL);
    db.run('INSERT INTO request_identity SELECT msg_hash, key_hash, id FROM requests ORDER BY msg_hash, key_hash');
    db.run(`INSERT INTO requests_v8 (${KEPT_COLUMNS}, cache_creation_5m_tokens)
      SELECT ${KEPT_COLUMNS}, cache_creation_tokens - cache_creation_1h_tokens FROM requests ORDER BY id`);
    db.run('DROP TABLE requests');
    db.run('ALTER TABLE requests_v8 RENAME TO requests');
    db.run(REQUEST_INDEXES_V8_SQL);
    db.run('INSERT INTO files_v8 SELECT id, path, source, dev, ino, size, mtime_ms, offset, bad_lines, missing FROM files ORDER BY id');
    db.run('DROP TABLE files');
    db.run('ALTER TABLE files_v8 RENAME TO files');
  },
};
