import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { mayCarryUsageOrTitle, parseTranscriptLine, parseResetText } from '../../src/core/sources/claude-code';
import type { ParsedLine } from '../../src/core/sources/claude-code';
import type { LimitEvent, UsageEvent } from '../../src/core/types';

// Verbatim real lines (transcripts reference §4.4 (a)–(e)).
function fixture(name: string): string[] {
  const file = path.join(__dirname, '..', 'fixtures', 'lines', `${name}.jsonl`);
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}
const A = fixture('a-v1.0.41-placeholder-pair');
const B = fixture('b-v1.0.98-cache-5m');
const C = fixture('c-v2.0.76-flat-subagent');
const D = fixture('d-v2.1.218-full-session');
const E = fixture('e-v2.1.138-windows-1h');

type Row = Record<string, any>;
/** A variant of a real line: parse, change, re-serialise. */
function variant(line: string, change: (row: Row) => void): string {
  const row = JSON.parse(line);
  change(row);
  return JSON.stringify(row);
}

function usageOf(parsed: ParsedLine): UsageEvent {
  assert.equal(parsed.kind, 'usage', `expected usage, got ${JSON.stringify(parsed)}`);
  return (parsed as { kind: 'usage'; event: UsageEvent }).event;
}
function limitOf(parsed: ParsedLine): LimitEvent {
  assert.equal(parsed.kind, 'limit', `expected limit, got ${JSON.stringify(parsed)}`);
  return (parsed as { kind: 'limit'; event: LimitEvent }).event;
}
function reasonOf(parsed: ParsedLine): string {
  assert.equal(parsed.kind, 'malformed', `expected malformed, got ${JSON.stringify(parsed)}`);
  return (parsed as { kind: 'malformed'; reason: string }).reason;
}

// ---------- the real lines ----------

test('(a) v1.0.41: both content-block lines of one response parse to the same placeholder usage', () => {
  const first = usageOf(parseTranscriptLine(A[0]));
  const second = usageOf(parseTranscriptLine(A[1]));
  assert.deepEqual(first, {
    messageId: 'msg_01ATvkZ1GfbRRhQewnkhf4Py',
    requestId: 'req_011CQio4yTvRi6Kopr6MaC6b',
    sessionId: 'f33cdb42-0a41-40d4-91eb-c89c109af38a',
    cwd: '/mnt/c/python/cctrace',
    gitBranch: null, // v1.0.41 wrote no gitBranch
    isSidechain: false,
    agentId: null,
    model: 'claude-opus-4-20250514',
    timestampMs: Date.UTC(2025, 6, 2, 20, 7, 7, 357),
    usage: {
      inputTokens: 9,
      outputTokens: 7,
      cacheCreationTokens: 15174,
      cacheCreation1hTokens: 0,
      cacheReadTokens: 0,
      webSearchRequests: 0,
      speed: null,
      inferenceGeo: null,
      serviceTier: 'standard',
    },
    hasSpeed: false,
    version: '1.0.41',
    tools: [],
    placeholder: true,
    forked: false,
  });
  assert.equal(second.messageId, first.messageId);
  assert.equal(second.requestId, first.requestId);
  assert.equal(second.timestampMs, Date.UTC(2025, 6, 2, 20, 7, 8, 255));
  assert.deepEqual(second.usage, first.usage);
});

test('(b) v1.0.98: 5-minute cache breakdown; the following system hook row is skipped', () => {
  const event = usageOf(parseTranscriptLine(B[0]));
  assert.equal(event.usage.cacheCreationTokens, 15495);
  assert.equal(event.usage.cacheCreation1hTokens, 0);
  assert.equal(event.usage.inputTokens, 3);
  assert.equal(event.usage.outputTokens, 1);
  assert.equal(event.model, 'claude-sonnet-4-20250514');
  assert.equal(event.cwd, '/Users/gjssss/.claude/hooks');
  assert.equal(event.placeholder, true);
  assert.deepEqual(parseTranscriptLine(B[1]), { kind: 'skip' });
  assert.equal(mayCarryUsageOrTitle(B[1]), false);
});

