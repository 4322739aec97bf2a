// Migrations: a DB written by release 0.1.0 (test/fixtures/db-0.1.0, schema 1) opens in this release with
// every figure equal — including the requests whose transcripts were deleted since — and the migration
// framework applies each step in one transaction, never stamping a newer version over an old image.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCorpus, type CorpusTruth } from '../../bench/corpus/generate';
import { Engine } from '../../src/core/engine';
import { getSqlJs, selectAll } from '../../src/core/store/sqljs';
import { migrateSchema, MigrationError, SCHEMA_VERSION, userVersion, type Migration } from '../../src/core/store/migrations';
import { FIXTURE_PARAMS } from '../fixtures/db-0.1.0/params';

const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'db-0.1.0');
const NOW = Date.parse(FIXTURE_PARAMS.endDate);
const GROUPS = ['none', 'model', 'project', 'day', 'session', 'source', 'tool', 'hour', 'provider', 'feature'];
const queries = (source: string) => GROUPS.map((g) => ({ window: 'all', tz: 'UTC', source, group_by: g, limit: 10000 }));

let work: string;
let truth: CorpusTruth;
/** The figures of a fresh scan of the whole corpus and API log, per source filter. */
const reference: Record<string, unknown[]> = {};
let transcripts: string[];

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

async function figures(engine: Engine, source = 'all'): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const q of queries(source)) out.push(await engine.query(q, NOW));
  out.push(await engine.withDatabase((db) => selectAll(db, 'SELECT session_key, ts, limit_type, resets_at, text FROM limit_events ORDER BY event_key')));
  return out;
}

