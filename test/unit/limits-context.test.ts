// Context-window fill of active sessions (issue 17), end to end: real-shaped transcript lines of each writer
// era → scanner → store (compactions, session_context) → status.sessions, plus the statusline precedence.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Engine } from '../../src/core/engine';
import { parseTranscriptLine } from '../../src/core/sources/claude-code';
import { activeSessionContexts, contextWindowFor, sessionFills, type StatuslineContextReading } from '../../src/core/limits/context';
import { parseStatuslineContext } from '../../src/core/limits/readings';
import { selectAll } from '../../src/core/store/sqljs';
import { assistantLine, appendLines, fakeUuid, SESSION_A, SESSION_B, tempConfigRoot, writeLines } from './helpers/lines';

const T = (iso: string) => Date.parse(iso);
const SESSION_C = 'ecdf6b9d-af91-44d3-84fd-1da4ddfa04f4';

/** A compact_boundary row as 2.1.x writes it (parentUuid null + logicalParentUuid, compactMetadata). */
function compactBoundary(o: { sessionId: string; timestamp: string; preTokens?: number; postTokens?: number; trigger?: string; isSidechain?: boolean; agentId?: string }): string {
  const meta: Record<string, unknown> = { trigger: o.trigger ?? 'auto' };
  if (o.preTokens !== undefined) meta.preTokens = o.preTokens;
  if (o.postTokens !== undefined) meta.postTokens = o.postTokens;
  const row: Record<string, unknown> = {
    parentUuid: null, logicalParentUuid: fakeUuid(), isSidechain: o.isSidechain ?? false, userType: 'external', cwd: '/home/dev/shop',
    sessionId: o.sessionId, version: '2.1.218', gitBranch: 'main',
  };
  if (o.agentId) row.agentId = o.agentId;
  Object.assign(row, {
    type: 'system', subtype: 'compact_boundary', content: 'Conversation compacted', isMeta: false, timestamp: o.timestamp,
    uuid: fakeUuid(), level: 'info', compactMetadata: meta,
  });
  return JSON.stringify(row);
}

/** One 2.1.x response (final usage on its line) whose context is `context` tokens (3 input + 2,000 written + the rest read). */
function turn21(sessionId: string, timestamp: string, context: number, extra: Partial<Parameters<typeof assistantLine>[0]> = {}): string {
  return assistantLine({
    messageId: `msg_01${fakeUuid().slice(-20)}`, sessionId, timestamp, input: 3, cacheCreation: 2_000, cacheRead: context - 2_003,
    oneHour: 2_000, output: 400, version: '2.1.218', ...extra,
  });
}

async function withCorpus(files: Record<string, string[]>, fn: (engine: Engine, projectDir: string) => Promise<void>): Promise<void> {
  const { root, projectDir, cleanup } = tempConfigRoot();
  try {
    for (const [rel, ls] of Object.entries(files)) writeLines(path.join(projectDir, rel), ls);
    const engine = await Engine.open({ dbPath: null, configDirs: [root] });
    try {
      await engine.scan();
      await fn(engine, projectDir);
    } finally {
      await engine.close();
    }
  } finally {
    cleanup();
  }
}