test('(c) v2.0.76 flat subagent file: sidechain rows keep the parent sessionId and agentId', () => {
  assert.deepEqual(parseTranscriptLine(C[0]), { kind: 'skip' }, 'user "Warmup" row');
  for (const line of C.slice(1)) {
    const event = usageOf(parseTranscriptLine(line));
    assert.equal(event.isSidechain, true);
    assert.equal(event.agentId, 'ad24572');
    assert.equal(event.sessionId, '132b2f66-ee5f-46f6-8904-32d9dc4d36c3');
    assert.equal(event.model, 'claude-opus-4-5-20251101');
    assert.equal(event.usage.inputTokens, 3315);
    assert.equal(event.usage.outputTokens, 3);
    assert.equal(event.usage.cacheCreationTokens, 0);
    assert.equal(event.placeholder, true, '2.0.76 with stop_reason null is a streaming placeholder');
  }
});

test('(d) v2.1.218 full session: queue ops, user and last-prompt skip; ai-title is a title; two final usage lines', () => {
  const kinds = D.map((l) => parseTranscriptLine(l).kind);
  assert.deepEqual(kinds, ['skip', 'skip', 'skip', 'title', 'usage', 'usage', 'skip']);
  assert.deepEqual(parseTranscriptLine(D[3]), {
    kind: 'title',
    sessionId: '23fe85e9-5544-42fb-8d18-b6a99545ed53',
    title: '[REDACTED]',
    titleSource: 'ai-title',
  });
  const first = usageOf(parseTranscriptLine(D[4]));
  const second = usageOf(parseTranscriptLine(D[5]));
  assert.equal(first.usage.iterations, undefined, 'a single iteration adds nothing');
  assert.deepEqual(first.usage, {
    inputTokens: 156,
    outputTokens: 79,
    cacheCreationTokens: 0,
    cacheCreation1hTokens: 0,
    cacheReadTokens: 0,
    webSearchRequests: 0,
    speed: 'standard',
    inferenceGeo: 'not_available',
    serviceTier: 'standard',
  });
  assert.equal(first.hasSpeed, true);
  assert.equal(first.placeholder, false);
  assert.equal(first.version, '2.1.218');
  assert.deepEqual(second.usage, first.usage);
  assert.equal(second.messageId, 'msg_011CdZEpyRQKEwL2sXqcmkig');
  assert.equal(second.requestId, 'req_011CdZEpwqejURULVyeTLX3a');
});

test('(e) v2.1.138 VS Code, Windows cwd: 1-hour cache write and >200k prompt', () => {
  const event = usageOf(parseTranscriptLine(E[0]));
  assert.deepEqual(event.usage, {
    inputTokens: 3,
    outputTokens: 13928,
    cacheCreationTokens: 4579,
    cacheCreation1hTokens: 4579,
    cacheReadTokens: 512613,
    webSearchRequests: 0,
    speed: 'standard',
    inferenceGeo: '',
    serviceTier: 'standard',
  });
  assert.equal(event.cwd, 'c:\\Users\\YG\\Desktop\\Claude\\Claudecodeagent1\\project.md');
  assert.equal(event.timestampMs, Date.parse('2026-06-06T00:16:18.724Z'));
  assert.equal(event.placeholder, false);
});

// ---------- usage variants ----------

test('placeholder: stop_reason null is a placeholder before 2.1.97 or without a version, never from 2.1.97 on', () => {
  const withStop = (version: string | undefined) =>
    usageOf(
      parseTranscriptLine(
        variant(D[4], (r) => {
          r.message.stop_reason = null;
          if (version === undefined) delete r.version;
          else r.version = version;
        }),
      ),
    ).placeholder;
  assert.equal(withStop('2.1.96'), true);
  assert.equal(withStop('1.0.128'), true);
  assert.equal(withStop(undefined), true);
  assert.equal(withStop('2.1.97'), false);
  assert.equal(withStop('2.1.218'), false);
  assert.equal(withStop('10.0.0'), false);
  // A final row of an old writer is not a placeholder.
  assert.equal(usageOf(parseTranscriptLine(variant(A[1], (r) => (r.message.stop_reason = 'end_turn')))).placeholder, false);
});

