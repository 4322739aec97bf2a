// Schema 2: compact request rows (≤ 150 bytes per request in the file, issue 11). Release 0.1.0 kept the
// dedup key, message id and request id as text with two text indexes (≈ 380 B per request). Now:
// - identity: msg_hash (64-bit) + key_hash (32-bit), one integer index (see identity.ts);
// - eight 0/1 attributes packed in `flags` (virtual columns keep their names for readers);
// - speed / geo / service tier / version in the `request_attrs` dictionary, agent ids in `agents`;
// - rare fields in side tables: iterations (`request_iterations`), API-log call id, latency and error details
//   (`api_call_details`, one row per API-log call); success, duration, provider and feature stay in the row (the panel reads them).
// Figures are unchanged: rollup_hour is kept as is, every stored row keeps its id, tokens, cost and flags.
import type { Migration } from './migration-step';
import { keyHash, messageHash } from './identity';
import { FLAG, REQUEST_INDEXES_SQL } from './schema';
import type { Database, SqlValue } from './sqljs';

export const SCHEMA_2_SQL = `
CREATE TABLE request_attrs (id INTEGER PRIMARY KEY, speed TEXT, geo TEXT, service_tier TEXT, version TEXT);
CREATE TABLE agents (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE request_iterations (request_id INTEGER PRIMARY KEY, iterations_json TEXT NOT NULL);
-- API-log calls only: the id the log gave the call (api_request_id) and what the panel does not aggregate.
CREATE TABLE api_call_details (request_id INTEGER PRIMARY KEY, api_request_id TEXT, ttft_ms INTEGER, initiator TEXT, worker_id TEXT, error_message TEXT);
CREATE TABLE requests_compact (
  id INTEGER PRIMARY KEY,
  msg_hash INTEGER NOT NULL,
  key_hash INTEGER NOT NULL,
  flags INTEGER NOT NULL DEFAULT 0,
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
  attrs_id INTEGER NOT NULL,
  agent_id INTEGER,
  cost_usd REAL NOT NULL,
  file_id INTEGER,
  provider_id INTEGER,
  feature_id INTEGER,
  success INTEGER,
  duration_ms INTEGER,
  source INTEGER GENERATED ALWAYS AS (flags & ${FLAG.internal}) VIRTUAL,
  execution_mode INTEGER GENERATED ALWAYS AS ((flags & ${FLAG.local}) != 0) VIRTUAL,
  sidechain INTEGER GENERATED ALWAYS AS ((flags & ${FLAG.sidechain}) != 0) VIRTUAL,
  priced INTEGER GENERATED ALWAYS AS ((flags & ${FLAG.unpriced}) = 0) VIRTUAL,
  placeholder INTEGER GENERATED ALWAYS AS ((flags & ${FLAG.placeholder}) != 0) VIRTUAL,
  forked INTEGER GENERATED ALWAYS AS ((flags & ${FLAG.forked}) != 0) VIRTUAL,
  requestless INTEGER GENERATED ALWAYS AS ((flags & ${FLAG.requestless}) != 0) VIRTUAL,
  cost_kind INTEGER GENERATED ALWAYS AS ((flags >> ${FLAG.costKindShift}) & 3) VIRTUAL
);
`;

/** The row's flags from its attributes. */
export function packFlags(a: {
  internal: boolean; local: boolean; sidechain: boolean; priced: boolean; placeholder: boolean; forked: boolean;
  requestless: boolean; costKind: number;
}): number {
  return (a.internal ? FLAG.internal : 0) | (a.local ? FLAG.local : 0) | (a.sidechain ? FLAG.sidechain : 0) |
    (a.priced ? 0 : FLAG.unpriced) | (a.placeholder ? FLAG.placeholder : 0) | (a.forked ? FLAG.forked : 0) |
    (a.requestless ? FLAG.requestless : 0) | (a.costKind << FLAG.costKindShift);
}

/** Key of a request_attrs row in the ingest's dictionary map. */
export function attrsKey(speed: string | null, geo: string | null, tier: string | null, version: string | null): string {
  return JSON.stringify([speed, geo, tier, version]);
}

const str = (v: SqlValue): string | null => (v === null ? null : String(v));

