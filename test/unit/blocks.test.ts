import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLOCK_MS, activeBlock, burnRate, identifyBlocks, isBlockActive, loadBlockEntries, loadBlocks, p90BlockTokens, projectBlock,
} from '../../src/core/limits/blocks';
import type { Block, BlockEntry } from '../../src/core/limits/blocks';
import { createStore, insertRequests } from './helpers/store-fixture';
import type { FixtureRequest } from './helpers/store-fixture';

const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

// Day 1 10:20 … day 2 01:45, tokens chosen so each entry's total is easy to follow.
const ROWS: FixtureRequest[] = [
  { ts: at('2026-11-20T10:20:00Z'), model: 'claude-opus-4-5', input: 100, output: 0, cost: 0.1 },
  { ts: at('2026-11-20T11:50:00Z'), model: 'claude-sonnet-4-5', input: 0, output: 100, cost: 0.1 },
  { ts: at('2026-11-20T14:59:59Z'), model: 'claude-opus-4-5', cacheCreation: 100, cost: 0.1 },
  // exactly start + 5 h: opens the next block
  { ts: at('2026-11-20T15:00:00Z'), model: 'claude-haiku-4-5', cacheRead: 1000, cost: 0.2 },
  { ts: at('2026-11-20T19:30:00Z'), model: 'claude-haiku-4-5', input: 50, output: 50, cost: 0.2 },
  // 5.5 h idle: a gap, then a block at 01:00
  { ts: at('2026-11-21T01:00:00Z'), model: 'claude-opus-4-5', input: 400, output: 200, cost: 0.6 },
  { ts: at('2026-11-21T01:45:00Z'), model: 'claude-opus-4-5', input: 200, output: 100, cost: 0.3 },
  // an internal API call (excluded with source: claude_code)
  { ts: at('2026-11-21T01:50:00Z'), source: 'internal', model: 'gpt-local', input: 7, cost: 0 },
];

function entries(rows: FixtureRequest[]): BlockEntry[] {
  return rows.map((r) => ({
    ts: r.ts, inputTokens: r.input ?? 0, outputTokens: r.output ?? 0, cacheCreationTokens: r.cacheCreation ?? 0,
    cacheReadTokens: r.cacheRead ?? 0, costUsd: r.cost ?? 0, model: r.model ?? 'm',
  }));
}

const summary = (b: Block) => [iso(b.startMs), iso(b.endMs), b.isGap, b.requests, b.totalTokens, Math.round(b.costUsd * 1e6) / 1e6, b.models];

test('blocks: floored to the UTC hour, 5 h long, a new block at start + 5 h and after a ≥ 5 h gap', async () => {
  const db = await createStore();
  insertRequests(db, ROWS);
  const blocks = loadBlocks(db, { source: 'claude_code', includeGaps: true });
  assert.deepEqual(blocks.map(summary), [
    ['2026-11-20T10:00:00.000Z', '2026-11-20T15:00:00.000Z', false, 3, 300, 0.3, ['claude-opus-4-5', 'claude-sonnet-4-5']],
    ['2026-11-20T15:00:00.000Z', '2026-11-20T20:00:00.000Z', false, 2, 1100, 0.4, ['claude-haiku-4-5']],
    ['2026-11-20T20:00:00.000Z', '2026-11-21T01:00:00.000Z', true, 0, 0, 0, []],
    ['2026-11-21T01:00:00.000Z', '2026-11-21T06:00:00.000Z', false, 2, 900, 0.9, ['claude-opus-4-5']],
  ]);
  assert.equal(iso(blocks[0].actualEndMs), '2026-11-20T14:59:59.000Z');
  assert.equal(blocks[0].inputTokens + blocks[0].outputTokens + blocks[0].cacheCreationTokens + blocks[0].cacheReadTokens, blocks[0].totalTokens);
  // without gaps, and from entries in any order: the same real blocks
  const noGaps = loadBlocks(db, { source: 'claude_code' });
  assert.deepEqual(noGaps.map(summary), blocks.filter((b) => !b.isGap).map(summary));
  assert.deepEqual(identifyBlocks(entries(ROWS.slice(0, 7)).reverse()).map(summary), noGaps.map(summary));
  // all sources: the internal call joins the 01:00 block
  assert.equal(loadBlocks(db).at(-1)!.requests, 3);
  assert.equal(loadBlockEntries(db, { source: 'internal' }).length, 1);
});

test('a partial idle hour between blocks becomes a gap; back-to-back blocks have none', () => {
  const blocks = identifyBlocks(entries([
    { ts: at('2026-11-20T10:00:00Z'), input: 1 }, { ts: at('2026-11-20T14:00:00Z'), input: 1 },
    { ts: at('2026-11-20T15:30:00Z'), input: 1 }, // block at 15:00 = previous end: no gap
    { ts: at('2026-11-20T20:10:00Z'), input: 1 }, // block at 20:00 = previous end: no gap
    { ts: at('2026-11-21T02:10:00Z'), input: 1 }, // block at 02:00, previous ended 01:00: gap 01:00–02:00
  ]), { includeGaps: true });
  assert.deepEqual(blocks.map((b) => [iso(b.startMs).slice(11, 16), b.isGap]), [['10:00', false], ['15:00', false], ['20:00', false], ['01:00', true], ['02:00', false]]);
});

