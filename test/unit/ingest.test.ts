// The store's dedup rules (transcripts-and-pricing.md §0 rules 2–5) and incremental scanning, end to end
// through the real scanner, parser, pricing and sql.js store.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { keyHash } from '../../src/core/store/identity';
import { Engine } from '../../src/core/engine';
import { selectAll, selectOne } from '../../src/core/store/sqljs';
import { assistantLine, appendLines, SESSION_A, SESSION_B, tempConfigRoot, userLine, writeLines } from './helpers/lines';

interface Totals { n: number; input: number; output: number; cc: number; cr: number; cost: number }

async function totals(engine: Engine): Promise<Totals> {
  return engine.withDatabase((db) => {
    const t = selectOne<Totals>(db, `SELECT count(*) AS n, coalesce(sum(input_tokens),0) AS input, coalesce(sum(output_tokens),0) AS output,
      coalesce(sum(cache_creation_tokens),0) AS cc, coalesce(sum(cache_read_tokens),0) AS cr, coalesce(sum(cost_usd),0) AS cost FROM requests`)!;
    const r = selectOne<Totals>(db, `SELECT coalesce(sum(requests),0) AS n, coalesce(sum(input_tokens),0) AS input, coalesce(sum(output_tokens),0) AS output,
      coalesce(sum(cache_creation_tokens),0) AS cc, coalesce(sum(cache_read_tokens),0) AS cr, coalesce(sum(cost_usd),0) AS cost FROM rollup_hour`)!;
    // The rollup always equals the raw rows.
    assert.deepEqual({ ...r, cost: Math.round(r.cost * 1e9) }, { ...t, cost: Math.round(t.cost * 1e9) });
    return t;
  });
}

async function withEngine(lines: Record<string, string[]>, fn: (engine: Engine, root: string, projectDir: string) => Promise<void>): Promise<void> {
  const { root, projectDir, cleanup } = tempConfigRoot();
  try {
    for (const [rel, ls] of Object.entries(lines)) writeLines(path.join(projectDir, rel), ls);
    const engine = await Engine.open({ dbPath: null, configDirs: [root] });
    try {
      await fn(engine, root, projectDir);
    } finally {
      await engine.close();
    }
  } finally {
    cleanup();
  }
}

