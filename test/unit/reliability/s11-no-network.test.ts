// Scenario 11: with default settings nothing opens a network connection. Child processes run the core
// (scan, query, status, panel read model, persist, restart) and every CLI command with a preload that
// traps sockets, TLS, HTTP(S), HTTP/2, UDP, DNS, fetch and WebSocket; a Claude login is present, so a
// default-off OAuth request would have a token to use. A control run proves the trap records attempts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { assistantLine, writeLines, SESSION_A } from '../helpers/lines';
import { REPO_ROOT, bundleEntry, tempDir } from './helpers';

const work = tempDir('nonet');
const configDir = path.join(work, 'claude');
const preload = path.join(__dirname, 'helpers', 'no-network-preload.cjs');

before(() => {
  writeLines(path.join(configDir, 'projects', '-home-dev-shop', `${SESSION_A}.jsonl`), [
    assistantLine({ messageId: 'msg_01NONETWORK00000000000001', timestamp: new Date(Date.now() - 600_000).toISOString(), input: 10, output: 500 }),
    JSON.stringify({ type: 'assistant', isApiErrorMessage: true, message: { model: '<synthetic>', id: 'x', content: [{ type: 'text', text: "You've hit your limit · resets 3pm" }] }, sessionId: SESSION_A, timestamp: new Date().toISOString(), uuid: '00000000-0000-4000-8000-00000000abcd' }),
  ]);
  fs.writeFileSync(path.join(configDir, '.credentials.json'), JSON.stringify({ claudeAiOauth: { accessToken: 'sk-ant-oat01-NONET', expiresAt: Date.now() + 3_600_000, rateLimitTier: 'default_claude_max_5x' } }));
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

// The entries run as esbuild bundles with plain `node`, as the shipped dist/cli.js does: under tsx the
// loader itself opens a local IPC socket to its parent, which would blur the count.
function runTrapped(args: string[], netLog: string): { status: number | null; stdout: string; stderr: string; attempts: string[] } {
  fs.rmSync(netLog, { force: true });
  const r = spawnSync(process.execPath, ['--require', preload, ...args], {
    cwd: REPO_ROOT, encoding: 'utf8', timeout: 90_000,
    env: { ...process.env, RELIABILITY_NET_LOG: netLog, XDG_DATA_HOME: path.join(work, 'xdg'), CLAUDE_CONFIG_DIR: configDir },
  });
  const attempts = fs.existsSync(netLog) ? fs.readFileSync(netLog, 'utf8').trim().split('\n').filter(Boolean) : [];
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, attempts };
}

test('scenario 11: control — the trap records a fetch and a socket', { timeout: 120_000 }, async () => {
  const r = runTrapped([await bundleEntry(path.join(__dirname, 'helpers', 'all-surfaces.ts')), configDir, path.join(work, 'probe.sqlite'), '--probe'], path.join(work, 'net-probe.log'));
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.attempts.some((a) => a.startsWith('fetch')), r.attempts.join('\n'));
  assert.ok(r.attempts.some((a) => a.startsWith('net.')), r.attempts.join('\n'));
});

test('scenario 11: core surfaces with default settings → zero network attempts', { timeout: 120_000 }, async () => {
  const r = runTrapped([await bundleEntry(path.join(__dirname, 'helpers', 'all-surfaces.ts')), configDir, path.join(work, 'core.sqlite')], path.join(work, 'net-core.log'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /OK/);
  assert.deepEqual(r.attempts, []);
});

test('scenario 11: every CLI command with default settings → zero network attempts', { timeout: 180_000 }, async () => {
  const cli = await bundleEntry(path.join(REPO_ROOT, 'src', 'cli.ts'));
  const db = ['--db', path.join(work, 'cli.sqlite')];
  const commands = [
    ['scan', ...db],
    ['query', ...db, '--params', '{"window":"all","group_by":"project"}'],
    ['status', ...db, '--json'],
    ['report', 'daily', ...db, '--json'],
    ['report', 'blocks', ...db],
  ];
  for (const args of commands) {
    const r = runTrapped([cli, ...args], path.join(work, `net-cli-${args[0]}.log`));
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.deepEqual(r.attempts, [], args.join(' '));
  }
});
