// The panel's Branches table and branch filter on a generated corpus (branches main, master, feature-x,
// HEAD and none): the rows sum exactly to the window's totals, agree with llm_costs_query's group_by
// branch, and filtering to a branch gives that branch's figures on every card.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCorpus } from '../../bench/corpus/generate';
import type { CorpusTruth } from '../../bench/corpus/generate';
import { Engine } from '../../src/core/engine';
import { DEFAULT_PANEL_FILTER, NO_BRANCH_FILTER, parsePanelFilter, parseWebviewMessage } from '../../src/protocol';
import type { Metrics, PanelFilter, PanelReadModel } from '../../src/protocol';

let dir: string;
let truth: CorpusTruth;
let engine: Engine;
let nowMs: number;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-branches-'));
  truth = await generateCorpus({ outDir: dir, targetBytes: 600_000, seed: 11, days: 20 });
  engine = await Engine.open({ dbPath: null, configDirs: [dir], persistDebounceMs: 0 });
  await engine.scan();
  nowMs = Date.parse(truth.endDate) + 60_000;
});
after(async () => {
  await engine?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const INT_KEYS = ['requests', 'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'total_tokens', 'unpriced_requests', 'web_search_requests'] as const;
const closeCost = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
const model = (f: Partial<PanelFilter>): Promise<PanelReadModel> => engine.readModel({ ...DEFAULT_PANEL_FILTER, tz: 'UTC', ...f }, nowMs);

function sumsToTotals(rows: Metrics[], totals: Metrics, what: string): void {
  for (const k of INT_KEYS) assert.equal(rows.reduce((s, r) => s + r[k], 0), totals[k], `${what}: ${k}`);
  closeCost(rows.reduce((s, r) => s + r.cost_usd, 0), totals.cost_usd, `${what}: cost_usd`);
}

test('all time: one row per project and branch, "(no branch)" included, summing exactly to the totals', async () => {
  const m = await model({ range: 'all' });
  assert.equal(m.totals.requests, truth.uniqueRequests);
  assert.equal(m.branches.omitted, 0);
  sumsToTotals(m.branches.rows, m.totals, 'branches');
  const keys = m.branches.rows.map((r) => `${r.project}\u0000${r.branch}`);
  assert.equal(new Set(keys).size, keys.length, 'one row per (project, branch)');
  const names = new Set(m.branches.rows.map((r) => r.branch));
  for (const b of ['main', 'master', 'feature-x', 'HEAD', NO_BRANCH_FILTER]) assert.ok(names.has(b), `${b} in ${[...names].join(', ')}`);
  assert.ok(m.branches.rows.every((r) => r.noBranch === (r.branch === NO_BRANCH_FILTER)));
  assert.deepEqual(m.branches.totals, m.totals);
  // The filter's choices: every branch of the store, then "(no branch)".
  assert.equal(m.available.branches.at(-1), NO_BRANCH_FILTER);
  for (const b of names) assert.ok(m.available.branches.includes(b), b);
});

test('the rows agree with llm_costs_query group_by branch (summed over projects)', async () => {
  const m = await model({ range: 'all' });
  const q = await engine.query({ window: 'all', tz: 'UTC', group_by: 'branch', limit: 1000 }, nowMs);
  const byBranch = new Map<string, number>();
  for (const r of m.branches.rows) byBranch.set(r.branch, (byBranch.get(r.branch) ?? 0) + r.requests);
  assert.deepEqual(Object.fromEntries([...byBranch].sort()), Object.fromEntries(q.groups!.map((g) => [g.key, g.requests]).sort()));
});

test('a rolling window with partial hours (last 24 h, last 7 days) still sums exactly to its totals', async () => {
  for (const range of ['last_24h', 'last_7d', 'this_month'] as const) {
    const m = await model({ range });
    sumsToTotals(m.branches.rows, m.totals, range);
  }
});

test('the branch filter: each branch\'s page equals its rows; all branches together give the whole window', async () => {
  const all = await model({ range: 'last_30d' });
  assert.ok(all.totals.requests > 0);
  const perBranch = new Map<string, Metrics[]>();
  for (const r of all.branches.rows) perBranch.set(r.branch, [...(perBranch.get(r.branch) ?? []), r]);
  const pages: Metrics[] = [];
  for (const [branch, rows] of perBranch) {
    const m = await model({ range: 'last_30d', branch });
    assert.equal(m.filter.branch, branch);
    sumsToTotals(rows, m.totals, `filter ${branch}`);
    sumsToTotals(m.branches.rows, m.totals, `rows under ${branch}`);
    assert.ok(m.branches.rows.every((r) => r.branch === branch));
    // Every section reads the same filtered rows.
    assert.equal(m.daily.reduce((s, d) => s + d.requests, 0), m.totals.requests);
    assert.equal(m.models.rows.reduce((s, r) => s + r.requests, 0), m.totals.requests);
    assert.equal(m.sessions.totals.requests, m.totals.requests);
    // Budgets count all spend, whatever the filter.
    assert.deepEqual(m.spend, all.spend);
    pages.push(m.totals);
  }
  sumsToTotals(pages, all.totals, 'branch pages');
});

test('project + branch (a Branches-row click) gives exactly that row', async () => {
  const all = await model({ range: 'all' });
  const row = all.branches.rows[0];
  const m = await model({ range: 'all', project: row.project, branch: row.branch });
  for (const k of INT_KEYS) assert.equal(m.totals[k], row[k], k);
  assert.equal(m.branches.rows.length, 1);
});

test('an unknown branch matches nothing', async () => {
  const m = await model({ range: 'all', branch: 'no-such-branch' });
  assert.equal(m.dataState, 'no_rows');
  assert.equal(m.totals.requests, 0);
  assert.deepEqual(m.branches.rows, []);
});

test('the protocol validates the branch filter', () => {
  const base = { ...DEFAULT_PANEL_FILTER };
  const { branch: _omitted, ...withoutBranch } = base;
  assert.equal((parsePanelFilter(withoutBranch) as PanelFilter).branch, null, 'missing → null');
  assert.equal((parsePanelFilter({ ...base, branch: '' }) as PanelFilter).branch, null, "'' → null");
  assert.equal((parsePanelFilter({ ...base, branch: 'feature/login' }) as PanelFilter).branch, 'feature/login');
  assert.match((parsePanelFilter({ ...base, branch: 42 }) as { error: string }).error, /filter\.branch: must be a string or null/);
  assert.match((parsePanelFilter({ ...base, branch: 'x'.repeat(501) }) as { error: string }).error, /filter\.branch: at most 500/);
  const msg = parseWebviewMessage({ type: 'setFilter', requestId: 1, filter: { ...base, branch: NO_BRANCH_FILTER } });
  assert.deepEqual(msg, { type: 'setFilter', requestId: 1, filter: { ...base, branch: NO_BRANCH_FILTER } });
});
