// llm_costs_query through the real command: exact totals against the generated corpus's truth, and
// bad params rejected with an error naming the param.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { runChecks } from './check';

/** The buckets the generator records for the whole corpus (deduplicated API responses). */
const EXACT_FIELDS = ['requests', 'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens'] as const;
type ExactField = (typeof EXACT_FIELDS)[number];

interface QueryResultShape {
  window: { start: string; end: string; tz: string; label: string };
  totals: Record<string, number>;
  groups?: Array<Record<string, number | string>>;
}

/** The corpus root the e2e harness generated: CLAUDE_CONFIG_DIR of this extension host. */
function corpusRoot(): string {
  const root = process.env.CLAUDE_CONFIG_DIR;
  assert.ok(root, 'CLAUDE_CONFIG_DIR is not set in the extension host (the harness sets it)');
  return root;
}

interface CorpusTruth {
  uniqueRequests: number;
  totals: { input: number; output: number; cacheCreation: number; cacheRead: number; webSearch: number };
  byModel: Record<string, { requests: number; input: number; output: number; cacheCreation: number; cacheRead: number }>;
}

function readTruth(): CorpusTruth {
  return JSON.parse(readFileSync(path.join(corpusRoot(), 'truth.json'), 'utf8')) as CorpusTruth;
}

/** The generator's truth (bench/corpus/truth.ts) in the query result's vocabulary. */
function truthTotals(truth: CorpusTruth): Record<ExactField, number> {
  return {
    requests: truth.uniqueRequests,
    input_tokens: truth.totals.input,
    output_tokens: truth.totals.output,
    cache_creation_tokens: truth.totals.cacheCreation,
    cache_read_tokens: truth.totals.cacheRead,
  };
}

async function query(params: unknown): Promise<QueryResultShape> {
  return (await vscode.commands.executeCommand('llm_costs_query', params)) as QueryResultShape;
}

async function rejectionOf(params: unknown): Promise<Error> {
  try {
    await query(params);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  throw new assert.AssertionError({ message: `llm_costs_query accepted ${JSON.stringify(params)}` });
}

export async function run(): Promise<void> {
  await runChecks('llm_costs_query', [
    {
      name: 'a rescan completes',
      // Waiting for the documented command makes the next checks independent of the startup scan's timing.
      run: () => vscode.commands.executeCommand('claudeCosts.rescan'),
    },
    {
      name: 'totals over all time equal the corpus truth exactly',
      run: async () => {
        const truth = truthTotals(readTruth());
        const result = await query({ window: 'all', group_by: 'model', tz: 'UTC' });
        assert.equal(result.window.tz, 'UTC');
        const actual = Object.fromEntries(EXACT_FIELDS.map((f) => [f, result.totals[f]]));
        assert.deepEqual(actual, truth);
        assert.equal(
          result.totals.total_tokens,
          truth.input_tokens + truth.output_tokens + truth.cache_creation_tokens + truth.cache_read_tokens,
          'total_tokens is the sum of the four buckets',
        );
        assert.equal(result.totals.web_search_requests, readTruth().totals.webSearch, 'web_search_requests');
      },
    },
    {
      name: 'each model group equals the corpus truth for that model',
      run: async () => {
        const truth = readTruth();
        const result = await query({ window: 'all', group_by: 'model', tz: 'UTC', limit: 1000 });
        assert.ok(result.groups, 'group_by model returns groups');
        const actual = Object.fromEntries(
          result.groups.map((g) => [g.key as string, Object.fromEntries(EXACT_FIELDS.map((f) => [f, g[f]]))]),
        );
        const expected = Object.fromEntries(
          Object.entries(truth.byModel).map(([model, m]) => [
            model,
            { requests: m.requests, input_tokens: m.input, output_tokens: m.output, cache_creation_tokens: m.cacheCreation, cache_read_tokens: m.cacheRead },
          ]),
        );
        assert.deepEqual(actual, expected);
      },
    },
    {
      name: 'a bad window value is rejected with an error naming "window"',
      run: async () => {
        const error = await rejectionOf({ window: 'fortnight' });
        assert.match(error.message, /\bwindow\b/);
      },
    },
    {
      name: 'an unknown key is rejected with an error naming it',
      run: async () => {
        const error = await rejectionOf({ window: 'all', group_bye: 'model' });
        assert.match(error.message, /group_bye/);
      },
    },
  ]);
}
