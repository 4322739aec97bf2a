// The panel's read model against the core on a generated corpus: the engine scans real transcript
// files, and the read model's cards, tables and charts agree with each other and with the truth the
// generator wrote (deduplicated requests, tokens per model and per UTC day).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCorpus } from '../../bench/corpus/generate';
import type { CorpusTruth } from '../../bench/corpus/generate';
import { Engine } from '../../src/core/engine';
import { DEFAULT_PANEL_FILTER } from '../../src/protocol';
import type { PanelReadModel } from '../../src/protocol';

let dir: string;
let truth: CorpusTruth;
let engine: Engine;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-readmodel-'));
  truth = await generateCorpus({ outDir: dir, targetBytes: 400_000, seed: 5, days: 20 });
  engine = await Engine.open({ dbPath: null, configDirs: [dir], persistDebounceMs: 0 });
  await engine.scan();
});
after(async () => {
  await engine?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sum = <T>(list: T[], f: (x: T) => number) => list.reduce((s, x) => s + f(x), 0);
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

function consistent(m: PanelReadModel): void {
  const t = m.totals;
  for (const k of ['requests', 'total_tokens', 'cost_usd', 'output_tokens'] as const) {
    for (const [name, rows] of [['models', m.models.rows], ['projects', m.projects.rows], ['tools', m.tools.rows], ['daily', m.daily]] as const) {
      close(sum(rows as unknown as { [key: string]: number }[], (r) => r[k]), t[k], `${name}.${k}`);
    }
  }
  assert.equal(m.kpis.requests.value, t.requests);
  assert.equal(m.kpis.main.requests + m.kpis.subagent.requests, t.requests);
  assert.equal(sum(m.heatmap.requests.flat(), (x) => x), t.requests);
  assert.equal(sum(m.modelSlices, (s) => s.total_tokens), t.total_tokens);
  close([...m.daily].reverse().find((d) => d.cumulativeCost !== null)?.cumulativeCost ?? 0, t.cost_usd, 'cumulative');
}

test('all time on a generated corpus: cards = tables = charts = the generator truth', async () => {
  const nowMs = Date.parse(truth.endDate) + 60_000;
  const m = await engine.readModel({ ...DEFAULT_PANEL_FILTER, range: 'all', tz: 'UTC' }, nowMs);
  assert.equal(m.dataState, 'ok');
  consistent(m);
  assert.equal(m.totals.requests, truth.uniqueRequests);
  assert.equal(m.totals.input_tokens, truth.totals.input);
  assert.equal(m.totals.output_tokens, truth.totals.output);
  assert.equal(m.totals.cache_creation_tokens, truth.totals.cacheCreation);
  assert.equal(m.totals.cache_read_tokens, truth.totals.cacheRead);
  for (const [model, mt] of Object.entries(truth.byModel)) {
    const row = m.models.rows.find((r) => r.model === model);
    assert.equal(row?.requests, mt.requests, `requests of ${model}`);
    assert.equal(row?.output_tokens, mt.output, `output of ${model}`);
  }
  for (const [day, dt] of Object.entries(truth.byDayUtc)) {
    const point = m.daily.find((d) => d.day === day);
    assert.equal(point?.requests, dt.requests, `requests on ${day}`);
    assert.equal(point?.total_tokens, dt.totalTokens, `tokens on ${day}`);
  }
  assert.ok(m.scanned.roots.length >= 1 && (m.scanned.files ?? 0) > 0, 'what was scanned is reported');
});

test('last 7 days and a single project on the corpus stay consistent', async () => {
  const nowMs = Date.parse(truth.endDate) + 60_000;
  const week = await engine.readModel({ ...DEFAULT_PANEL_FILTER, range: 'last_7d', tz: 'Europe/Berlin' }, nowMs);
  consistent(week);
  const project = week.projects.rows[0]?.project;
  assert.ok(project);
  const one = await engine.readModel({ ...DEFAULT_PANEL_FILTER, range: 'last_7d', tz: 'Europe/Berlin', project }, nowMs);
  consistent(one);
  assert.equal(one.totals.requests, week.projects.rows[0].requests);
});
