// The extension host's engine client: every call has a time bound with a clear error, a caller can
// cancel a query or a read model (the worker is told to skip it), and closing waits for the final save.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CALL_TIMEOUT_MS, EngineClient, EngineTimeoutError, isCancellation } from '../../src/host/engineClient';
import { Engine } from '../../src/core/engine';
import { DEFAULT_PANEL_FILTER } from '../../src/protocol';
import { lastTranscriptMtimeMs } from './helpers/corpus-clock';

const STALL = path.join(__dirname, 'helpers', 'host-engine-worker-stall.cjs');
const SHIM = path.join(__dirname, 'helpers', 'host-engine-worker-shim.cjs');
const NOW = Date.parse('2026-11-20T12:00:00Z');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-client-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function client(opts: { closeDelayMs?: number; timeoutsMs?: ConstructorParameters<typeof EngineClient>[0]['timeoutsMs']; workerPath?: string } = {}) {
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`), debug: () => {} };
  const engine = new EngineClient({
    workerPath: opts.workerPath ?? STALL,
    engineOptions: () => ({ dbPath: null, configDirs: [tmp], env: { STALL_CLOSE_MS: String(opts.closeDelayMs ?? 0) } }),
    log,
    timeoutsMs: opts.timeoutsMs,
  });
  const waitForLog = async (line: string) => {
    const t0 = Date.now();
    while (!logs.includes(line)) {
      if (Date.now() - t0 > 5000) throw new Error(`no log line ${line}: ${logs.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { engine, logs, waitForLog };
}

test('every call is bounded: an unanswered one rejects with an error naming the call and the bound', async (t) => {
  assert.ok(Object.values(CALL_TIMEOUT_MS).every((ms) => ms >= 30_000), 'defaults leave room for a scan in front');
  const { engine, logs, waitForLog } = client({ timeoutsMs: { status: 150 } });
  t.after(() => engine.close());
  const t0 = Date.now();
  await assert.rejects(engine.status(NOW), (e: unknown) => {
    assert.ok(e instanceof EngineTimeoutError);
    assert.equal(e.method, 'status');
    assert.match(e.message, /^the engine did not answer status within \d+ s/);
    return true;
  });
  // The 150 ms bound applied, not the 30 s default (a loose check: the machine may be busy).
  assert.ok(Date.now() - t0 < 25_000);
  // The worker is told to skip it (it may still be queued behind a scan).
  await waitForLog('cancel 2');
  assert.ok(logs.some((l) => l.startsWith('warn Engine: status gave no answer')), logs.join('\n'));
});

test('a cancelled read model or query rejects at once as a cancellation, and the worker is told', async () => {
  const { engine, waitForLog } = client();
  await engine.start();
  const controller = new AbortController();
  const pending = engine.readModel(DEFAULT_PANEL_FILTER, NOW, { signal: controller.signal });
  setTimeout(() => controller.abort(), 30);
  await assert.rejects(pending, (e: unknown) => isCancellation(e));
  await waitForLog('cancel 2');
  // Already aborted: nothing is sent at all.
  await assert.rejects(engine.query({}, NOW, { signal: AbortSignal.abort() }), (e: unknown) => isCancellation(e));
  await engine.close();
});

test('closing waits for the worker\'s close answer (the final save), not a short fixed delay', async () => {
  const { engine, logs } = client({ closeDelayMs: 700 });
  await engine.start();
  const t0 = Date.now();
  await engine.close();
  assert.ok(Date.now() - t0 >= 650, `closed after ${Date.now() - t0} ms`);
  assert.ok(logs.includes('saved and closed'), 'the save finished before the worker was terminated');
});

test('a close that never answers is bounded too: logged, then the worker is stopped', async () => {
  const { engine, logs } = client({ closeDelayMs: 60_000, timeoutsMs: { close: 200 } });
  await engine.start();
  const t0 = Date.now();
  await engine.close();
  // The 200 ms bound applied, not the 60 s the worker would take (loose: the machine may be busy).
  assert.ok(Date.now() - t0 < 25_000);
  assert.ok(logs.some((l) => /close gave no answer/.test(l)), logs.join('\n'));
  assert.ok(!logs.includes('saved and closed'));
});

test('the real worker: a read model and a query answer within their bounds; an aborted one is skipped', async () => {
  const { engine } = client({ workerPath: SHIM });
  const model = await engine.readModel({ ...DEFAULT_PANEL_FILTER, tz: 'UTC' }, NOW);
  assert.equal(model.totals.requests, 0);
  await assert.rejects(engine.readModel(DEFAULT_PANEL_FILTER, NOW, { signal: AbortSignal.abort() }), (e: unknown) => isCancellation(e));
  const result = await engine.query({ window: 'today', tz: 'UTC' }, NOW);
  assert.equal(result.totals.requests, 0);
  await engine.close();
});

test('Engine: a read model or query whose caller gave up while it waited in the queue does not run', async () => {
  const engine = await Engine.open({ dbPath: null, configDirs: [tmp] });
  let release: (() => void) | undefined;
  const blocker = engine.withDatabase(() => new Promise<void>((r) => { release = r; }));
  while (!release) await new Promise((r) => setImmediate(r));
  const controller = new AbortController();
  const model = engine.readModel(DEFAULT_PANEL_FILTER, NOW, { signal: controller.signal });
  const query = engine.query({}, NOW, { signal: controller.signal });
  controller.abort();
  release();
  await blocker;
  await assert.rejects(model, (e: unknown) => isCancellation(e));
  await assert.rejects(query, (e: unknown) => isCancellation(e));
  // Not aborted: it runs.
  assert.equal((await engine.readModel({ ...DEFAULT_PANEL_FILTER, tz: 'UTC' }, NOW)).totals.requests, 0);
  await engine.close();
});

test('a cold start through the worker: the first status and the history progress reach the host, which repaints meanwhile', { timeout: 120_000 }, async () => {
  const { generateCorpus } = await import('../../bench/corpus/generate');
  const configDir = path.join(tmp, 'history-claude');
  await generateCorpus({ outDir: configDir, targetBytes: 2 * 1024 * 1024, seed: 7 });
  const latest = lastTranscriptMtimeMs(configDir);
  const log = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
  const engine = new EngineClient({ workerPath: SHIM, engineOptions: () => ({ dbPath: null, configDirs: [configDir] }), log });
  try {
    const events: string[] = [];
    engine.onDidChangeData((s) => events.push(s === null ? 'history' : 'scan'));
    const firsts: Array<{ filesDone: number; filesTotal: number }> = [];
    const progress: Array<{ filesRead: number; filesTotal: number; complete: boolean }> = [];
    const summary = await engine.scan({
      nowMs: latest + 60_000,
      onFirstStatus: (status, p) => { assert.equal(typeof status.nowMs, 'number'); firsts.push(p); },
      onHistoryProgress: (p) => progress.push(p),
    });
    assert.equal(firsts.length, 1);
    assert.ok(firsts[0].filesDone < firsts[0].filesTotal, JSON.stringify(firsts[0]));
    assert.deepEqual(progress.at(-1), { filesRead: summary.files, filesTotal: summary.files, complete: true });
    assert.equal(events[0], 'history', 'the chip and panel repaint at the first status');
    assert.equal(events.at(-1), 'scan');
  } finally {
    await engine.close();
  }
});
