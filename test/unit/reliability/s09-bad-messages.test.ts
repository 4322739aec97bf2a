// Scenario 9: malformed messages from the webview and bad llm_costs_query params (through the engine, the
// command / tool error mapping and the CLI) are rejected with a clear error naming the field, and the
// engine keeps answering afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Engine } from '../../../src/core/engine';
import { parseWebviewMessage, DEFAULT_PANEL_FILTER, MAX_MESSAGE_CHARS } from '../../../src/protocol';
import { toQueryCommandError, toolErrorText } from '../../../src/host/querySurface';
import { main } from '../../../src/cli';
import { assistantLine, tempConfigRoot, writeLines, SESSION_A } from '../helpers/lines';
import { tempDir } from './helpers';

const NOW = Date.parse('2026-06-10T12:00:00Z');
let engine: Engine;
let root: ReturnType<typeof tempConfigRoot>;

before(async () => {
  root = tempConfigRoot();
  writeLines(path.join(root.projectDir, `${SESSION_A}.jsonl`), [
    assistantLine({ messageId: 'msg_01BADPARAMS000000000000001', input: 10, output: 100, timestamp: '2026-06-06T10:00:00.000Z' }),
  ]);
  engine = await Engine.open({ dbPath: null, configDirs: [root.root] });
  await engine.scan();
});
after(async () => {
  await engine.close();
  root.cleanup();
});

const huge = 'x'.repeat(MAX_MESSAGE_CHARS + 10);
const circular: Record<string, unknown> = { type: 'ready' };
circular.self = circular;

const BAD_MESSAGES: Array<[unknown, RegExp]> = [
  [null, /^message: /],
  [42, /^message: /],
  ['ready', /^message: /],
  [[{ type: 'ready' }], /^message: /],
  [{}, /^type: /],
  [{ type: 'launchMissiles' }, /^type: /],
  [{ type: 42 }, /^type: /],
  [{ type: '__proto__' }, /^type: /],
  [{ type: 'ready', extra: 1 }, /^extra: /],
  [{ type: 'refresh' }, /^requestId: /],
  [{ type: 'refresh', requestId: '1' }, /^requestId: /],
  [{ type: 'refresh', requestId: -1 }, /^requestId: /],
  [{ type: 'refresh', requestId: 1.5 }, /^requestId: /],
  [{ type: 'refresh', requestId: Number.MAX_VALUE }, /^requestId: /],
  [{ type: 'setFilter', requestId: 1 }, /filter/],
  [{ type: 'setFilter', requestId: 1, filter: 'all' }, /filter/],
  [{ type: 'setFilter', requestId: 1, filter: { ...DEFAULT_PANEL_FILTER, range: 'forever' } }, /range/],
  [{ type: 'setFilter', requestId: 1, filter: { ...DEFAULT_PANEL_FILTER, tz: 'Mars/Olympus' } }, /tz/],
  [{ type: 'setFilter', requestId: 1, filter: { ...DEFAULT_PANEL_FILTER, models: 'claude' } }, /models/],
  [{ type: 'setFilter', requestId: 1, filter: { ...DEFAULT_PANEL_FILTER, models: [1, 2] } }, /models/],
  [{ type: 'setFilter', requestId: 1, filter: { ...DEFAULT_PANEL_FILTER, project: { $ne: null } } }, /project/],
  [{ type: 'setFilter', requestId: 1, filter: { ...DEFAULT_PANEL_FILTER, range: 'custom', from: '2026-13-45', until: '2026-06-01' } }, /from/],
  [{ type: 'export', format: 'exe' }, /^format: /],
  [{ type: 'openSettings', target: 'workbench.action.terminal.new' }, /^target: /],
  [{ type: 'setFilter', requestId: 1, filter: { ...DEFAULT_PANEL_FILTER, project: huge } }, /^message: too large/],
  [{ type: 'ready', pad: huge }, /^message: too large/],
  [circular, /^message: /],
];

function show(v: unknown): string {
  try {
    return String(JSON.stringify(v)).slice(0, 200);
  } catch {
    return '(circular)';
  }
}

test('scenario 9: malformed webview messages → { error } naming the field, never a throw', () => {
  for (const [raw, expected] of BAD_MESSAGES) {
    let parsed: ReturnType<typeof parseWebviewMessage>;
    assert.doesNotThrow(() => (parsed = parseWebviewMessage(raw)), `throws on ${String((raw as { type?: unknown })?.type)}`);
    assert.ok('error' in parsed!, `accepted: ${show(raw)}`);
    assert.match((parsed as { error: string }).error, expected, show(raw));
    assert.ok((parsed as { error: string }).error.length < 300, 'the error stays short (no echo of a huge payload)');
  }
  // Valid messages still pass after the bad ones.
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'refresh', requestId: 3 }), { type: 'refresh', requestId: 3 });
});

