// parseApiLogLine: every alias of the issue-7 log format, the two existing tools' shapes as they are,
// local calls, logged costs, rate-limit headers/objects, and malformed lines naming the field.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseApiLogLine } from '../../src/core/sources/api-log/parse';
import type { ApiCall } from '../../src/core/sources/api-log/types';

const ctx = { filePath: '/logs/app/api-calls-2026-11-20.jsonl', byteOffset: 120, defaultSession: 'app/api-calls-2026-11-20' };

function call(obj: unknown, c = ctx): ApiCall {
  const parsed = parseApiLogLine(typeof obj === 'string' ? obj : JSON.stringify(obj), c);
  assert.equal(parsed.kind, 'call', JSON.stringify(parsed));
  return (parsed as { kind: 'call'; call: ApiCall }).call;
}

function malformed(obj: unknown): string {
  const parsed = parseApiLogLine(typeof obj === 'string' ? obj : JSON.stringify(obj), ctx);
  assert.equal(parsed.kind, 'malformed', JSON.stringify(parsed));
  return (parsed as { reason: string }).reason;
}

describe('api-log parse: aliases', () => {
  it('reads time as ISO, epoch seconds, epoch milliseconds and numeric strings under timestamp | ts | time', () => {
    const iso = Date.parse('2026-11-20T10:00:00.000Z');
    assert.equal(call({ timestamp: '2026-11-20T10:00:00Z', model: 'm' }).timestampMs, iso);
    assert.equal(call({ ts: 1795168800, model: 'm' }).timestampMs, iso);
    assert.equal(call({ time: 1795168800000, model: 'm' }).timestampMs, iso);
    assert.equal(call({ ts: '1795168800.5', model: 'm' }).timestampMs, iso + 500);
    assert.equal(call({ time: '2026-11-20T11:00:00+01:00', model: 'm' }).timestampMs, iso);
  });

  it('reads each token alias: input/tokens_input/prompt, output/tokens_output/completion, cache read/write', () => {
    const a = call({ ts: 1795168800, model: 'm', input_tokens: 1, output_tokens: 2, cache_read_input_tokens: 3, cache_creation_input_tokens: 4 });
    assert.deepEqual([a.usage.inputTokens, a.usage.outputTokens, a.usage.cacheReadTokens, a.usage.cacheCreationTokens], [1, 2, 3, 4]);
    const b = call({ ts: 1795168800, model: 'm', tokens_input: 10, tokens_output: 20, cache_read_tokens: 30, cache_creation_tokens: 40 });
    assert.deepEqual([b.usage.inputTokens, b.usage.outputTokens, b.usage.cacheReadTokens, b.usage.cacheCreationTokens], [10, 20, 30, 40]);
    const c = call({ ts: 1795168800, model: 'gpt-4o', prompt_tokens: 100, completion_tokens: 200 });
    assert.deepEqual([c.usage.inputTokens, c.usage.outputTokens, c.usage.cacheReadTokens, c.usage.cacheCreationTokens], [100, 200, 0, 0]);
  });

  it('reads an SDK usage object as is, with the 5m/1h cache-write split and web searches', () => {
    const c = call({
      ts: 1795168800, model: 'claude-sonnet-4-5',
      usage: {
        input_tokens: 5, output_tokens: 7, cache_read_input_tokens: 11, cache_creation_input_tokens: 300,
        cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
        server_tool_use: { web_search_requests: 2 }, service_tier: 'standard',
      },
    });
    assert.equal(c.usage.inputTokens, 5);
    assert.equal(c.usage.outputTokens, 7);
    assert.equal(c.usage.cacheReadTokens, 11);
    assert.equal(c.usage.cacheCreationTokens, 300);
    assert.equal(c.usage.cacheCreation1hTokens, 200);
    assert.equal(c.usage.webSearchRequests, 2);
    assert.equal(c.usage.serviceTier, 'standard');
  });

  it('reads cost aliases as logged: cost_usd | estimated_cost_usd | cost', () => {
    assert.equal(call({ ts: 1, model: 'm', cost_usd: 0.25 }).loggedCostUsd, 0.25);
    assert.equal(call({ ts: 1, model: 'm', estimated_cost_usd: 0.5 }).loggedCostUsd, 0.5);
    assert.equal(call({ ts: 1, model: 'm', cost: '0.125' }).loggedCostUsd, 0.125);
    assert.equal(call({ ts: 1, model: 'm', input_tokens: 3 }).loggedCostUsd, null);
  });

  it('reads attribution: project, session | session_id, purpose | feature | task_id, initiator, worker_id', () => {
    const a = call({ ts: 1, model: 'm', project: 'shop', session: 's-1', purpose: 'summarise', initiator: 'chat', worker_id: 'w3' });
    assert.equal(a.project, 'shop');
    assert.equal(a.sessionId, 'api:s-1');
    assert.equal(a.feature, 'summarise');
    assert.equal(a.initiator, 'chat');
    assert.equal(a.workerId, 'w3');
    assert.equal(call({ ts: 1, model: 'm', session_id: 's-2', feature: 'search' }).sessionId, 'api:s-2');
    assert.equal(call({ ts: 1, model: 'm', feature: 'search' }).feature, 'search');
    assert.equal(call({ ts: 1, model: 'm', task_id: 42 }).feature, '42');
    // No session on the line: the file's default, with the same prefix (never a Claude Code session id).
    assert.equal(call({ ts: 1, model: 'm' }).sessionId, 'api:app/api-calls-2026-11-20');
  });

  it('reads outcome: success, error_message, duration_seconds | duration_ms, time_to_first_token (s) | ttft_ms', () => {
    const a = call({ ts: 1, model: 'm', success: false, error_message: 'overloaded', duration_seconds: 1.25, time_to_first_token: 0.3 });
    assert.equal(a.success, false);
    assert.equal(a.errorMessage, 'overloaded');
    assert.equal(a.durationMs, 1250);
    assert.equal(a.timeToFirstTokenMs, 300);
    const b = call({ ts: 1, model: 'm', success: true, duration_ms: 840, ttft_ms: 120 });
    assert.equal(b.success, true);
    assert.equal(b.durationMs, 840);
    assert.equal(b.timeToFirstTokenMs, 120);
    assert.equal(call({ ts: 1, model: 'm' }).success, null);
  });

  it('identifies a call by request_id, else a string id, else file + byte offset', () => {
    const a = call({ ts: 1, model: 'm', request_id: 'req_011abc', id: 'msg_x' });
    assert.equal(a.key, 'api:req_011abc');
    assert.equal(a.requestId, 'req_011abc');
    assert.equal(call({ ts: 1, model: 'm', id: 'chatcmpl-9' }).key, 'api:chatcmpl-9');
    assert.equal(call({ ts: 1, model: 'm' }).key, 'api:file:/logs/app/api-calls-2026-11-20.jsonl:120');
    // A numeric id is a per-file row counter: scoped to its file so two files' "id": 1 stay two calls.
    assert.equal(call({ ts: 1, model: 'm', id: 1 }).key, 'api:file:/logs/app/api-calls-2026-11-20.jsonl#1');
  });

  it('defaults execution_mode to local for ollama / lmstudio / llama.cpp and cloud otherwise', () => {
    assert.equal(call({ ts: 1, model: 'llama3.1:8b', provider: 'ollama' }).executionMode, 'local');
    assert.equal(call({ ts: 1, model: 'qwen', provider: 'LM Studio' }).executionMode, 'local');
    assert.equal(call({ ts: 1, model: 'qwen', provider: 'llama.cpp' }).executionMode, 'local');
    assert.equal(call({ ts: 1, model: 'claude-sonnet-4-5', provider: 'anthropic' }).executionMode, 'cloud');
    assert.equal(call({ ts: 1, model: 'x' }).executionMode, 'cloud');
    assert.equal(call({ ts: 1, model: 'llama', provider: 'ollama', execution_mode: 'cloud' }).executionMode, 'cloud');
    assert.equal(call({ ts: 1, model: 'claude', provider: 'claude-cli', execution_mode: 'local' }).executionMode, 'local');
  });
});