test('sinceMs keeps the block boundaries of the whole history', async () => {
  const db = await createStore();
  // one request every 2 h for a day: blocks at 00, 06, 12, 18
  const rows = Array.from({ length: 12 }, (_, i) => ({ ts: at('2026-11-20T00:00:00Z') + i * 2 * 3_600_000, input: 10 }));
  insertRequests(db, [{ ts: at('2026-11-18T00:00:00Z'), input: 1 }, ...rows]);
  const all = loadBlocks(db);
  assert.deepEqual(all.map((b) => iso(b.startMs).slice(0, 13)), ['2026-11-18T00', '2026-11-20T00', '2026-11-20T06', '2026-11-20T12', '2026-11-20T18']);
  const since = at('2026-11-20T13:00:00Z');
  assert.deepEqual(loadBlocks(db, { sinceMs: since }).map(summary), all.filter((b) => b.endMs > since).map(summary));
  assert.deepEqual(loadBlocks(db, { untilMs: at('2026-11-20T05:00:00Z') }).map((b) => b.requests), [1, 3]);
});

test('active block, burn rate over the last 60 minutes, projection to the block end', async () => {
  const db = await createStore();
  insertRequests(db, ROWS);
  const blocks = loadBlocks(db, { source: 'claude_code', includeGaps: true });
  const now = at('2026-11-21T02:00:00Z');
  const active = activeBlock(blocks, now)!;
  assert.equal(iso(active.startMs), '2026-11-21T01:00:00.000Z');
  assert.equal(isBlockActive(blocks[0], now), false);
  assert.equal(activeBlock(blocks, at('2026-11-21T06:00:00Z')), null, 'the block end is exclusive');
  assert.equal(activeBlock(blocks, at('2026-11-20T22:00:00Z')), null, 'a gap is never active');

  const burn = burnRate(db, now, active, { source: 'claude_code' })!;
  assert.equal(burn.requests, 2);
  assert.equal(burn.tokensPerMinute, 900 / 60);
  assert.equal(burn.inputOutputTokensPerMinute, 900 / 60);
  assert.ok(Math.abs(burn.costPerMinute - 0.9 / 60) < 1e-12);
  assert.ok(Math.abs(burn.costPerHour - 0.9) < 1e-12);
  // the same from entries, and with the active block found automatically
  assert.deepEqual(burnRate(entries(ROWS.slice(0, 7)), now), burn);
  assert.deepEqual(burnRate(db, now, undefined, { source: 'claude_code' }), burn);
  // a young block: the rate is over its elapsed 30 minutes
  const young = burnRate(db, at('2026-11-21T01:30:00Z'), undefined, { source: 'claude_code' })!;
  assert.equal(young.tokensPerMinute, 600 / 30);
  // later in the block the 60-minute stretch has slid past both entries: rate 0
  assert.equal(burnRate(db, at('2026-11-21T03:00:00Z'), undefined, { source: 'claude_code' })!.tokensPerMinute, 0);
  assert.equal(burnRate(db, at('2026-11-21T07:00:00Z')), null);

  const p = projectBlock(active, burn, now);
  assert.equal(p.remainingMinutes, 240);
  assert.equal(p.projectedTokens, 900 + 15 * 240);
  assert.ok(Math.abs(p.projectedCostUsd - (0.9 + 0.015 * 240)) < 1e-9);
  assert.deepEqual(projectBlock(active, null, now), { remainingMinutes: 240, projectedTokens: 900, projectedCostUsd: active.costUsd });
  assert.equal(BLOCK_MS, 5 * 3_600_000);
});

function block(startIso: string, totalTokens: number, extra: Partial<Block> = {}): Block {
  const startMs = at(startIso);
  return {
    startMs, endMs: startMs + BLOCK_MS, actualEndMs: startMs, isGap: false, requests: 1, inputTokens: totalTokens, outputTokens: 0,
    cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens, costUsd: 0, models: [], ...extra,
  };
}

test('P90 of completed blocks (interpolated, gaps/active/empty ignored, optional limit-hit filter)', () => {
  const blocks = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000].map((t, i) => block(`2026-11-${String(10 + i).padStart(2, '0')}T00:00:00Z`, t));
  assert.equal(p90BlockTokens(blocks), 910);
  const withNoise = [
    ...blocks,
    block('2026-11-21T00:00:00Z', 0),
    block('2026-11-21T06:00:00Z', 99999, { isGap: true }),
    block('2026-11-22T10:00:00Z', 50000), // still running at now
  ];
  assert.equal(p90BlockTokens(withNoise, { nowMs: at('2026-11-22T12:00:00Z') }), 910);
  assert.equal(p90BlockTokens(blocks.slice(0, 2)), null, 'fewer than minBlocks');
  assert.equal(p90BlockTokens(blocks.slice(0, 2), { minBlocks: 2 }), 190);
  assert.equal(p90BlockTokens(blocks.slice(0, 2), 2), 190);
  assert.equal(p90BlockTokens(blocks, { limitHitThresholds: [500] }), 950);
  assert.equal(p90BlockTokens(blocks, { limitHitThresholds: [5000] }), 910, 'too few hits: all blocks');
  const io = blocks.map((b) => ({ ...b, outputTokens: b.inputTokens, cacheReadTokens: 1_000_000, totalTokens: b.totalTokens * 2 + 1_000_000 }));
  assert.equal(p90BlockTokens(io, { basis: 'input_output' }), 1820);
});
