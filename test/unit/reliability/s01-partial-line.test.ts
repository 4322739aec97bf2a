// Scenario 1: a transcript line is being written while we scan. A partial last line is left for the next
// scan and counted exactly once when it completes; it is never counted as malformed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { Engine } from '../../../src/core/engine';
import { assistantLine, tempConfigRoot, SESSION_A } from '../helpers/lines';
import { allTimeTotals, sleep } from './helpers';

test('scenario 1: a half-written line is not counted; completed, it counts once', async () => {
  const { root, projectDir, cleanup } = tempConfigRoot();
  const file = path.join(projectDir, `${SESSION_A}.jsonl`);
  const engine = await Engine.open({ dbPath: null, configDirs: [root] });
  try {
    const first = assistantLine({ messageId: 'msg_01PARTIALFIRST0000000001', input: 10, output: 20 });
    const second = assistantLine({ messageId: 'msg_01PARTIALSECOND000000002', input: 1000, output: 2000 });
    fs.writeFileSync(file, `${first}\n${second.slice(0, 200)}`);
    let s = await engine.scan();
    assert.equal(s.newRequests, 1);
    assert.equal(s.badLines, 0, 'a partial line is not malformed, only unfinished');
    fs.appendFileSync(file, second.slice(200, -1));
    s = await engine.scan();
    assert.equal(s.newRequests, 0);
    assert.equal(s.badLines, 0);
    // The closing brace without the newline: a complete JSON value, taken now …
    fs.appendFileSync(file, second.slice(-1));
    s = await engine.scan();
    assert.equal(s.newRequests, 1);
    // … and the newline that follows, then the next line, do not count it again.
    const third = assistantLine({ messageId: 'msg_01PARTIALTHIRD0000000003', input: 5, output: 7 });
    fs.appendFileSync(file, `\n${third}\n`);
    s = await engine.scan();
    assert.equal(s.newRequests, 1);
    assert.equal(s.duplicateLines, 0);
    const totals = await allTimeTotals(engine);
    assert.equal(totals.requests, 3);
    assert.equal(totals.input_tokens, 1015);
    assert.equal(totals.output_tokens, 2027);
  } finally {
    await engine.close();
    cleanup();
  }
});

test('scenario 1: a child process appends in random small chunks while the engine scans in a loop', { timeout: 120_000 }, async () => {
  const { root, projectDir, cleanup } = tempConfigRoot();
  const file = path.join(projectDir, `${SESSION_A}.jsonl`);
  const dbPath = path.join(root, 'usage.sqlite');
  const LINES = 120;
  let expectedInput = 0;
  let expectedOutput = 0;
  const payload: string[] = [];
  for (let i = 0; i < LINES; i++) {
    const input = 100 + i;
    const output = 1000 + 7 * i;
    expectedInput += input;
    expectedOutput += output;
    payload.push(`${assistantLine({ messageId: `msg_01SLOWWRITER${String(i).padStart(12, '0')}`, input, output, block: { type: 'tool_use', name: 'Bash' } })}\n`);
  }
  const payloadFile = path.join(root, 'payload.txt');
  fs.writeFileSync(payloadFile, payload.join(''));
  fs.writeFileSync(file, '');
  // The writer: 1–97-byte chunks (cutting lines, even UTF-8 sequences, anywhere), with tiny pauses.
  const writerSource = `
    const fs = require('node:fs');
    const data = fs.readFileSync(process.argv[1]);
    const fd = fs.openSync(process.argv[2], 'a');
    let seed = 7, pos = 0;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    (function next() {
      if (pos >= data.length) { fs.closeSync(fd); return; }
      const n = 1 + Math.floor(rnd() * 97);
      fs.writeSync(fd, data, pos, Math.min(n, data.length - pos));
      pos += n;
      setTimeout(next, Math.floor(rnd() * 3));
    })();`;
  const writer = spawn(process.execPath, ['-e', writerSource, payloadFile, file], { stdio: 'ignore' });
  const writerDone = new Promise<number | null>((resolve) => writer.on('close', (code) => resolve(code)));
  let writing = true;
  void writerDone.then(() => (writing = false));
  const engine = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 0 });
  try {
    let scans = 0;
    let bad = 0;
    let duplicates = 0;
    let seenGrowing = 0;
    while (writing) {
      const s = await engine.scan();
      scans++;
      bad += s.badLines;
      duplicates += s.duplicateLines;
      if (s.newRequests > 0) seenGrowing++;
      // Whatever was counted so far is exactly the complete lines present when the scan ran.
      const counted = (await allTimeTotals(engine)).requests;
      const complete = fs.readFileSync(file, 'utf8').split('\n').length - 1;
      assert.ok(counted <= complete, `counted ${counted} requests but only ${complete} complete lines exist`);
      await sleep(1);
    }
    assert.equal(await writerDone, 0);
    const s = await engine.scan();
    bad += s.badLines;
    await engine.persist();
    assert.equal(bad, 0, 'no partial line may be counted as malformed');
    assert.equal(duplicates, 0, 'no line may be read twice');
    assert.ok(scans > 3 && seenGrowing > 1, `the scans must overlap the writing (scans ${scans}, growing ${seenGrowing})`);
    const totals = await allTimeTotals(engine);
    assert.equal(totals.requests, LINES);
    assert.equal(totals.input_tokens, expectedInput);
    assert.equal(totals.output_tokens, expectedOutput);
  } finally {
    await engine.close();
  }
  // And the persisted DB agrees.
  const reopened = await Engine.open({ dbPath, configDirs: [root] });
  try {
    assert.equal((await allTimeTotals(reopened)).requests, LINES);
  } finally {
    await reopened.close();
    cleanup();
  }
});
