// Scenario 3: Claude Code's cleanup deletes every transcript older than N days (cleanupPeriodDays, by file
// age). The store keeps that history: every figure for those days is unchanged after a rescan, a full
// rescan and a restart from the DB file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateCorpus } from '../../../bench/corpus/generate';
import { Engine } from '../../../src/core/engine';
import { tempDir } from './helpers';

const work = tempDir('cleanup');
after(() => fs.rmSync(work, { recursive: true, force: true }));

function jsonlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...jsonlFiles(p));
    else if (e.name.endsWith('.jsonl')) out.push(p);
  }
  return out;
}

/** The newest timestamp written in a transcript (what its mtime would be in real life). */
function newestTimestamp(file: string): number {
  let newest = 0;
  for (const m of fs.readFileSync(file, 'utf8').matchAll(/"timestamp":"([^"]+)"/g)) newest = Math.max(newest, Date.parse(m[1]) || 0);
  return newest;
}

test('scenario 3: deleting every transcript older than N days changes no figure of any day', async () => {
  const configDir = path.join(work, 'claude');
  const truth = await generateCorpus({ outDir: configDir, targetBytes: 400 * 1024, seed: 33, days: 40 });
  const dbPath = path.join(work, 'usage.sqlite');
  const endMs = Date.parse(truth.endDate);
  const nowMs = endMs + 3_600_000;
  const byDay = { window: 'all', group_by: 'day', tz: 'UTC', limit: 10_000 };
  const byProject = { window: 'all', group_by: 'project', tz: 'UTC', limit: 10_000 };
  const bySession = { window: 'all', group_by: 'session', tz: 'UTC', limit: 10_000 };
  const figures = async (engine: Engine) => ({
    day: await engine.query(byDay, nowMs),
    project: await engine.query(byProject, nowMs),
    session: await engine.query(bySession, nowMs),
  });

  let engine = await Engine.open({ dbPath, configDirs: [configDir], persistDebounceMs: 0 });
  await engine.scan();
  const before = await figures(engine);
  assert.equal(before.day.totals.requests, truth.uniqueRequests);
  await engine.close();

  // The cleanup: files whose last write is older than 20 days go (Claude Code's default is 30).
  const cutoff = endMs - 20 * 86_400_000;
  const files = jsonlFiles(path.join(configDir, 'projects'));
  const old = files.filter((f) => newestTimestamp(f) < cutoff);
  assert.ok(old.length > 0 && old.length < files.length, `the corpus must have old and recent transcripts (${old.length}/${files.length})`);
  for (const f of old) fs.rmSync(f);

  engine = await Engine.open({ dbPath, configDirs: [configDir], persistDebounceMs: 0 });
  try {
    const incremental = await engine.scan();
    assert.equal(incremental.newRequests, 0);
    assert.deepEqual(await figures(engine), before, 'after the cleanup and a rescan');
    await engine.scan({ full: true });
    assert.deepEqual(await figures(engine), before, 'after a full rescan');
  } finally {
    await engine.close();
  }
  engine = await Engine.open({ dbPath, configDirs: [configDir] });
  try {
    assert.deepEqual(await figures(engine), before, 'after a restart from the DB file');
    const days = (before.day.groups ?? []).filter((g) => Date.parse(`${g.key}T00:00:00Z`) < cutoff - 86_400_000);
    assert.ok(days.length > 5, 'several whole days exist only in the store now');
  } finally {
    await engine.close();
  }
});