test('cache writes split into 1h and 5m parts', () => {
  const event = usageOf(
    parseTranscriptLine(
      variant(E[0], (r) => {
        r.message.usage.cache_creation_input_tokens = 1000;
        r.message.usage.cache_creation = { ephemeral_5m_input_tokens: 400, ephemeral_1h_input_tokens: 600 };
        delete r.message.usage.iterations;
      }),
    ),
  );
  assert.equal(event.usage.cacheCreationTokens, 1000);
  assert.equal(event.usage.cacheCreation1hTokens, 600);
});

test('cache_creation_input_tokens 0 with a nested breakdown (pre-2.1.152 bug) takes the breakdown', () => {
  const event = usageOf(
    parseTranscriptLine(
      variant(E[0], (r) => {
        r.message.usage.cache_creation_input_tokens = 0;
        delete r.message.usage.iterations;
      }),
    ),
  );
  assert.equal(event.usage.cacheCreationTokens, 4579);
  assert.equal(event.usage.cacheCreation1hTokens, 4579);
});

test('web search requests and server_tool_use / tool_use block names', () => {
  const search = usageOf(
    parseTranscriptLine(
      variant(D[4], (r) => {
        r.message.usage.server_tool_use.web_search_requests = 3;
        r.message.content = [{ type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'x' } }];
      }),
    ),
  );
  assert.equal(search.usage.webSearchRequests, 3);
  assert.deepEqual(search.tools, ['web_search']);
  const bash = usageOf(
    parseTranscriptLine(
      variant(D[5], (r) => {
        r.message.content = [{ type: 'tool_use', id: 'toolu_01', name: 'Bash', input: { command: 'ls' } }];
      }),
    ),
  );
  assert.deepEqual(bash.tools, ['Bash']);
  assert.equal(bash.usage.webSearchRequests, 0);
});

test('fast mode, US inference geo, batch tier and forked copies are carried through', () => {
  const event = usageOf(
    parseTranscriptLine(
      variant(D[4], (r) => {
        r.message.usage.speed = 'fast';
        r.message.usage.inference_geo = 'us';
        r.message.usage.service_tier = 'batch';
        r.forkedFrom = { sessionId: 'old', messageUuid: r.uuid };
      }),
    ),
  );
  assert.equal(event.usage.speed, 'fast');
  assert.equal(event.hasSpeed, true);
  assert.equal(event.usage.inferenceGeo, 'us');
  assert.equal(event.usage.serviceTier, 'batch');
  assert.equal(event.forked, true);
  assert.equal(usageOf(parseTranscriptLine(D[4])).forked, false);
});

test('iterations: kept only with more than one message iteration that sums to the top level', () => {
  const iteration = (input: number, output: number, read: number, write1h: number) => ({
    input_tokens: input,
    output_tokens: output,
    cache_read_input_tokens: read,
    cache_creation_input_tokens: write1h,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: write1h },
    type: 'message',
  });
  const withIterations = (its: unknown[]) =>
    usageOf(parseTranscriptLine(variant(E[0], (r) => (r.message.usage.iterations = its)))).usage.iterations;

  const split = [iteration(1, 13000, 300000, 4000), iteration(2, 928, 212613, 579)];
  assert.deepEqual(withIterations(split), [
    { inputTokens: 1, outputTokens: 13000, cacheCreationTokens: 4000, cacheCreation1hTokens: 4000, cacheReadTokens: 300000 },
    { inputTokens: 2, outputTokens: 928, cacheCreationTokens: 579, cacheCreation1hTokens: 579, cacheReadTokens: 212613 },
  ]);
  // Advisor iterations are not message iterations.
  const advisor = { ...iteration(5, 5, 0, 0), type: 'advisor_message', model: 'claude-opus-4-6' };
  assert.equal(withIterations([split[0], split[1], advisor])?.length, 2);
  // Not summing to the top level → top-level counts only.
  assert.equal(withIterations([iteration(1, 13000, 300000, 4000), iteration(2, 900, 212613, 579)]), undefined);
  // A bad iteration never breaks the line; iterations are just not used.
  assert.equal(withIterations([split[0], { ...split[1], output_tokens: 'x' }]), undefined);
  assert.equal(withIterations([split[0]]), undefined);
});

test('all-zero usage on a real model is skipped', () => {
  const line = variant(D[4], (r) => {
    r.message.usage.input_tokens = 0;
    r.message.usage.output_tokens = 0;
    r.message.usage.iterations = null;
  });
  assert.deepEqual(parseTranscriptLine(line), { kind: 'skip' });
});

