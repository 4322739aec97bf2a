// The save schedule: rare (≥ a minute, ≤ 2 % of wall time), at a quiet moment, never more often than due;
// and the engine under it: saves only when due, never while a call waits, always at close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SavePolicy } from '../../src/core/store/savePolicy';
import { Engine } from '../../src/core/engine';
import { assistantLine, tempConfigRoot, writeLines, SESSION_A } from './helpers/lines';

test('interval: a minute, or 50× the last save when a save costs more than 2 % of that', () => {
  const p = new SavePolicy(0);
  assert.equal(p.intervalMs(), 60_000);
  p.noteSaved(0, 3_000);
  assert.equal(p.intervalMs(), 150_000);
});

test('a simulated 10-minute session (a response every 3 s) saves a few times, each after the interval', () => {
  const p = new SavePolicy(0);
  const saves: number[] = [];
  for (let t = 0; t <= 600_000; t += 100) {
    if (t % 3_000 === 0) p.noteChange(t);
    if (p.due(t)) {
      saves.push(t);
      p.noteSaved(t, 400);
    }
  }
  assert.ok(saves.length >= 3 && saves.length <= 5, `saves at ${saves.join(', ')}`);
  for (let i = 1; i < saves.length; i++) assert.ok(saves[i] - saves[i - 1] >= 60_000);
  // Quiet after the last change: one more save once idle and due, then nothing (clean).
  const quiet = new SavePolicy(0);
  quiet.noteChange(1_000);
  assert.equal(quiet.due(30_000), false, 'not before the interval');
  assert.equal(quiet.due(61_000), true, 'due and idle');
  quiet.noteSaved(61_000, 50);
  assert.equal(quiet.nextCheckInMs(62_000), null, 'nothing to save');
});

test('while changes keep coming the save waits for a quiet moment, but no longer than twice the interval', () => {
  const p = new SavePolicy(0, { idleMs: 5_000 });
  for (let t = 0; t < 119_000; t += 1_000) {
    p.noteChange(t);
    assert.equal(p.due(t), false, `t=${t}`);
  }
  p.noteChange(120_000);
  assert.equal(p.due(120_000), true);
});

test('the engine on the adaptive schedule does not save after a scan, and saves at close', async () => {
  const { root, projectDir, cleanup } = tempConfigRoot();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'save-policy-'));
  try {
    writeLines(path.join(projectDir, `${SESSION_A}.jsonl`), [assistantLine({ messageId: 'msg_save_1', output: 5 })]);
    const dbPath = path.join(dir, 'usage.sqlite');
    const engine = await Engine.open({ dbPath, configDirs: [root] });
    await engine.scan();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(engine.saves.length, 0, 'no save right after a scan');
    assert.equal(fs.existsSync(dbPath), false);
    await engine.close();
    assert.equal(engine.saves.length, 1, 'saved at close');
    assert.ok(fs.statSync(dbPath).size > 0);
  } finally {
    cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