describe('parsing compact_boundary rows', () => {
  test('a 2.1.x boundary becomes a compaction event with trigger and token counts', () => {
    const line = compactBoundary({ sessionId: SESSION_A, timestamp: '2026-11-22T10:00:00.000Z', preTokens: 167_012, postTokens: 14_550, trigger: 'manual' });
    const uuid = JSON.parse(line).uuid;
    assert.deepEqual(parseTranscriptLine(line), {
      kind: 'compact',
      event: { sessionId: SESSION_A, uuid, timestampMs: T('2026-11-22T10:00:00.000Z'), isSidechain: false, trigger: 'manual', preTokens: 167_012, postTokens: 14_550 },
    });
  });

  test('a boundary without metadata (older 2.x) still counts; odd figures are left out, not fatal', () => {
    const bare = JSON.stringify({ type: 'system', subtype: 'compact_boundary', content: 'Conversation compacted', sessionId: SESSION_A, timestamp: '2026-01-06T09:15:14.695Z', uuid: fakeUuid() });
    const p = parseTranscriptLine(bare);
    assert.equal(p.kind, 'compact');
    assert.deepEqual(p.kind === 'compact' && [p.event.trigger, p.event.preTokens, p.event.postTokens], [null, null, null]);
    const odd = compactBoundary({ sessionId: SESSION_A, timestamp: '2026-11-22T10:00:00.000Z', trigger: 'weird' }).replace('"compactMetadata":{"trigger":"weird"}', '"compactMetadata":{"trigger":"weird","preTokens":"lots"}');
    const q = parseTranscriptLine(odd);
    assert.deepEqual(q.kind === 'compact' && [q.event.trigger, q.event.preTokens], ['weird', null]);
  });

  test('other system rows stay skipped; a boundary without a timestamp is malformed (counted, not a crash)', () => {
    const turnDuration = JSON.stringify({ type: 'system', subtype: 'turn_duration', durationMs: 88947, sessionId: SESSION_A, timestamp: '2026-11-22T10:00:00.000Z' });
    assert.deepEqual(parseTranscriptLine(turnDuration), { kind: 'skip' });
    const noTs = JSON.stringify({ type: 'system', subtype: 'compact_boundary', sessionId: SESSION_A });
    assert.equal(parseTranscriptLine(noTs).kind, 'malformed');
  });
});

