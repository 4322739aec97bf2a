// The DB open skips the full page check (PRAGMA quick_check, most of a warm CLI query's time) only when the
// file is byte for byte an image we saved: every save seals the image (a CRC-32 of its bytes in the header's
// application_id). A file without a seal (0.1.0, another tool) or whose bytes changed after the save gets the
// full check, and an unsealed file is saved sealed once so later opens are cheap.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../../src/core/engine';
import { openDatabase, sealImage, sealState } from '../../src/core/store/db';
import { getSqlJs } from '../../src/core/store/sqljs';
import { silentLogger } from '../../src/core/types';
import { assistantLine, writeLines, SESSION_A } from './helpers/lines';
import { tempDir } from './reliability/helpers';

const work = tempDir('seal');
after(() => fs.rmSync(work, { recursive: true, force: true }));

async function savedDb(name: string): Promise<string> {
  const configDir = path.join(work, `${name}-claude`);
  writeLines(path.join(configDir, 'projects', '-home-dev-shop', `${SESSION_A}.jsonl`), [
    assistantLine({ messageId: 'msg_01SEALA00000000000000001', input: 11, output: 100 }),
  ]);
  const dbPath = path.join(work, `${name}.sqlite`);
  const engine = await Engine.open({ dbPath, configDirs: [configDir], persistDebounceMs: 0 });
  await engine.scan();
  await engine.close();
  return dbPath;
}

async function openedCheck(dbPath: string): Promise<{ checked: string | null; unsealed: boolean; movedAside: string | null }> {
  const r = await openDatabase(dbPath, silentLogger);
  r.db.close();
  return { checked: r.checked, unsealed: r.unsealed, movedAside: r.movedAside };
}

test('a saved image is sealed and opens on its seal, without the full page check', async () => {
  const dbPath = await savedDb('sealed');
  assert.equal(sealState(fs.readFileSync(dbPath)), 'valid');
  assert.deepEqual(await openedCheck(dbPath), { checked: 'seal', unsealed: false, movedAside: null });
});

test('a flipped byte breaks the seal: the full check runs (and a clean page change is accepted)', async () => {
  const dbPath = await savedDb('flipped');
  const bytes = fs.readFileSync(dbPath);
  // The header's file change counter: SQLite accepts any value there, only the seal notices.
  bytes[27] ^= 0x01;
  fs.writeFileSync(dbPath, bytes);
  assert.equal(sealState(bytes), 'broken');
  assert.deepEqual(await openedCheck(dbPath), { checked: 'full', unsealed: true, movedAside: null });
});

test('an unsealed image (0.1.0, another tool) gets the full check, and the writer saves it sealed once', async () => {
  const dbPath = await savedDb('unsealed');
  const SQL = await getSqlJs();
  const db = new SQL.Database(fs.readFileSync(dbPath));
  db.run('PRAGMA application_id = 0');
  fs.writeFileSync(dbPath, db.export());
  db.close();
  assert.equal(sealState(fs.readFileSync(dbPath)), 'none');
  assert.deepEqual(await openedCheck(dbPath), { checked: 'full', unsealed: true, movedAside: null });
  const engine = await Engine.open({ dbPath, configDirs: [path.join(work, 'unsealed-claude')], persistDebounceMs: 0 });
  await engine.close();
  assert.equal(sealState(fs.readFileSync(dbPath)), 'valid', 'sealed at close');
  assert.equal((await openedCheck(dbPath)).checked, 'seal');
});

test('a torn page in a sealed image is caught by the full check its broken seal triggers', async () => {
  const dbPath = await savedDb('torn');
  const bytes = fs.readFileSync(dbPath);
  bytes.fill(0x5a, 4096, 8192);
  fs.writeFileSync(dbPath, bytes);
  const r = await openedCheck(dbPath);
  assert.ok(r.movedAside, 'moved aside');
});

test('sealImage never writes 0 (no seal) and round-trips through sealState', () => {
  const image = new Uint8Array(4096);
  image.set(Buffer.from('SQLite format 3\0'));
  assert.equal(sealState(sealImage(image)), 'valid');
  assert.notEqual(new DataView(image.buffer).getUint32(68), 0);
});