describe('dedup (§0 rule 3)', () => {
  test('one response written as N block lines counts once', async () => {
    const a = { messageId: 'msg_01ATvkZ1GfbRRhQewnkhf4Py', input: 9, cacheCreation: 15174, output: 7 };
    await withEngine({ [`${SESSION_A}.jsonl`]: [userLine(), assistantLine({ ...a, block: { type: 'thinking' } }), assistantLine({ ...a, block: { type: 'text' } })] }, async (engine) => {
      const s = await engine.scan();
      assert.equal(s.newRequests, 1);
      assert.deepEqual(await totals(engine), { ...(await totals(engine)), n: 1, input: 9, output: 7, cc: 15174, cr: 0 });
    });
  });

  test('pre-2.1.97 placeholder copies: the largest copy wins, whatever the order', async () => {
    for (const order of [[1, 400], [400, 1]]) {
      const lines = order.map((out) => assistantLine({ era: 'old', messageId: 'msg_B2', output: out, cacheCreation: 3000, stopReason: out === 1 ? null : 'end_turn' }));
      await withEngine({ [`${SESSION_A}.jsonl`]: lines }, async (engine) => {
        await engine.scan();
        const t = await totals(engine);
        assert.equal(t.n, 1);
        assert.equal(t.output, 400);
      });
    }
  });

  test('exact tie: the copy with usage.speed wins', async () => {
    const base = { messageId: 'msg_tie', output: 50 };
    await withEngine({ [`${SESSION_A}.jsonl`]: [assistantLine({ ...base, speed: null }), assistantLine({ ...base, speed: 'fast', model: 'claude-opus-4-6' })] }, async (engine) => {
      await engine.scan();
      const row = await engine.withDatabase((db) => selectOne<{ speed: string }>(db, 'SELECT a.speed FROM requests r JOIN request_attrs a ON a.id = r.attrs_id'));
      assert.equal(row?.speed, 'fast');
    });
  });

  test('dedup is global across files: fork copies in a new session are not counted again', async () => {
    const orig = assistantLine({ messageId: 'msg_fork1', sessionId: SESSION_A, output: 70, uuid: '11111111-1111-4111-8111-111111111111' });
    const copy = assistantLine({ messageId: 'msg_fork1', sessionId: SESSION_B, output: 70, uuid: '11111111-1111-4111-8111-111111111111', forkedFrom: { sessionId: SESSION_A, messageUuid: '11111111-1111-4111-8111-111111111111' } });
    // The fork file sorts first: the copy is seen before the original, yet the request stays with its session.
    await withEngine({ [`${SESSION_B}.jsonl`]: [copy], [`${SESSION_A}.jsonl`]: [orig] }, async (engine) => {
      await engine.scan();
      assert.equal((await totals(engine)).n, 1);
      const s = await engine.withDatabase((db) => selectOne<{ k: string }>(db, 'SELECT s.session_key AS k FROM requests r JOIN sessions s ON s.id = r.session_id'));
      assert.equal(s?.k, SESSION_A);
    });
  });

  test('/btw replay (same message.id, new requestId, sidechain) is dropped, in either order', async () => {
    const main = assistantLine({ messageId: 'msg_btw', requestId: 'req_main', output: 10, cacheRead: 5000 });
    const replay = assistantLine({ messageId: 'msg_btw', requestId: 'req_btw', output: 10, cacheRead: 5000, isSidechain: true, agentId: 'a057d00ca8257cc88' });
    const layouts: Array<Record<string, string[]>> = [
      { [`${SESSION_A}.jsonl`]: [main], [`${SESSION_A}/subagents/agent-a057d00ca8257cc88.jsonl`]: [replay] },
      { [`${SESSION_A}.jsonl`]: [replay, main] },
    ];
    for (const files of layouts) {
      await withEngine(files, async (engine) => {
        await engine.scan();
        const rows = await engine.withDatabase((db) => selectAll<{ key_hash: number; sidechain: number }>(db, 'SELECT i.key_hash, r.sidechain FROM requests r JOIN request_identity i ON i.request_id = r.id'));
        assert.deepEqual(rows, [{ key_hash: keyHash({ requestId: 'req_main', sessionId: SESSION_A }), sidechain: 0 }]);
      });
    }
  });

  test('subagent calls are separate requests of the parent session', async () => {
    const main = assistantLine({ messageId: 'msg_main1', output: 10 });
    const sub = assistantLine({ messageId: 'msg_sub1', output: 20, isSidechain: true, agentId: 'a057d00ca8257cc88', model: 'claude-haiku-4-5-20251001' });
    await withEngine({ [`${SESSION_A}.jsonl`]: [main], [`${SESSION_A}/subagents/agent-a057d00ca8257cc88.jsonl`]: [sub] }, async (engine) => {
      await engine.scan();
      const rows = await engine.withDatabase((db) => selectAll<{ k: string; sidechain: number }>(db, 'SELECT s.session_key AS k, r.sidechain FROM requests r JOIN sessions s ON s.id = r.session_id ORDER BY r.sidechain'));
      assert.deepEqual(rows, [{ k: SESSION_A, sidechain: 0 }, { k: SESSION_A, sidechain: 1 }]);
    });
  });

  test('requestId missing: falls back to message.id + sessionId', async () => {
    const l = (sid: string) => assistantLine({ messageId: 'msg_noreq', requestId: null, sessionId: sid, output: 33 });
    await withEngine({ [`${SESSION_A}.jsonl`]: [l(SESSION_A), l(SESSION_A)], [`${SESSION_B}.jsonl`]: [l(SESSION_B)] }, async (engine) => {
      await engine.scan();
      assert.equal((await totals(engine)).n, 2);
    });
  });

  test('tool names of all block lines of one response are merged', async () => {
    const m = { messageId: 'msg_tools', output: 80 };
    await withEngine({ [`${SESSION_A}.jsonl`]: [assistantLine({ ...m, block: { type: 'text' } }), assistantLine({ ...m, block: { type: 'tool_use', name: 'Read' } }), assistantLine({ ...m, block: { type: 'tool_use', name: 'Edit' } })] }, async (engine) => {
      await engine.scan();
      const r = await engine.withDatabase((db) => selectOne<{ name: string }>(db, 'SELECT t.name FROM requests r JOIN toolsets t ON t.id = r.toolset_id'));
      assert.equal(r?.name, 'Edit, Read');
    });
  });

  test('synthetic rows are never billed; their rate-limit event is recorded', async () => {
    const synthetic = JSON.stringify({
      parentUuid: null, isSidechain: false, type: 'assistant', uuid: 'aaaaaaaa-1111-4111-8111-111111111111', timestamp: '2026-09-23T09:12:00.000Z',
      message: { id: 'b6f0e1a4-0000-4000-8000-000000000000', container: null, model: '<synthetic>', role: 'assistant', stop_reason: 'stop_sequence', stop_sequence: '', type: 'message',
        usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, service_tier: null, inference_geo: null, iterations: null, speed: null },
        content: [{ type: 'text', text: "You've hit your session limit · resets 2pm (Europe/Helsinki)" }] },
      quotaLimits: { status: 'rejected', resetsAt: 1790161200, rateLimitType: 'five_hour' }, error: 'rate_limit', isApiErrorMessage: true, apiErrorStatus: 429,
      userType: 'external', cwd: '/home/dev/shop', sessionId: SESSION_A, version: '2.1.200', gitBranch: 'main',
    });
    await withEngine({ [`${SESSION_A}.jsonl`]: [assistantLine({ messageId: 'msg_real' }), synthetic] }, async (engine) => {
      const s = await engine.scan();
      assert.equal((await totals(engine)).n, 1);
      assert.equal(s.newLimitEvents, 1);
      const ev = await engine.withDatabase((db) => selectOne<{ limit_type: string; resets_at: number }>(db, 'SELECT limit_type, resets_at FROM limit_events'));
      assert.deepEqual(ev, { limit_type: 'five_hour', resets_at: 1790161200 * 1000 });
    });
  });

  test('progress rows with nested usage and cost-state rows are not counted', async () => {
    const progress = JSON.stringify({
      parentUuid: null, isSidechain: false, type: 'progress', uuid: 'bbbbbbbb-1111-4111-8111-111111111111', timestamp: '2026-03-01T10:00:00.000Z', sessionId: SESSION_A, cwd: '/home/dev/shop',
      data: { type: 'agent_progress', message: { type: 'assistant', message: { id: 'msg_nested', model: 'claude-opus-4-6', usage: { input_tokens: 100, output_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } }, requestId: 'req_nested' } },
    });
    const costState = JSON.stringify({ type: 'cost-state', sessionId: SESSION_A, totalCostUSD: 1.5, modelUsage: { 'claude-opus-4-6': { inputTokens: 100, outputTokens: 100, costUSD: 1.5 } } });
    await withEngine({ [`${SESSION_A}.jsonl`]: [progress, costState, assistantLine({ messageId: 'msg_only' })] }, async (engine) => {
      await engine.scan();
      assert.equal((await totals(engine)).n, 1);
    });
  });

  test('malformed lines are counted and skipped; valid lines around them count', async () => {
    await withEngine({ [`${SESSION_A}.jsonl`]: [assistantLine({ messageId: 'msg_v1' }), '{"type":"assistant","message":{"usage":', assistantLine({ messageId: 'msg_v2' })] }, async (engine) => {
      const s = await engine.scan();
      assert.equal(s.badLines, 1);
      assert.equal((await totals(engine)).n, 2);
    });
  });
});

