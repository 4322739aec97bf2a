// The DB file is loaded with zeroed room after it (store/db.ts readDbFile), so a session's growth lands in place
// instead of copying the whole in-memory file: SQLite goes by the header's page count, never reads the room,
// and a save writes exactly the pages of the DB. A file whose header does not count its pages gets no room.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDatabase, persistDatabase } from '../../src/core/store/db';
import { silentLogger } from '../../src/core/types';
import { tempDir } from './reliability/helpers';

const dirs: string[] = [];
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

const pagesOf = (bytes: Buffer) => bytes.readUInt32BE(28) * bytes.readUInt16BE(16);

async function grow(dbPath: string, rows: number): Promise<void> {
  const { db } = await openDatabase(dbPath, silentLogger);
  for (let i = 0; i < rows; i++) {
    db.run('BEGIN');
    db.run('INSERT INTO meta (key, value) VALUES (?, ?)', [`grow-${dbPath.length}-${i}-${Math.random()}`, 'x'.repeat(2000)]);
    db.run('COMMIT');
  }
  assert.equal(db.exec('PRAGMA quick_check')[0].values[0][0], 'ok');
  persistDatabase(db, dbPath);
  db.close();
}

test('a DB grown past its file size in memory saves exactly its pages, and reopens whole', async () => {
  const dir = tempDir('ccc-room-');
  dirs.push(dir);
  const dbPath = path.join(dir, 'usage.sqlite');
  await grow(dbPath, 1); // a new DB, saved
  const before = fs.readFileSync(dbPath);
  assert.equal(pagesOf(before), before.length);
  await grow(dbPath, 400); // ~800 KB of rows into the room after a ~100 KB file
  const after = fs.readFileSync(dbPath);
  assert.ok(after.length > before.length + 700_000, `${before.length} → ${after.length}`);
  assert.equal(pagesOf(after), after.length, 'the file holds exactly the pages the header counts');
  const reopened = await openDatabase(dbPath, silentLogger);
  assert.equal(reopened.movedAside, null);
  assert.equal(Number(reopened.db.exec("SELECT count(*) FROM meta WHERE key LIKE 'grow-%'")[0].values[0][0]), 401);
  assert.equal(reopened.db.exec('PRAGMA quick_check')[0].values[0][0], 'ok');
  reopened.db.close();
});

test('a file whose header does not count its pages (an old writer) opens without room and passes the full check', async () => {
  const dir = tempDir('ccc-room-');
  dirs.push(dir);
  const dbPath = path.join(dir, 'usage.sqlite');
  await grow(dbPath, 3);
  const bytes = fs.readFileSync(dbPath);
  // "version-valid-for" ≠ change counter: SQLite then takes the page count from the file size.
  bytes.writeUInt32BE(bytes.readUInt32BE(24) + 1, 92);
  bytes.writeUInt32BE(0, 68); // no seal (it covers these bytes): the full check runs
  fs.writeFileSync(dbPath, bytes);
  const opened = await openDatabase(dbPath, silentLogger);
  assert.equal(opened.movedAside, null, 'not mistaken for a corrupt file');
  assert.equal(opened.checked, 'full');
  assert.equal(Number(opened.db.exec('PRAGMA page_count')[0].values[0][0]) * 4096, bytes.length);
  opened.db.close();
});

test('a save writes the committed file sql.js keeps in the loaded Buffer (no copy): byte for byte the export, sealed', async () => {
  const { committedImage } = await import('../../src/core/store/liveImage');
  const { imageToSave, sealState } = await import('../../src/core/store/db');
  const dir = tempDir('ccc-room-');
  dirs.push(dir);
  const dbPath = path.join(dir, 'usage.sqlite');
  await grow(dbPath, 50);
  const { db } = await openDatabase(dbPath, silentLogger);
  for (let i = 0; i < 30; i++) db.run('INSERT INTO meta (key, value) VALUES (?, ?)', [`more-${i}`, 'y'.repeat(1500)]);
  const toSave = imageToSave(db);
  assert.equal(toSave.copied, false, 'written from the live file');
  const written = Buffer.concat(toSave.parts);
  assert.equal(sealState(written), 'valid');
  const exported = Buffer.from(db.export());
  // The same pages. Apart from the seal (application_id), only the file's change counter differs (a backup
  // starts its own; each copy's "valid-for" field matches its counter, so each one's page count stands).
  for (const b of [written, exported]) {
    assert.equal(b.readUInt32BE(24), b.readUInt32BE(92));
    for (const at of [24, 68, 92]) b.writeUInt32BE(0, at);
  }
  assert.ok(written.equals(exported), 'the live file equals the export');
  // Past the room, sql.js moves the file to a new array: the check finds no marker, and a save exports.
  for (let i = 0; i < 2_000; i++) db.run('INSERT INTO meta (key, value) VALUES (?, ?)', [`overflow-${i}`, 'z'.repeat(3000)]);
  assert.equal(committedImage(db), null);
  const fallback = imageToSave(db);
  assert.equal(fallback.copied, true);
  assert.equal(sealState(Buffer.from(fallback.parts[0])), 'valid');
  persistDatabase(db, dbPath);
  db.close();
  const reopened = await openDatabase(dbPath, silentLogger);
  assert.equal(reopened.checked, 'seal');
  assert.equal(Number(reopened.db.exec("SELECT count(*) FROM meta WHERE key LIKE 'overflow-%'")[0].values[0][0]), 2_000);
  reopened.db.close();
});
