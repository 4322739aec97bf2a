// The bundled extension, activated in plain Node against a stub `vscode`: activation is fast and starts
// nothing heavy; the first scan runs in the worker thread afterwards and paints the chip; an appended
// response updates the chip within 1 s of the file event; llm_costs_query (command and tool) returns
// results and names bad params; deactivate persists the DB and stops the worker.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { assistantLine, appendLines, writeLines, SESSION_A } from './helpers/lines';
import { createVscodeStub, fakeContext, installVscodeStub, type VscodeStub } from './helpers/host-vscode-stub';

const repo = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-activate-'));
const bundleDir = path.join(tmp, 'dist');
const configRoot = path.join(tmp, 'claude');
const transcript = path.join(configRoot, 'projects', '-home-dev-shop', `${SESSION_A}.jsonl`);
const storage = path.join(tmp, 'globalStorage');
const now = Date.now();
const iso = (minsAgo: number) => new Date(now - minsAgo * 60_000).toISOString();

let stub: VscodeStub;
let uninstall: () => void;
let ext: {
  activate(ctx: unknown): { engine: { started: boolean; status(): Promise<unknown> }; firstScanDone: Promise<void>; chipText(): string };
  deactivate(): Promise<void>;
};
let api: ReturnType<typeof ext.activate>;
let ctx: ReturnType<typeof fakeContext>;
let activateMs = 0;
let loadMs = 0;

before(async () => {
  // Bundle exactly as scripts/build.mjs does, into a private folder (tests never touch dist/).
  fs.mkdirSync(bundleDir, { recursive: true });
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20', external: ['vscode'], logLevel: 'error' as const };
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [path.join(repo, 'src/extension.ts')], outfile: path.join(bundleDir, 'extension.js') }),
    esbuild.build({ ...common, entryPoints: [path.join(repo, 'src/host/engineWorker.ts')], outfile: path.join(bundleDir, 'engineWorker.js') }),
  ]);
  fs.copyFileSync(createRequire(__filename).resolve('sql.js/dist/sql-wasm.wasm'), path.join(bundleDir, 'sql-wasm.wasm'));

  writeLines(transcript, [
    assistantLine({ messageId: 'msg_01AAAAAAAAAAAAAAAAAAAAAA', timestamp: iso(30), input: 1000, output: 200_000, cacheCreation: 0, cacheRead: 50_000, model: 'claude-sonnet-4-6' }),
    assistantLine({ messageId: 'msg_01BBBBBBBBBBBBBBBBBBBBBB', timestamp: iso(20), input: 2000, output: 300_000, cacheCreation: 0, cacheRead: 447_000, model: 'claude-sonnet-4-6' }),
  ]);

  stub = createVscodeStub({ 'claudeCosts.roots': [configRoot], 'claudeCosts.plan': 'max20', 'claudeCosts.notifications.enabled': false });
  uninstall = installVscodeStub(stub);
  ctx = fakeContext(storage);
  const t0 = performance.now();
  ext = createRequire(__filename)(path.join(bundleDir, 'extension.js'));
  loadMs = performance.now() - t0;
  const t1 = performance.now();
  api = ext.activate(ctx);
  activateMs = performance.now() - t1;
});

