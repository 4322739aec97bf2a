// The llm_costs_query language-model tool honours its CancellationToken: the query is cancelled (the
// engine skips it if it has not started) and the invocation ends with a CancellationError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineApi } from '../../src/core/engine-api';
import { registerQueryTool } from '../../src/host/lmTool';
import { createVscodeStub } from './helpers/host-vscode-stub';

function fakeEngine() {
  const signals: (AbortSignal | undefined)[] = [];
  const engine = {
    query: (_params: unknown, _now?: number, opts?: { signal?: AbortSignal }) => {
      signals.push(opts?.signal);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve({ window: { start: '', end: '', tz: 'UTC', label: 'today' }, totals: {
          requests: 1, input_tokens: 10, output_tokens: 20, cache_creation_tokens: 0, cache_read_tokens: 0, total_tokens: 30,
          cost_usd: 0.01, unpriced_requests: 0, web_search_requests: 0,
        } }), 200);
        opts?.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          const e = new Error('the query call was cancelled');
          e.name = 'AbortError';
          reject(e);
        });
      });
    },
  } as unknown as EngineApi;
  return { engine, signals };
}

test('a cancelled tool invocation cancels its query and throws CancellationError', async () => {
  const stub = createVscodeStub();
  const { engine, signals } = fakeEngine();
  const d = registerQueryTool(stub.vscode as unknown as typeof import('vscode'), engine);
  const source = new stub.vscode.CancellationTokenSource();
  const invocation = stub.tools.get('llm_costs_query')!.invoke({ input: { window: 'today' } }, source.token) as Promise<unknown>;
  setTimeout(() => source.cancel(), 20);
  await assert.rejects(invocation, (e: unknown) => e instanceof stub.vscode.CancellationError);
  assert.equal(signals[0]?.aborted, true, 'the engine call was aborted');
  d.dispose();
});

test('a token cancelled before the call: nothing runs to completion; an uncancelled one answers', async () => {
  const stub = createVscodeStub();
  const { engine, signals } = fakeEngine();
  const d = registerQueryTool(stub.vscode as unknown as typeof import('vscode'), engine);
  const cancelled = new stub.vscode.CancellationTokenSource();
  cancelled.cancel();
  await assert.rejects(stub.tools.get('llm_costs_query')!.invoke({ input: {} }, cancelled.token) as Promise<unknown>,
    (e: unknown) => e instanceof stub.vscode.CancellationError);
  assert.equal(signals[0]?.aborted, true);
  const live = new stub.vscode.CancellationTokenSource();
  const result = await (stub.tools.get('llm_costs_query')!.invoke({ input: {} }, live.token) as Promise<{ content: { value: string }[] }>);
  assert.equal(result.content.length, 2);
  assert.match(result.content[0].value, /\$0\.01 over 1 request/);
  d.dispose();
});
