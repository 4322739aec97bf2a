// After a cold start's first status the engine reads the rest of the history and says how far it is: the
// calls made meanwhile (status, panel read model) are answered between files on the rows stored so far, the
// read model carries "files read of all" until the history is complete, and `watch --json` prints its first
// line at the first status with "history_complete": false, then true once everything is read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCorpus } from '../../bench/corpus/generate';
import { Engine } from '../../src/core/engine';
import type { HistoryProgress } from '../../src/core/engine-api';
import type { StatusResult } from '../../src/core/limits/status';
import { DEFAULT_PANEL_FILTER } from '../../src/core/query/readmodel/filterState';
import type { PanelReadModel } from '../../src/core/query/readmodel/types';
import { selectAll } from '../../src/core/store/sqljs';
import { runWatch } from '../../src/cli-watch';
import { lastTranscriptMtimeMs } from './helpers/corpus-clock';

let dir: string;
let configDir: string;
let nowMs: number;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-history-'));
  configDir = path.join(dir, 'claude');
  await generateCorpus({ outDir: configDir, targetBytes: 4 * 1024 * 1024, seed: 11 });
  nowMs = lastTranscriptMtimeMs(configDir) + 60_000; // the corpus's last 5-hour window is active
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

const windowOf = (s: StatusResult) => ({ block: s.activeBlock, windowStartMs: s.windowStartMs, resetsAtMs: s.resetsAtMs });

test('history progress after the first status; reads made meanwhile are answered before the scan ends', async () => {
  const engine = await Engine.open({ dbPath: null, configDirs: [configDir] });
  try {
    const progress: HistoryProgress[] = [];
    const answered: Array<{ model: PanelReadModel; status: StatusResult; beforeScanEnd: boolean }> = [];
    let scanEnded = false;
    let asked: Promise<void> | null = null;
    const filter = { ...DEFAULT_PANEL_FILTER, tz: 'UTC' };
    const summary = await engine.scan({
      nowMs,
      onFirstStatus: () => undefined,
      onHistoryProgress: (p) => {
        progress.push(p);
        // Ask once, early in the history: a panel opened while a cold start reads.
        if (!asked && !p.complete && p.filesRead < p.filesTotal - 1) {
          asked = Promise.all([engine.readModel(filter, nowMs), engine.status(nowMs)]).then(([model, status]) => {
            answered.push({ model, status, beforeScanEnd: !scanEnded });
          });
        }
      },
    });
    scanEnded = true;
    await asked;
    assert.ok(progress.length >= 2, 'progress reported');
    assert.equal(progress.at(-1)!.complete, true);
    assert.ok(progress.slice(0, -1).every((p) => !p.complete), 'complete only at the end');
    for (let i = 1; i < progress.length - 1; i++) assert.ok(progress[i].filesRead >= progress[i - 1].filesRead, 'monotonic');
    assert.equal(progress.at(-2)!.filesRead, progress.at(-2)!.filesTotal, 'the last file counted');
    assert.equal(progress[0].filesTotal, summary.files);

    assert.equal(answered.length, 1);
    const during = answered[0];
    assert.equal(during.beforeScanEnd, true, 'answered between files, not after the scan');
    assert.ok(during.model.history, 'the read model says the history is still being read');
    assert.ok(during.model.history.filesRead < during.model.history.filesTotal);
    assert.equal(during.model.history.filesTotal, summary.files);
    const final = await engine.status(nowMs);
    assert.deepEqual(windowOf(during.status), windowOf(final), 'the chip answered mid-history is exact for the window');

    const done = await engine.readModel(filter, nowMs);
    assert.equal(done.history, null, 'complete: no banner');
    assert.ok(done.totals.requests >= during.model.totals.requests);
    assert.equal(engine.historyProgress().complete, true);
  } finally {
    await engine.close();
  }
});

test('session context after a recent-first scan equals a plain scan (the first status does not lose the touched hours)', async () => {
  const contextOf = (e: Engine) => e.withDatabase((db) => selectAll(db, `SELECT s.session_key, c.last_ts, c.last_tokens, m.name AS model, c.peak_tokens
    FROM session_context c JOIN sessions s ON s.id = c.session_id LEFT JOIN models m ON m.id = c.model_id ORDER BY s.session_key`));
  const recent = await Engine.open({ dbPath: null, configDirs: [configDir] });
  const plain = await Engine.open({ dbPath: null, configDirs: [configDir] });
  try {
    let firsts = 0;
    await recent.scan({ nowMs, onFirstStatus: () => firsts++ });
    await plain.scan({ nowMs });
    assert.equal(firsts, 1);
    const a = await contextOf(recent);
    assert.ok(a.length > 0);
    assert.deepEqual(a, await contextOf(plain));
  } finally {
    await recent.close();
    await plain.close();
  }
});

test('watch --json: the first line comes at the first status with history_complete false, then true', async () => {
  const engine = await Engine.open({ dbPath: null, configDirs: [configDir] });
  const lines: Array<{ history_complete: boolean; history?: { files_read: number; files_total: number }; status: StatusResult }> = [];
  let stopWatch!: () => void;
  const stop = new Promise<void>((r) => { stopWatch = r; });
  try {
    const watching = runWatch({
      engine, json: true, nowMs, stop, pollMs: 3_600_000, idlePollMs: 3_600_000,
      out: (s) => {
        for (const l of s.split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        if (lines.some((l) => l.history_complete)) stopWatch();
      },
    });
    await watching;
    assert.equal(lines.length, 2, JSON.stringify(lines.map((l) => l.history_complete)));
    const [first, last] = lines;
    assert.equal(first.history_complete, false);
    assert.ok(first.history && first.history.files_read < first.history.files_total, JSON.stringify(first.history));
    assert.equal(last.history_complete, true);
    assert.equal(last.history, undefined);
    assert.deepEqual(windowOf(first.status), windowOf(last.status), 'the first line is exact for the window');
  } finally {
    await engine.close();
  }
});