const BAD_PARAMS: Array<[unknown, string]> = [
  ['last_7d', 'params'],
  [[{ window: 'all' }], 'params'],
  [{ window: 'last_fortnight' }, 'window'],
  [{ window: 7 }, 'window'],
  [{ window: { start: '2026-06-01' } }, 'window'],
  [{ window: { start: 'yesterday', end: 'today' } }, 'window'],
  [{ window: { start: '2026-06-09T00:00:00Z', end: '2026-06-01T00:00:00Z' } }, 'window'],
  [{ start_date: '2026/06/01' }, 'start_date'],
  [{ start_date: '2026-02-30' }, 'start_date'],
  [{ start_date: '2026-06-01', end_date: 20260602 }, 'end_date'],
  [{ group_by: 'planet' }, 'group_by'],
  [{ group_by: ['model'] }, 'group_by'],
  [{ source: 'everything' }, 'source'],
  [{ project: 42 }, 'project'],
  [{ project: { $regex: '.*' } }, 'project'],
  [{ models: 42 }, 'models'],
  [{ models: [null] }, 'models'],
  [{ execution_mode: 'hybrid' }, 'execution_mode'],
  [{ compare: 'yes' }, 'compare'],
  [{ tz: 'Mars/Olympus_Mons' }, 'tz'],
  [{ tz: 5 }, 'tz'],
  [{ limit: 0 }, 'limit'],
  [{ limit: -5 }, 'limit'],
  [{ limit: 1.5 }, 'limit'],
  [{ limit: '10' }, 'limit'],
  [{ limit: 1e12 }, 'limit'],
  [{ limit: Number.NaN }, 'limit'],
  [{ unknown_key: 1 }, 'unknown_key'],
  [{ __proto__: { polluted: true }, window: 'all' }, ''],
];

test('scenario 9: bad llm_costs_query params → QueryParamError naming the param, from the engine, the command and the tool; the engine keeps working', async () => {
  for (const [params, field] of BAD_PARAMS) {
    let error: (Error & { param?: string }) | null = null;
    try {
      await engine.query(params, NOW);
    } catch (e) {
      error = e as Error & { param?: string };
    }
    if (field === '') {
      // A prototype-polluting key is just an unknown key or ignored; never a crash, never pollution.
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      continue;
    }
    assert.ok(error, `accepted: ${JSON.stringify(params)}`);
    assert.equal(error.name, 'QueryParamError', error.stack);
    if (field !== 'params') assert.equal(error.param, field, error.message);
    assert.ok(error.message.startsWith(`${error.param}: `), error.message);
    const commandError = toQueryCommandError(error);
    assert.match(commandError.message, new RegExp(`invalid param "${error.param}"`));
    assert.match(toolErrorText(error), new RegExp(`invalid parameter "${error.param}"`));
    // The engine still answers.
    assert.equal((await engine.query({ window: 'all', tz: 'UTC' }, NOW)).totals.requests, 1);
  }
});

test('scenario 9: the CLI rejects bad params with exit code 2 and one line naming the field', async () => {
  const dbDir = tempDir('badparams-cli');
  const writeErr = process.stderr.write.bind(process.stderr);
  const cases: Array<[string, string]> = [
    ['{"group_by":"planet"}', 'group_by'],
    ['{"window":{"start":"x","end":"y"}}', 'window'],
    ['{"limit":-1}', 'limit'],
    ['not json', '--params'],
  ];
  try {
    for (const [params, field] of cases) {
      let stderr = '';
      (process.stderr as { write: unknown }).write = (c: string | Uint8Array) => ((stderr += c.toString()), true);
      let out = '';
      const code = await main(['query', '--db', path.join(dbDir, 'u.sqlite'), '--config-dir', root.root, '--params', params], (s) => (out += s));
      (process.stderr as { write: unknown }).write = writeErr;
      assert.equal(code, 2, stderr);
      assert.equal(out, '');
      assert.match(stderr, new RegExp(`^claude-costs: ${field.replace(/-/g, '\\-')}`), stderr);
      assert.equal(stderr.trim().split('\n').length, 1, 'one line, no stack trace');
    }
    let out = '';
    assert.equal(await main(['query', '--db', path.join(dbDir, 'u.sqlite'), '--config-dir', root.root, '--params', '{"window":"all"}'], (s) => (out += s)), 0);
    assert.equal(JSON.parse(out).totals.requests, 1);
  } finally {
    (process.stderr as { write: unknown }).write = writeErr;
  }
});