describe('session titles', () => {
  test('custom-title beats ai-title beats summary, across scans', async () => {
    const ai = JSON.stringify({ type: 'ai-title', aiTitle: 'Fix the cart', sessionId: SESSION_A });
    const custom = JSON.stringify({ type: 'custom-title', customTitle: 'My cart work', sessionId: SESSION_A });
    const ai2 = JSON.stringify({ type: 'ai-title', aiTitle: 'Later AI title', sessionId: SESSION_A });
    await withEngine({ [`${SESSION_A}.jsonl`]: [ai, assistantLine({ messageId: 'msg_title1' }), custom] }, async (engine, _root, dir) => {
      await engine.scan();
      const title = () => engine.withDatabase((db) => selectOne<{ title: string }>(db, 'SELECT title FROM sessions WHERE session_key = ?', [SESSION_A])?.title);
      assert.equal(await title(), 'My cart work');
      appendLines(path.join(dir, `${SESSION_A}.jsonl`), [ai2]);
      await engine.scan();
      assert.equal(await title(), 'My cart work');
    });
  });
});

describe('incremental scanning', () => {
  test('a second scan of an unchanged tree reads 0 bytes', async () => {
    await withEngine({ [`${SESSION_A}.jsonl`]: [assistantLine({ messageId: 'msg_i1' })] }, async (engine) => {
      await engine.scan();
      const s = await engine.scan();
      assert.equal(s.bytesRead, 0);
      assert.equal(s.filesRead, 0);
    });
  });

  test('an append is read from the stored offset only', async () => {
    await withEngine({ [`${SESSION_A}.jsonl`]: [assistantLine({ messageId: 'msg_i1' })] }, async (engine, _root, dir) => {
      await engine.scan();
      const extra = assistantLine({ messageId: 'msg_i2', output: 5 });
      appendLines(path.join(dir, `${SESSION_A}.jsonl`), [extra]);
      const s = await engine.scan();
      assert.equal(s.bytesRead, Buffer.byteLength(extra) + 1);
      assert.equal(s.newRequests, 1);
      assert.equal((await totals(engine)).n, 2);
    });
  });

  test('a partial last line is counted once, after it completes', async () => {
    await withEngine({ [`${SESSION_A}.jsonl`]: [assistantLine({ messageId: 'msg_p0' })] }, async (engine, _root, dir) => {
      const file = path.join(dir, `${SESSION_A}.jsonl`);
      const line = assistantLine({ messageId: 'msg_p1', output: 77 });
      fs.appendFileSync(file, line.slice(0, 100));
      await engine.scan();
      assert.equal((await totals(engine)).n, 1);
      fs.appendFileSync(file, `${line.slice(100)}\n`);
      await engine.scan();
      assert.equal((await totals(engine)).n, 2);
      await engine.scan();
      assert.equal((await totals(engine)).output, 100 + 77);
    });
  });

  test('a truncated or replaced file is re-read from 0 without doubles', async () => {
    await withEngine({ [`${SESSION_A}.jsonl`]: [assistantLine({ messageId: 'msg_t1' }), assistantLine({ messageId: 'msg_t2' })] }, async (engine, _root, dir) => {
      const file = path.join(dir, `${SESSION_A}.jsonl`);
      await engine.scan();
      writeLines(file, [assistantLine({ messageId: 'msg_t1' })]); // shrank
      await engine.scan();
      assert.equal((await totals(engine)).n, 2);
      const tmp = `${file}.new`;
      writeLines(tmp, [assistantLine({ messageId: 'msg_t1' }), assistantLine({ messageId: 'msg_t2' }), assistantLine({ messageId: 'msg_t3' })]);
      fs.renameSync(tmp, file); // new inode
      const s = await engine.scan();
      assert.equal(s.newRequests, 1);
      assert.equal((await totals(engine)).n, 3);
    });
  });

  test('a deleted transcript keeps its history', async () => {
    await withEngine({ [`${SESSION_A}.jsonl`]: [assistantLine({ messageId: 'msg_d1' })], [`${SESSION_B}.jsonl`]: [assistantLine({ messageId: 'msg_d2', sessionId: SESSION_B })] }, async (engine, _root, dir) => {
      await engine.scan();
      const before = await totals(engine);
      fs.rmSync(path.join(dir, `${SESSION_A}.jsonl`));
      await engine.scan();
      assert.deepEqual(await totals(engine), before);
    });
  });
});