describe('context fill of active sessions', () => {
  const NOW = T('2026-11-22T12:00:00.000Z');

  test('a 2.1.x session reaching 83 % of 200k: the last main-thread response, input + cache writes + cache reads', async () => {
    await withCorpus({
      [`${SESSION_A}.jsonl`]: [
        turn21(SESSION_A, '2026-11-22T11:40:00.000Z', 120_000),
        turn21(SESSION_A, '2026-11-22T11:50:00.000Z', 166_000, { output: 9_000 }),
        JSON.stringify({ type: 'ai-title', aiTitle: 'Fix checkout rounding', sessionId: SESSION_A }),
      ],
    }, async (engine) => {
      const s = (await engine.status(NOW)).sessions;
      assert.equal(s.length, 1);
      const [a] = s;
      assert.equal(a.session_id, SESSION_A);
      assert.equal(a.title, 'Fix checkout rounding');
      assert.equal(a.project, 'shop');
      assert.equal(a.model, 'claude-sonnet-4-6');
      assert.equal(a.context_tokens, 166_000, 'output tokens are not context');
      assert.equal(a.context_window, 200_000);
      assert.equal(a.context_pct, 83);
      assert.equal(a.source, 'transcript');
      assert.equal(a.updated_at, '2026-11-22T11:50:00.000Z');
      assert.equal(a.peak_tokens, 166_000);
      assert.equal(a.compactions, 0);
    });
  });

  test('a 1M-context session at 40 %: a response above 200k means the 1M window', async () => {
    await withCorpus({
      [`${SESSION_B}.jsonl`]: [
        turn21(SESSION_B, '2026-11-22T11:00:00.000Z', 250_000, { model: 'claude-opus-4-7' }),
        turn21(SESSION_B, '2026-11-22T11:55:00.000Z', 400_000, { model: 'claude-opus-4-7' }),
      ],
    }, async (engine) => {
      const [b] = (await engine.status(NOW)).sessions;
      assert.equal(b.context_tokens, 400_000);
      assert.equal(b.context_window, 1_000_000);
      assert.equal(b.context_pct, 40);
      assert.equal(b.peak_pct, 40);
    });
    assert.equal(contextWindowFor('claude-opus-4-6[1m]', 10_000), 1_000_000, 'the [1m] suffix alone means 1M');
    assert.equal(contextWindowFor('claude-opus-4-6', 200_000), 200_000, 'exactly 200k still fits the default window');
  });

  test('a compaction resets the fill: post-compaction size, then the next response; peak and count kept', async () => {
    await withCorpus({
      [`${SESSION_A}.jsonl`]: [
        turn21(SESSION_A, '2026-11-22T11:30:00.000Z', 150_000),
        turn21(SESSION_A, '2026-11-22T11:40:00.000Z', 167_000),
        compactBoundary({ sessionId: SESSION_A, timestamp: '2026-11-22T11:41:00.000Z', preTokens: 167_000, postTokens: 14_000 }),
      ],
    }, async (engine, projectDir) => {
      let [a] = (await engine.status(NOW)).sessions;
      assert.equal(a.context_tokens, 14_000, 'the size Claude Code reported after compacting');
      assert.equal(a.context_pct, 7);
      assert.equal(a.updated_at, '2026-11-22T11:41:00.000Z');
      assert.equal(a.compactions, 1);
      assert.equal(a.last_compaction?.trigger, 'auto');
      assert.equal(a.last_compaction?.pre_tokens, 167_000);
      assert.equal(a.peak_tokens, 167_000);
      // As of a moment before the compaction the fill was still 167k.
      const before = (await engine.status(T('2026-11-22T11:40:30.000Z'))).sessions[0];
      assert.equal(before.context_tokens, 167_000);
      assert.equal(before.compactions, 0);
      // The next response after the boundary is the fill again.
      appendLines(path.join(projectDir, `${SESSION_A}.jsonl`), [turn21(SESSION_A, '2026-11-22T11:45:00.000Z', 22_000)]);
      await engine.scan();
      [a] = (await engine.status(NOW)).sessions;
      assert.equal(a.context_tokens, 22_000);
      assert.equal(a.context_pct, 11);
      assert.equal(a.compactions, 1);
      // A boundary that does not say its size: the fill is unknown until the next response.
      appendLines(path.join(projectDir, `${SESSION_A}.jsonl`), [compactBoundary({ sessionId: SESSION_A, timestamp: '2026-11-22T11:50:00.000Z', trigger: 'manual' })]);
      await engine.scan();
      await engine.scan(); // a re-scan adds nothing (the boundary is keyed by session + time)
      [a] = (await engine.status(NOW)).sessions;
      assert.equal(a.context_tokens, null);
      assert.equal(a.context_pct, null);
      assert.equal(a.compactions, 2);
      assert.equal(a.last_compaction?.trigger, 'manual');
      // The panel's stored view agrees: current unknown after the compaction, peak kept.
      const fills = await engine.withDatabase((db) => sessionFills(db, selectAll<{ id: number }>(db, 'SELECT id FROM sessions').map((r) => r.id)));
      const [fill] = [...fills.values()];
      assert.deepEqual(fill, { current_tokens: null, peak_tokens: 167_000, context_window: 200_000, current_pct: null, peak_pct: 83.5, compactions: 2 });
    });
  });

  test("a subagent's large request does not count (2.1.x subagents/ file), nor does its own compaction", async () => {
    await withCorpus({
      [`${SESSION_A}.jsonl`]: [turn21(SESSION_A, '2026-11-22T11:40:00.000Z', 60_000)],
      [`${SESSION_A}/subagents/agent-a057d00ca8257cc88.jsonl`]: [
        turn21(SESSION_A, '2026-11-22T11:45:00.000Z', 190_000, { isSidechain: true, agentId: 'a057d00ca8257cc88', model: 'claude-haiku-4-5-20251001' }),
        compactBoundary({ sessionId: SESSION_A, timestamp: '2026-11-22T11:46:00.000Z', isSidechain: true, agentId: 'a057d00ca8257cc88', preTokens: 190_000, postTokens: 9_000 }),
      ],
    }, async (engine) => {
      const [a] = (await engine.status(NOW)).sessions;
      assert.equal(a.context_tokens, 60_000);
      assert.equal(a.model, 'claude-sonnet-4-6');
      assert.equal(a.peak_tokens, 60_000);
      assert.equal(a.compactions, 0);
      assert.equal(a.context_window, 200_000, 'the subagent never pushes the session into the 1M window');
    });
  });

  test('writer eras: 1.0.x inline sidechains in the main file and placeholder usage lines', async () => {
    const old = (messageId: string, timestamp: string, cacheRead: number, o: { isSidechain?: boolean; output?: number; stopReason?: string | null } = {}) =>
      assistantLine({ era: 'old', version: '1.0.98', messageId, sessionId: SESSION_C, timestamp, input: 9, cacheCreation: 1_000, cacheRead, ...o });
    await withCorpus({
      [`${SESSION_C}.jsonl`]: [
        // Two block lines of one response: placeholder then final usage; the context is the same on both.
        old('msg_01ATvkZ1GfbRRhQewnkhf4Py', '2026-11-22T11:40:00.000Z', 90_000, { output: 7 }),
        old('msg_01ATvkZ1GfbRRhQewnkhf4Py', '2026-11-22T11:40:02.000Z', 90_000, { output: 350, stopReason: 'end_turn' }),
        // A Task subagent written inline (isSidechain true) after the main response: not the session's context.
        old('msg_01TSymwYo2xztF6Bg2rieiv9', '2026-11-22T11:42:00.000Z', 150_000, { isSidechain: true }),
      ],
    }, async (engine) => {
      const [c] = (await engine.status(NOW)).sessions;
      assert.equal(c.context_tokens, 91_009);
      assert.equal(c.context_pct, 45.5);
      assert.equal(c.updated_at, '2026-11-22T11:40:02.000Z');
    });
  });

  test('only sessions active within the window are listed, newest first', async () => {
    await withCorpus({
      [`${SESSION_A}.jsonl`]: [turn21(SESSION_A, '2026-11-22T11:40:00.000Z', 50_000)],
      [`${SESSION_B}.jsonl`]: [turn21(SESSION_B, '2026-11-22T11:50:00.000Z', 70_000)],
      [`${SESSION_C}.jsonl`]: [turn21(SESSION_C, '2026-11-22T09:00:00.000Z', 90_000)],
    }, async (engine) => {
      const ids = (await engine.status(NOW)).sessions.map((s) => s.session_id);
      assert.deepEqual(ids, [SESSION_B, SESSION_A]);
      const narrow = await engine.withDatabase((db) => activeSessionContexts(db, NOW, { activeMinutes: 15 }));
      assert.deepEqual(narrow.map((s) => s.session_id), [SESSION_B]);
    });
  });
});

