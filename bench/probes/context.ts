// Cost of the context-fill work (issue 17) at 1M stored requests, measured side by side in one run:
// the one-time backfill of session_context (the migration), the per-scan refresh of the touched hours,
// status with and without the active-session part, and the panel's per-session lookup.
//
//   node --import tsx bench/probes/context.ts [requests=1000000]
import { getSqlJs, type Database } from '../../src/core/store/sqljs';
import { migrateSchema } from '../../src/core/store/migrations';
import { DROP_REQUEST_INDEXES_SQL, REQUEST_INDEXES_SQL } from '../../src/core/store/schema';
import { refreshSessionContext } from '../../src/core/store/contextStore';
import { activeSessionContexts, sessionFills } from '../../src/core/limits/context';
import { buildStatus } from '../../src/core/limits/status';

const REQUESTS = Number(process.argv[2] ?? 1_000_000);
const PER_SESSION = 200;
const STEP_MS = 30_000;
const START = Date.parse('2025-12-01T00:00:00Z');

function timed<T>(label: string, fn: () => T, runs = 5): T {
  let result!: T;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} median ${times[Math.floor(times.length / 2)].toFixed(2)} ms  (min ${times[0].toFixed(2)}, max ${times[times.length - 1].toFixed(2)}, ${runs} runs)`);
  return result;
}

function fill(db: Database): void {
  const sessions = Math.ceil(REQUESTS / PER_SESSION);
  db.run('BEGIN');
  db.run(DROP_REQUEST_INDEXES_SQL);
  db.run("INSERT INTO models (name) VALUES ('claude-sonnet-4-6'), ('claude-opus-4-7'), ('claude-haiku-4-5-20251001')");
  db.run("INSERT INTO toolsets (name) VALUES ('')");
  db.run('INSERT INTO request_attrs (speed, geo, service_tier, version) VALUES (NULL, NULL, NULL, NULL)');
  db.run(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) INSERT INTO projects (key, name, path) SELECT '/home/dev/p' || i, 'p' || i, '/home/dev/p' || i FROM n`);
  db.run(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${sessions})
    INSERT INTO sessions (session_key, project_id, title) SELECT printf('%08d-0000-4000-8000-000000000000', i), 1 + i % 50, 'Session ' || i FROM n`);
  // Sessions run one after another, 30 s between responses; every 7th response is a subagent's (flags bit 4).
  db.run(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${REQUESTS - 1})
    INSERT INTO requests (id, flags, session_id, project_id, model_id, toolset_id, ts, input_tokens, output_tokens,
      cache_creation_tokens, cache_creation_5m_tokens, cache_read_tokens, web_search_requests, attrs_id, cost_usd)
    SELECT i + 1, CASE WHEN i % 7 = 0 THEN 4 ELSE 0 END, 1 + i / ${PER_SESSION}, 1 + (1 + i / ${PER_SESSION}) % 50, 1 + (i / ${PER_SESSION}) % 2, 1,
      ${START} + i * ${STEP_MS}, 3, 400, 2000, 0, (i % ${PER_SESSION}) * 800, 0, 1, 0.01 FROM n`);
  db.run('INSERT INTO request_identity (msg_hash, key_hash, request_id) SELECT id, id, id FROM requests');
  db.run(REQUEST_INDEXES_SQL);
  db.run('COMMIT');
}

(async () => {
  const SQL = await getSqlJs();
  const db = new SQL.Database();
  migrateSchema(db); // schema 1 → current, with the (empty) context tables of schema 4
  let t0 = performance.now();
  fill(db);
  console.log(`filled ${REQUESTS.toLocaleString('en-US')} requests in ${(performance.now() - t0).toFixed(0)} ms`);

  const without = db.export().length;
  t0 = performance.now();
  refreshSessionContext(db, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER); // what migration 4 runs on an old DB
  console.log(`${'backfill of session_context (once, migration 4)'.padEnd(58)} ${(performance.now() - t0).toFixed(0)} ms`);
  const now = START + (REQUESTS - 10) * STEP_MS;
  timed('refreshSessionContext for one touched hour (every scan)', () => refreshSessionContext(db, now - 3_600_000, now));
  timed('activeSessionContexts (30 min)', () => activeSessionContexts(db, now, { activeMinutes: 30 }));
  const full = timed('buildStatus (with sessions[])', () => buildStatus(db, now, { tz: 'UTC' }));
  console.log(`  → ${full.sessions.length} active session(s), first ${full.sessions[0]?.context_tokens} tokens (${full.sessions[0]?.context_pct} %)`);
  const ids = Array.from({ length: 50 }, (_, i) => 1 + i * 90);
  timed('sessionFills for 50 sessions (panel table)', () => sessionFills(db, ids));
  const bytes = db.export().length;
  console.log(`DB image: ${(bytes / 1e6).toFixed(1)} MB with session_context filled, ${(without / 1e6).toFixed(1)} MB with it empty (+${((bytes - without) / 1e3).toFixed(0)} KB for ${Math.ceil(REQUESTS / PER_SESSION)} sessions)`);
  db.close();
})();