// ---------- lines that never bill ----------

test('progress rows with nested usage, cost-state and costUSD-only rows are skipped', () => {
  const nested = JSON.parse(D[4]);
  const progress = JSON.stringify({
    parentUuid: 'p',
    isSidechain: false,
    type: 'progress',
    data: { type: 'agent_progress', message: { type: 'assistant', message: nested.message, requestId: nested.requestId, timestamp: nested.timestamp } },
    uuid: 'u',
    timestamp: nested.timestamp,
    sessionId: nested.sessionId,
  });
  assert.equal(mayCarryUsageOrTitle(progress), true, 'passes the cheap filter…');
  assert.deepEqual(parseTranscriptLine(progress), { kind: 'skip' }, '…and is rejected by type');

  const costState = JSON.stringify({
    type: 'cost-state',
    sessionId: 's',
    totalCostUSD: 1.23,
    modelUsage: { 'claude-opus-4-6': { inputTokens: 10, outputTokens: 20, costUSD: 1.23, usage: 1 } },
  });
  assert.deepEqual(parseTranscriptLine(costState), { kind: 'skip' });

  const costOnly = JSON.stringify({
    type: 'assistant',
    costUSD: 0.0123,
    durationMs: 900,
    message: { id: 'msg_x', role: 'assistant', model: 'claude-3-7-sonnet-20250219', content: [{ type: 'text', text: 'usage' }] },
    uuid: 'u',
    timestamp: '2025-03-01T00:00:00.000Z',
    sessionId: 's',
  });
  assert.deepEqual(parseTranscriptLine(costOnly), { kind: 'skip' });
});

test('mayCarryUsageOrTitle: escaped quotes inside strings do not pass; any billable line does', () => {
  const toolResult = JSON.stringify({
    type: 'user',
    message: { role: 'user', content: [{ type: 'tool_result', content: '{"type":"assistant","usage":{}}' }] },
  });
  assert.equal(mayCarryUsageOrTitle(toolResult), false);
  assert.deepEqual(parseTranscriptLine(toolResult), { kind: 'skip' });
  for (const line of [...A, B[0], ...C.slice(1), D[4], D[5], E[0]]) assert.equal(mayCarryUsageOrTitle(line), true);
  assert.equal(mayCarryUsageOrTitle(D[0]), false);
  assert.equal(mayCarryUsageOrTitle(D[6]), false);
  assert.equal(mayCarryUsageOrTitle(''), false);
});

test('key order of both eras and spaced-out JSON give the same event', () => {
  const reference = usageOf(parseTranscriptLine(D[4]));
  const row = JSON.parse(D[4]);
  // ≤2.0.x order: envelope first, then message, requestId, type, uuid, timestamp.
  const oldOrder: Row = {};
  for (const k of ['parentUuid', 'isSidechain', 'userType', 'entrypoint', 'cwd', 'sessionId', 'version', 'gitBranch']) oldOrder[k] = row[k];
  for (const k of ['message', 'requestId', 'type', 'uuid', 'timestamp']) oldOrder[k] = row[k];
  assert.deepEqual(usageOf(parseTranscriptLine(JSON.stringify(oldOrder))), reference);

  const reverse = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(reverse)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)]))
        : v;
  assert.deepEqual(usageOf(parseTranscriptLine(JSON.stringify(reverse(row)))), reference);

  const spaced = JSON.stringify(row, null, 2).replace(/\n\s*/g, ' ');
  assert.ok(spaced.includes('"type": "assistant"'));
  assert.equal(mayCarryUsageOrTitle(spaced), true);
  assert.deepEqual(usageOf(parseTranscriptLine(spaced)), reference);
});

// ---------- titles ----------

test('summary, ai-title and custom-title rows give titles; a summary takes the fallback session', () => {
  assert.deepEqual(parseTranscriptLine('{"type":"summary","summary":"Fix the parser","leafUuid":"abc"}', 'sess-1'), {
    kind: 'title',
    sessionId: 'sess-1',
    title: 'Fix the parser',
    titleSource: 'summary',
  });
  assert.deepEqual(parseTranscriptLine('{"type":"summary","summary":"Fix the parser","leafUuid":"abc"}'), { kind: 'skip' });
  assert.deepEqual(parseTranscriptLine('{"type":"custom-title","customTitle":"My title","sessionId":"s2"}'), {
    kind: 'title',
    sessionId: 's2',
    title: 'My title',
    titleSource: 'custom-title',
  });
  assert.deepEqual(parseTranscriptLine('{"type":"ai-title","aiTitle":"","sessionId":"s2"}'), { kind: 'skip' });
});