describe('statusline capture', () => {
  const NOW = T('2026-11-22T12:00:00.000Z');
  const captureJson = (o: { sessionId: string; pct: number | null; size: number; model?: string; usage?: Record<string, number> | null }) =>
    JSON.stringify({
      hook_event_name: 'Status', session_id: o.sessionId, transcript_path: `/home/dev/.claude/projects/-home-dev-shop/${o.sessionId}.jsonl`,
      cwd: '/home/dev/shop', model: { id: o.model ?? 'claude-sonnet-4-6', display_name: 'Sonnet 4.6' }, workspace: { current_dir: '/home/dev/shop', project_dir: '/home/dev/shop' },
      version: '2.1.218', cost: { total_cost_usd: 1.2 },
      context_window: {
        total_input_tokens: 300_000, total_output_tokens: 20_000, context_window_size: o.size, used_percentage: o.pct,
        remaining_percentage: o.pct === null ? null : 100 - o.pct, current_usage: o.usage === undefined ? null : o.usage,
      },
      exceeds_200k_tokens: false,
    });

  test('parses context_window (no rate_limits needed); nothing before the first response', () => {
    const r = parseStatuslineContext(captureJson({ sessionId: SESSION_A, pct: 47, size: 200_000, usage: { input_tokens: 5, output_tokens: 300, cache_creation_input_tokens: 1_000, cache_read_input_tokens: 92_995 } }), NOW);
    assert.deepEqual(r, { sessionId: SESSION_A, capturedAtMs: NOW, usedPct: 47, windowSize: 200_000, tokens: 94_000, model: 'claude-sonnet-4-6', projectDir: '/home/dev/shop' });
    assert.equal(parseStatuslineContext(captureJson({ sessionId: SESSION_A, pct: null, size: 200_000 }), NOW), null);
    assert.equal(parseStatuslineContext('not json', NOW), null);
  });

  test('the capture wins while fresh for its session; stale or older than the transcript, the transcript wins', async () => {
    await withCorpus({
      [`${SESSION_A}.jsonl`]: [turn21(SESSION_A, '2026-11-22T11:50:00.000Z', 120_000)],
      [`${SESSION_B}.jsonl`]: [turn21(SESSION_B, '2026-11-22T11:55:00.000Z', 30_000)],
    }, async (engine) => {
      const reading = (sessionId: string, capturedIso: string, pct: number, size = 200_000, model?: string): StatuslineContextReading =>
        parseStatuslineContext(captureJson({ sessionId, pct, size, model }), T(capturedIso))!;
      const run = (statusline: StatuslineContextReading[]) => engine.withDatabase((db) => activeSessionContexts(db, NOW, { statusline, staleAfterMs: 15 * 60_000 }));

      // Fresh capture of A, taken just after A's last response: Claude Code's own figure wins.
      const [b, freshA] = await run([reading(SESSION_A, '2026-11-22T11:50:01.000Z', 61)]);
      let a = freshA;
      assert.equal(a.session_id, SESSION_A);
      assert.equal(a.source, 'statusline');
      assert.equal(a.context_pct, 61);
      assert.equal(a.context_tokens, 122_000);
      assert.equal(a.updated_at, '2026-11-22T11:50:01.000Z');
      assert.equal(b.source, 'transcript', 'a capture speaks only for its own session');

      // A capture older than the session's last response describes an earlier turn.
      [, a] = await run([reading(SESSION_A, '2026-11-22T11:40:00.000Z', 61)]);
      assert.equal(a.source, 'transcript');
      assert.equal(a.context_pct, 60);

      // Stale (older than 15 min at now): the transcript.
      const stale = await engine.withDatabase((db) => activeSessionContexts(db, T('2026-11-22T12:10:00.000Z'), { statusline: [reading(SESSION_A, '2026-11-22T11:50:01.000Z', 61)], staleAfterMs: 15 * 60_000 }));
      assert.equal(stale.find((s) => s.session_id === SESSION_A)?.source, 'transcript');

      // A fresh capture of a 1M session whose first response is not stored yet is listed from the capture alone.
      const fresh = await run([reading(SESSION_C, '2026-11-22T11:59:00.000Z', 12.5, 1_000_000, 'claude-opus-4-6[1m]')]);
      const c = fresh.find((s) => s.session_id === SESSION_C)!;
      assert.equal(c.source, 'statusline');
      assert.equal(c.context_window, 1_000_000);
      assert.equal(c.context_tokens, 125_000);
      assert.equal(c.project, 'shop');
      assert.equal(fresh[0].session_id, SESSION_C, 'newest first');
    });
  });
});

