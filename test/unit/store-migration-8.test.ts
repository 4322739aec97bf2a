// Migration 8 (schema 8: the identity in its own table, the 1-hour cache writes a virtual column, file paths
// stored once) on a DB written at schema 7 by commit 03fbc9e (test/fixtures/db-schema7): every stored value is
// kept, every figure equals a fresh scan of the same corpus, and the moved identities still deduplicate — every
// file read again from its start adds no request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { SCHEMA_VERSION, userVersion } from '../../src/core/store/migrations';
import type { Database } from '../../src/core/store/sqljs';
import { FIXTURE_PARAMS } from '../fixtures/db-schema7/params';
import { assertDerivedTablesExact } from './helpers/derived-tables';
import { engineOver, fixtureFigures, freshWork, openFixtureDb, saveMovedTo } from './helpers/migration-fixture';

const NOW = Date.parse(FIXTURE_PARAMS.endDate);
// Every value a request row holds, by the names readers use (cache_creation_1h_tokens is virtual at schema 8).
const ROW = `id, flags, session_id, project_id, model_id, toolset_id, ts, input_tokens, output_tokens, cache_creation_tokens,
  cache_creation_1h_tokens, cache_read_tokens, web_search_requests, attrs_id, agent_id, cost_usd, file_id, provider_id, feature_id, success,
  duration_ms, branch_id, cache_savings_e10, cache_write_premium_e10`;

let work: string;
let reference: unknown;

const rows = (db: Database, sql: string): unknown[][] => db.exec(sql)[0]?.values ?? [];

before(async () => {
  ({ work, reference } = await freshWork('ccc-migrate8-', FIXTURE_PARAMS, NOW));
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

test('a schema-7 DB opens migrated to schema 8: every value kept, every figure equal to a fresh scan, its identities still deduplicate', async () => {
  const db = await openFixtureDb('db-schema7');
  assert.equal(userVersion(db), 7, 'the fixture is a schema-7 DB');
  const before7 = {
    requests: rows(db, `SELECT ${ROW} FROM requests ORDER BY id`),
    identities: rows(db, 'SELECT msg_hash, key_hash, id FROM requests ORDER BY 1, 2'),
    files: rows(db, 'SELECT id, source, size, offset, bad_lines, missing FROM files ORDER BY id'),
  };
  assert.ok(before7.requests.length > 300 && before7.requests.some((r) => r[10] !== 0), 'the fixture has requests with 1-hour cache writes');
  const dbPath = saveMovedTo(db, FIXTURE_PARAMS, work);
  db.close();

  const engine = await engineOver(work, dbPath);
  try {
    assert.equal(engine.movedAside, null);
    await engine.withDatabase((d) => {
      assert.equal(userVersion(d), SCHEMA_VERSION);
      assert.deepEqual(rows(d, `SELECT ${ROW} FROM requests ORDER BY id`), before7.requests, 'every request row keeps every value');
      assert.deepEqual(rows(d, 'SELECT msg_hash, key_hash, request_id FROM request_identity ORDER BY 1, 2'), before7.identities);
      assert.deepEqual(rows(d, 'SELECT id, source, size, offset, bad_lines, missing FROM files ORDER BY id'), before7.files);
      assert.deepEqual(rows(d, "SELECT name FROM pragma_table_info('requests') WHERE name IN ('msg_hash', 'key_hash')"), []);
      assertDerivedTablesExact(d);
    });
    const summary = await engine.scan();
    assert.deepEqual([summary.newRequests, summary.filesRead], [0, 0], 'the fixture had read every file to its end');
    assert.deepEqual(await fixtureFigures(engine, NOW), reference);

    // Read every transcript again from its start: each response is found by its identity, none is added. (The
    // API log stays read: a call it logged without an id is known by its file's path, which the copy moved.)
    await engine.withDatabase((d) => d.run('UPDATE files SET offset = 0, size = 0 WHERE source = 0'));
    const again = await engine.scan();
    assert.ok(again.filesRead >= 40, `every file read again (${again.filesRead})`);
    assert.equal(again.newRequests, 0, 'no response counted twice');
    await engine.withDatabase((d) => {
      assert.equal(Number(d.exec('SELECT count(*) FROM requests')[0].values[0][0]), before7.requests.length);
      assertDerivedTablesExact(d);
    });
    assert.deepEqual(await fixtureFigures(engine, NOW), reference);
  } finally {
    await engine.close();
  }
});
