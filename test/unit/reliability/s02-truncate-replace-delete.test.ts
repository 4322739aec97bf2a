// Scenario 2: a transcript is truncated, replaced (new inode) or deleted. The offset is reset (the new
// content is read from the start), stored rows stay, and nothing is counted twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../../../src/core/engine';
import { assistantLine, appendLines, tempConfigRoot, writeLines, SESSION_A, SESSION_B } from '../helpers/lines';
import { allTimeTotals } from './helpers';

const line = (n: number, input: number) => assistantLine({ messageId: `msg_01TRUNCATE${String(n).padStart(14, '0')}`, input, output: 10 * n });

async function withEngine(fn: (engine: Engine, file: string, projectDir: string) => Promise<void>): Promise<void> {
  const { root, projectDir, cleanup } = tempConfigRoot();
  const dbPath = path.join(root, 'usage.sqlite');
  const file = path.join(projectDir, `${SESSION_A}.jsonl`);
  const engine = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 0 });
  try {
    await fn(engine, file, projectDir);
  } finally {
    await engine.close();
    cleanup();
  }
}

test('scenario 2: truncated to a shorter file → read from 0; the old rows stay; no doubles', async () => {
  await withEngine(async (engine, file) => {
    writeLines(file, [line(1, 100), line(2, 200), line(3, 300)]);
    await engine.scan();
    // Truncated (same inode), then a new, shorter content.
    fs.truncateSync(file, 0);
    appendLines(file, [line(4, 4000)]);
    const s = await engine.scan();
    assert.equal(s.newRequests, 1);
    const t = await allTimeTotals(engine);
    assert.equal(t.requests, 4);
    assert.equal(t.input_tokens, 4600);
    // Growing again from the new start is incremental.
    appendLines(file, [line(5, 50000)]);
    assert.equal((await engine.scan()).newRequests, 1);
    assert.equal((await allTimeTotals(engine)).input_tokens, 54600);
  });
});

test('scenario 2: truncated to a prefix and regrown with the same lines → no doubles', async () => {
  await withEngine(async (engine, file) => {
    writeLines(file, [line(1, 100), line(2, 200), line(3, 300)]);
    await engine.scan();
    writeLines(file, [line(1, 100)]); // O_TRUNC: same inode, smaller than the offset
    await engine.scan();
    appendLines(file, [line(2, 200), line(3, 300), line(6, 600)]);
    const s = await engine.scan();
    assert.equal(s.newRequests, 1);
    const t = await allTimeTotals(engine);
    assert.equal(t.requests, 4);
    assert.equal(t.input_tokens, 1200);
  });
});

test('scenario 2: replaced by a new file (new inode, e.g. an editor save) → re-read; dedup keeps it exact', async () => {
  await withEngine(async (engine, file) => {
    writeLines(file, [line(1, 100), line(2, 200)]);
    await engine.scan();
    const inodeBefore = fs.statSync(file).ino;
    const tmp = `${file}.new`;
    writeLines(tmp, [line(1, 100), line(2, 200), line(3, 300), line(4, 400)]);
    fs.renameSync(tmp, file);
    assert.notEqual(fs.statSync(file).ino, inodeBefore);
    const s = await engine.scan();
    assert.equal(s.newRequests, 2);
    assert.equal(s.duplicateLines, 2, 'the two known lines are recognised, not added');
    const t = await allTimeTotals(engine);
    assert.equal(t.requests, 4);
    assert.equal(t.input_tokens, 1000);
  });
});

test('scenario 2: deleted → rows stay (also after a restart from disk); recreated → no doubles', async () => {
  const { root, projectDir, cleanup } = tempConfigRoot();
  const dbPath = path.join(root, 'usage.sqlite');
  const file = path.join(projectDir, `${SESSION_A}.jsonl`);
  const other = path.join(projectDir, `${SESSION_B}.jsonl`);
  try {
    writeLines(file, [line(1, 100), line(2, 200)]);
    writeLines(other, [line(7, 7)]);
    let engine = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 0 });
    await engine.scan();
    fs.rmSync(file);
    const s = await engine.scan();
    assert.equal(s.newRequests, 0);
    assert.equal((await allTimeTotals(engine)).requests, 3);
    await engine.close();
    engine = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 0 });
    await engine.scan();
    assert.equal((await allTimeTotals(engine)).input_tokens, 307);
    writeLines(file, [line(1, 100), line(2, 200), line(8, 8000)]);
    const again = await engine.scan();
    assert.equal(again.newRequests, 1);
    const t = await allTimeTotals(engine);
    assert.equal(t.requests, 4);
    assert.equal(t.input_tokens, 8307);
    await engine.close();
  } finally {
    cleanup();
  }
});

test('scenario 2: rewritten in place with other content, longer than the old offset (same inode) → nothing lost', async () => {
  await withEngine(async (engine, file) => {
    writeLines(file, [line(1, 100), line(2, 200)]);
    await engine.scan();
    // Same inode, size ≥ the stored offset, but different bytes before it (a tool rewrote the file).
    // (Lines of other lengths: a rewrite that puts a newline at exactly the old offset is not detected.)
    writeLines(file, [line(11, 5), line(12, 5), line(13, 5), line(14, 5)]);
    assert.notEqual(fs.readFileSync(file)[2 * line(1, 100).length + 1], 0x0a);
    await engine.scan();
    const t = await allTimeTotals(engine);
    assert.equal(t.requests, 6, 'every line of the rewritten file is counted');
    assert.equal(t.input_tokens, 320);
  });
});