describe('api-log parse: the two existing tools, verbatim', () => {
  it('loads the daily api-calls-YYYY-MM-DD.jsonl shape', () => {
    const line = '{"timestamp": "2026-11-20T09:14:03.512341", "task_id": "T-1042", "worker_id": "worker-2", "model": "claude-sonnet-4-5-20250929", "tokens_input": 1834, "tokens_output": 612, "tokens_total": 2446, "duration_seconds": 7.42, "tokens_per_second": 82.5, "estimated_cost_usd": 0.014682, "success": true}';
    const c = call(line);
    assert.equal(c.timestampMs, new Date(2026, 10, 20, 9, 14, 3, 512).getTime()); // no offset: local time
    assert.equal(c.feature, 'T-1042');
    assert.equal(c.workerId, 'worker-2');
    assert.equal(c.model, 'claude-sonnet-4-5-20250929');
    assert.equal(c.usage.inputTokens, 1834);
    assert.equal(c.usage.outputTokens, 612);
    assert.equal(c.durationMs, 7420);
    assert.equal(c.loggedCostUsd, 0.014682);
    assert.equal(c.success, true);
    assert.equal(c.executionMode, 'cloud');
    assert.equal(c.provider, null);
  });

  it('loads the per-session llm_costs.jsonl shape, local call with estimated_cost_usd 0.0', () => {
    const local = call('{"timestamp": "2026-11-20T09:20:00Z", "session_id": "sess-77", "provider": "ollama", "model": "qwen2.5-coder:14b", "execution_mode": "local", "input_tokens": 4200, "output_tokens": 380, "duration_ms": 5100, "estimated_cost_usd": 0.0, "purpose": "commit-message", "success": true}');
    assert.equal(local.executionMode, 'local');
    assert.equal(local.loggedCostUsd, 0);
    assert.equal(local.sessionId, 'api:sess-77');
    assert.equal(local.feature, 'commit-message');
    const cloud = call('{"timestamp": "2026-11-20T09:21:00Z", "session_id": "sess-77", "provider": "anthropic", "model": "claude-haiku-4-5", "execution_mode": "cloud", "input_tokens": 900, "output_tokens": 120, "duration_ms": 1400, "estimated_cost_usd": 0.0015, "purpose": "triage", "success": true}');
    assert.equal(cloud.executionMode, 'cloud');
    assert.equal(cloud.loggedCostUsd, 0.0015);
  });
});