after(async () => {
  await ext?.deactivate();
  uninstall?.();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('activate registers everything and returns without starting the engine', (t) => {
  t.diagnostic(`bundle load: ${loadMs.toFixed(1)} ms, activate(): ${activateMs.toFixed(1)} ms`);
  assert.equal(api.engine.started, false, 'the worker starts after activate returns');
  // The 30 ms budget is for activate() itself; the bundle load is timed but only bounded loosely here
  // (a shared CI machine under a parallel test run is noisy). What keeps it small is structural: the
  // extension bundle carries neither sql.js nor the ingest code, which live in the worker bundle.
  // Typically 2–3 ms; the bound is loose because parallel test files share two cores.
  assert.ok(activateMs < 200, `activate() took ${activateMs.toFixed(1)} ms`);
  assert.ok(loadMs < 1000, `loading the bundle took ${loadMs.toFixed(1)} ms`);
  const bundle = fs.readFileSync(path.join(bundleDir, 'extension.js'), 'utf8');
  assert.ok(!bundle.includes('sql-wasm') && !bundle.includes('ClaudeCodeScanner'), 'sql.js and the scanner stay out of the extension bundle');
  for (const id of ['llm_costs_query', 'claudeCosts.rescan', 'claudeCosts.rebuild', 'claudeCosts.openPanel', 'claudeCosts.installStatuslineCapture', 'claudeCosts.removeStatuslineCapture']) {
    assert.ok(stub.commands.has(id), `command ${id}`);
  }
  assert.ok(stub.tools.has('llm_costs_query'));
  const item = stub.statusBarItems[0];
  assert.equal(item.id, 'claudeCosts.chip');
  assert.equal(item.name, 'Claude Code Costs');
  assert.equal(item.text, '$(sync~spin) Claude Costs', 'spinner until the first scan is done');
});

test('first scan fills the chip: tokens in the window, estimate headroom, reset', async () => {
  await api.firstScanDone;
  const item = stub.statusBarItems[0];
  // 1,000,000 tokens; 503,000 in+out of Max 20x's 220,000 → limit exceeded by the estimate. The chip
  // shows the input + output tokens the % is computed on.
  assert.match(item.text, /^\$\(pulse\) 503K · 0% left \(est\.\) · \d+h\d\dm$/);
  assert.equal((item.backgroundColor as { id: string } | undefined)?.id, 'statusBarItem.errorBackground');
  const tooltip = item.tooltip as { value: string; isTrusted: unknown };
  assert.match(tooltip.value, /\| \*\*Input \+ output\*\* \(on the chip\) \| \*\*503,000\*\* \|/);
  assert.match(tooltip.value, /\| All, cache included \| 1,000,000 \|/);
  assert.deepEqual(tooltip.isTrusted, { enabledCommands: ['claudeCosts.openPanel', 'claudeCosts.rescan'] });
  assert.match(item.accessibilityInformation?.label ?? '', /503,000 input and output tokens/);
  assert.ok(stub.watchers.some((w) => w.base === path.join(configRoot, 'projects') && w.pattern === '**/*.jsonl'), 'the transcript root is watched');
  assert.ok(stub.logLines.some((l) => /^info Scan: 1 files .* 2 new requests/.test(l)), stub.logLines.join('\n'));
});

test('an appended response updates the chip within 1 s of the file event', async (t) => {
  await api.firstScanDone;
  appendLines(transcript, [
    assistantLine({ messageId: 'msg_01CCCCCCCCCCCCCCCCCCCCCC', timestamp: iso(1), input: 0, output: 1_000_000, cacheCreation: 0, cacheRead: 0, model: 'claude-sonnet-4-6' }),
  ]);
  const t0 = Date.now();
  for (const w of stub.watchers.filter((x) => x.pattern === '**/*.jsonl')) w.change.fire({ fsPath: transcript } as never);
  const item = stub.statusBarItems[0];
  while (!item.text.startsWith('$(pulse) 1.5M') && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
  const ms = Date.now() - t0;
  t.diagnostic(`chip updated ${ms} ms after the file event`);
  assert.match(item.text, /^\$\(pulse\) 1\.5M /);
  assert.ok(ms < 1000, `chip updated after ${ms} ms`);
});

test('a statusline capture written by Claude Code switches the chip to the official figure', async () => {
  await api.firstScanDone;
  const capture = path.join(storage, 'statusline', 'statusline.json');
  const resetSec = Math.floor((now + 90 * 60_000) / 1000);
  fs.writeFileSync(capture, JSON.stringify({ session_id: SESSION_A, version: '2.1.90', rate_limits: { five_hour: { used_percentage: 42, resets_at: resetSec } } }));
  // The kernel stamps files with the real time, which differs from the process clock under faketime.
  fs.utimesSync(capture, new Date(), new Date());
  const w = stub.watchers.find((x) => x.pattern === 'statusline.json');
  assert.ok(w, 'the capture file is watched');
  assert.equal(w.base, path.join(storage, 'statusline'));
  w.change.fire({ fsPath: capture } as never);
  const item = stub.statusBarItems[0];
  const t0 = Date.now();
  while (!/58% left/.test(item.text) && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
  assert.match(item.text, /^\$\(pulse\) 1\.5M · 58% left · 1h(29|30)m$/);
  assert.equal(item.backgroundColor, undefined);
  assert.match((item.tooltip as { value: string }).value, /official · Claude Code statusline/);
});

test('llm_costs_query command: params → result; a bad param → an Error naming it', async () => {
  await api.firstScanDone;
  const result = (await stub.vscode.commands.executeCommand('llm_costs_query', { window: 'last_24h', group_by: 'model' })) as {
    totals: { requests: number; total_tokens: number };
    groups: { key: string }[];
  };
  assert.equal(result.totals.requests, 3);
  assert.equal(result.totals.total_tokens, 2_000_000);
  assert.deepEqual(result.groups.map((g) => g.key), ['claude-sonnet-4-6']);
  await assert.rejects(stub.vscode.commands.executeCommand('llm_costs_query', { window: 'fortnight' }), (e: Error) => {
    assert.match(e.message, /^llm_costs_query: invalid param "window" — window: must be one of/);
    assert.equal((e as Error & { param?: string }).param, 'window');
    return true;
  });
  await assert.rejects(stub.vscode.commands.executeCommand('llm_costs_query', { colour: 'red' }), /invalid param "colour"/);
});

test('llm_costs_query from the palette: quick picks, JSON in an untitled editor, a button for the panel', async () => {
  await api.firstScanDone;
  stub.quickPickAnswers.push('today', 'project');
  const r = (await stub.vscode.commands.executeCommand('llm_costs_query')) as { totals: { requests: number } } | undefined;
  assert.ok(r);
  const doc = stub.openedDocuments.at(-1);
  assert.equal(doc?.language, 'json');
  const shown = JSON.parse(doc?.content ?? '{}');
  assert.deepEqual(shown.params, { window: 'today', group_by: 'project' });
  assert.equal(shown.result.totals.requests, r.totals.requests);
  const note = stub.messages.find((m) => m.level === 'info' && m.items.includes('Open in Costs Panel'));
  assert.ok(note, 'notification with the panel button');
});

/** A CancellationToken that is never cancelled (VS Code always passes one to a tool). */
const neverCancelled = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };

test('language-model tool: summary + JSON; bad params come back as a message naming the param', async () => {
  await api.firstScanDone;
  const tool = stub.tools.get('llm_costs_query')!;
  const ok = (await tool.invoke({ input: { window: 'last_7d', group_by: 'project' }, toolInvocationToken: undefined }, neverCancelled)) as { content: { value: string }[] };
  assert.equal(ok.content.length, 2);
  assert.match(ok.content[0].value, /^last_7d|Last 7 days/i);
  assert.match(ok.content[0].value, /3 requests, 2\.0M tokens/);
  assert.equal(JSON.parse(ok.content[1].value).totals.requests, 3);
  const bad = (await tool.invoke({ input: { group_by: 'colour' }, toolInvocationToken: undefined }, neverCancelled)) as { content: { value: string }[] };
  assert.equal(bad.content.length, 1);
  assert.match(bad.content[0].value, /^Error: invalid parameter "group_by"/);
  const prep = (await tool.prepareInvocation!({ input: { window: 'today' } }, neverCancelled)) as { invocationMessage: string };
  assert.equal(prep.invocationMessage, 'Querying Claude Code usage (window: today)');
});

test('rescan shows progress; rebuild asks first and does nothing without consent', async () => {
  await api.firstScanDone;
  const summary = (await stub.vscode.commands.executeCommand('claudeCosts.rescan')) as { newRequests: number };
  assert.equal(summary.newRequests, 0);
  assert.ok(stub.progressTitles.includes('Claude Costs: rescanning transcripts'));
  stub.messageAnswers.push(undefined); // the user dismisses the modal
  assert.equal(await stub.vscode.commands.executeCommand('claudeCosts.rebuild'), undefined);
  const ask = stub.messages.filter((m) => m.level === 'warning').at(-1);
  assert.match(ask?.text ?? '', /Re-read every Claude Code transcript/);
  assert.match(JSON.stringify(ask?.items[0]), /Nothing is deleted/);
  stub.messageAnswers.push('Re-read All Transcripts');
  const full = (await stub.vscode.commands.executeCommand('claudeCosts.rebuild')) as { newRequests: number; filesRead: number };
  assert.equal(full.filesRead, 1);
  assert.equal(full.newRequests, 0, 'a full re-read never counts a line twice');
});

test('deactivate persists the database and stops the worker', async () => {
  await api.firstScanDone;
  await ext.deactivate();
  assert.ok(fs.existsSync(path.join(storage, 'usage.sqlite')));
  assert.equal(api.engine.started, false);
});
