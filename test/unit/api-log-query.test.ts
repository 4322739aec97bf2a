// llm_costs_query over API-log rows: group_by provider / feature, and success rate, average latency and
// tokens per second where the source has them (never for Claude Code rows alone).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine } from '../../src/core/engine';
import { runQuery } from '../../src/core/query/run';
import type { GroupRow, QueryResult } from '../../src/core/query/types';
import { assistantLine, tempConfigRoot, writeLines, SESSION_A } from './helpers/lines';

const NOW = Date.parse('2026-11-21T00:00:00Z');

const CALLS = [
  { ts: '2026-11-20T10:00:00Z', request_id: 'a1', provider: 'anthropic', model: 'claude-haiku-4-5', feature: 'triage', input_tokens: 10, output_tokens: 100, success: true, duration_ms: 1000 },
  { ts: '2026-11-20T10:10:00Z', request_id: 'a2', provider: 'anthropic', model: 'claude-haiku-4-5', feature: 'triage', input_tokens: 10, output_tokens: 300, success: false, error_message: 'overloaded', duration_seconds: 3 },
  { ts: '2026-11-20T11:00:00Z', request_id: 'o1', provider: 'openai', model: 'gpt-4o', purpose: 'summaries', prompt_tokens: 50, completion_tokens: 5, success: true, cost_usd: 0.01 },
  { ts: '2026-11-20T12:30:00Z', request_id: 'l1', provider: 'ollama', model: 'llama3.1:8b', task_id: 'summaries', input_tokens: 20, output_tokens: 500, success: true, duration_ms: 2000 },
];

async function withStore(fn: (engine: Engine) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-log-q-'));
  const { root, projectDir, cleanup } = tempConfigRoot();
  try {
    const file = path.join(dir, 'calls.jsonl');
    fs.writeFileSync(file, CALLS.map((c) => JSON.stringify(c)).join('\n') + '\n');
    writeLines(path.join(projectDir, `${SESSION_A}.jsonl`), [
      assistantLine({ messageId: 'msg_01CC', timestamp: '2026-11-20T10:30:00.000Z', input: 5, output: 40, model: 'claude-sonnet-4-5' }),
    ]);
    const engine = await Engine.open({ dbPath: null, configDirs: [root], apiLogPaths: [file] });
    try {
      await engine.scan();
      await fn(engine);
    } finally {
      await engine.close();
    }
  } finally {
    cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const byKey = (r: QueryResult) => new Map((r.groups ?? []).map((g): [string, GroupRow] => [g.key, g]));

describe('llm_costs_query on API logs', () => {
  test('group_by provider: Claude Code rows count under anthropic; stats where calls logged them', async () => {
    await withStore(async (engine) => {
      const r = await engine.query({ window: 'all', group_by: 'provider' }, NOW);
      const g = byKey(r);
      assert.deepEqual([...g.keys()].sort(), ['anthropic', 'ollama', 'openai']);
      const anthropic = g.get('anthropic')!;
      assert.equal(anthropic.requests, 3, 'two logged calls + one Claude Code response');
      assert.equal(anthropic.success_rate, 0.5);
      assert.equal(anthropic.avg_duration_ms, 2000);
      assert.equal(anthropic.tokens_per_second, 100, '400 output tokens over 4 s');
      const openai = g.get('openai')!;
      assert.equal(openai.success_rate, 1);
      assert.equal('avg_duration_ms' in openai, false, 'no call logged a duration');
      assert.equal('tokens_per_second' in openai, false);
      assert.equal(g.get('ollama')!.tokens_per_second, 250);
      // Totals: 3 of 4 calls with an outcome succeeded; 3 timed calls averaging 2 s; 900 tokens / 6 s.
      const t = r.totals;
      assert.equal(r.totals.requests, 5);
      assert.equal(t.success_rate, 0.75);
      assert.equal(t.avg_duration_ms, 2000);
      assert.equal(t.tokens_per_second, 150);
    });
  });

  test('group_by feature: purpose | feature | task_id; Claude Code rows are (none)', async () => {
    await withStore(async (engine) => {
      const r = await engine.query({ window: 'all', group_by: 'feature' }, NOW);
      const g = byKey(r);
      assert.deepEqual([...g.keys()].sort(), ['(none)', 'summaries', 'triage']);
      assert.equal(g.get('summaries')!.requests, 2);
      assert.equal(g.get('triage')!.requests, 2);
      assert.equal(g.get('(none)')!.requests, 1);
      assert.equal('success_rate' in g.get('(none)')!, false, 'Claude Code rows have no outcome');
      const sum = (r.groups ?? []).reduce((a, x) => a + x.requests, 0);
      assert.equal(sum, r.totals.requests, 'groups sum to the totals');
    });
  });

  test('filters: source=claude_code has no call stats; execution_mode local keeps only the ollama call', async () => {
    await withStore(async (engine) => {
      const cc = await engine.query({ window: 'all', source: 'claude_code' }, NOW);
      assert.equal(cc.totals.requests, 1);
      assert.equal('success_rate' in cc.totals, false);
      const local = await engine.query({ window: 'all', source: 'internal', execution_mode: 'local', group_by: 'provider' }, NOW);
      assert.deepEqual((local.groups ?? []).map((g) => g.key), ['ollama']);
      assert.equal(local.totals.cost_usd, 0);
    });
  });

  test('rollup_hour and requests give the same stats (the rollup carries the outcome sums)', async () => {
    await withStore(async (engine) => {
      for (const group_by of ['none', 'model', 'source', 'day'] as const) {
        const params = { window: { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' }, group_by, tz: 'UTC' };
        const [a, b] = await engine.withDatabase((db) => [
          runQuery(db, params, NOW, { table: 'rollup_hour' }),
          runQuery(db, params, NOW, { table: 'requests' }),
        ]);
        assert.deepEqual(a, b, group_by);
        assert.equal(a.totals.success_rate, 0.75);
      }
    });
  });
});