describe('llm_costs_query', () => {
  test('group_by session: each session group carries its context fill, peak and compactions', async () => {
    await withCorpus({
      [`${SESSION_A}.jsonl`]: [
        turn21(SESSION_A, '2026-11-22T11:30:00.000Z', 150_000),
        turn21(SESSION_A, '2026-11-22T11:40:00.000Z', 170_000),
        compactBoundary({ sessionId: SESSION_A, timestamp: '2026-11-22T11:41:00.000Z', preTokens: 170_000, postTokens: 12_000 }),
        turn21(SESSION_A, '2026-11-22T11:45:00.000Z', 20_000),
      ],
      [`${SESSION_B}.jsonl`]: [turn21(SESSION_B, '2026-11-22T11:55:00.000Z', 400_000, { model: 'claude-opus-4-7' })],
    }, async (engine) => {
      const r = await engine.query({ group_by: 'session', window: 'last_24h' }, T('2026-11-22T12:00:00.000Z'));
      const byKey = new Map(r.groups!.map((g) => [g.key, g]));
      const a = byKey.get(SESSION_A)!;
      assert.deepEqual(
        [a.context_tokens, a.context_window, a.context_pct, a.peak_context_tokens, a.peak_context_pct, a.compactions],
        [20_000, 200_000, 10, 170_000, 85, 1],
      );
      const b = byKey.get(SESSION_B)!;
      assert.deepEqual([b.context_tokens, b.context_window, b.context_pct], [400_000, 1_000_000, 40]);
      const byModel = await engine.query({ group_by: 'model', window: 'last_24h' }, T('2026-11-22T12:00:00.000Z'));
      assert.equal(byModel.groups![0].context_pct, undefined, 'only session groups carry context fields');
    });
  });
});

