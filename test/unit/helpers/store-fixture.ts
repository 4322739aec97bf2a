// Test store: an in-memory sql.js DB with THE schema and its indexes, dictionaries filled on demand,
// requests inserted, and rollup_hour rebuilt from requests by the ingest's own rebuildRollups (the
// schema's definition: rollup_hour = SELECT … FROM requests GROUP BY its key).
import { getSqlJs } from '../../../src/core/store/sqljs';
import type { Database } from '../../../src/core/store/sqljs';
import { EXECUTION_MODE_IDS, REQUEST_INDEXES_SQL, SCHEMA_SQL, SOURCE_IDS } from '../../../src/core/store/schema';
import { rebuildRollups as rebuildRollupsOfStore } from '../../../src/core/store/ingest';
import { CONTEXT_TABLES_SQL } from '../../../src/core/limits/contextStore';

export interface FixtureRequest {
  ts: number;
  source?: 'claude_code' | 'internal';
  executionMode?: 'cloud' | 'local';
  session?: string;
  sessionTitle?: string | null;
  project?: string;
  model?: string;
  /** The tool set as stored: distinct sorted names joined by ", "; '' = no tool. */
  tools?: string;
  input?: number;
  output?: number;
  cacheCreation?: number;
  cacheRead?: number;
  webSearch?: number;
  sidechain?: boolean;
  cost?: number;
  priced?: boolean;
}

export async function createStore(): Promise<Database> {
  const SQL = await getSqlJs();
  const db = new SQL.Database();
  db.run(SCHEMA_SQL);
  db.run(REQUEST_INDEXES_SQL);
  db.run(CONTEXT_TABLES_SQL);
  return db;
}

function dictId(db: Database, table: string, name: string): number {
  const found = db.exec(`SELECT id FROM ${table} WHERE name = ?`, [name]);
  if (found.length) return found[0].values[0][0] as number;
  db.run(`INSERT INTO ${table} (name) VALUES (?)`, [name]);
  return db.exec('SELECT last_insert_rowid()')[0].values[0][0] as number;
}

function sessionId(db: Database, key: string, projectId: number, title: string | null, source: number): number {
  const found = db.exec('SELECT id FROM sessions WHERE session_key = ?', [key]);
  if (found.length) return found[0].values[0][0] as number;
  db.run('INSERT INTO sessions (session_key, project_id, title, source) VALUES (?, ?, ?, ?)', [key, projectId, title, source]);
  return db.exec('SELECT last_insert_rowid()')[0].values[0][0] as number;
}

let dedupCounter = 0;

/** Inserts requests (and their dictionary rows), then rebuilds rollup_hour. */
export function insertRequests(db: Database, rows: FixtureRequest[]): void {
  db.run('BEGIN');
  const stmt = db.prepare(`INSERT INTO requests (dedup_key, source, execution_mode, session_id, project_id, model_id,
    toolset_id, ts, input_tokens, output_tokens, cache_creation_tokens, cache_creation_1h_tokens, cache_read_tokens,
    web_search_requests, sidechain, cost_usd, priced) VALUES (?,?,?,?,?,?,?,?,?,?,?,0,?,?,?,?,?)`);
  for (const r of rows) {
    const source = SOURCE_IDS[r.source ?? 'claude_code'];
    const projectId = dictId(db, 'projects', r.project ?? 'demo');
    const sess = sessionId(db, r.session ?? 's1', projectId, r.sessionTitle ?? null, source);
    stmt.run([
      `k${++dedupCounter}`, source, EXECUTION_MODE_IDS[r.executionMode ?? 'cloud'], sess, projectId,
      dictId(db, 'models', r.model ?? 'claude-sonnet-4-5-20250929'), dictId(db, 'toolsets', r.tools ?? ''),
      r.ts, r.input ?? 0, r.output ?? 0, r.cacheCreation ?? 0, r.cacheRead ?? 0, r.webSearch ?? 0,
      r.sidechain ? 1 : 0, r.cost ?? 0, r.priced === false ? 0 : 1,
    ]);
  }
  stmt.free();
  db.run('COMMIT');
  rebuildRollups(db);
}

/** Rebuilds every hour of rollup_hour from requests. */
export function rebuildRollups(db: Database): void {
  rebuildRollupsOfStore(db, null);
}

export function countRows(db: Database, table: string): number {
  return db.exec(`SELECT COUNT(*) FROM ${table}`)[0].values[0][0] as number;
}

/** A small deterministic PRNG (mulberry32) so property tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
