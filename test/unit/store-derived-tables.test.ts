// The tables ingest keeps beside `requests` (store/rollups.ts, schema 7) equal their definitions after any
// mix of inserts, better copies, /btw replacements and branch fill-ins, and the 5-hour blocks read from
// activity_hour equal the blocks of the single requests for any since / until (property test, fixed seed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identifyBlocks, loadBlockEntries, loadBlocks } from '../../src/core/limits/blocks';
import type { Block } from '../../src/core/limits/blocks';
import { Ingestor, type IngestRecord } from '../../src/core/store/ingest';
import { assertDerivedTablesExact } from './helpers/derived-tables';
import { createStore, insertRequests, prng } from './helpers/store-fixture';
import type { FixtureRequest } from './helpers/store-fixture';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2, 6, 17);

/** Requests in bursts: minutes apart, with idle stretches of 1–9 h between bursts (some ≥ 5 h, some not). */
function burstyRequests(seed: number, count: number): FixtureRequest[] {
  const rnd = prng(seed);
  const out: FixtureRequest[] = [];
  let t = T0;
  for (let i = 0; i < count; i++) {
    t += rnd() < 0.08 ? Math.floor(HOUR + rnd() * 8 * HOUR) : Math.floor(rnd() * 9 * 60_000);
    out.push({
      ts: t, source: rnd() < 0.15 ? 'internal' : 'claude_code', model: ['claude-opus-4-6', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5'][Math.floor(rnd() * 3)],
      input: Math.floor(rnd() * 50), output: Math.floor(rnd() * 900), cacheCreation: Math.floor(rnd() * 4000), cacheRead: Math.floor(rnd() * 90_000),
      cost: Math.round(rnd() * 1e6) / 1e7, session: `s${Math.floor(rnd() * 12)}`, branch: rnd() < 0.3 ? null : rnd() < 0.5 ? 'main' : 'feature/x',
    });
  }
  return out;
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

function assertSameBlocks(actual: Block[], expected: Block[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: block count`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const { costUsd: ac, ...aRest } = a;
    const { costUsd: ec, ...eRest } = e;
    assert.deepEqual(aRest, eRest, `${label}: block ${i}`);
    assert.ok(close(ac, ec), `${label}: block ${i} cost ${ac} vs ${ec}`);
  }
}

test('5-hour blocks from activity_hour equal the blocks of the single requests, for any since / until and source', async () => {
  const db = await createStore();
  const requests = burstyRequests(7, 1500);
  insertRequests(db, requests);
  assertDerivedTablesExact(db);
  const rnd = prng(11);
  const first = requests[0].ts;
  const last = requests[requests.length - 1].ts;
  for (let i = 0; i < 60; i++) {
    const sinceMs = i % 10 === 0 ? undefined : Math.floor(first + rnd() * (last - first));
    const untilMs = i % 7 === 0 ? undefined : Math.floor((sinceMs ?? first) + rnd() * (last - (sinceMs ?? first)) + 1);
    for (const source of ['claude_code', 'all', undefined] as const) {
      for (const includeGaps of [false, true]) {
        const expected = identifyBlocks(loadBlockEntries(db, { untilMs, source }), { includeGaps }).filter((b) => sinceMs === undefined || b.endMs > sinceMs);
        // A gap before the first block is not reported (loadBlocks: it is not known in full).
        while (sinceMs !== undefined && expected[0]?.isGap) expected.shift();
        assertSameBlocks(loadBlocks(db, { sinceMs, untilMs, source, includeGaps }), expected, `since ${sinceMs} until ${untilMs} ${source} gaps ${includeGaps}`);
      }
    }
  }
});

function record(i: number, o: { ts: number; session: string; output: number; branch?: string; sidechain?: boolean; requestId?: string }): IngestRecord {
  return {
    event: {
      messageId: `msg_01DERIVED${String(i).padStart(10, '0')}`, requestId: o.requestId ?? `req_011CDERIVED${String(i).padStart(8, '0')}`,
      sessionId: o.session, timestampMs: o.ts, model: 'claude-opus-4-6', isSidechain: o.sidechain ?? false, agentId: null, version: '2.1.30',
      usage: { inputTokens: 3, outputTokens: o.output, cacheCreationTokens: 100, cacheCreation1hTokens: 0, cacheReadTokens: 2000, webSearchRequests: 0, speed: null, inferenceGeo: null, serviceTier: 'standard' },
      hasSpeed: false, forked: false, placeholder: false, tools: [], gitBranch: o.branch ?? null, cwd: '/home/dev/shop',
    },
    source: 'claude_code', executionMode: 'cloud', projectName: 'shop', projectPath: '/home/dev/shop', fileId: null,
  };
}

test('ingest keeps rollup_hour (by branch), activity_hour and sessions.first_ts exact through updates, replacements and branch fill-ins', async () => {
  const db = await createStore();
  const apply = (recs: IngestRecord[]) => {
    db.run('BEGIN');
    const ing = new Ingestor(db);
    ing.apply(recs);
    ing.refreshRollups();
    db.run('COMMIT');
    ing.dispose();
    assertDerivedTablesExact(db);
  };
  // Two sessions across several hours.
  apply([0, 1, 2, 3, 4, 5].map((i) => record(i, { ts: T0 + i * 50 * 60_000, session: i % 2 ? 'sess-b' : 'sess-a', output: 100 + i })));
  // A session that starts earlier than either, in a later batch.
  apply([record(10, { ts: T0 - 3 * HOUR, session: 'sess-b', output: 7 })]);
  // A better copy of a stored response (more output tokens): the row is rewritten in place.
  apply([record(2, { ts: T0 + 2 * 50 * 60_000, session: 'sess-a', output: 999 })]);
  // A copy that records the branch the stored row lacked: the figures move to that branch's rollup rows.
  apply([record(3, { ts: T0 + 3 * 50 * 60_000, session: 'sess-b', output: 103, branch: 'feature/x' })]);
  assert.equal(Number(db.exec(`SELECT count(*) FROM rollup_hour WHERE branch_id = (SELECT id FROM branches WHERE name = 'feature/x')`)[0].values[0][0]), 1);
  // /btw replay: the sidechain copy of message 0 came first under another requestId; the main copy replaces it.
  apply([record(20, { ts: T0 - 6 * HOUR, session: 'sess-c', output: 5, sidechain: true, requestId: 'req_011CBTW0000001' })]);
  const replay = record(20, { ts: T0 - 6 * HOUR + 1, session: 'sess-c', output: 5, requestId: 'req_011CBTW0000002' });
  apply([replay]);
  assert.equal(Number(db.exec(`SELECT first_ts FROM sessions WHERE session_key = 'sess-c'`)[0].values[0][0]), T0 - 6 * HOUR + 1);
});

test('whole-account totals from activity_hour and the edges equal the sums over requests, for any range and source', async () => {
  const { accountTotals } = await import('../../src/core/query/activity');
  const db = await createStore();
  insertRequests(db, burstyRequests(3, 800).map((r, i) => ({ ...r, cacheSavings: (i % 7) * 0.0001, cacheWritePremium: (i % 5) * 0.00002 })));
  const rnd = prng(5);
  const first = T0 - HOUR;
  const span = 40 * 24 * HOUR;
  for (let i = 0; i < 50; i++) {
    const from = Math.floor(first + rnd() * span);
    const to = i % 5 === 0 ? from + Math.floor(rnd() * HOUR) : Math.floor(from + rnd() * (span / 2));
    for (const source of ['all', 'claude_code', 'internal'] as const) {
      const got = accountTotals(db, from, to, source);
      const where = source === 'all' ? '' : ` AND source = ${source === 'internal' ? 1 : 0}`;
      const [n, input, output, cc, cr, cost, savings, premium] = db.exec(`SELECT count(*), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
        coalesce(sum(cache_creation_tokens), 0), coalesce(sum(cache_read_tokens), 0), coalesce(sum(cost_usd), 0), coalesce(sum(cache_savings_e10), 0),
        coalesce(sum(cache_write_premium_e10), 0) FROM requests WHERE ts >= ? AND ts < ?${where}`, [from, to])[0].values[0] as number[];
      const label = `[${from}, ${to}) ${source}`;
      assert.deepEqual(
        [got.requests, got.inputTokens, got.outputTokens, got.cacheCreationTokens, got.cacheReadTokens, got.cacheSavingsE10, got.cacheWritePremiumE10],
        [n, input, output, cc, cr, savings, premium], label);
      assert.ok(close(got.costUsd, cost), `${label}: cost ${got.costUsd} vs ${cost}`);
    }
  }
});
