// With default settings nothing opens a socket: not the engine (status / headroom / query, in-process and
// in its worker thread), not the host (first scan, rescans, the chip, the query command and tool, focus
// changes). Every net.Socket.connect, fetch and DNS lookup is intercepted and counted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dns from 'node:dns';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { assistantLine, writeLines, SESSION_A } from './helpers/lines';
import { createVscodeStub, fakeContext } from './helpers/host-vscode-stub';
import { Engine } from '../../src/core/engine';
import { buildStatus } from '../../src/core/limits/status';
import { EngineClient } from '../../src/host/engineClient';
import { ChipController } from '../../src/host/statusBar';
import { HostRuntime } from '../../src/host/runtime';
import { readSettings } from '../../src/host/settings';
import { registerCommands } from '../../src/host/commands';
import { registerQueryTool } from '../../src/host/lmTool';
import { OAuthUsagePoller } from '../../src/host/oauthUsage';

const attempts: string[] = [];
const originals = { connect: net.Socket.prototype.connect, fetch: globalThis.fetch, lookup: dns.lookup };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-nonet-'));
const configRoot = path.join(tmp, 'claude');

before(() => {
  net.Socket.prototype.connect = function () {
    attempts.push('net.Socket.connect');
    throw new Error('network call attempted');
  } as typeof net.Socket.prototype.connect;
  globalThis.fetch = (async () => {
    attempts.push('fetch');
    throw new Error('network call attempted');
  }) as typeof fetch;
  (dns as { lookup: unknown }).lookup = () => {
    attempts.push('dns.lookup');
    throw new Error('network call attempted');
  };
  const iso = new Date(Date.now() - 10 * 60_000).toISOString();
  writeLines(path.join(configRoot, 'projects', '-home-dev-shop', `${SESSION_A}.jsonl`), [
    assistantLine({ messageId: 'msg_01NONETNONETNONETNONET01', timestamp: iso, input: 10, output: 500 }),
  ]);
  // A Claude login is present: even so, nothing may use it while the OAuth setting is off.
  fs.writeFileSync(path.join(configRoot, '.credentials.json'), JSON.stringify({ claudeAiOauth: { accessToken: 'sk-ant-oat01-x', expiresAt: Date.now() + 3_600_000, rateLimitTier: 'default_claude_max_5x' } }));
});

after(() => {
  net.Socket.prototype.connect = originals.connect;
  globalThis.fetch = originals.fetch;
  (dns as { lookup: unknown }).lookup = originals.lookup;
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('core in-process: scan, status (every headroom source path), query — no network', async () => {
  const engine = await Engine.open({ dbPath: null, configDirs: [configRoot] });
  const summary = await engine.scan();
  assert.equal(summary.newRequests, 1);
  const status = await engine.status();
  assert.ok(status.activeBlock);
  await engine.query({ window: 'all', group_by: 'model' });
  await engine.withDatabase((db) => buildStatus(db, Date.parse('2026-11-22T12:00:00Z'), { plan: 'auto' }));
  await engine.close();
  assert.deepEqual(attempts, []);
});

test('default settings: the OAuth poller never reads the token or calls out', async () => {
  const settings = readSettings(() => undefined);
  assert.equal(settings.useOAuthUsageEndpoint, false);
  const poller = new OAuthUsagePoller({
    isEnabled: () => settings.useOAuthUsageEndpoint,
    isFocused: () => true,
    configDirs: () => [configRoot],
    claudeCodeVersion: () => null,
    pollMs: () => settings.oauthPollMs,
    log: { info() {}, warn() {}, error() {} },
    onSnapshot: () => assert.fail('no snapshot without the setting'),
    onProblem: () => assert.fail('no problem without the setting'),
  });
  assert.equal(await poller.pollOnce(), 'disabled');
  poller.start();
  poller.onFocusChanged();
  await new Promise((r) => setTimeout(r, 50));
  poller.stop();
  assert.deepEqual(attempts, []);
});

test('host with default settings (engine in its worker thread): first scan, rescan, chip, query, tool — no network', async () => {
  const stub = createVscodeStub({ 'claudeCosts.roots': [configRoot] });
  const api = stub.vscode as unknown as typeof import('vscode');
  const settings = () => readSettings((k) => stub.vscode.workspace.getConfiguration('claudeCosts').get(k));
  const workerLogs: string[] = [];
  const log = { info: (m: string) => workerLogs.push(m), warn: (m: string) => workerLogs.push(m), error: (m: string) => workerLogs.push(m) };
  const engine = new EngineClient({
    workerPath: path.join(__dirname, 'helpers', 'host-engine-worker-nonet-shim.cjs'),
    engineOptions: () => ({ dbPath: path.join(tmp, 'storage', 'usage.sqlite'), configDirs: settings().roots }),
    log,
  });
  const ctx = fakeContext(path.join(tmp, 'storage'));
  const chip = new ChipController(api, settings);
  const rt = new HostRuntime(api, ctx as unknown as import('vscode').ExtensionContext, engine, chip, settings, log);
  const disposables = [
    ...registerCommands(api, {
      engine,
      openPanel: () => {},
      scanWithProgress: (o) => rt.scanWithProgress(o),
      capturePaths: () => rt.capturePaths(),
      onCaptureChanged: () => rt.onCaptureChanged(),
      log: stub.vscode.window.createOutputChannel('x') as unknown as import('vscode').LogOutputChannel,
    }),
    registerQueryTool(api, engine),
  ];
  try {
    await rt.startup();
    // No headroom figure: with the OAuth setting off the credentials file is not even read for the plan.
    assert.match(chip.text, /^\$\(pulse\) 510 · \d+h\d+m$/);
    assert.doesNotMatch(chip.lastStatus?.headroom.sourceLabel ?? '', /detected/, 'the credentials file was read without opt-in');
    await stub.vscode.commands.executeCommand('claudeCosts.rescan');
    await stub.vscode.commands.executeCommand('llm_costs_query', { window: 'today' });
    await stub.tools.get('llm_costs_query')!.invoke({ input: { window: 'last_7d' } }, new stub.vscode.CancellationTokenSource().token);
    await rt.refreshStatus();
  } finally {
    rt.dispose();
    chip.dispose();
    for (const d of disposables) d.dispose();
    await engine.close();
  }
  assert.deepEqual(attempts, [], 'extension host thread');
  assert.deepEqual(workerLogs.filter((l) => l.includes('NETWORK ATTEMPT')), [], 'engine worker thread');
});
