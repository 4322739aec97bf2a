// The schema of release 0.1.0 (commit 72bb769), frozen: schema 1 is the baseline every migration starts
// from (a new DB is created at schema 1, then migrated like any old one). Never edit: change the schema by
// appending a migration to src/core/store/migrations.ts.

export const SCHEMA_V1_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS files (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  source INTEGER NOT NULL,
  dev INTEGER NOT NULL DEFAULT 0,
  ino INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL DEFAULT 0,
  mtime_ms INTEGER NOT NULL DEFAULT 0,
  offset INTEGER NOT NULL DEFAULT 0,
  bad_lines INTEGER NOT NULL DEFAULT 0,
  missing INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  path TEXT
);

CREATE TABLE IF NOT EXISTS sessions (
  id INTEGER PRIMARY KEY,
  session_key TEXT NOT NULL UNIQUE,
  project_id INTEGER NOT NULL,
  title TEXT,
  -- which kind of line gave the title: 1 summary, 2 ai-title, 3 custom-title (the user's own wins)
  title_rank INTEGER NOT NULL DEFAULT 0,
  source INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS models (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);

-- The distinct, sorted tool names of one response joined by ", "; '' when the response used no tool.
CREATE TABLE IF NOT EXISTS toolsets (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);

CREATE TABLE IF NOT EXISTS requests (
  id INTEGER PRIMARY KEY,
  dedup_key TEXT NOT NULL,
  message_id TEXT,
  request_id TEXT,
  source INTEGER NOT NULL,
  execution_mode INTEGER NOT NULL DEFAULT 0,
  session_id INTEGER NOT NULL,
  project_id INTEGER NOT NULL,
  model_id INTEGER NOT NULL,
  toolset_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_creation_tokens INTEGER NOT NULL,
  cache_creation_1h_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  web_search_requests INTEGER NOT NULL,
  sidechain INTEGER NOT NULL,
  agent_id TEXT,
  speed TEXT,
  geo TEXT,
  service_tier TEXT,
  version TEXT,
  placeholder INTEGER NOT NULL DEFAULT 0,
  forked INTEGER NOT NULL DEFAULT 0,
  iterations_json TEXT,
  cost_usd REAL NOT NULL,
  priced INTEGER NOT NULL,
  -- 0 = priced from the price table (re-priced when it changes), 1 = cost logged by the source, 2 = free by design (local)
  cost_kind INTEGER NOT NULL DEFAULT 0,
  file_id INTEGER,
  -- API-log calls only (issue 7); NULL for Claude Code rows and for what a log line did not say.
  provider_id INTEGER,
  feature_id INTEGER,
  success INTEGER,
  duration_ms INTEGER,
  ttft_ms INTEGER,
  initiator TEXT,
  worker_id TEXT,
  error_message TEXT
);
-- REQUEST_INDEXES_SQL (below) creates the indexes of requests; a cold ingest into an empty table drops
-- them and builds them once at the end, which is much faster than maintaining them row by row.

CREATE TABLE IF NOT EXISTS rollup_hour (
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
  -- Outcome sums of API-log calls (issue 7; 0 for Claude Code rows): calls with success known, successes,
  -- calls with a duration, their summed duration, and the output tokens of calls with duration > 0 (tokens/s).
  outcome_calls INTEGER NOT NULL DEFAULT 0,
  successes INTEGER NOT NULL DEFAULT 0,
  timed_calls INTEGER NOT NULL DEFAULT 0,
  duration_ms_sum INTEGER NOT NULL DEFAULT 0,
  timed_output_tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (hour, source, execution_mode, session_id, project_id, model_id, toolset_id, sidechain)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS limit_events (
  id INTEGER PRIMARY KEY,
  event_key TEXT NOT NULL UNIQUE,
  session_key TEXT,
  ts INTEGER NOT NULL,
  limit_type TEXT NOT NULL,
  resets_at INTEGER,
  text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS limit_events_ts ON limit_events(ts);

-- Dictionaries of API-log calls: provider (anthropic, openai, ollama, …) and the feature a call served.
CREATE TABLE IF NOT EXISTS providers (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS features (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);

-- Rate-limit state seen by API-log calls (response headers), one row per call x kind; history is kept.
-- kind: requests | input_tokens | output_tokens | tokens. obs_key = the call's dedup key + kind (re-reads add nothing).
CREATE TABLE IF NOT EXISTS rate_limit_observations (
  id INTEGER PRIMARY KEY,
  obs_key TEXT NOT NULL UNIQUE,
  model TEXT NOT NULL,
  provider TEXT,
  ts INTEGER NOT NULL,
  kind TEXT NOT NULL,
  limit_value INTEGER,
  remaining INTEGER,
  reset_at INTEGER
);
CREATE INDEX IF NOT EXISTS rate_limit_latest ON rate_limit_observations(model, kind, ts);
`;

export const SCHEMA_V1_REQUEST_INDEXES_SQL = `
CREATE UNIQUE INDEX IF NOT EXISTS requests_dedup ON requests(dedup_key);
CREATE INDEX IF NOT EXISTS requests_ts ON requests(ts);
CREATE INDEX IF NOT EXISTS requests_message ON requests(message_id);
-- API-log rows are few beside transcripts; the panel and provider/feature groups read them by time.
CREATE INDEX IF NOT EXISTS requests_internal_ts ON requests(ts) WHERE source = 1;
`;