// ---------- bad input ----------

test('malformed JSON and a truncated last line are malformed, not crashes', () => {
  assert.match(reasonOf(parseTranscriptLine('{"type":"assistant","message":{"usage":')), /invalid JSON/);
  assert.match(reasonOf(parseTranscriptLine(D[4].slice(0, Math.floor(D[4].length / 2)))), /invalid JSON/);
  assert.match(reasonOf(parseTranscriptLine('["assistant","usage"]')), /not a JSON object/);
});

test('wrong types in usage make the whole line malformed, naming the field', () => {
  const bad = (change: (r: Row) => void) => reasonOf(parseTranscriptLine(variant(D[4], change)));
  assert.match(bad((r) => (r.message.usage.input_tokens = '156')), /usage\.input_tokens is not a number/);
  assert.match(bad((r) => (r.message.usage.output_tokens = -5)), /usage\.output_tokens/);
  assert.match(bad((r) => (r.message.usage.cache_read_input_tokens = 1.5)), /usage\.cache_read_input_tokens/);
  assert.match(bad((r) => (r.message.usage.cache_read_input_tokens = 1e15)), /implausibly large/);
  assert.match(bad((r) => (r.message.usage.cache_creation = 'lots')), /usage\.cache_creation is not an object/);
  assert.match(bad((r) => (r.message.usage.cache_creation.ephemeral_1h_input_tokens = true)), /ephemeral_1h_input_tokens/);
  assert.match(bad((r) => (r.message.usage.server_tool_use.web_search_requests = '2')), /web_search_requests/);
  assert.match(bad((r) => delete r.message.usage.output_tokens), /usage\.output_tokens missing/);
  assert.match(bad((r) => (r.message.usage = 42)), /message\.usage is not an object/);
  assert.match(bad((r) => delete r.message.id), /message\.id/);
  assert.match(bad((r) => (r.message.model = 7)), /message\.model/);
  assert.match(bad((r) => (r.timestamp = 'yesterday')), /timestamp/);
  assert.match(bad((r) => (r.timestamp = '2026-13-45T99:00:00Z')), /timestamp/);
  assert.match(bad((r) => delete r.timestamp), /timestamp missing/);
  assert.match(bad((r) => delete r.sessionId), /missing sessionId/);
  // Infinity cannot be written by JSON.stringify; a literal overflowing number can.
  assert.match(reasonOf(parseTranscriptLine(D[4].replace('"input_tokens":156,', '"input_tokens":1e400,'))), /input_tokens/);
});

test('a byte-order mark and a CRLF line ending do not break a line', () => {
  assert.deepEqual(parseTranscriptLine(`\uFEFF${D[4]}\r`), parseTranscriptLine(D[4]));
});

test('a missing sessionId falls back to the one the scanner passes; timestamps without a zone are UTC', () => {
  const event = usageOf(parseTranscriptLine(variant(D[4], (r) => delete r.sessionId), 'from-file-name'));
  assert.equal(event.sessionId, 'from-file-name');
  const noZone = usageOf(parseTranscriptLine(variant(D[4], (r) => (r.timestamp = '2026-07-31T01:06:51.365'))));
  assert.equal(noZone.timestampMs, Date.parse('2026-07-31T01:06:51.365Z'));
  const offset = usageOf(parseTranscriptLine(variant(D[4], (r) => (r.timestamp = '2026-07-31T03:06:51.365+02:00'))));
  assert.equal(offset.timestampMs, Date.parse('2026-07-31T01:06:51.365Z'));
});

// ---------- synthetic rows and limits ----------

