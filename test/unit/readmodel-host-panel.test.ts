// The costs panel's host side (src/host/costsPanel.ts) against a stub of the `vscode` module: the
// panel's options and CSP, message validation, filter persistence, pushes after new data, budgets
// from settings, export through the save dialog, settings links and the reload serializer.
// (A real VS Code runs the same panel end to end in test/e2e.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import * as path from 'node:path';
import { buildReadModel } from '../../src/core/query/readModel';
import type { PanelFilter, PanelReadModel, HostToWebview } from '../../src/protocol';
import { DEFAULT_PANEL_FILTER } from '../../src/protocol';
import type { Database } from '../../src/core/store/sqljs';
import { createStore, insertRequests } from './helpers/store-fixture';

const NOW = Date.now();

// ---- a minimal vscode stub: only what costsPanel touches -------------------------------------
interface FakeUri { fsPath: string; path: string; toString(): string }
const uri = (p: string): FakeUri => ({ fsPath: p, path: p, toString: () => `file://${p}` });
const calls = {
  created: [] as { viewType: string; title: string; options: Record<string, unknown> }[],
  serializers: new Map<string, { deserializeWebviewPanel(p: unknown, state: unknown): Promise<void> }>(),
  saveDialogs: [] as Record<string, unknown>[],
  written: [] as { path: string; text: string }[],
  commands: [] as unknown[][],
  errors: [] as string[],
};
let settings: Record<string, unknown> = {};
let saveTarget: FakeUri | undefined;
const configListeners: ((e: { affectsConfiguration(s: string): boolean }) => void)[] = [];

class FakeWebview {
  html = '';
  options: Record<string, unknown> = {};
  posted: HostToWebview[] = [];
  cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
  private listeners: ((m: unknown) => void)[] = [];
  asWebviewUri(u: FakeUri) { return { toString: () => `https://file+.vscode-resource.vscode-cdn.net${u.path}` }; }
  postMessage(m: HostToWebview) { this.posted.push(JSON.parse(JSON.stringify(m))); return Promise.resolve(true); }
  onDidReceiveMessage(fn: (m: unknown) => void) { this.listeners.push(fn); return { dispose() {} }; }
  receive(m: unknown) { for (const l of this.listeners) l(m); }
}
class FakePanel {
  webview = new FakeWebview();
  visible = true;
  revealed = 0;
  private disposeListeners: (() => void)[] = [];
  reveal() { this.revealed++; }
  onDidDispose(fn: () => void) { this.disposeListeners.push(fn); return { dispose() {} }; }
  dispose() { for (const l of this.disposeListeners) l(); }
}
let lastPanel: FakePanel | undefined;

const vscodeStub = {
  ViewColumn: { Active: -1, One: 1 },
  Uri: { file: (p: string) => uri(p), joinPath: (base: FakeUri, ...parts: string[]) => uri(path.posix.join(base.path, ...parts)) },
  window: {
    createWebviewPanel(viewType: string, title: string, _col: unknown, options: Record<string, unknown>) {
      calls.created.push({ viewType, title, options });
      lastPanel = new FakePanel();
      return lastPanel;
    },
    registerWebviewPanelSerializer(viewType: string, s: { deserializeWebviewPanel(p: unknown, state: unknown): Promise<void> }) {
      calls.serializers.set(viewType, s);
      return { dispose() {} };
    },
    async showSaveDialog(opts: Record<string, unknown>) { calls.saveDialogs.push(opts); return saveTarget; },
    async showErrorMessage(m: string) { calls.errors.push(m); },
  },
  workspace: {
    workspaceFolders: undefined,
    getConfiguration: () => ({ get: (k: string) => settings[k] }),
    onDidChangeConfiguration(fn: (e: { affectsConfiguration(s: string): boolean }) => void) { configListeners.push(fn); return { dispose() {} }; },
    fs: { async writeFile(u: FakeUri, data: Uint8Array) { calls.written.push({ path: u.fsPath, text: Buffer.from(data).toString('utf8') }); } },
  },
  commands: { async executeCommand(...args: unknown[]) { calls.commands.push(args); } },
};

const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  if (request === 'vscode') return vscodeStub;
  return originalLoad.call(this, request, ...rest);
};

// ---- fixtures -----------------------------------------------------------------------------
let db: Database;
let registerCostsPanel: typeof import('../../src/host/costsPanel').registerCostsPanel;
const readModelCalls: PanelFilter[] = [];
const logs: { level: string; message: string }[] = [];
const state = new Map<string, unknown>();
let fireDataChange: (() => void) | undefined;

