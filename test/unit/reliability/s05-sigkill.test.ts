// Scenario 5: the process is SIGKILLed at random points during open, scan and persist (plus every
// system-call boundary of persist and lock acquisition). After every kill the DB file on disk opens
// without being moved aside and holds either the state before the run or the complete state after it;
// a final run converges to the corpus's exact totals (truth.json).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { generateCorpus, type CorpusTruth } from '../../../bench/corpus/generate';
import { Engine } from '../../../src/core/engine';
import { StagedCorpus } from './helpers/staged';
import { allTimeTotals, driverBundle, prng, runDriver, tempDir, tokenFigures, type Fault } from './helpers';

const STAGES = 8;
/** Runs that must end in a SIGKILL; runs whose kill came too late (the run finished) do not count. */
const KILLS_WANTED = 50;
const MAX_RUNS = 100;
const FAULTS: Fault[] = ['write-half', 'before-fsync', 'before-rename', 'after-rename', 'lock-written'];

let work: string;
let truth: CorpusTruth;
let corpusDir: string;

before(async () => {
  work = tempDir('sigkill');
  corpusDir = path.join(work, 'corpus');
  truth = await generateCorpus({ outDir: corpusDir, targetBytes: 64 * 1024, seed: 55 });
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

/** Totals of a DB file as it is on disk: opened from a copy, so the check never changes the original. */
async function onDiskTotals(dbPath: string, configDir: string): Promise<{ movedAside: boolean; figures: Record<string, number> }> {
  const copy = `${dbPath}.check-${process.pid}`;
  fs.copyFileSync(dbPath, copy);
  const engine = await Engine.open({ dbPath: copy, configDirs: [configDir] });
  try {
    return { movedAside: engine.movedAside !== null, figures: tokenFigures(await allTimeTotals(engine)) };
  } finally {
    await engine.close();
    for (const f of fs.readdirSync(path.dirname(copy))) if (f.startsWith(path.basename(copy))) fs.rmSync(path.join(path.dirname(copy), f), { force: true });
  }
}

/** What a complete scan of the config root as it is now yields (the "new state" a finished run writes). */
async function referenceFigures(configDir: string): Promise<Record<string, number>> {
  const engine = await Engine.open({ dbPath: null, configDirs: [configDir] });
  try {
    await engine.scan();
    return tokenFigures(await allTimeTotals(engine));
  } finally {
    await engine.close();
  }
}

test('scenario 5: 50 SIGKILLs during open / scan / persist never tear the DB; a rescan converges', { timeout: 400_000 }, async (t) => {
  const script = await driverBundle();
  const configDir = path.join(work, 'live');
  const dbPath = path.join(work, 'db', 'usage.sqlite');
  const staged = new StagedCorpus(corpusDir, configDir, STAGES);
  const rand = prng(5);
  const references = new Map<number, Record<string, number>>();
  // Phase durations of uninterrupted runs bound the random kill delays (machines differ tenfold).
  // A running mean of each phase over the runs that finished.
  const phaseMs = { open: 0, scan: 0, persist: 0 };
  let measured = 0;
  const measure = (m: Map<string, number>) => {
    const span = (a: string, b: string) => Math.max(1, (m.get(b) ?? 0) - (m.get(a) ?? 0));
    measured++;
    phaseMs.open += (span('START', 'OPEN') - phaseMs.open) / measured;
    phaseMs.scan += (span('SCAN', 'PERSIST') - phaseMs.scan) / measured;
    phaseMs.persist += (span('PERSIST', 'PERSISTED') - phaseMs.persist) / measured;
  };
  staged.reveal(1);
  const calibration = runDriver(script, { configDir, dbPath: path.join(work, 'calibration.sqlite'), full: true });
  assert.equal((await calibration.exited).code, 0);
  measure(calibration.markTimes);
  let kills = 0;
  let oldStates = 0;
  let newStates = 0;
  const phasesHit: Record<string, number> = {};

  let runs = 0;
  for (let i = 0; kills < KILLS_WANTED && i < MAX_RUNS; i++) {
    runs++;
    const stage = Math.min(STAGES - 1, 1 + Math.floor((kills * (STAGES - 1)) / KILLS_WANTED));
    staged.reveal(stage);
    if (!references.has(stage)) references.set(stage, await referenceFigures(configDir));
    const before = fs.existsSync(dbPath) ? fs.readFileSync(dbPath) : null;
    // Every 5th run dies at an exact system call of persist / lock acquisition; the others at a random time.
    const fault = i % 5 === 4 ? FAULTS[Math.floor(i / 5) % FAULTS.length] : undefined;
    // Mostly full rescans, so that every run has a new image to persist; every 4th run is incremental.
    const run = runDriver(script, { configDir, dbPath, full: i % 4 !== 1 }, fault);
    let phase = fault ? `fault:${fault}` : '';
    if (!fault) {
      const r = rand();
      const [marker, name, span] = r < 0.2 ? ['START', 'open', phaseMs.open] : r < 0.6 ? ['SCAN', 'scan', phaseMs.scan] : ['PERSIST', 'persist', phaseMs.persist];
      phase = name as string;
      const delay = Math.floor(rand() * (span as number));
      void run.waitFor(marker as string).then(() => setTimeout(() => run.child.kill('SIGKILL'), delay));
    }
    const exit = await run.exited;
    if (exit.signal === 'SIGKILL') {
      kills++;
      phasesHit[phase] = (phasesHit[phase] ?? 0) + 1;
    } else {
      assert.equal(exit.code, 0, `run ${i} (${phase}) failed: ${exit.stderr}`);
      measure(run.markTimes); // the kill came too late: the run finished
    }
    if (!fs.existsSync(dbPath)) {
      assert.equal(before, null, `run ${i} (${phase}): the DB file vanished`);
      oldStates++;
      continue;
    }
    const now = fs.readFileSync(dbPath);
    if (before && now.equals(before)) {
      oldStates++;
      continue;
    }
    const disk = await onDiskTotals(dbPath, configDir);
    assert.equal(disk.movedAside, false, `run ${i} (${phase}): the DB on disk does not open`);
    assert.deepEqual(disk.figures, references.get(stage), `run ${i} (${phase}): the DB on disk is neither the old nor the new state`);
    newStates++;
  }

  // The final stage, an uninterrupted run: the exact totals of the corpus.
  staged.reveal(STAGES);
  const final = await runDriver(script, { configDir, dbPath }).exited;
  assert.equal(final.code, 0, final.stderr);
  const disk = await onDiskTotals(dbPath, configDir);
  assert.equal(disk.movedAside, false);
  assert.deepEqual(disk.figures, {
    requests: truth.uniqueRequests, input: truth.totals.input, output: truth.totals.output,
    cacheCreation: truth.totals.cacheCreation, cacheRead: truth.totals.cacheRead, webSearch: truth.totals.webSearch,
  });
  const leftovers = fs.readdirSync(path.dirname(dbPath)).filter((f) => f.includes('.tmp-'));
  t.diagnostic(`phase durations (ms) ${JSON.stringify(phaseMs)}`);
  t.diagnostic(`kill points tried: ${runs}; processes actually killed: ${kills} (${JSON.stringify(phasesHit)}); ` +
    `DB afterwards: ${oldStates} old state, ${newStates} new state; leftover temp images: ${leftovers.length}`);
  assert.ok(kills >= KILLS_WANTED, `only ${kills} of ${runs} runs were killed before finishing`);
});

test('scenario 5: temp images left by killed saves are removed on a later start (dead pid, older than a minute)', async () => {
  const dir = tempDir('orphans');
  try {
    const dbPath = path.join(dir, 'usage.sqlite');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid that has ended
    const old = new Date(Date.now() - 5 * 60_000);
    const orphan = `${dbPath}.tmp-${dead}-1700000000000`;
    const young = `${dbPath}.tmp-${dead}-1700000000001`;
    const live = `${dbPath}.tmp-${process.pid}-1700000000002`;
    const unrelated = `${dbPath}.tmp-notes.txt`;
    for (const f of [orphan, young, live, unrelated]) fs.writeFileSync(f, 'x');
    for (const f of [orphan, live, unrelated]) fs.utimesSync(f, old, old);
    // Stamped from the process clock, not the kernel's (they differ under faketime).
    fs.utimesSync(young, new Date(), new Date());
    const engine = await Engine.open({ dbPath, configDirs: [] });
    await engine.close();
    assert.equal(fs.existsSync(orphan), false, 'a dead process\'s old image is removed');
    assert.equal(fs.existsSync(young), true, 'a young image may be another host\'s save in progress');
    assert.equal(fs.existsSync(live), true, 'a live process\'s image is kept');
    assert.equal(fs.existsSync(unrelated), true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