describe('api-log parse: rate limits', () => {
  it('reads raw anthropic-ratelimit-* headers at the top level', () => {
    const c = call({
      ts: '2026-11-20T10:00:00Z', model: 'claude-sonnet-4-5', provider: 'anthropic',
      'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '49',
      'anthropic-ratelimit-requests-reset': '2026-11-20T10:00:01Z',
      'anthropic-ratelimit-input-tokens-limit': 30000, 'anthropic-ratelimit-input-tokens-remaining': 12000,
      'anthropic-ratelimit-input-tokens-reset': '2026-11-20T10:00:40Z',
      'anthropic-ratelimit-output-tokens-limit': '8000', 'anthropic-ratelimit-output-tokens-remaining': '7900',
      'anthropic-ratelimit-output-tokens-reset': '2026-11-20T10:00:05Z',
    });
    const rl = c.rateLimit!;
    assert.equal(rl.model, 'claude-sonnet-4-5');
    assert.equal(rl.provider, 'anthropic');
    assert.equal(rl.ts, Date.parse('2026-11-20T10:00:00Z'));
    assert.deepEqual(rl.requests, { limit: 50, remaining: 49, resetMs: Date.parse('2026-11-20T10:00:01Z') });
    assert.deepEqual(rl.inputTokens, { limit: 30000, remaining: 12000, resetMs: Date.parse('2026-11-20T10:00:40Z') });
    assert.deepEqual(rl.outputTokens, { limit: 8000, remaining: 7900, resetMs: Date.parse('2026-11-20T10:00:05Z') });
    assert.equal(rl.tokens, undefined);
  });

  it('reads headers inside a headers object, in any letter case', () => {
    const c = call({
      ts: 1795168800, model: 'claude-haiku-4-5',
      headers: { 'Anthropic-RateLimit-Tokens-Limit': '100000', 'anthropic-ratelimit-tokens-remaining': '25000', 'anthropic-ratelimit-tokens-reset': '2026-11-20T10:01:00Z' },
    });
    assert.deepEqual(c.rateLimit!.tokens, { limit: 100000, remaining: 25000, resetMs: Date.parse('2026-11-20T10:01:00Z') });
  });

  it('reads a rate_limit object: nested per kind, flat keys, relative resets', () => {
    const at = Date.parse('2026-11-20T10:00:00Z');
    const c = call({
      ts: at, model: 'claude-opus-4-1',
      rate_limit: {
        requests: { limit: 50, remaining: 10, reset: '2026-11-20T10:00:30Z' },
        input_tokens: { limit: 20000, remaining: 500, reset_at: 1795168860 },
        output_tokens_limit: 4000, output_tokens_remaining: 3000, output_tokens_reset: 12,
      },
    });
    const rl = c.rateLimit!;
    assert.deepEqual(rl.requests, { limit: 50, remaining: 10, resetMs: at + 30_000 });
    assert.deepEqual(rl.inputTokens, { limit: 20000, remaining: 500, resetMs: at + 60_000 });
    assert.deepEqual(rl.outputTokens, { limit: 4000, remaining: 3000, resetMs: at + 12_000 });
  });

  it('reads OpenAI-style x-ratelimit headers with duration resets', () => {
    const at = Date.parse('2026-11-20T10:00:00Z');
    const c = call({ ts: at, model: 'gpt-4o', headers: { 'x-ratelimit-limit-requests': '500', 'x-ratelimit-remaining-requests': '499', 'x-ratelimit-reset-requests': '1m30s' } });
    assert.deepEqual(c.rateLimit!.requests, { limit: 500, remaining: 499, resetMs: at + 90_000 });
  });

  it('has no observation when a line carries none', () => {
    assert.equal(call({ ts: 1, model: 'm', input_tokens: 1 }).rateLimit, null);
  });
});

