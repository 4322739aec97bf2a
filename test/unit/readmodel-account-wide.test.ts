// The panel's figures that read whole-account totals (query/activity.ts) when the filter selects every row of
// a source: the cards' previous window equals the sum under the compiled filter, for each source (the cost view over API
// logs leaves out local calls, so it is summed under its filter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter, loadDictionaries } from '../../src/core/query/readmodel/compileFilter';
import { DEFAULT_PANEL_FILTER } from '../../src/core/query/readmodel/filterState';
import { previousTotals } from '../../src/core/query/readmodel/kpis';
import { createStore, insertRequests, prng } from './helpers/store-fixture';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 9, 1, 3, 25);

test('the previous window from whole-account totals equals the sum under the compiled filter (every source, ragged edges)', async () => {
  const db = await createStore();
  const rnd = prng(17);
  insertRequests(db, Array.from({ length: 600 }, (_, i) => ({
    ts: T0 + Math.floor(rnd() * 40 * 24 * HOUR), source: i % 4 === 0 ? 'internal' as const : 'claude_code' as const,
    executionMode: i % 8 === 0 ? 'local' as const : 'cloud' as const, input: 10 + i, output: 100, cacheRead: 1000, cost: rnd(),
  })));
  const dict = loadDictionaries(db);
  let compared = 0;
  for (const source of ['all', 'claude_code', 'internal'] as const) {
    const filter = { ...DEFAULT_PANEL_FILTER, tz: 'UTC', source, view: 'usage' as const };
    const compiled = compileFilter(filter, dict, { scoped: true, internalAvailable: true });
    for (let i = 0; i < 10; i++) {
      const startMs = T0 + Math.floor(rnd() * 20 * 24 * HOUR);
      const range = { startMs, endMs: startMs + Math.floor(rnd() * 15 * 24 * HOUR) + 1, label: '', currentLabel: '' };
      const wide = previousTotals(db, compiled, range, false, source)!;
      const sql = previousTotals(db, compiled, range, false, null)!;
      assert.deepEqual([wide.requests, wide.total_tokens], [sql.requests, sql.total_tokens], `${source} ${JSON.stringify(range)}`);
      assert.ok(Math.abs(wide.cost_usd - sql.cost_usd) < 1e-9, `${source}: cost ${wide.cost_usd} vs ${sql.cost_usd}`);
      compared++;
    }
  }
  assert.equal(compared, 30);
});