/** A synthetic row in the 2.1.330 qzo() shape (reference §6). */
function syntheticRow(text: string, extra: Row = {}, timestamp = '2026-09-23T08:12:00.000Z'): string {
  return JSON.stringify({
    parentUuid: 'parent',
    isSidechain: false,
    type: 'assistant',
    uuid: 'c0ffee00-0000-4000-8000-000000000001',
    timestamp,
    message: {
      diagnostics: null,
      id: '2c4b8a3e-1111-4222-8333-944455556666',
      container: null,
      model: '<synthetic>',
      role: 'assistant',
      stop_details: null,
      stop_reason: 'stop_sequence',
      stop_sequence: '',
      type: 'message',
      usage: {
        input_tokens: 0,
        output_tokens: 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
        service_tier: null,
        cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
        inference_geo: null,
        iterations: null,
        speed: null,
      },
      content: [{ type: 'text', text }],
      context_management: null,
    },
    isApiErrorMessage: true,
    sessionId: 'sess-limit',
    version: '2.1.330',
    ...extra,
  });
}

test('legacy "Claude AI usage limit reached|<epoch>" row: five_hour with the exact epoch', () => {
  const event = limitOf(parseTranscriptLine(syntheticRow('Claude AI usage limit reached|1750780800', { version: '1.0.31' }, '2025-06-24T12:00:00.000Z')));
  assert.deepEqual(event, {
    key: 'c0ffee00-0000-4000-8000-000000000001',
    sessionId: 'sess-limit',
    timestampMs: Date.parse('2025-06-24T12:00:00.000Z'),
    limitType: 'five_hour',
    resetsAtMs: 1750780800 * 1000,
    text: 'Claude AI usage limit reached|1750780800',
  });
});

test('1.0.x "5-hour limit reached ∙ resets 8pm" (no zone → the machine\'s zone) and weekly / Opus weekly variants', () => {
  const at = '2025-09-10T15:00:00.000Z';
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // Read in UTC, the texts give these instants…
  assert.equal(parseResetText('5-hour limit reached ∙ resets 8pm', Date.parse(at), 'UTC'), Date.parse('2025-09-10T20:00:00.000Z'));
  assert.equal(parseResetText('Session limit reached ∙ resets 9:30pm', Date.parse(at), 'UTC'), Date.parse('2025-09-10T21:30:00.000Z'));
  assert.equal(parseResetText('Weekly limit reached ∙ resets Oct 9, 5pm', Date.parse(at), 'UTC'), Date.parse('2025-10-09T17:00:00.000Z'));
  // …and the parser reads a zone-less text in this machine's zone (the writer's, most likely).
  const fiveHour = limitOf(parseTranscriptLine(syntheticRow('5-hour limit reached ∙ resets 8pm', {}, at)));
  assert.equal(fiveHour.limitType, 'five_hour');
  assert.equal(fiveHour.resetsAtMs, parseResetText('5-hour limit reached ∙ resets 8pm', Date.parse(at), zone));
  const session = limitOf(parseTranscriptLine(syntheticRow('Session limit reached ∙ resets 9:30pm\n/upgrade to increase your usage limit.', {}, at)));
  assert.equal(session.limitType, 'five_hour');
  assert.equal(session.resetsAtMs, parseResetText('Session limit reached ∙ resets 9:30pm', Date.parse(at), zone));
  const weekly = limitOf(parseTranscriptLine(syntheticRow('Weekly limit reached ∙ resets Oct 9, 5pm', {}, at)));
  assert.equal(weekly.limitType, 'seven_day');
  assert.equal(weekly.resetsAtMs, parseResetText('Weekly limit reached ∙ resets Oct 9, 5pm', Date.parse(at), zone));
  const opus = limitOf(parseTranscriptLine(syntheticRow('Opus weekly limit reached ∙ resets Oct 9, 5pm', {}, at)));
  assert.equal(opus.limitType, 'seven_day_opus');
  const cap = limitOf(parseTranscriptLine(syntheticRow('Spending cap reached ∙ resets Oct 9, 5pm', {}, at)));
  assert.equal(cap.limitType, 'overage');
});

