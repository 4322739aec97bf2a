// Cache economics in the store: computed at ingest for every row priced from the table, kept exact in
// rollup_hour, recomputed when prices change, and filled in for a DB written before the columns existed
// (schema 1, written by release 0.1.0's code: test/fixtures/db/schema1-cache-economics.sqlite; migration 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine } from '../../src/core/engine';
import { selectAll, selectOne } from '../../src/core/store/sqljs';
import { SCHEMA_VERSION } from '../../src/core/store/migrations';
import { assistantLine, SESSION_A, tempConfigRoot, writeLines } from './helpers/lines';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'db', 'schema1-cache-economics.sqlite');

/** The three responses the fixture was written from (the same lines, by the 0.1.0 code). */
const LINES = [
  // Opus 4.8, 5m writes: reads 100,000 × 4.5 = $0.45; writes 20,000 × 1.25 = $0.025
  assistantLine({ messageId: 'msg_01A', model: 'claude-opus-4-8', timestamp: '2026-06-15T10:00:00.000Z', input: 10, output: 500, cacheCreation: 20000, cacheRead: 100000 }),
  // Opus 4.8, 1h writes: $0.45; 20,000 × 5 = $0.10
  assistantLine({ messageId: 'msg_01B', model: 'claude-opus-4-8', timestamp: '2026-06-15T10:20:00.000Z', input: 0, output: 0, cacheCreation: 20000, oneHour: 20000, cacheRead: 100000 }),
  // Sonnet 4.5 in the 1M beta, 517,195-token prompt (premium rates): 512,613 × 5.4 = $2.7681102; 4,579 × 6 = $0.027474
  assistantLine({ messageId: 'msg_01C', model: 'claude-sonnet-4-5-20250929', timestamp: '2026-01-06T09:15:24.000Z', input: 3, output: 13928, cacheCreation: 4579, oneHour: 4579, cacheRead: 512613 }),
];
const SAVINGS = 0.45 + 0.45 + 2.7681102;
const PREMIUM = 0.025 + 0.1 + 0.027474;

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const { root, projectDir, cleanup } = tempConfigRoot();
  try {
    writeLines(path.join(projectDir, `${SESSION_A}.jsonl`), LINES);
    await fn(root);
  } finally {
    cleanup();
  }
}

async function assertEconomics(engine: Engine, savings: number, premium: number): Promise<void> {
  const all = await engine.query({ window: 'all', tz: 'UTC', group_by: 'model' }, NOW);
  assert.equal(all.totals.cache_savings_usd, Math.round(savings * 1e6) / 1e6);
  assert.equal(all.totals.cache_write_premium_usd, Math.round(premium * 1e6) / 1e6);
  const byModel = Object.fromEntries(all.groups!.map((g) => [g.key, [g.cache_savings_usd, g.cache_write_premium_usd]]));
  assert.deepEqual(byModel['claude-opus-4-8'], [0.9, 0.125]);
  await engine.withDatabase((db) => {
    // Exact in integers: the rollup equals the raw rows, and the 1h split is summed too.
    const raw = selectOne(db, 'SELECT sum(cache_savings_e10) s, sum(cache_write_premium_e10) p, sum(cache_creation_1h_tokens) h FROM requests');
    const rolled = selectOne(db, 'SELECT sum(cache_savings_e10) s, sum(cache_write_premium_e10) p, sum(cache_creation_1h_tokens) h FROM rollup_hour');
    assert.deepEqual(rolled, raw);
    assert.deepEqual(raw, { s: Math.round(savings * 1e10), p: Math.round(premium * 1e10), h: 24579 });
  });
}

test('a fresh ingest stores the savings and premium of each request', async () => {
  await withRoot(async (root) => {
    const engine = await Engine.open({ dbPath: null, configDirs: [root] });
    try {
      await engine.scan();
      await assertEconomics(engine, SAVINGS, PREMIUM);
    } finally {
      await engine.close();
    }
  });
});

test('new price overrides re-price the economics with the costs', async () => {
  await withRoot(async (root) => {
    // Opus 4.8 at input 2, read 0.5, 5m write 3, 1h write 4: reads 2 × 100,000 × 1.5 µ$; writes 20,000 × 1 + 20,000 × 2 µ$
    const engine = await Engine.open({
      dbPath: null, configDirs: [root],
      priceOverrides: { 'claude-opus-4-8': { input: 2, output: 10, cacheRead: 0.5, cacheWrite5m: 3, cacheWrite1h: 4 } },
    });
    try {
      await engine.scan();
      const r = await engine.query({ window: 'all', tz: 'UTC', models: ['claude-opus-4-8'] }, NOW);
      assert.equal(r.totals.cache_savings_usd, 0.3);
      assert.equal(r.totals.cache_write_premium_usd, 0.06);
    } finally {
      await engine.close();
    }
  });
});

test('migrations 1 → 4 on a DB written by 0.1.0: columns added, figures filled, nothing lost', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-mig-'));
  const dbPath = path.join(dir, 'usage.sqlite');
  fs.copyFileSync(FIXTURE, dbPath);
  try {
    await withRoot(async () => {
      // No transcripts at all: the figures can only come from the stored rows (history no transcript has).
      const emptyRoot = fs.mkdtempSync(path.join(dir, 'none-'));
      const engine = await Engine.open({ dbPath, configDirs: [emptyRoot], persistDebounceMs: 0 });
      try {
        await engine.withDatabase((db) => {
          assert.equal(selectOne<{ user_version: number }>(db, 'PRAGMA user_version')!.user_version, SCHEMA_VERSION);
          assert.equal(selectAll(db, 'SELECT id FROM requests').length, 3);
        });
        const before = await engine.query({ window: 'all', tz: 'UTC' }, NOW);
        assert.equal(before.totals.requests, 3);
        await assertEconomics(engine, SAVINGS, PREMIUM);
        await engine.scan();
        await engine.close();
        // Re-opened: already at 4, nothing to migrate, figures kept.
        const again = await Engine.open({ dbPath, configDirs: [emptyRoot] });
        try {
          await assertEconomics(again, SAVINGS, PREMIUM);
          assert.equal((await again.query({ window: 'all', tz: 'UTC' }, NOW)).totals.cost_usd, before.totals.cost_usd);
        } finally {
          await again.close();
        }
      } catch (e) {
        await engine.close().catch(() => undefined);
        throw e;
      }
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
