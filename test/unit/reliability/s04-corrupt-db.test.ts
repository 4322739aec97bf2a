// Scenario 4: the DB file is corrupt (random bytes, zero length, truncated, a torn page) or from a newer
// schema. It is moved aside with a timestamp (kept byte for byte for the user), the store is rebuilt from
// the transcripts, and the user is told once: one warning in the log, `engine.movedAside` for the
// surfaces' notification, one line from the CLI; the next start is silent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Engine } from '../../../src/core/engine';
import { getSqlJs } from '../../../src/core/store/sqljs';
import { main } from '../../../src/cli';
import { assistantLine, writeLines, SESSION_A } from '../helpers/lines';
import { allTimeTotals, recordingLogger, tempDir } from './helpers';

const work = tempDir('corrupt');
const configDir = path.join(work, 'claude');
let goodImage: Buffer;

before(async () => {
  writeLines(path.join(configDir, 'projects', '-home-dev-shop', `${SESSION_A}.jsonl`), [
    assistantLine({ messageId: 'msg_01CORRUPTA0000000000001', input: 11, output: 100 }),
    assistantLine({ messageId: 'msg_01CORRUPTB0000000000002', input: 22, output: 200 }),
  ]);
  const dbPath = path.join(work, 'good.sqlite');
  const engine = await Engine.open({ dbPath, configDirs: [configDir], persistDebounceMs: 0 });
  await engine.scan();
  await engine.close();
  goodImage = fs.readFileSync(dbPath);
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

async function newerSchemaImage(): Promise<Buffer> {
  const SQL = await getSqlJs();
  const db = new SQL.Database(goodImage);
  db.run('PRAGMA user_version = 9999');
  const out = Buffer.from(db.export());
  db.close();
  return out;
}

function tornPage(): Buffer {
  // The header survives, a page in the middle is garbage.
  const b = Buffer.from(goodImage);
  const page = 4096;
  randomBytes(page).copy(b, page * 2);
  return b;
}

const cases: Array<[string, () => Buffer | Promise<Buffer>, RegExp]> = [
  ['random bytes', () => randomBytes(64 * 1024), /not a readable SQLite database|integrity|unreadable/],
  ['zero length', () => Buffer.alloc(0), /empty/],
  ['truncated to half', () => goodImage.subarray(0, Math.floor(goodImage.length / 2)), /./],
  ['a torn page in the middle', tornPage, /./],
  ['a newer schema (PRAGMA user_version)', newerSchemaImage, /newer version/],
];

for (const [name, make, reason] of cases) {
  test(`scenario 4: ${name} → moved aside with a timestamp, rebuilt, told once`, async () => {
    const dir = tempDir('corrupt-case');
    const dbPath = path.join(dir, 'usage.sqlite');
    const bad = await make();
    fs.writeFileSync(dbPath, bad);
    const log = recordingLogger();
    let engine = await Engine.open({ dbPath, configDirs: [configDir], log, persistDebounceMs: 0 });
    try {
      assert.ok(engine.movedAside, 'the unusable file is reported');
      assert.match(engine.movedAside.reason, reason);
      assert.match(path.basename(engine.movedAside.path), /^usage\.sqlite\.unusable-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/);
      assert.deepEqual(fs.readFileSync(engine.movedAside.path), bad, 'the moved file is kept byte for byte');
      const warnings = log.lines.filter((l) => l.level === 'warn' && l.message.includes(engine.movedAside!.path));
      assert.equal(warnings.length, 1, log.text());
      await engine.scan();
      const t = await allTimeTotals(engine);
      assert.deepEqual([t.requests, t.input_tokens, t.output_tokens], [2, 33, 300], 'rebuilt from the transcripts');
    } finally {
      await engine.close();
    }
    // The next start opens the rebuilt file silently.
    const quiet = recordingLogger();
    engine = await Engine.open({ dbPath, configDirs: [configDir], log: quiet });
    try {
      assert.equal(engine.movedAside, null);
      assert.equal(quiet.lines.filter((l) => l.level !== 'info').length, 0, quiet.text());
      assert.equal((await allTimeTotals(engine)).requests, 2);
    } finally {
      await engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('scenario 4: the CLI says it once on stderr, exits 0 with the rebuilt figures, and is silent next time', async () => {
  const dir = tempDir('corrupt-cli');
  const dbPath = path.join(dir, 'usage.sqlite');
  fs.writeFileSync(dbPath, randomBytes(10_000));
  const writeErr = process.stderr.write.bind(process.stderr);
  let stderr = '';
  (process.stderr as { write: unknown }).write = (chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  };
  let out = '';
  let code: number;
  let secondErr: string;
  let secondCode: number;
  try {
    code = await main(['query', '--db', dbPath, '--config-dir', configDir, '--params', '{"window":"all"}'], (s) => (out += s));
    const firstErr = stderr;
    stderr = '';
    secondCode = await main(['query', '--db', dbPath, '--config-dir', configDir, '--params', '{"window":"all"}'], () => undefined);
    secondErr = stderr;
    stderr = firstErr;
  } finally {
    (process.stderr as { write: unknown }).write = writeErr;
  }
  try {
    assert.equal(code, 0, stderr);
    assert.equal(JSON.parse(out).totals.requests, 2);
    assert.equal(stderr.split('\n').filter((l) => l.includes('moved to')).length, 1, stderr);
    assert.match(stderr, /moved to .*usage\.sqlite\.unusable-/);
    assert.equal(secondCode, 0);
    assert.equal(secondErr, '');
    assert.equal(fs.readdirSync(dir).filter((f) => f.includes('.unusable-')).length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
