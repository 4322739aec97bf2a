// Schema migrations. `PRAGMA user_version` names the schema of a DB image; every change to the schema is a
// migration appended to MIGRATIONS, applied in one transaction together with the new user_version, so a
// crash or an error mid-way leaves the image at the previous version. A new DB is created at schema 1 (the
// frozen schema of release 0.1.0) and migrated like any old one, so the path old DBs take is the path every
// fresh install takes too. An old DB is migrated, never rebuilt: it holds history no transcript has any more.
//
// To change the schema: merge main, append ONE migration with the next version, add a test that opens the
// fixture DB (test/fixtures/db-0.1.0) through it, and keep the current-schema constants in schema.ts in step.
import type { Logger } from '../types';
import { silentLogger } from '../types';
import { SCHEMA_V1_REQUEST_INDEXES_SQL, SCHEMA_V1_SQL } from './schema-v1';
import type { Database } from './sqljs';
import { MIGRATION_2_COMPACT } from './migration-2-compact';
import type { Migration } from './migration-step';
import { PROJECTS_BY_PATH } from './migration-projects-by-path';
import { BRANCHES } from './migration-4-branches';
import { CACHE_ECONOMICS } from './migration-5-cache-economics';
import { CONTEXT_FILL } from './migration-6-context-fill';
import { ROLLUPS_V7 } from './migration-7-rollups';
import { IDENTITY_V8 } from './migration-8-identity';

export type { Migration } from './migration-step';

/** The schema of release 0.1.0 (commit 72bb769): every DB starts here. */
export const BASELINE_VERSION = 1;

export const MIGRATIONS: readonly Migration[] = [MIGRATION_2_COMPACT, PROJECTS_BY_PATH, BRANCHES, CACHE_ECONOMICS, CONTEXT_FILL, ROLLUPS_V7, IDENTITY_V8];

/** The schema this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length ? MIGRATIONS[MIGRATIONS.length - 1].version : BASELINE_VERSION;

export function userVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
}

function hasTable(db: Database, name: string): boolean {
  return db.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, [name]).length > 0;
}

/** Runs `fn` and stamps `version` in one transaction; rolls both back when `fn` throws. */
function inTransaction(db: Database, version: number, fn: () => void): void {
  db.run('BEGIN');
  try {
    fn();
    db.run(`INSERT INTO meta(key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, [String(version)]);
    db.run(`PRAGMA user_version = ${version}`);
    db.run('COMMIT');
  } catch (e) {
    db.run('ROLLBACK');
    throw e;
  }
}

export class MigrationError extends Error {
  constructor(readonly fromVersion: number, readonly failedVersion: number, cause: Error) {
    super(`could not migrate from schema ${fromVersion} to ${failedVersion} (${cause.message})`);
    this.name = 'MigrationError';
  }
}

export interface MigrationResult {
  /** user_version before: 0 for a new DB. */
  from: number;
  to: number;
  applied: number[];
}

/**
 * Brings `db` to SCHEMA_VERSION: creates schema 1 in an empty DB, then applies each later migration in its own
 * transaction. A DB from a newer schema is the caller's to refuse (loadImage does); this never downgrades.
 */
export function migrateSchema(db: Database, log: Logger = silentLogger, migrations: readonly Migration[] = MIGRATIONS): MigrationResult {
  const from = userVersion(db);
  let version = from;
  if (version === 0) {
    if (hasTable(db, 'requests')) throw new MigrationError(0, BASELINE_VERSION, new Error('tables without a schema version'));
    inTransaction(db, BASELINE_VERSION, () => {
      db.run(SCHEMA_V1_SQL);
      db.run(SCHEMA_V1_REQUEST_INDEXES_SQL);
    });
    version = BASELINE_VERSION;
  }
  const applied: number[] = [];
  let vacuum = false;
  for (const m of migrations) {
    if (m.version <= version) continue;
    if (m.version !== version + 1) throw new MigrationError(from, m.version, new Error(`no migration to schema ${version + 1}`));
    const t0 = performance.now();
    try {
      inTransaction(db, m.version, () => m.up(db));
    } catch (e) {
      throw new MigrationError(from, m.version, e as Error);
    }
    version = m.version;
    applied.push(m.version);
    vacuum ||= m.vacuum === true && from !== 0;
    log.info(`Migrated the database to schema ${m.version} (${m.description}) in ${(performance.now() - t0).toFixed(0)} ms.`);
  }
  if (vacuum) db.run('VACUUM');
  return { from, to: version, applied };
}
