// What the migration tests share: the fixture DB's corpus regenerated in a work folder, a copy of the fixture
// that points at it, and the figures compared with a fresh scan.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCorpus } from '../../../bench/corpus/generate';
import { Engine } from '../../../src/core/engine';
import { loadBlocks } from '../../../src/core/limits/blocks';
import { getSqlJs, selectAll, type Database } from '../../../src/core/store/sqljs';
import { DEFAULT_PANEL_FILTER } from '../../../src/protocol';

export interface FixtureDbParams { root: string; targetBytes: number; seed: number; endDate: string }

const GROUPS = ['none', 'model', 'project', 'day', 'session', 'source', 'tool', 'hour', 'provider', 'feature', 'branch'];
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

/** A new work folder with the fixture's corpus, and the figures of a fresh scan of it at `nowMs`. */
export async function freshWork(prefix: string, params: FixtureDbParams, nowMs: number): Promise<{ work: string; reference: unknown }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  await writeFixtureCorpus(work, params);
  const fresh = await engineOver(work, null);
  try {
    await fresh.scan();
    return { work, reference: await fixtureFigures(fresh, nowMs) };
  } finally {
    await fresh.close();
  }
}

/** Writes the fixture's corpus (transcripts and the 0.1.0 API log) under `work`. */
export async function writeFixtureCorpus(work: string, params: FixtureDbParams): Promise<void> {
  await generateCorpus({ outDir: path.join(work, 'claude'), targetBytes: params.targetBytes, seed: params.seed, endDate: new Date(params.endDate) });
  fs.mkdirSync(path.join(work, 'api'));
  fs.copyFileSync(path.join(FIXTURES, 'db-0.1.0', 'api-calls.jsonl'), path.join(work, 'api', 'api-calls.jsonl'));
}

/** An engine over the corpus in `work` (the DB in memory when `dbPath` is null). */
export function engineOver(work: string, dbPath: string | null): Promise<Engine> {
  return Engine.open({
    dbPath, configDirs: [path.join(work, 'claude')], apiLogPaths: [path.join(work, 'api', 'api-calls.jsonl')], persistDebounceMs: 3_600_000,
  });
}

/** The fixture DB opened in memory, not migrated. */
export async function openFixtureDb(folder: string): Promise<Database> {
  const SQL = await getSqlJs();
  return new SQL.Database(fs.readFileSync(path.join(FIXTURES, folder, 'usage.sqlite')));
}

/** Points the stored files of `db` at the same files under `work` (stat included) and writes it to work/usage.sqlite. */
export function saveMovedTo(db: Database, params: FixtureDbParams, work: string): string {
  for (const f of selectAll<{ id: number; path: string }>(db, 'SELECT id, path FROM files')) {
    const moved = work + f.path.slice(params.root.length);
    const st = fs.existsSync(moved) ? fs.statSync(moved) : null;
    db.run('UPDATE files SET path = ?, dev = coalesce(?, dev), ino = coalesce(?, ino), mtime_ms = coalesce(?, mtime_ms) WHERE id = ?', [
      moved, st?.dev ?? null, st?.ino ?? null, st ? Math.trunc(st.mtimeMs) : null, f.id,
    ]);
  }
  const dbPath = path.join(work, 'usage.sqlite');
  fs.writeFileSync(dbPath, db.export());
  return dbPath;
}

/** Every grouping, the panel's branch and anomaly figures, a branch filter and every 5-hour block, at `nowMs`. */
export async function fixtureFigures(engine: Engine, nowMs: number): Promise<unknown> {
  const groups = [];
  for (const g of GROUPS) groups.push(await engine.query({ window: 'all', tz: 'UTC', source: 'all', group_by: g, limit: 10000 }, nowMs));
  const panel = await engine.readModel({ ...DEFAULT_PANEL_FILTER, range: 'all', tz: 'UTC' }, nowMs);
  const onBranch = await engine.readModel({ ...DEFAULT_PANEL_FILTER, range: 'all', tz: 'UTC', branch: 'main' }, nowMs);
  const blocks = await engine.withDatabase((db) => loadBlocks(db, { includeGaps: true }).map((b) => ({ ...b, costUsd: Math.round(b.costUsd * 1e9) })));
  return { groups, branches: panel.branches, anomalies: panel.anomalies, onBranch: onBranch.totals, blocks };
}
