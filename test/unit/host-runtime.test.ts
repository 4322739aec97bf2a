// HostRuntime end to end with a stub `vscode` and the engine in its worker: the opt-in OAuth path feeds
// the chip (with a fake fetch), and a worker that cannot start leaves a clear chip instead of a crash.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assistantLine, writeLines, SESSION_A } from './helpers/lines';
import { createVscodeStub, fakeContext } from './helpers/host-vscode-stub';
import { EngineClient } from '../../src/host/engineClient';
import { ChipController } from '../../src/host/statusBar';
import { HostRuntime } from '../../src/host/runtime';
import { readSettings } from '../../src/host/settings';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-runtime-'));
const SHIM = path.join(__dirname, 'helpers', 'host-engine-worker-shim.cjs');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function setup(name: string, config: Record<string, unknown>, workerPath = SHIM) {
  const configRoot = path.join(tmp, name, 'claude');
  writeLines(path.join(configRoot, 'projects', '-home-dev-shop', `${SESSION_A}.jsonl`), [
    assistantLine({ messageId: `msg_01RUNTIME${name.toUpperCase().padEnd(14, 'X')}`, timestamp: new Date(Date.now() - 15 * 60_000).toISOString(), input: 100, output: 900 }),
  ]);
  const stub = createVscodeStub({ 'claudeCosts.roots': [configRoot], ...config });
  const api = stub.vscode as unknown as typeof import('vscode');
  const settings = () => readSettings((k) => stub.vscode.workspace.getConfiguration('claudeCosts').get(k));
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(`info ${m}`), warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`) };
  const engine = new EngineClient({ workerPath, engineOptions: () => ({ dbPath: null, configDirs: settings().roots }), log });
  const chip = new ChipController(api, settings);
  const ctx = fakeContext(path.join(tmp, name, 'storage'));
  const rt = new HostRuntime(api, ctx as unknown as import('vscode').ExtensionContext, engine, chip, settings, log);
  const dispose = async () => {
    rt.dispose();
    chip.dispose();
    await engine.close();
  };
  return { stub, rt, chip, engine, logs, configRoot, dispose };
}

test('OAuth opted in: the endpoint\'s figure reaches the chip as the official source', async () => {
  const h = setup('oauth', { 'claudeCosts.headroom.useOAuthUsageEndpoint': true });
  fs.writeFileSync(path.join(h.configRoot, '.credentials.json'), JSON.stringify({ claudeAiOauth: { accessToken: 'sk-ant-oat01-t', expiresAt: Date.now() + 3_600_000 } }));
  const originalFetch = globalThis.fetch;
  const requests: string[] = [];
  globalThis.fetch = (async (url: string) => {
    requests.push(String(url));
    const reset = new Date(Date.now() + 2 * 3_600_000).toISOString();
    return { status: 200, headers: { get: () => null }, json: async () => ({ five_hour: { utilization: 70, resets_at: reset }, seven_day: { utilization: 20, resets_at: reset } }) };
  }) as unknown as typeof fetch;
  try {
    await h.rt.startup();
    const t0 = Date.now();
    while (!/30% left/.test(h.chip.text) && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
    assert.match(h.chip.text, /^\$\(pulse\) 1K · 30% left · (1h59m|2h00m)$/);
    assert.deepEqual(requests, ['https://api.anthropic.com/api/oauth/usage']);
    assert.equal(h.chip.lastStatus?.headroom.source, 'oauth');
    assert.deepEqual(h.chip.lastStatus?.weekly.map((w) => [w.id, w.usedPct]), [['seven_day', 20]]);
  } finally {
    globalThis.fetch = originalFetch;
    await h.dispose();
  }
});

test('a worker that cannot start: the chip says so, the host does not crash', async () => {
  const h = setup('broken', {}, path.join(tmp, 'no-such-worker.js'));
  try {
    await h.rt.startup();
    assert.equal(h.chip.text, '$(warning) Claude Costs');
    assert.ok(h.logs.some((l) => l.startsWith('error First scan failed')), h.logs.join('\n'));
  } finally {
    await h.dispose();
  }
});

test('at startup the headroom is judged on the official capture, not on the estimate (no toast from 1000 % estimated)', async () => {
  // A custom limit of 100 in+out tokens makes the estimate 1000 % used; the capture says 38 %.
  const h = setup('early-toast', { 'claudeCosts.plan': 'custom', 'claudeCosts.customPlanTokenLimit': 100 });
  const captureDir = path.join(tmp, 'early-toast', 'storage', 'statusline');
  fs.mkdirSync(captureDir, { recursive: true });
  const resetsAt = Math.floor((Date.now() + 3 * 3_600_000) / 1000);
  fs.writeFileSync(path.join(captureDir, 'statusline.json'), JSON.stringify({ session_id: 's1', version: '2.1.90', rate_limits: { five_hour: { used_percentage: 38, resets_at: resetsAt } } }));
  try {
    await h.rt.startup();
    await h.rt.firstScanDone;
    assert.equal(h.chip.lastStatus?.headroom.source, 'statusline');
    const headroomToasts = h.stub.messages.filter((m) => (m.level === 'warning' || m.level === 'error') && /5-hour|limit/i.test(m.text));
    assert.deepEqual(headroomToasts.map((m) => m.text), [], 'only the official 38 % is judged');
  } finally {
    await h.dispose();
  }
});