/** While set, builds wait for it (the engine is busy with something else). */
let engineGate: Promise<void> | null = null;
const engine = {
  async readModel(filter: PanelFilter, nowMs?: number, opts?: { signal?: AbortSignal }): Promise<PanelReadModel> {
    readModelCalls.push(filter);
    if (engineGate) await engineGate;
    // As the real engine: a call whose caller gave up while it waited does not build.
    opts?.signal?.throwIfAborted();
    return buildReadModel(db, filter, nowMs ?? NOW);
  },
};
const log = {
  info: (m: string) => logs.push({ level: 'info', message: m }),
  warn: (m: string) => logs.push({ level: 'warn', message: m }),
  error: (m: string) => logs.push({ level: 'error', message: m }),
  debug: (m: string) => logs.push({ level: 'debug', message: m }),
};
const context = {
  extensionUri: uri('/ext'),
  workspaceState: { get: (k: string) => state.get(k), update: async (k: string, v: unknown) => { state.set(k, v); } },
};
let rescans = 0;

function register() {
  return registerCostsPanel(context as never, {
    engine: engine as never,
    onDidChangeData: ((fn: () => void) => { fireDataChange = fn; return { dispose() {} }; }) as never,
    log: log as never,
    rescan: async () => { rescans++; },
  });
}

const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  db = await createStore();
  insertRequests(db, [
    { ts: NOW - 3_600_000, project: 'shop', model: 'claude-opus-4-6', input: 100, output: 50, cost: 2 },
    { ts: NOW - 7_200_000, project: 'billing', model: 'claude-haiku-4-5', input: 10, output: 5, cost: 0.5 },
  ]);
  ({ registerCostsPanel } = await import('../../src/host/costsPanel'));
});

test('open: one panel with the view type, title, scripts on, context not retained, minimal roots and a strict CSP', async () => {
  const handle = register();
  assert.ok(calls.serializers.has('claudeCosts.panel'), 'the serializer is registered up front');
  handle.open();
  const created = calls.created.at(-1)!;
  assert.equal(created.viewType, 'claudeCosts.panel');
  assert.equal(created.title, 'Claude Code Costs');
  assert.equal(created.options.enableScripts, true);
  assert.equal(created.options.retainContextWhenHidden, false);
  assert.deepEqual((created.options.localResourceRoots as FakeUri[]).map((u) => u.path), ['/ext/dist/webview', '/ext/media']);
  const html = lastPanel!.webview.html;
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1];
  const nonce = /'nonce-([A-Za-z0-9]+)'/.exec(csp)![1];
  assert.ok(nonce.length >= 16);
  assert.ok(csp.startsWith("default-src 'none'"));
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval') && !/(^|\s)https?:(\s|;|$)/.test(csp), 'no inline code, no eval, no open scheme sources');
  assert.ok(html.includes(`<script type="module" nonce="${nonce}" src="https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/panel.js">`));
  assert.ok(html.includes('id="vscode-codicon-stylesheet"'));
  assert.ok(html.includes('Loading Claude Code costs'), 'never a blank panel');
  // A second open reveals the same panel.
  handle.open();
  assert.equal(calls.created.length, 1);
  assert.equal(lastPanel!.revealed, 1);
  handle.dispose();
});

test('messages: ready → loading + read model with budgets from settings; invalid → ignored and logged; setFilter is kept', async () => {
  settings = { 'budget.daily': 10, 'budget.monthly': null };
  const handle = register();
  handle.open();
  const wv = lastPanel!.webview;
  wv.receive({ type: 'ready' });
  await settle();
  assert.deepEqual(wv.posted.map((m) => m.type), ['loading', 'readModel']);
  const first = wv.posted[1] as Extract<HostToWebview, { type: 'readModel' }>;
  assert.equal(first.requestId, null);
  assert.equal(first.model.totals.requests, 2);
  assert.equal(first.model.budgets.daily?.limitUsd, 10);
  assert.equal(first.model.budgets.monthly, null);

  const before = wv.posted.length;
  const calls0 = readModelCalls.length;
  wv.receive({ type: 'setFilter', requestId: 1, filter: { ...DEFAULT_PANEL_FILTER, sql: 'x' } });
  wv.receive({ type: 'nope' });
  await settle();
  // The invalid request is answered with its error (the page must not load forever); the rest is ignored.
  assert.deepEqual(wv.posted.slice(before), [{ type: 'error', requestId: 1, message: 'Invalid request: filter.sql: unknown field' }]);
  assert.equal(readModelCalls.length, calls0, 'nothing was built');
  assert.equal(logs.filter((l) => l.level === 'warn' && l.message.includes('invalid message')).length, 2);

  const filter: PanelFilter = { ...DEFAULT_PANEL_FILTER, range: 'today', models: ['claude-opus-4-6'] };
  wv.receive({ type: 'setFilter', requestId: 7, filter });
  await settle();
  const answer = wv.posted.at(-1) as Extract<HostToWebview, { type: 'readModel' }>;
  assert.equal(answer.type, 'readModel');
  assert.equal(answer.requestId, 7);
  assert.equal(answer.model.totals.requests, 1);
  assert.deepEqual(readModelCalls.at(-1), filter);
  assert.deepEqual(state.get('claudeCosts.panel.filter'), filter, 'kept in workspaceState');

  // A settings change re-applies budgets without a new query.
  const queries = readModelCalls.length;
  settings = { 'budget.daily': 1 };
  for (const l of configListeners) l({ affectsConfiguration: (s) => s === 'claudeCosts.budget' });
  const pushed = wv.posted.at(-1) as Extract<HostToWebview, { type: 'readModel' }>;
  assert.equal(pushed.model.budgets.daily?.state, 'over');
  assert.equal(readModelCalls.length, queries);
  handle.dispose();
});

