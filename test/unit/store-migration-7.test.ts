// Migration 7 (schema 7: branch in the rollup key, activity_hour for the 5-hour blocks, sessions.first_ts) on
// a DB written at schema 6 by commit 387e7ac (test/fixtures/db-schema6): opened by this release, every figure
// equals a fresh scan of the same corpus — every grouping (branch included), the panel's Branches table, the
// 5-hour blocks and the unusual sessions — and the new tables equal their definitions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCorpus } from '../../bench/corpus/generate';
import { Engine } from '../../src/core/engine';
import { loadBlocks } from '../../src/core/limits/blocks';
import { getSqlJs, selectAll } from '../../src/core/store/sqljs';
import { SCHEMA_VERSION, userVersion } from '../../src/core/store/migrations';
import { DEFAULT_PANEL_FILTER } from '../../src/protocol';
import { FIXTURE_PARAMS } from '../fixtures/db-schema6/params';
import { assertDerivedTablesExact } from './helpers/derived-tables';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'db-schema6', 'usage.sqlite');
const NOW = Date.parse(FIXTURE_PARAMS.endDate);
const GROUPS = ['none', 'model', 'project', 'day', 'session', 'source', 'tool', 'hour', 'provider', 'feature', 'branch'];

let work: string;
let reference: unknown;

async function figures(engine: Engine): Promise<unknown> {
  const groups = [];
  for (const g of GROUPS) groups.push(await engine.query({ window: 'all', tz: 'UTC', source: 'all', group_by: g, limit: 10000 }, NOW));
  const panel = await engine.readModel({ ...DEFAULT_PANEL_FILTER, range: 'all', tz: 'UTC' }, NOW);
  const onBranch = await engine.readModel({ ...DEFAULT_PANEL_FILTER, range: 'all', tz: 'UTC', branch: 'main' }, NOW);
  const blocks = await engine.withDatabase((db) => loadBlocks(db, { includeGaps: true }).map((b) => ({ ...b, costUsd: Math.round(b.costUsd * 1e9) })));
  return { groups, branches: panel.branches, anomalies: panel.anomalies, onBranch: onBranch.totals, blocks };
}

function engineOver(dbPath: string | null): Promise<Engine> {
  return Engine.open({
    dbPath, configDirs: [path.join(work, 'claude')], apiLogPaths: [path.join(work, 'api', 'api-calls.jsonl')], persistDebounceMs: 3_600_000,
  });
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-migrate7-'));
  await generateCorpus({ outDir: path.join(work, 'claude'), targetBytes: FIXTURE_PARAMS.targetBytes, seed: FIXTURE_PARAMS.seed, endDate: new Date(FIXTURE_PARAMS.endDate) });
  fs.mkdirSync(path.join(work, 'api'));
  fs.copyFileSync(path.join(__dirname, '..', 'fixtures', 'db-0.1.0', 'api-calls.jsonl'), path.join(work, 'api', 'api-calls.jsonl'));
  const fresh = await engineOver(null);
  await fresh.scan();
  reference = await figures(fresh);
  await fresh.close();
  const r = reference as { branches: { rows: unknown[] }; onBranch: { requests: number }; blocks: unknown[]; anomalies: unknown };
  assert.ok(r.branches.rows.length > 1 && r.onBranch.requests > 0 && r.blocks.length > 10, 'the reference has branches and blocks');
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

test('a schema-6 DB opens migrated to schema 7 with every figure equal to a fresh scan, and the new tables exact', async () => {
  const SQL = await getSqlJs();
  const db = new SQL.Database(fs.readFileSync(FIXTURE));
  assert.equal(userVersion(db), 6, 'the fixture is a schema-6 DB');
  assert.ok(Number(db.exec('SELECT count(branch_id) FROM requests')[0].values[0][0]) > 0, 'its requests carry branches');
  // The same files at the place the fixture's writer read them.
  for (const f of selectAll<{ id: number; path: string }>(db, 'SELECT id, path FROM files')) {
    const moved = work + f.path.slice(FIXTURE_PARAMS.root.length);
    const st = fs.existsSync(moved) ? fs.statSync(moved) : null;
    db.run('UPDATE files SET path = ?, dev = coalesce(?, dev), ino = coalesce(?, ino), mtime_ms = coalesce(?, mtime_ms) WHERE id = ?', [
      moved, st?.dev ?? null, st?.ino ?? null, st ? Math.trunc(st.mtimeMs) : null, f.id,
    ]);
  }
  const dbPath = path.join(work, 'usage.sqlite');
  fs.writeFileSync(dbPath, db.export());
  db.close();

  const engine = await engineOver(dbPath);
  try {
    assert.equal(engine.movedAside, null);
    const summary = await engine.scan();
    assert.deepEqual([summary.newRequests, summary.filesRead], [0, 0], 'the fixture had read every file to its end');
    await engine.withDatabase((d) => {
      assert.equal(userVersion(d), SCHEMA_VERSION);
      assertDerivedTablesExact(d);
      assert.ok(Number(d.exec('SELECT count(*) FROM rollup_hour WHERE branch_id >= 0')[0].values[0][0]) > 0, 'rollup rows by branch');
    });
    assert.deepEqual(await figures(engine), reference);
  } finally {
    await engine.close();
  }
});