describe('persistence', () => {
  test('persist + reopen keeps every figure; an unchanged tree then reads 0 bytes', async () => {
    const { root, projectDir, cleanup } = tempConfigRoot();
    const dbPath = path.join(root, 'db', 'usage.sqlite');
    try {
      writeLines(path.join(projectDir, `${SESSION_A}.jsonl`), [assistantLine({ messageId: 'msg_s1', output: 11 }), assistantLine({ messageId: 'msg_s2', output: 22 })]);
      let engine = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 0 });
      await engine.scan();
      const before = await totals(engine);
      await engine.close();
      engine = await Engine.open({ dbPath, configDirs: [root] });
      assert.deepEqual(await totals(engine), before);
      assert.equal((await engine.scan()).bytesRead, 0);
      await engine.close();
    } finally {
      cleanup();
    }
  });

  test('a corrupt DB file is moved aside and rebuilt from transcripts', async () => {
    const { root, projectDir, cleanup } = tempConfigRoot();
    const dbPath = path.join(root, 'usage.sqlite');
    try {
      writeLines(path.join(projectDir, `${SESSION_A}.jsonl`), [assistantLine({ messageId: 'msg_c1' })]);
      fs.writeFileSync(dbPath, Buffer.from('this is not a database at all, just bytes'.repeat(100)));
      const engine = await Engine.open({ dbPath, configDirs: [root] });
      assert.ok(engine.movedAside, 'moved aside');
      assert.ok(fs.existsSync(engine.movedAside!.path));
      await engine.scan();
      assert.equal((await totals(engine)).n, 1);
      await engine.close();
    } finally {
      cleanup();
    }
  });

  test('two engines on one DB: one writer; the follower reloads and stays current', async () => {
    const { root, projectDir, cleanup } = tempConfigRoot();
    const dbPath = path.join(root, 'usage.sqlite');
    try {
      const file = path.join(projectDir, `${SESSION_A}.jsonl`);
      writeLines(file, [assistantLine({ messageId: 'msg_w1' })]);
      const a = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 0 });
      const b = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 0 });
      await a.scan();
      await b.scan();
      assert.equal(a.isWriter, true);
      assert.equal(b.isWriter, false);
      appendLines(file, [assistantLine({ messageId: 'msg_w2' })]);
      await b.scan();
      assert.equal((await totals(b)).n, 2, 'follower sees the append');
      await a.scan();
      await a.persist();
      await b.scan();
      assert.equal((await totals(b)).n, 2);
      await a.close();
      // The writer is gone: the follower takes over the lock and writes.
      await b.scan();
      assert.equal(b.isWriter, true);
      await b.close();
    } finally {
      cleanup();
    }
  });
});

describe('targeted scans (a file watcher names the changed files)', () => {
  test('reads only the named file; files outside the roots and other files are left alone', async () => {
    await withEngine({ [`${SESSION_A}.jsonl`]: [assistantLine({ messageId: 'msg_tg1' })], [`${SESSION_B}.jsonl`]: [assistantLine({ messageId: 'msg_tg2', sessionId: SESSION_B })] }, async (engine, _root, dir) => {
      await engine.scan();
      const a = path.join(dir, `${SESSION_A}.jsonl`);
      const b = path.join(dir, `${SESSION_B}.jsonl`);
      const extraA = assistantLine({ messageId: 'msg_tg3' });
      appendLines(a, [extraA]);
      appendLines(b, [assistantLine({ messageId: 'msg_tg4', sessionId: SESSION_B })]);
      const s = await engine.scan({ paths: [a, '/elsewhere/x.jsonl', path.join(dir, 'notes.txt')] });
      assert.equal(s.files, 1);
      assert.equal(s.bytesRead, Buffer.byteLength(extraA) + 1);
      assert.equal((await totals(engine)).n, 3);
      // The next full scan picks up the other file; nothing is counted twice.
      await engine.scan();
      assert.equal((await totals(engine)).n, 4);
    });
  });
});