test('2.0.x "You\'ve hit your session limit · resets 3pm (America/New_York)" resolves the zone', () => {
  // 10:30 in New York (EST, UTC-5) → next 3pm there is 20:00 UTC the same day.
  const event = limitOf(parseTranscriptLine(syntheticRow("You've hit your session limit · resets 3pm (America/New_York)", { version: '2.0.76' }, '2025-12-01T15:30:00.000Z')));
  assert.equal(event.limitType, 'five_hour');
  assert.equal(event.resetsAtMs, Date.parse('2025-12-01T20:00:00.000Z'));
  const sonnet = limitOf(parseTranscriptLine(syntheticRow("You've hit your Sonnet limit · resets Dec 4, 9am (America/New_York)", {}, '2025-12-01T15:30:00.000Z')));
  assert.equal(sonnet.limitType, 'seven_day_sonnet');
  assert.equal(sonnet.resetsAtMs, Date.parse('2025-12-04T14:00:00.000Z'));
});

test('2.1.x row with quotaLimits: rateLimitType and resetsAt win over the text', () => {
  const row = syntheticRow("You've hit your session limit · resets 2pm (Europe/Helsinki)", {
    quotaLimits: { status: 'rejected', resetsAt: 1790161200, rateLimitType: 'five_hour', overageStatus: 'rejected', overageDisabledReason: 'org_level_disabled' },
    error: 'rate_limit',
    apiErrorStatus: 429,
  });
  const event = limitOf(parseTranscriptLine(row));
  assert.equal(event.limitType, 'five_hour');
  assert.equal(event.resetsAtMs, 1790161200 * 1000);
  // The text alone gives the same instant: 14:00 Helsinki (UTC+3 in September) = 11:00 UTC.
  assert.equal(parseResetText(event.text, event.timestampMs), 1790161200 * 1000);
  const weekly = limitOf(parseTranscriptLine(syntheticRow("You've hit your weekly limit · resets 4am (Europe/Madrid)", { quotaLimits: { status: 'rejected', resetsAt: 1790434800, rateLimitType: 'seven_day' } })));
  assert.equal(weekly.limitType, 'seven_day');
  assert.equal(weekly.resetsAtMs, 1790434800 * 1000);
});

test('a synthetic limit row that has no usage object is still read as a limit', () => {
  const row = variant(syntheticRow('Claude AI usage limit reached|1750780800'), (r) => delete r.message.usage);
  assert.equal(mayCarryUsageOrTitle(row), true);
  assert.equal(limitOf(parseTranscriptLine(row)).resetsAtMs, 1750780800000);
  const paused = limitOf(parseTranscriptLine(syntheticRow('Claude usage limit reached. This turn is paused until the 5-hour limit resets in 32m.')));
  assert.equal(paused.limitType, 'five_hour');
  assert.equal(paused.resetsAtMs, Date.parse('2026-09-23T08:44:00.000Z'));
});

test('a limit row without uuid gets a stable content hash as key; without a session it takes the fallback', () => {
  const row = variant(syntheticRow("You've hit your limit · resets 3pm (UTC)"), (r) => {
    delete r.uuid;
    delete r.sessionId;
  });
  const a = limitOf(parseTranscriptLine(row, 'fallback'));
  const b = limitOf(parseTranscriptLine(row, 'fallback'));
  assert.match(a.key, /^sha1:[0-9a-f]{40}$/);
  assert.equal(a.key, b.key);
  assert.equal(a.sessionId, 'fallback');
  assert.equal(a.limitType, 'unknown');
  assert.equal(limitOf(parseTranscriptLine(row)).sessionId, null);
});

test('synthetic and API-error rows that are not limits never bill and are skipped', () => {
  assert.deepEqual(parseTranscriptLine(syntheticRow('API Error: 500 {"type":"error","error":{"type":"api_error"}}')), { kind: 'skip' });
  assert.deepEqual(parseTranscriptLine(syntheticRow('No response requested.', { isApiErrorMessage: false })), { kind: 'skip' });
  // isApiErrorMessage on a real model with non-zero usage still never bills.
  const errorRow = variant(D[4], (r) => {
    r.isApiErrorMessage = true;
    r.message.content = [{ type: 'text', text: 'Request timed out' }];
  });
  assert.deepEqual(parseTranscriptLine(errorRow), { kind: 'skip' });
  // The model's own prose about limits on a normal row is usage, not a limit.
  const prose = usageOf(parseTranscriptLine(variant(D[5], (r) => (r.message.content = [{ type: 'text', text: "You've hit your session limit · resets 3pm" }]))));
  assert.equal(prose.model, 'claude-haiku-4-5-20251001');
  // A limit row with a broken timestamp is malformed, not a limit at an invented time.
  assert.match(reasonOf(parseTranscriptLine(syntheticRow('Claude AI usage limit reached|1750780800', {}, 'not a date'))), /timestamp/);
});

