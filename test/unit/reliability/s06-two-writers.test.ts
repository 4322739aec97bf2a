// Scenario 6: two processes (two VS Code windows, or the CLI and the extension) scan and persist the same
// DB at the same time, repeatedly. One writer at a time (the lock file); after both finish the DB holds
// the exact totals; a follower never overwrites newer data with its older copy; a killed lock holder's
// lock is taken over.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { generateCorpus, type CorpusTruth } from '../../../bench/corpus/generate';
import { Engine } from '../../../src/core/engine';
import { WriterLock } from '../../../src/core/store/lock';
import { assistantLine, appendLines, tempConfigRoot, writeLines, SESSION_A } from '../helpers/lines';
import { StagedCorpus } from './helpers/staged';
import { REPO_ROOT, allTimeTotals, bundleEntry, driverBundle, runDriver, sleep, tempDir, tokenFigures } from './helpers';

let work: string;
let truth: CorpusTruth;
let corpusDir: string;

before(async () => {
  work = tempDir('two-writers');
  corpusDir = path.join(work, 'corpus');
  truth = await generateCorpus({ outDir: corpusDir, targetBytes: 96 * 1024, seed: 66 });
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

const truthFigures = () => ({
  requests: truth.uniqueRequests, input: truth.totals.input, output: truth.totals.output,
  cacheCreation: truth.totals.cacheCreation, cacheRead: truth.totals.cacheRead, webSearch: truth.totals.webSearch,
});

async function diskFigures(dbPath: string, configDir: string): Promise<Record<string, number>> {
  const copy = `${dbPath}.check`;
  fs.copyFileSync(dbPath, copy);
  const engine = await Engine.open({ dbPath: copy, configDirs: [configDir] });
  try {
    assert.equal(engine.movedAside, null);
    return tokenFigures(await allTimeTotals(engine));
  } finally {
    await engine.close();
    fs.rmSync(copy, { force: true });
  }
}

test('scenario 6: two processes scan + persist in loops while transcripts grow → exact totals, one writer at a time', { timeout: 300_000 }, async (t) => {
  const script = await driverBundle();
  const configDir = path.join(work, 'live');
  const dbPath = path.join(work, 'db', 'usage.sqlite');
  const stopFile = path.join(work, 'stop');
  const STAGES = 6;
  const staged = new StagedCorpus(corpusDir, configDir, STAGES);
  staged.reveal(1);
  const a = runDriver(script, { configDir, dbPath, stopFile, pauseMs: 5 });
  const b = runDriver(script, { configDir, dbPath, stopFile, pauseMs: 5 });
  // Watch the lock file meanwhile: it must always name exactly one live owner.
  const owners = new Set<number>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      try {
        owners.add((JSON.parse(fs.readFileSync(`${dbPath}.lock`, 'utf8')) as { pid: number }).pid);
      } catch { /* not there, or being replaced */ }
      await sleep(5);
    }
  })();
  await Promise.all([a.waitFor('PERSISTED 0'), b.waitFor('PERSISTED 0')]);
  for (let k = 2; k <= STAGES; k++) {
    staged.reveal(k);
    await sleep(150);
  }
  fs.writeFileSync(stopFile, '');
  const [ea, eb] = await Promise.all([a.exited, b.exited]);
  watching = false;
  await watcher;
  assert.equal(ea.code, 0, ea.stderr);
  assert.equal(eb.code, 0, eb.stderr);
  const rounds = (s: string) => s.split('\n').filter((l) => l.startsWith('PERSISTED')).length;
  const writerRounds = (s: string) => s.split('\n').filter((l) => l.startsWith('PERSIST ') && l.includes('writer=true')).length;
  t.diagnostic(`rounds: A ${rounds(ea.stdout)} (${writerRounds(ea.stdout)} as writer), B ${rounds(eb.stdout)} (${writerRounds(eb.stdout)} as writer); lock owners seen: ${owners.size}`);
  assert.ok(rounds(ea.stdout) >= 3 && rounds(eb.stdout) >= 3, 'both loops ran repeatedly');
  for (const pid of owners) assert.ok(pid === a.child.pid || pid === b.child.pid);
  assert.ok(!fs.existsSync(`${dbPath}.lock`), 'the lock is released when both end');
  assert.deepEqual(await diskFigures(dbPath, configDir), truthFigures(), `A:\n${ea.stdout}${ea.stderr}\nB:\n${eb.stdout}${eb.stderr}`);
});

test('scenario 6: the CLI scanning repeatedly while an extension-like process loops → exact totals', { timeout: 300_000 }, async () => {
  const script = await driverBundle();
  const cli = await bundleEntry(path.join(REPO_ROOT, 'src', 'cli.ts'));
  const configDir = path.join(work, 'live-cli');
  const dbPath = path.join(work, 'db-cli', 'usage.sqlite');
  const stopFile = path.join(work, 'stop-cli');
  const STAGES = 5;
  const staged = new StagedCorpus(corpusDir, configDir, STAGES);
  staged.reveal(1);
  const ext = runDriver(script, { configDir, dbPath, stopFile, pauseMs: 20 });
  await ext.waitFor('PERSISTED 0');
  for (let k = 2; k <= STAGES; k++) {
    staged.reveal(k);
    const r = spawnSync(process.execPath, [cli, 'scan', '--json', '--db', dbPath, '--config-dir', configDir], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as { files: number }).files > 0);
  }
  fs.writeFileSync(stopFile, '');
  const e = await ext.exited;
  assert.equal(e.code, 0, e.stderr);
  assert.deepEqual(await diskFigures(dbPath, configDir), truthFigures());
  // And the CLI's own answer agrees.
  const q = spawnSync(process.execPath, [cli, 'query', '--no-scan', '--db', dbPath, '--config-dir', configDir, '--params', '{"window":"all"}'], { encoding: 'utf8' });
  assert.equal(q.status, 0, q.stderr);
  assert.equal((JSON.parse(q.stdout) as { totals: { requests: number } }).totals.requests, truth.uniqueRequests);
});