describe('api-log parse: bad and irrelevant lines', () => {
  it('skips blank lines and objects that name no model, tokens or cost', () => {
    assert.equal(parseApiLogLine('   ', ctx).kind, 'skip');
    assert.equal(parseApiLogLine('{"event":"startup","ts":1}', ctx).kind, 'skip');
  });

  it('reports invalid JSON, non-objects and a partial line as malformed', () => {
    assert.equal(malformed('{"ts": 1, "model": "m", "input_tok'), 'not valid JSON');
    assert.equal(malformed('[1,2]'), 'not a JSON object');
  });

  it('names the field of a wrong type', () => {
    assert.match(malformed({ ts: 1, model: 'm', input_tokens: 'many' }), /^input_tokens: expected a number/);
    assert.match(malformed({ ts: 1, model: 'm', tokens_output: -3 }), /^tokens_output: must not be negative/);
    assert.match(malformed({ ts: 1, model: 'm', estimated_cost_usd: 'free' }), /^estimated_cost_usd:/);
    assert.match(malformed({ ts: 'yesterday', model: 'm' }), /^ts: not an ISO-8601 time/);
    assert.match(malformed({ ts: 1, model: 'm', success: 'maybe' }), /^success: expected true or false/);
    assert.match(malformed({ ts: 1, model: 'm', execution_mode: 'edge' }), /^execution_mode: expected "cloud" or "local"/);
    assert.match(malformed({ ts: 1, model: { name: 'm' } }), /^model: expected a string/);
    assert.match(malformed({ ts: 1, model: 'm', duration_seconds: 'slow' }), /^duration_seconds:/);
    assert.match(malformed({ ts: 1, model: 'm', 'anthropic-ratelimit-requests-remaining': 'lots' }), /^anthropic-ratelimit-requests-remaining:/);
    assert.match(malformed({ ts: 1, model: 'm', rate_limit: 5 }), /^rate_limit: expected an object/);
    assert.match(malformed({ model: 'm', input_tokens: 1 }), /^timestamp missing/);
  });

  it('counts tokens of a line that names no model under "unknown"', () => {
    const c = call({ ts: 1, input_tokens: 9 });
    assert.equal(c.model, 'unknown');
    assert.equal(c.usage.inputTokens, 9);
  });
});

describe('api-log parse: the documented format', () => {
  it('reads the complete example line of docs/api-logs.md', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'api-logs.md'), 'utf8');
    const line = /```json\n(.+)\n```/.exec(doc)![1];
    const c = call(line);
    assert.equal(c.key, 'api:req_011CVz3k9PqT7xYbN2mQ4rLs');
    assert.equal(c.timestampMs, Date.parse('2026-11-20T10:15:02.481Z'));
    assert.deepEqual([c.provider, c.model, c.executionMode, c.project, c.sessionId, c.feature, c.initiator, c.workerId],
      ['anthropic', 'claude-sonnet-4-5', 'cloud', 'support-bot', 'api:conv-8812', 'ticket-triage', 'task', 'worker-2']);
    assert.deepEqual([c.usage.inputTokens, c.usage.outputTokens, c.usage.cacheReadTokens, c.usage.cacheCreationTokens, c.usage.cacheCreation1hTokens],
      [1834, 612, 12000, 2048, 0]);
    assert.deepEqual([c.loggedCostUsd, c.success, c.durationMs, c.timeToFirstTokenMs], [0.02412, true, 7420, 840]);
    assert.deepEqual(c.rateLimit!.inputTokens, { limit: 30000, remaining: 16000, resetMs: Date.parse('2026-11-20T10:15:30Z') });
  });

  it('reads what the TypeScript snippet writes: an SDK usage object with nulls and filtered headers', () => {
    const c = call({
      timestamp: '2026-11-20T10:15:02.481Z', request_id: 'req_1', provider: 'anthropic', model: 'claude-sonnet-4-5', feature: 'greeting',
      usage: { input_tokens: 12, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cache_creation: null, server_tool_use: null, service_tier: 'standard' },
      success: true, duration_ms: 900,
      headers: { 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '49', 'anthropic-ratelimit-requests-reset': '2026-11-20T10:15:03Z' },
    });
    assert.deepEqual([c.usage.inputTokens, c.usage.outputTokens, c.usage.serviceTier], [12, 30, 'standard']);
    assert.deepEqual(c.rateLimit!.requests, { limit: 50, remaining: 49, resetMs: Date.parse('2026-11-20T10:15:03Z') });
  });
});
