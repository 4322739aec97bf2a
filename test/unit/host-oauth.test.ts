// The opt-in OAuth usage poller with a fake fetch: it sends the required headers, parses the response,
// backs off on 429 per Retry-After (never under 180 s), asks the user to run Claude Code on 401 or an
// expired token, never refreshes, and never logs the token. Disabled (the default) it does nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OAuthUsagePoller, readAccessToken, USAGE_URL, type FetchLike, type OAuthPollerDeps } from '../../src/host/oauthUsage';
import type { OAuthUsageSnapshot } from '../../src/core/limits/readings';

const TOKEN = 'sk-ant-oat01-SECRET-TOKEN-VALUE';
const NOW = Date.parse('2026-11-22T10:00:00Z');

function configDir(cred: object | null): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-oauth-'));
  if (cred) fs.writeFileSync(path.join(dir, '.credentials.json'), JSON.stringify(cred));
  return dir;
}

const validCred = { claudeAiOauth: { accessToken: TOKEN, refreshToken: 'sk-ant-ort01-REFRESH', expiresAt: NOW + 3_600_000, rateLimitTier: 'default_claude_max_5x' } };

function harness(opts: { enabled?: boolean; cred?: object | null; responses?: { status: number; body?: unknown; retryAfter?: string }[] }) {
  const dir = configDir(opts.cred === undefined ? validCred : opts.cred);
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const logs: string[] = [];
  const problems: string[] = [];
  const snaps: OAuthUsageSnapshot[] = [];
  let clock = NOW;
  const responses = [...(opts.responses ?? [])];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, headers: init.headers });
    const r = responses.shift() ?? { status: 500 };
    return { status: r.status, headers: { get: (n: string) => (n.toLowerCase() === 'retry-after' ? r.retryAfter ?? null : null) }, json: async () => r.body };
  };
  const deps: OAuthPollerDeps = {
    isEnabled: () => opts.enabled ?? true,
    isFocused: () => true,
    configDirs: () => [dir],
    claudeCodeVersion: () => '2.1.90',
    pollMs: () => 60_000, // asks for 1 min; the poller enforces ≥ 180 s
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    onSnapshot: (s) => snaps.push(s),
    onProblem: (m) => problems.push(m),
    fetch,
    now: () => clock,
  };
  const credBefore = opts.cred === null ? null : fs.readFileSync(path.join(dir, '.credentials.json'), 'utf8');
  return { poller: new OAuthUsagePoller(deps), calls, logs, problems, snaps, dir, credBefore, tick: (ms: number) => (clock += ms) };
}

test('disabled (the default): no token read, no request', async () => {
  const h = harness({ enabled: false });
  assert.equal(await h.poller.pollOnce(), 'disabled');
  assert.equal(h.calls.length, 0);
});

test('GET with the Claude Code headers; the legacy body is parsed into a snapshot', async () => {
  const h = harness({ responses: [{ status: 200, body: { five_hour: { utilization: 33, resets_at: '2026-11-22T12:00:00Z' } } }] });
  assert.equal(await h.poller.pollOnce(), 'ok');
  assert.equal(h.calls.length, 1);
  assert.equal(h.calls[0].url, USAGE_URL);
  assert.deepEqual(h.calls[0].headers, {
    Authorization: `Bearer ${TOKEN}`,
    'anthropic-beta': 'oauth-2025-04-20',
    'User-Agent': 'claude-code/2.1.90',
    'Content-Type': 'application/json',
  });
  assert.equal(h.snaps[0].fiveHour?.usedPct, 33);
  assert.equal(h.snaps[0].fetchedAtMs, NOW);
});

test('429 with Retry-After: no request until it passes (and never sooner than 180 s)', async () => {
  const h = harness({ responses: [{ status: 429, retryAfter: '0' }, { status: 200, body: { limits: [{ kind: 'session', percent: 7, resets_at: null }] } }] });
  assert.equal(await h.poller.pollOnce(), 'retry_later');
  h.tick(60_000);
  assert.equal(await h.poller.pollOnce(), 'retry_later');
  assert.equal(h.calls.length, 1, 'no request inside the back-off');
  h.tick(121_000);
  assert.equal(await h.poller.pollOnce(), 'ok');
  assert.equal(h.snaps[0].fiveHour?.usedPct, 7);
});

test('401: asks to run Claude Code; the token is never refreshed, written or logged', async () => {
  const h = harness({ responses: [{ status: 401 }] });
  assert.equal(await h.poller.pollOnce(), 'auth');
  assert.match(h.problems[0], /run any Claude Code command to refresh the login/);
  assert.equal(h.calls.length, 1, 'no refresh call');
  assert.equal(fs.readFileSync(path.join(h.dir, '.credentials.json'), 'utf8'), h.credBefore, 'credentials untouched');
  assert.ok(![...h.logs, ...h.problems].some((l) => l.includes(TOKEN) || l.includes('REFRESH')));
});

test('an expired token is not used at all', async () => {
  const h = harness({ cred: { claudeAiOauth: { accessToken: TOKEN, expiresAt: NOW - 1000 } } });
  assert.equal(await h.poller.pollOnce(), 'auth');
  assert.equal(h.calls.length, 0);
  assert.match(h.problems[0], /expired: run any Claude Code command/);
});

test('no login: a clear problem, no request', async () => {
  const h = harness({ cred: null });
  assert.equal(await h.poller.pollOnce(), 'no_token');
  assert.equal(h.calls.length, 0);
});

test('a network failure is logged without the token and does not throw', async () => {
  const h = harness({});
  const failing = new OAuthUsagePoller({
    isEnabled: () => true, isFocused: () => true, configDirs: () => [h.dir], claudeCodeVersion: () => null, pollMs: () => 0,
    log: { info: (m) => h.logs.push(m), warn: (m) => h.logs.push(m), error: (m) => h.logs.push(m) },
    onSnapshot: () => {}, onProblem: () => {},
    // The fixed clock keeps the fixture token unexpired on any date the suite runs.
    now: () => NOW,
    fetch: async () => { throw new Error('getaddrinfo ENOTFOUND api.anthropic.com'); },
  });
  assert.equal(await failing.pollOnce(), 'error');
  assert.match(h.logs.at(-1) ?? '', /request failed: getaddrinfo/);
  assert.ok(!h.logs.some((l) => l.includes(TOKEN)));
});

test('readAccessToken: file first; hex-encoded keychain payloads decode', async () => {
  const dir = configDir(validCred);
  const t = await readAccessToken([dir], 'linux');
  assert.equal(t?.token, TOKEN);
  assert.equal(t?.expiresAtMs, NOW + 3_600_000);
  const hexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-oauth-hex-'));
  fs.writeFileSync(path.join(hexDir, '.credentials.json'), Buffer.from(JSON.stringify(validCred)).toString('hex'));
  assert.equal((await readAccessToken([hexDir], 'linux'))?.token, TOKEN);
  assert.equal(await readAccessToken([configDir(null)], 'linux'), null);
});
