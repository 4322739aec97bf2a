// Migration 7 (schema 7: branch in the rollup key, activity_hour for the 5-hour blocks, sessions.first_ts) on
// a DB written at schema 6 by commit 387e7ac (test/fixtures/db-schema6): opened by this release, every figure
// equals a fresh scan of the same corpus — every grouping (branch included), the panel's Branches table, the
// 5-hour blocks and the unusual sessions — and the new tables equal their definitions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { SCHEMA_VERSION, userVersion } from '../../src/core/store/migrations';
import { FIXTURE_PARAMS } from '../fixtures/db-schema6/params';
import { assertDerivedTablesExact } from './helpers/derived-tables';
import { engineOver, fixtureFigures, freshWork, openFixtureDb, saveMovedTo } from './helpers/migration-fixture';

const NOW = Date.parse(FIXTURE_PARAMS.endDate);

let work: string;
let reference: unknown;

before(async () => {
  ({ work, reference } = await freshWork('ccc-migrate7-', FIXTURE_PARAMS, NOW));
  const r = reference as { branches: { rows: unknown[] }; onBranch: { requests: number }; blocks: unknown[]; anomalies: unknown };
  assert.ok(r.branches.rows.length > 1 && r.onBranch.requests > 0 && r.blocks.length > 10, 'the reference has branches and blocks');
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

test('a schema-6 DB opens migrated to schema 7 with every figure equal to a fresh scan, and the new tables exact', async () => {
  const db = await openFixtureDb('db-schema6');
  assert.equal(userVersion(db), 6, 'the fixture is a schema-6 DB');
  assert.ok(Number(db.exec('SELECT count(branch_id) FROM requests')[0].values[0][0]) > 0, 'its requests carry branches');
  const dbPath = saveMovedTo(db, FIXTURE_PARAMS, work);
  db.close();

  const engine = await engineOver(work, dbPath);
  try {
    assert.equal(engine.movedAside, null);
    const summary = await engine.scan();
    assert.deepEqual([summary.newRequests, summary.filesRead], [0, 0], 'the fixture had read every file to its end');
    await engine.withDatabase((d) => {
      assert.equal(userVersion(d), SCHEMA_VERSION);
      assertDerivedTablesExact(d);
      assert.ok(Number(d.exec('SELECT count(*) FROM rollup_hour WHERE branch_id >= 0')[0].values[0][0]) > 0, 'rollup rows by branch');
    });
    assert.deepEqual(await fixtureFigures(engine, NOW), reference);
  } finally {
    await engine.close();
  }
});