// ---------- parseResetText ----------

test('parseResetText: next occurrence, year rollover, DST, minutes, unknown zone', () => {
  // Time already past today → tomorrow.
  assert.equal(parseResetText('resets 1am (UTC)', Date.parse('2026-03-01T23:00:00Z')), Date.parse('2026-03-02T01:00:00Z'));
  // Written on Dec 30 about Jan 2 → next year.
  assert.equal(parseResetText('resets Jan 2, 5pm (UTC)', Date.parse('2025-12-30T10:00:00Z')), Date.parse('2026-01-02T17:00:00Z'));
  // New York springs forward at 2am on 2026-03-08: 3am that day is EDT (UTC-4).
  assert.equal(parseResetText('resets 3am (America/New_York)', Date.parse('2026-03-08T05:00:00Z')), Date.parse('2026-03-08T07:00:00Z'));
  // Before the change the same wall-clock is EST (UTC-5).
  assert.equal(parseResetText('resets 3am (America/New_York)', Date.parse('2026-03-07T05:00:00Z')), Date.parse('2026-03-07T08:00:00Z'));
  assert.equal(parseResetText('resets 9:50pm (Asia/Saigon)', Date.parse('2026-04-01T10:00:00Z')), Date.parse('2026-04-01T14:50:00Z'));
  assert.equal(parseResetText('Claude usage limit reached. Your limit will reset at 1pm (Europe/Madrid)', Date.parse('2025-06-01T08:00:00Z')), Date.parse('2025-06-01T11:00:00Z'));
  assert.equal(parseResetText('resets 12am (UTC)', Date.parse('2026-04-01T10:00:00Z')), Date.parse('2026-04-02T00:00:00Z'));
  assert.equal(parseResetText('resets 12pm (UTC)', Date.parse('2026-04-01T10:00:00Z')), Date.parse('2026-04-01T12:00:00Z'));
  // Zone-less text in a caller-chosen zone.
  assert.equal(parseResetText('resets 8pm', Date.parse('2025-09-10T15:00:00Z'), 'Europe/Berlin'), Date.parse('2025-09-10T18:00:00Z'));
  // Relative wording.
  const at = Date.parse('2026-09-24T20:48:00Z');
  assert.equal(parseResetText('Claude usage limit reached. This turn is paused until the 5-hour limit resets in 32m.', at), Date.parse('2026-09-24T21:20:00Z'));
  assert.equal(parseResetText('Claude usage limit reached. This turn is paused until the limit resets in 1h 5m.', at), Date.parse('2026-09-24T21:53:00Z'));
  assert.equal(parseResetText('resets in 2h', at), Date.parse('2026-09-24T22:48:00Z'));
  assert.equal(parseResetText('resets 3pm (Mars/Olympus_Mons)', Date.parse('2026-04-01T10:00:00Z')), null);
  assert.equal(parseResetText('limit reached, try later', Date.parse('2026-04-01T10:00:00Z')), null);
  assert.equal(parseResetText('resets 13pm (UTC)', Date.parse('2026-04-01T10:00:00Z')), null);
});

test('gitBranch: read from the line; empty or absent → null', () => {
  const base = {
    type: 'assistant', sessionId: 's1', timestamp: '2026-07-31T01:06:51.365Z', cwd: '/w/app',
    message: { id: 'msg_1', model: 'claude-sonnet-4-6', stop_reason: 'end_turn', usage: { input_tokens: 10, output_tokens: 5 } },
  };
  const branchOf = (extra: object) => {
    const parsed = parseTranscriptLine(JSON.stringify({ ...base, ...extra }));
    assert.equal(parsed.kind, 'usage');
    return parsed.kind === 'usage' ? parsed.event.gitBranch : undefined;
  };
  assert.equal(branchOf({ gitBranch: 'feature/login' }), 'feature/login');
  assert.equal(branchOf({ gitBranch: '' }), null);
  assert.equal(branchOf({}), null);
  assert.equal(branchOf({ gitBranch: 42 }), null);
});
