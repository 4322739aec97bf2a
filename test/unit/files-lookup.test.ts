// A targeted scan (a watcher event names the file) finds the file's stored row by id, not by scanning `files`
// (its path has no index since schema 8); a row found by id must still carry that path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStoredFiles } from '../../src/core/sources/files';
import { createStore } from './helpers/store-fixture';

const row = (id: number, path: string, offset: number) =>
  `INSERT INTO files (id, path, source, dev, ino, size, mtime_ms, offset) VALUES (${id}, '${path}', 0, 1, ${id}, ${offset}, 5, ${offset})`;

test('stored files by path: found through their id, and an id that now names another file is not trusted', async () => {
  const db = await createStore();
  db.run(row(1, '/p/a.jsonl', 100));
  db.run(row(2, '/p/b.jsonl', 200));
  assert.deepEqual([...loadStoredFiles(db, 'claude_code', ['/p/a.jsonl', '/p/new.jsonl']).values()].map((f) => [f.id, f.offset]), [[1, 100]]);
  // A rolled-back insert can hand id 1 to another path later: the lookup checks the path and finds a.jsonl anew.
  db.run('DELETE FROM files WHERE id = 1');
  db.run(row(1, '/p/other.jsonl', 7));
  db.run(row(3, '/p/a.jsonl', 300));
  assert.deepEqual([...loadStoredFiles(db, 'claude_code', ['/p/a.jsonl']).values()].map((f) => [f.id, f.path, f.offset]), [[3, '/p/a.jsonl', 300]]);
  assert.equal(loadStoredFiles(db, 'claude_code').size, 3, 'a full scan reads every stored file');
  assert.equal(loadStoredFiles(db, 'internal', ['/p/a.jsonl']).size, 0, 'another source does not see it');
  db.close();
});
