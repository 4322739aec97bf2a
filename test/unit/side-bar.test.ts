// The side bar's figures (src/core/query/sideBar.ts) and its rows (src/host/sideBarView.ts): every figure
// equals what llm_costs_query answers on the same store, for a workspace folder and the latest sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Engine } from '../../src/core/engine';
import { sideBarRows } from '../../src/host/sideBarView';
import { assistantLine, tempConfigRoot, writeLines } from './helpers/lines';

const NOW = Date.parse('2026-06-06T03:00:00Z');
const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';
const S3 = '33333333-3333-4333-8333-333333333333';

/** Localizer stand-in: fills {n} like vscode.l10n.t does for English. */
const t = (message: string, ...args: Array<string | number>) => message.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)]));

async function withEngine(fn: (engine: Engine) => Promise<void>): Promise<void> {
  const { root, cleanup } = tempConfigRoot();
  try {
    const shop = path.join(root, 'projects', '-home-dev-shop');
    const api = path.join(root, 'projects', '-home-dev-api');
    writeLines(path.join(shop, `${S1}.jsonl`), [
      assistantLine({ messageId: 'msg_01A000000000000000000001', sessionId: S1, timestamp: '2026-05-20T10:00:00.000Z', input: 1000, output: 500 }),
      assistantLine({ messageId: 'msg_01A000000000000000000002', sessionId: S1, timestamp: '2026-06-06T01:10:00.000Z', input: 2000, output: 700, cacheRead: 5000 }),
    ]);
    writeLines(path.join(shop, `${S2}.jsonl`), [
      assistantLine({ messageId: 'msg_01A000000000000000000003', sessionId: S2, timestamp: '2026-06-06T02:30:00.000Z', input: 300, output: 90, gitBranch: 'feature/login' }),
    ]);
    writeLines(path.join(api, `${S3}.jsonl`), [
      assistantLine({ messageId: 'msg_01A000000000000000000004', sessionId: S3, cwd: '/home/dev/api', timestamp: '2026-06-06T02:00:00.000Z', input: 4000, output: 1000, model: 'claude-opus-4-6' }),
    ]);
    const engine = await Engine.open({ dbPath: null, configDirs: [root], env: {}, homeDir: root });
    try {
      await engine.scan();
      await fn(engine);
    } finally {
      await engine.close();
    }
  } finally {
    cleanup();
  }
}

test('side bar: today, this month, the workspace project and the latest sessions equal the query answers', async () => {
  await withEngine(async (engine) => {
    const s = await engine.sideBar({ workspaceFolders: ['/home/dev/shop'], gitBranch: null, tz: 'UTC' }, NOW);
    const today = await engine.query({ window: 'today', tz: 'UTC' }, NOW);
    const month = await engine.query({ window: 'this_month', tz: 'UTC' }, NOW);
    assert.deepEqual(s.today, { requests: today.totals.requests, totalTokens: today.totals.total_tokens, costUsd: today.totals.cost_usd });
    assert.deepEqual(s.thisMonth, { requests: month.totals.requests, totalTokens: month.totals.total_tokens, costUsd: month.totals.cost_usd });
    assert.equal(s.today.requests, 3);

    const shopAll = (await engine.query({ window: 'all', group_by: 'project', tz: 'UTC' }, NOW)).groups!.find((g) => g.key === 'shop')!;
    const shopMonth = (await engine.query({ window: 'this_month', group_by: 'project', tz: 'UTC' }, NOW)).groups!.find((g) => g.key === 'shop')!;
    assert.equal(s.workspace?.name, 'shop');
    assert.deepEqual(s.workspace?.allTime, { requests: shopAll.requests, totalTokens: shopAll.total_tokens, costUsd: shopAll.cost_usd });
    assert.deepEqual(s.workspace?.thisMonth, { requests: shopMonth.requests, totalTokens: shopMonth.total_tokens, costUsd: shopMonth.cost_usd });
    assert.equal(s.workspace?.allTime.requests, 3, 'the May request counts all time, not this month');
    assert.equal(s.workspace?.thisMonth.requests, 2);

    // Newest first, each with its whole-life cost.
    assert.deepEqual(s.sessions.map((x) => x.sessionKey), [S2, S3, S1]);
    assert.equal(s.sessions[0]!.lastActivityMs, Date.parse('2026-06-06T02:30:00.000Z'));
    const bySession = (await engine.query({ window: 'all', group_by: 'session', tz: 'UTC' }, NOW)).groups!;
    for (const x of s.sessions) assert.equal(x.figures.costUsd, bySession.find((g) => g.key === x.sessionKey)!.cost_usd);
    assert.equal(s.sessions[2]!.figures.requests, 2);

    const rows = sideBarRows(s, t);
    assert.deepEqual(rows.map((r) => r.id), ['window', 'today', 'month', 'workspace', 'sessions']);
    assert.equal(rows.find((r) => r.id === 'workspace')!.label, 'Workspace: shop');
    assert.equal(rows.find((r) => r.id === 'sessions')!.children!.length, 3);
    assert.match(rows.find((r) => r.id === 'sessions')!.children![0]!.description!, / · 30m ago$/);
  });
});

test('side bar: a folder without Claude Code usage has no workspace figures', async () => {
  await withEngine(async (engine) => {
    const s = await engine.sideBar({ workspaceFolders: ['/home/dev/elsewhere'], gitBranch: null, tz: 'UTC' }, NOW);
    assert.equal(s.workspace, null);
    assert.equal(s.branch, null);
    const rows = sideBarRows(s, t);
    assert.equal(rows.find((r) => r.id === 'workspace')!.description, 'no Claude Code usage for this folder');
  });
});