function engineOver(dbPath: string | null, withApiLog = true): Promise<Engine> {
  return Engine.open({
    dbPath, configDirs: [path.join(work, 'claude')], apiLogPaths: withApiLog ? [path.join(work, 'api', 'api-calls.jsonl')] : [],
    persistDebounceMs: 3_600_000,
  });
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-migrate-'));
  truth = await generateCorpus({
    outDir: path.join(work, 'claude'), targetBytes: FIXTURE_PARAMS.targetBytes, seed: FIXTURE_PARAMS.seed, endDate: new Date(FIXTURE_PARAMS.endDate),
  });
  fs.mkdirSync(path.join(work, 'api'));
  fs.copyFileSync(path.join(FIXTURE_DIR, 'api-calls.jsonl'), path.join(work, 'api', 'api-calls.jsonl'));
  const full = await engineOver(null);
  await full.scan();
  for (const source of ['all', 'claude_code']) reference[source] = await figures(full, source);
  await full.close();
  transcripts = walk(path.join(work, 'claude', 'projects')).filter((f) => f.endsWith('.jsonl')).sort();
  // A third of the transcripts are gone since 0.1.0 wrote the DB; their requests live only in the DB.
  transcripts.forEach((f, i) => { if (i % 3 === 0) fs.rmSync(f); });
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

/** A copy of the fixture DB; `relocate` rewrites its file paths to this test's corpus (same files, new place). */
async function fixtureCopy(name: string, relocate: boolean): Promise<string> {
  const dbPath = path.join(work, name);
  const SQL = await getSqlJs();
  const db = new SQL.Database(fs.readFileSync(path.join(FIXTURE_DIR, 'usage.sqlite')));
  assert.equal(userVersion(db), 1, 'the fixture is a schema-1 DB');
  if (relocate) {
    // The same files at the place 0.1.0 read them: same path, and the identity and stamp the scanner compares.
    for (const f of selectAll<{ id: number; path: string }>(db, 'SELECT id, path FROM files')) {
      const moved = work + f.path.slice(FIXTURE_PARAMS.root.length);
      const st = fs.existsSync(moved) ? fs.statSync(moved) : null;
      db.run('UPDATE files SET path = ?, dev = coalesce(?, dev), ino = coalesce(?, ino), mtime_ms = coalesce(?, mtime_ms) WHERE id = ?', [
        moved, st?.dev ?? null, st?.ino ?? null, st ? Math.trunc(st.mtimeMs) : null, f.id,
      ]);
    }
  }
  fs.writeFileSync(dbPath, db.export());
  db.close();
  return dbPath;
}

test('the remaining transcripts alone hold fewer requests than the corpus (the DB must supply the rest)', async () => {
  const partial = await engineOver(null);
  await partial.scan();
  const r = await partial.query({ window: 'all', source: 'claude_code' }, NOW);
  await partial.close();
  assert.ok(r.totals.requests < truth.uniqueRequests * 0.9, `${r.totals.requests} of ${truth.uniqueRequests}`);
});

// Relocated: the files are where 0.1.0 read them (every figure, both sources, must match). Not relocated: every
// remaining file is new to the DB and re-read; transcripts dedup by message id + requestId, so Claude Code
// figures must match (an API-log line without an id is identified by its path, so a moved log is a new log:
// that variant reads no API log).
for (const relocate of [true, false]) {
  const source = relocate ? 'all' : 'claude_code';
  test(`a 0.1.0 DB + the remaining transcripts equal the full corpus (${relocate ? 'files at their stored paths: read from their offsets' : 'files elsewhere: re-read, deduplicated'})`, async () => {
    const dbPath = await fixtureCopy(`usage-${relocate}.sqlite`, relocate);
    let engine = await engineOver(dbPath, relocate);
    try {
      assert.equal(engine.movedAside, null, 'an old DB is migrated, never moved aside');
      const summary = await engine.scan();
      if (relocate) assert.deepEqual([summary.newRequests, summary.filesRead], [0, 0], 'every remaining file was read to its end by 0.1.0');
      else assert.ok(summary.filesRead > 0 && summary.newRequests === 0, JSON.stringify(summary));
      assert.deepEqual(await figures(engine, source), reference[source]);
      const claude = await engine.query({ window: 'all', source: 'claude_code', group_by: 'model', limit: 1000 }, NOW);
      assert.equal(claude.totals.requests, truth.uniqueRequests);
      assert.equal(claude.totals.input_tokens, truth.totals.input);
      assert.equal(claude.totals.output_tokens, truth.totals.output);
      assert.equal(claude.totals.cache_creation_tokens, truth.totals.cacheCreation);
      assert.equal(claude.totals.cache_read_tokens, truth.totals.cacheRead);
      assert.deepEqual(
        Object.fromEntries(claude.groups!.map((g) => [g.key, g.requests])),
        Object.fromEntries(Object.entries(truth.byModel).map(([m, v]) => [m, v.requests])),
      );
    } finally {
      await engine.close();
    }
    // Saved at the current schema; the next open migrates nothing and shows the same figures.
    const SQL = await getSqlJs();
    const saved = new SQL.Database(fs.readFileSync(dbPath));
    assert.equal(userVersion(saved), SCHEMA_VERSION);
    saved.close();
    engine = await engineOver(dbPath, relocate);
    try {
      assert.deepEqual(await figures(engine, source), reference[source]);
    } finally {
      await engine.close();
    }
  });
}

test('migrations run in order, each in one transaction with its version; a failing one leaves the previous version', async () => {
  const SQL = await getSqlJs();
  const db = new SQL.Database(fs.readFileSync(path.join(FIXTURE_DIR, 'usage.sqlite')));
  const requestsBefore = Number(db.exec('SELECT count(*) FROM requests')[0].values[0][0]);
  const base = SCHEMA_VERSION;
  const steps: Migration[] = [
    { version: base + 1, description: 'add a table', up: (d) => d.run('CREATE TABLE t_added (x INTEGER)') },
    { version: base + 2, description: 'fails half-way', up: (d) => { d.run('DELETE FROM requests'); throw new Error('boom'); } },
  ];
  migrateSchema(db); // the real list first: fixture → current
  assert.throws(() => migrateSchema(db, undefined, [...steps]), (e: unknown) => e instanceof MigrationError && /schema \d+ to \d+ \(boom\)/.test(e.message));
  assert.equal(userVersion(db), base + 1, 'the step that succeeded is kept');
  assert.equal(db.exec(`SELECT count(*) FROM sqlite_master WHERE name = 't_added'`)[0].values[0][0], 1);
  assert.equal(Number(db.exec('SELECT count(*) FROM requests')[0].values[0][0]), requestsBefore, 'the failed step was rolled back');
  assert.throws(() => migrateSchema(db, undefined, [{ version: base + 3, description: 'gap', up: () => undefined }]), /no migration to schema/);
  db.close();
});

test('a new DB is created at schema 1 and migrated to the current schema; opening never stamps over an old version', async () => {
  const SQL = await getSqlJs();
  const fresh = new SQL.Database();
  const r = migrateSchema(fresh);
  assert.equal(r.from, 0);
  assert.equal(r.to, SCHEMA_VERSION);
  assert.equal(userVersion(fresh), SCHEMA_VERSION);
  fresh.close();
  const old = new SQL.Database(fs.readFileSync(path.join(FIXTURE_DIR, 'usage.sqlite')));
  const noSteps = migrateSchema(old, undefined, []);
  assert.deepEqual([noSteps.from, noSteps.to, userVersion(old)], [1, 1, 1], 'without migrations an old DB keeps its version');
  old.close();
});