function migrate(db: Database): void {
  db.run(SCHEMA_2_SQL);
  const attrs = new Map<string, number>();
  const agents = new Map<string, number>();
  const insAttrs = db.prepare('INSERT INTO request_attrs (speed, geo, service_tier, version) VALUES (?, ?, ?, ?)');
  const insAgent = db.prepare('INSERT INTO agents (name) VALUES (?)');
  const insRow = db.prepare(`INSERT INTO requests_compact (id, msg_hash, key_hash, flags, session_id, project_id, model_id, toolset_id, ts,
    input_tokens, output_tokens, cache_creation_tokens, cache_creation_1h_tokens, cache_read_tokens, web_search_requests, attrs_id, agent_id,
    cost_usd, file_id, provider_id, feature_id, success, duration_ms) VALUES (${new Array(23).fill('?').join(', ')})`);
  const insIter = db.prepare('INSERT INTO request_iterations (request_id, iterations_json) VALUES (?, ?)');
  const insCall = db.prepare('INSERT INTO api_call_details (request_id, api_request_id, ttft_ms, initiator, worker_id, error_message) VALUES (?, ?, ?, ?, ?, ?)');
  const read = db.prepare(`SELECT r.id, r.message_id, r.request_id, s.session_key, r.source, r.execution_mode, r.sidechain, r.priced, r.placeholder,
    r.forked, r.cost_kind, r.session_id, r.project_id, r.model_id, r.toolset_id, r.ts, r.input_tokens, r.output_tokens, r.cache_creation_tokens,
    r.cache_creation_1h_tokens, r.cache_read_tokens, r.web_search_requests, r.speed, r.geo, r.service_tier, r.version, r.agent_id,
    r.cost_usd, r.file_id, r.provider_id, r.feature_id, r.success, r.duration_ms, r.iterations_json, r.ttft_ms, r.initiator, r.worker_id,
    r.error_message FROM requests r JOIN sessions s ON s.id = r.session_id ORDER BY r.id`);
  const dict = (map: Map<string, number>, key: string, insert: () => void): number => {
    let id = map.get(key);
    if (id === undefined) {
      insert();
      id = Number(db.exec('SELECT last_insert_rowid()')[0].values[0][0]);
      map.set(key, id);
    }
    return id;
  };
  try {
    while (read.step()) {
      const [id, messageId, requestId, sessionKey, source, mode, sidechain, priced, placeholder, forked, costKind,
        sessionId, projectId, modelId, toolsetId, ts, input, output, cc, cc1h, cr, web, speed, geo, tier, version, agent,
        cost, fileId, providerId, featureId, success, durationMs, iterations, ttft, initiator, worker, error] = read.get();
      const attrsId = dict(attrs, attrsKey(str(speed), str(geo), str(tier), str(version)), () => insAttrs.run([speed, geo, tier, version]));
      const agentId = agent === null ? null : dict(agents, String(agent), () => insAgent.run([agent]));
      const flags = packFlags({
        internal: source === 1, local: mode === 1, sidechain: sidechain === 1, priced: priced === 1, placeholder: placeholder === 1,
        forked: forked === 1, requestless: requestId === null, costKind: Number(costKind),
      });
      insRow.run([
        id, messageHash(String(messageId ?? '')), keyHash({ requestId: str(requestId), sessionId: String(sessionKey) }), flags,
        sessionId, projectId, modelId, toolsetId, ts, input, output, cc, cc1h, cr, web, attrsId, agentId, cost, fileId, providerId,
        featureId, success, durationMs,
      ]);
      if (iterations !== null) insIter.run([id, iterations]);
      if (source === 1) insCall.run([id, requestId, ttft, initiator, worker, error]);
    }
  } finally {
    for (const s of [read, insAttrs, insAgent, insRow, insIter, insCall]) s.free();
  }
  db.run('DROP TABLE requests');
  db.run('ALTER TABLE requests_compact RENAME TO requests');
  db.run(REQUEST_INDEXES_SQL);
}

export const MIGRATION_2_COMPACT: Migration = {
  version: 2,
  description: 'compact request rows: integer identity, flags, dictionaries, side tables for rare fields',
  up: migrate,
  vacuum: true,
};