test('scenario 6: a follower that closes after the writer never overwrites the writer\'s newer data', async () => {
  const { root, projectDir, cleanup } = tempConfigRoot();
  const dbPath = path.join(root, 'db', 'usage.sqlite');
  const file = path.join(projectDir, `${SESSION_A}.jsonl`);
  const line = (n: number) => assistantLine({ messageId: `msg_01LOSTUPDATE${String(n).padStart(12, '0')}`, input: n, output: n });
  try {
    writeLines(file, [line(1)]);
    const writer = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 60_000 });
    const follower = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 60_000 });
    await writer.scan();
    await writer.persist();
    assert.equal(writer.isWriter, true);
    appendLines(file, [line(2)]);
    await follower.scan(); // reads line 2 into its memory only
    assert.equal(follower.isWriter, false);
    appendLines(file, [line(3)]);
    await writer.scan();
    await writer.persist();
    await writer.close(); // the lock is free now
    await follower.close(); // must not replace the file (lines 1–3) with its copy (lines 1–2)
    const check = await Engine.open({ dbPath, configDirs: [root] });
    try {
      const totals = await allTimeTotals(check);
      assert.equal(totals.requests, 3, 'no lost update');
      assert.equal(totals.input_tokens, 6);
    } finally {
      await check.close();
    }
  } finally {
    cleanup();
  }
});

test('scenario 6: a follower that becomes the writer takes in the file first, then scans on top of it', async () => {
  const { root, projectDir, cleanup } = tempConfigRoot();
  const dbPath = path.join(root, 'db', 'usage.sqlite');
  const file = path.join(projectDir, `${SESSION_A}.jsonl`);
  const line = (n: number) => assistantLine({ messageId: `msg_01TAKEOVER${String(n).padStart(14, '0')}`, input: n, output: n });
  try {
    writeLines(file, [line(1)]);
    const first = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 60_000 });
    const second = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 60_000 });
    await first.scan();
    await second.scan();
    appendLines(file, [line(2)]);
    await second.scan(); // follower: line 2 in memory
    await second.persist(); // not the writer: writes nothing
    appendLines(file, [line(4)]);
    await first.scan();
    await first.persist();
    await first.close();
    appendLines(file, [line(8)]);
    await second.scan(); // now the writer: reload (1, 2, 4), then read 8
    await second.persist();
    assert.equal(second.isWriter, true);
    await second.close();
    const check = await Engine.open({ dbPath, configDirs: [root] });
    try {
      const totals = await allTimeTotals(check);
      assert.deepEqual([totals.requests, totals.input_tokens], [4, 15]);
    } finally {
      await check.close();
    }
  } finally {
    cleanup();
  }
});

test('scenario 6: the lock of a SIGKILLed holder (dead pid) is taken over at once', { timeout: 60_000 }, async () => {
  const script = await driverBundle();
  const { root, projectDir, cleanup } = tempConfigRoot();
  const dbPath = path.join(root, 'db', 'usage.sqlite');
  try {
    writeLines(path.join(projectDir, `${SESSION_A}.jsonl`), [assistantLine({ messageId: 'msg_01STALELOCK00000000000001', input: 5, output: 5 })]);
    // The child dies right after writing the lock file.
    const killed = await runDriver(script, { configDir: root, dbPath }, 'lock-written').exited;
    assert.equal(killed.signal, 'SIGKILL');
    const lock = JSON.parse(fs.readFileSync(`${dbPath}.lock`, 'utf8')) as { pid: number; heartbeat: number };
    assert.ok(Date.now() - lock.heartbeat < 30_000, 'the heartbeat is fresh: only the dead pid makes it stale');
    const engine = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 60_000 });
    try {
      await engine.scan();
      assert.equal(engine.isWriter, true, 'took the lock over');
      await engine.persist();
      assert.ok(fs.existsSync(dbPath));
      const now = JSON.parse(fs.readFileSync(`${dbPath}.lock`, 'utf8')) as { pid: number };
      assert.equal(now.pid, process.pid);
    } finally {
      await engine.close();
    }
  } finally {
    cleanup();
  }
});

test('scenario 6: a lock file being created by another process (still empty) is not taken over; an old unreadable one is', () => {
  const dir = tempDir('lock');
  try {
    const file = path.join(dir, 'usage.sqlite.lock');
    fs.writeFileSync(file, ''); // another process between open(O_EXCL) and write
    fs.utimesSync(file, new Date(), new Date()); // the process clock, not the kernel's (they differ under faketime)
    const lock = new WriterLock(file);
    assert.equal(lock.tryAcquire(), false, 'a fresh empty lock file belongs to someone');
    // The same file, long untouched (its creator died before writing): stale.
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    assert.equal(lock.tryAcquire(), true);
    assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number }).pid, process.pid);
    lock.release();
    assert.equal(fs.existsSync(file), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