test('new data: pushes one debounced read model; rescan and settings links', async () => {
  const handle = register();
  handle.open();
  const wv = lastPanel!.webview;
  wv.receive({ type: 'ready' });
  await settle();
  const n = wv.posted.filter((m) => m.type === 'readModel').length;
  fireDataChange!();
  fireDataChange!();
  fireDataChange!();
  await settle(600);
  assert.equal(wv.posted.filter((m) => m.type === 'readModel').length, n + 1, 'three changes, one push');

  wv.receive({ type: 'rescan' });
  await settle();
  assert.equal(rescans, 1);
  wv.receive({ type: 'openSettings', target: 'roots' });
  wv.receive({ type: 'openSettings', target: 'budget' });
  await settle();
  assert.deepEqual(calls.commands.slice(-2), [['workbench.action.openSettings', 'claudeCosts.roots'], ['workbench.action.openSettings', 'claudeCosts.budget']]);
  handle.dispose();
});

test('export: a save dialog, then the CSV or JSON of the current view written through workspace.fs', async () => {
  const handle = register();
  handle.open();
  const wv = lastPanel!.webview;
  wv.receive({ type: 'ready' });
  await settle();
  saveTarget = uri('/tmp/costs.csv');
  wv.receive({ type: 'export', format: 'csv' });
  await settle();
  assert.equal(calls.saveDialogs.length, 1);
  assert.deepEqual(calls.saveDialogs[0].filters, { CSV: ['csv'] });
  const csv = calls.written.at(-1)!;
  assert.equal(csv.path, '/tmp/costs.csv');
  assert.ok(csv.text.startsWith('# Claude Code Costs export'));
  assert.ok(csv.text.includes('# Models') && csv.text.includes('claude-opus-4-6'));
  assert.deepEqual(wv.posted.at(-1), { type: 'notice', message: 'Exported to costs.csv' });

  saveTarget = uri('/tmp/costs.json');
  wv.receive({ type: 'export', format: 'json' });
  await settle();
  const json = JSON.parse(calls.written.at(-1)!.text) as PanelReadModel;
  const shown = wv.posted.filter((m) => m.type === 'readModel').at(-1) as Extract<HostToWebview, { type: 'readModel' }>;
  assert.deepEqual(json, shown.model, 'the export is the view on screen');

  saveTarget = undefined; // cancelled dialog: nothing written
  const written = calls.written.length;
  wv.receive({ type: 'export', format: 'csv' });
  await settle();
  assert.equal(calls.written.length, written);
  handle.dispose();
});

test('reload: the serializer restores the panel with the filter from the webview state; open(filter) merges', async () => {
  const handle = register();
  const restored = new FakePanel();
  const saved: PanelFilter = { ...DEFAULT_PANEL_FILTER, range: 'last_7d', project: 'billing' };
  await calls.serializers.get('claudeCosts.panel')!.deserializeWebviewPanel(restored, { filter: saved });
  assert.ok(restored.webview.html.includes('Content-Security-Policy'));
  restored.webview.receive({ type: 'ready' });
  await settle();
  const model = (restored.webview.posted.at(-1) as Extract<HostToWebview, { type: 'readModel' }>).model;
  assert.equal(model.filter.range, 'last_7d');
  assert.equal(model.filter.project, 'billing');
  assert.equal(model.totals.requests, 1);

  // The query command hands a partial filter over: merged into the current one, then pushed.
  handle.open({ models: ['claude-haiku-4-5'] });
  await settle();
  const pushed = (restored.webview.posted.at(-1) as Extract<HostToWebview, { type: 'readModel' }>).model;
  assert.deepEqual(pushed.filter.models, ['claude-haiku-4-5']);
  assert.equal(pushed.filter.project, 'billing');
  handle.open({ range: 'forever' as never });
  assert.ok(logs.some((l) => l.level === 'warn' && l.message.includes('filter.range')));
  handle.dispose();
});

