// Test store: an in-memory sql.js DB with THE schema (schema 1 + every migration) and its indexes, dictionaries filled on demand,
// requests inserted, and rollup_hour rebuilt from requests by the ingest's own rebuildRollups (the
// schema's definition: rollup_hour = SELECT … FROM requests GROUP BY its key).
import { getSqlJs } from '../../../src/core/store/sqljs';
import type { Database } from '../../../src/core/store/sqljs';
import { SOURCE_IDS } from '../../../src/core/store/schema';
import { packFlags } from '../../../src/core/store/migration-2-compact';
import { migrateSchema } from '../../../src/core/store/migrations';
import { rebuildRollups as rebuildRollupsOfStore } from '../../../src/core/store/rollups';

export interface FixtureRequest {
  ts: number;
  source?: 'claude_code' | 'internal';
  executionMode?: 'cloud' | 'local';
  session?: string;
  sessionTitle?: string | null;
  project?: string;
  /** Repository path of the project (its identity); none: the project is known by name only. */
  projectPath?: string;
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
  /** 1-hour part of cacheCreation. */
  cacheCreation1h?: number;
  /** Stored cache economics, USD (a multiple of 1e-10). */
  cacheSavings?: number;
  cacheWritePremium?: number;
  /** The git branch Claude Code recorded; none = no branch. */
  branch?: string | null;
}

export async function createStore(): Promise<Database> {
  const SQL = await getSqlJs();
  const db = new SQL.Database();
  migrateSchema(db);
  return db;
}

function dictId(db: Database, table: string, name: string): number {
  const found = db.exec(`SELECT id FROM ${table} WHERE name = ?`, [name]);
  if (found.length) return found[0].values[0][0] as number;
  db.run(`INSERT INTO ${table} (name) VALUES (?)`, [name]);
  return db.exec('SELECT last_insert_rowid()')[0].values[0][0] as number;
}

/** Projects are keyed by repository path (by name when a row gives none, like an API-log project). */
function projectRowId(db: Database, name: string, projectPath: string | null): number {
  const key = projectPath || name;
  const found = db.exec('SELECT id FROM projects WHERE key = ?', [key]);
  if (found.length) return found[0].values[0][0] as number;
  db.run('INSERT INTO projects (key, name, path) VALUES (?, ?, ?)', [key, name, projectPath]);
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
  const stmt = db.prepare(`INSERT INTO requests (flags, session_id, project_id, model_id,
    toolset_id, ts, input_tokens, output_tokens, cache_creation_tokens, cache_creation_5m_tokens, cache_read_tokens,
    web_search_requests, attrs_id, cost_usd, cache_savings_e10, cache_write_premium_e10, branch_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
  const identity = db.prepare('INSERT INTO request_identity (msg_hash, key_hash, request_id) VALUES (?, 0, last_insert_rowid())');
  const attrsId = db.exec('SELECT id FROM request_attrs WHERE speed IS NULL AND geo IS NULL AND service_tier IS NULL AND version IS NULL')[0]?.values[0][0]
    ?? (db.run('INSERT INTO request_attrs DEFAULT VALUES'), db.exec('SELECT last_insert_rowid()')[0].values[0][0]);
  for (const r of rows) {
    const source = SOURCE_IDS[r.source ?? 'claude_code'];
    const flags = packFlags({
      internal: source === 1, local: r.executionMode === 'local', sidechain: r.sidechain === true, priced: r.priced !== false,
      placeholder: false, forked: false, requestless: false, costKind: 0,
    });
    const projectId = projectRowId(db, r.project ?? 'demo', r.projectPath ?? null);
    const sess = sessionId(db, r.session ?? 's1', projectId, r.sessionTitle ?? null, source);
    stmt.run([
      flags, sess, projectId,
      dictId(db, 'models', r.model ?? 'claude-sonnet-4-5-20250929'), dictId(db, 'toolsets', r.tools ?? ''),
      r.ts, r.input ?? 0, r.output ?? 0, r.cacheCreation ?? 0, (r.cacheCreation ?? 0) - (r.cacheCreation1h ?? 0), r.cacheRead ?? 0, r.webSearch ?? 0, attrsId, r.cost ?? 0,
      Math.round((r.cacheSavings ?? 0) * 1e10), Math.round((r.cacheWritePremium ?? 0) * 1e10),
      r.branch ? dictId(db, 'branches', r.branch) : null,
    ]);
    identity.run([++dedupCounter]);
  }
  stmt.free();
  identity.free();
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
