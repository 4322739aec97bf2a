// forEachNumberRow reads numeric rows straight from SQLite's C API (the panel's fact scans): the fast path must
// be the one taken with the sql.js this project pins, and give exactly what sql.js's own get() gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachNumberRow, getSqlJs, numberRowsFastPath } from '../../src/core/store/sqljs';

test('number rows: the C API path is taken and equals get() on integers up to 2^53, negatives, reals and zero', async () => {
  const SQL = await getSqlJs();
  const db = new SQL.Database();
  assert.equal(numberRowsFastPath(db), true, 'sql.js layout recognised');
  db.run('CREATE TABLE t (a INTEGER, b REAL, c INTEGER)');
  const values: Array<[number, number, number]> = [
    [0, 0, 0], [1, 0.1, -1], [Number.MAX_SAFE_INTEGER, 1e-12, -Number.MAX_SAFE_INTEGER], [1_795_075_200_000, 123456.789012345, 2 ** 31],
    [-(2 ** 40), 3.5e15, 255], [42, 0.30000000000000004, 65_536],
  ];
  for (let i = 0; i < 500; i++) values.push([i * 7919, i / 3, -i]);
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?)');
  for (const v of values) insert.run(v);
  insert.free();
  const expected = db.exec('SELECT a, b, c, a + c FROM t WHERE a >= ? ORDER BY rowid', [-(2 ** 50)])[0].values;
  const seen: number[][] = [];
  forEachNumberRow(db, 'SELECT a, b, c, a + c FROM t WHERE a >= ? ORDER BY rowid', [-(2 ** 50)], (row) => { seen.push([...row]); });
  assert.deepEqual(seen, expected);
  let visited = 0;
  forEachNumberRow(db, 'SELECT a FROM t ORDER BY rowid', [], () => ++visited < 3);
  assert.equal(visited, 3, 'visit returning false stops the read');
  assert.throws(() => forEachNumberRow(db, 'SELECT nope FROM t', [], () => undefined), /no such column/);
  db.close();
});