describe('session_context upkeep', () => {
  test('a refresh of an older span (a late file) never replaces the last response; the peak still rises; subagents never count', async () => {
    const { createStore, insertRequests } = await import('./helpers/store-fixture');
    const { refreshSessionContext } = await import('../../src/core/store/contextStore');
    const db = await createStore();
    const row = (iso: string, cacheRead: number, extra = {}) => ({ ts: T(iso), session: 's1', input: 3, output: 500, cacheCreation: 1_000, cacheRead, ...extra });
    insertRequests(db, [row('2026-11-22T10:00:00Z', 50_000), row('2026-11-22T11:00:00Z', 70_000), row('2026-11-22T11:30:00Z', 190_000, { sidechain: true })]);
    refreshSessionContext(db, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const stored = () => selectAll<{ last_ts: number; last_tokens: number; peak_tokens: number }>(db, 'SELECT last_ts, last_tokens, peak_tokens FROM session_context');
    assert.deepEqual(stored(), [{ last_ts: T('2026-11-22T11:00:00Z'), last_tokens: 71_003, peak_tokens: 71_003 }]);
    insertRequests(db, [row('2026-11-22T09:00:00Z', 120_000)]);
    refreshSessionContext(db, T('2026-11-22T09:00:00Z'), T('2026-11-22T10:00:00Z'));
    assert.deepEqual(stored(), [{ last_ts: T('2026-11-22T11:00:00Z'), last_tokens: 71_003, peak_tokens: 121_003 }]);
    insertRequests(db, [row('2026-11-22T11:45:00Z', 30_000)]);
    refreshSessionContext(db, T('2026-11-22T11:00:00Z'), T('2026-11-22T12:00:00Z'));
    assert.deepEqual(stored(), [{ last_ts: T('2026-11-22T11:45:00Z'), last_tokens: 31_003, peak_tokens: 121_003 }]);
  });
});

describe("the panel's sessions table", () => {
  test('each Claude Code session row carries its context fill: current, peak, window, compactions', async () => {
    const { DEFAULT_PANEL_FILTER } = await import('../../src/protocol');
    await withCorpus({
      [`${SESSION_A}.jsonl`]: [
        turn21(SESSION_A, '2026-11-22T11:30:00.000Z', 150_000),
        turn21(SESSION_A, '2026-11-22T11:40:00.000Z', 170_000),
        compactBoundary({ sessionId: SESSION_A, timestamp: '2026-11-22T11:41:00.000Z', preTokens: 170_000, postTokens: 12_000 }),
      ],
      [`${SESSION_B}.jsonl`]: [turn21(SESSION_B, '2026-11-22T11:55:00.000Z', 400_000, { model: 'claude-opus-4-7' })],
    }, async (engine) => {
      const m = await engine.readModel({ ...DEFAULT_PANEL_FILTER, range: 'last_7d' }, T('2026-11-22T12:00:00.000Z'));
      const byKey = new Map(m.sessions.rows.map((r) => [r.sessionKey, r.context]));
      assert.deepEqual(byKey.get(SESSION_A), { currentTokens: 12_000, currentPct: 6, peakTokens: 170_000, peakPct: 85, window: 200_000, compactions: 1 });
      assert.deepEqual(byKey.get(SESSION_B), { currentTokens: 400_000, currentPct: 40, peakTokens: 400_000, peakPct: 40, window: 1_000_000, compactions: 0 });
    });
  });
});