test('provider filter: kept in workspaceState; a filter stored before the field existed restores with provider null', async () => {
  // Stored by an older version: no provider field.
  const { provider: _none, ...older } = { ...DEFAULT_PANEL_FILTER, range: 'last_7d' as const };
  state.set('claudeCosts.panel.filter', older);
  const handle = register();
  handle.open();
  const wv = lastPanel!.webview;
  wv.receive({ type: 'ready' });
  await settle();
  assert.deepEqual(readModelCalls.at(-1), { ...DEFAULT_PANEL_FILTER, range: 'last_7d', provider: null });
  wv.receive({ type: 'setFilter', requestId: 21, filter: { ...DEFAULT_PANEL_FILTER, provider: 'ollama', models: null } });
  await settle();
  assert.equal((state.get('claudeCosts.panel.filter') as PanelFilter).provider, 'ollama');
  const answer = wv.posted.at(-1) as Extract<HostToWebview, { type: 'readModel' }>;
  assert.equal(answer.model.filter.provider, 'ollama');
  assert.equal(answer.model.totals.requests, 0, 'no API-log rows here: an unknown provider matches nothing');
  // A bad provider from the webview is refused, naming the field; open() merges a partial filter.
  wv.receive({ type: 'setFilter', requestId: 22, filter: { ...DEFAULT_PANEL_FILTER, provider: ['x'] } });
  await settle();
  assert.ok(logs.some((l) => l.level === 'warn' && l.message.includes('filter.provider')));
  handle.open({ provider: 'anthropic' });
  await settle();
  assert.equal(readModelCalls.at(-1)!.provider, 'anthropic');
  const pushed = wv.posted.at(-1) as Extract<HostToWebview, { type: 'readModel' }>;
  assert.equal(pushed.model.totals.requests, 2, 'Claude Code rows are anthropic');
  handle.dispose();
});

test('pairing: a rebuilt webview (tab switch back, reopen) numbers from 1 again and every change is answered', async () => {
  const handle = register();
  handle.open();
  const wv = lastPanel!.webview;
  wv.receive({ type: 'ready' });
  await settle();
  for (let id = 1; id <= 5; id++) {
    wv.receive({ type: 'setFilter', requestId: id, filter: { ...DEFAULT_PANEL_FILTER, range: id % 2 ? 'today' : 'last_7d' } });
    await settle(5);
  }
  await settle();
  // The tab is switched away and back: a new page, a new `ready`, ids from 1 (the bug: answers dropped forever).
  wv.receive({ type: 'ready' });
  await settle();
  const mark = wv.posted.length;
  wv.receive({ type: 'setFilter', requestId: 1, filter: { ...DEFAULT_PANEL_FILTER, range: 'all', project: 'billing' } });
  await settle();
  const answer = wv.posted.slice(mark).find((m) => m.type === 'readModel') as Extract<HostToWebview, { type: 'readModel' }>;
  assert.ok(answer, 'request 1 of the rebuilt page is answered');
  assert.equal(answer.requestId, 1);
  assert.equal(answer.model.filter.project, 'billing');
  assert.equal(answer.model.totals.requests, 1);
  handle.dispose();
});

test('pairing: a burst while the engine is busy builds only the newest request; superseded ones never start', async () => {
  const handle = register();
  handle.open();
  const wv = lastPanel!.webview;
  wv.receive({ type: 'ready' });
  await settle();
  let release!: () => void;
  engineGate = new Promise((r) => { release = r; });
  const calls0 = readModelCalls.length;
  const mark = wv.posted.length;
  for (let id = 1; id <= 5; id++) wv.receive({ type: 'setFilter', requestId: id, filter: { ...DEFAULT_PANEL_FILTER, range: 'today', project: id === 5 ? 'shop' : null } });
  await settle();
  engineGate = null;
  release();
  await settle();
  // Request 1 had reached the engine (and is skipped there: its signal was aborted); 2–4 never did.
  assert.equal(readModelCalls.length - calls0, 2);
  const answers = wv.posted.slice(mark).filter((m) => m.type === 'readModel') as Extract<HostToWebview, { type: 'readModel' }>[];
  assert.deepEqual(answers.map((a) => a.requestId), [5]);
  assert.equal(answers[0].model.filter.project, 'shop');
  assert.equal(wv.posted.slice(mark).filter((m) => m.type === 'error').length, 0, 'a superseded build is not an error');
  // A push (new data) after request 5 echoes 5, so the page waiting for 5 would take it.
  fireDataChange!();
  await settle(600);
  assert.equal((wv.posted.at(-1) as Extract<HostToWebview, { type: 'readModel' }>).requestId, 5);
  handle.dispose();
});
