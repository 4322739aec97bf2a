// Scenario 12: the opt-in OAuth usage endpoint, against a real HTTP server on 127.0.0.1 (loopback only).
// The poller's real request goes over a socket; only the URL is redirected (USAGE_URL is a constant: the
// injectable `fetch` dependency forwards to the local server). 401 / 403 / 429 with Retry-After / 500 /
// a timeout / malformed JSON / a missing or changed token file: backoff honoured, the last figure shown
// stale with its age and the next source used when it is too old, the token never written nor logged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { OAuthUsagePoller, USAGE_URL, type FetchLike, type PollResult } from '../../../src/host/oauthUsage';
import type { OAuthUsageSnapshot } from '../../../src/core/limits/readings';
import { Engine } from '../../../src/core/engine';
import { chipView } from '../../../src/core/limits/chip';
import { assistantLine, writeLines, SESSION_A } from '../helpers/lines';
import { recordingLogger, tempDir } from './helpers';

const TOKEN_1 = 'sk-ant-oat01-RELIABILITY-SECRET-ONE-0123456789';
const TOKEN_2 = 'sk-ant-oat01-RELIABILITY-SECRET-TWO-9876543210';

interface Reply { status: number; body?: string; headers?: Record<string, string>; hang?: boolean }
const replies: Reply[] = [];
const seen: Array<{ url: string; authorization: string | undefined; userAgent: string | undefined; beta: string | undefined }> = [];
let server: http.Server;
let base: string;
const work = tempDir('oauth');
const hanging: http.ServerResponse[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization, userAgent: req.headers['user-agent'], beta: req.headers['anthropic-beta'] as string | undefined });
    const r = replies.shift() ?? { status: 500, body: '{}' };
    if (r.hang) {
      hanging.push(res);
      return;
    }
    res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
    res.end(r.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(work, { recursive: true, force: true });
});

/** Real fetch over a real socket, to the loopback server instead of api.anthropic.com. */
const loopbackFetch: FetchLike = async (url, init) => {
  assert.equal(url, USAGE_URL);
  const target = new URL(new URL(url).pathname, base);
  assert.equal(target.hostname, '127.0.0.1');
  const res = await fetch(target, init);
  return { status: res.status, headers: { get: (n: string) => res.headers.get(n) }, json: () => res.json() };
};

function credentials(dir: string, token: string | null): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, '.credentials.json');
  if (token === null) fs.rmSync(file, { force: true });
  else fs.writeFileSync(file, JSON.stringify({ claudeAiOauth: { accessToken: token, refreshToken: 'sk-ant-ort01-REFRESH-NEVER-USED', expiresAt: Date.now() + 3_600_000, rateLimitTier: 'default_claude_max_5x' } }));
  return file;
}

function harness(configDir: string) {
  const log = recordingLogger();
  const problems: string[] = [];
  const snapshots: OAuthUsageSnapshot[] = [];
  let clock = Date.now();
  const poller = new OAuthUsagePoller({
    isEnabled: () => true,
    isFocused: () => true,
    configDirs: () => [configDir],
    claudeCodeVersion: () => '2.1.138',
    pollMs: () => 180_000,
    log,
    onSnapshot: (s) => snapshots.push(s),
    onProblem: (m) => problems.push(m),
    fetch: loopbackFetch,
    now: () => clock,
  });
  return { poller, log, problems, snapshots, advance: (ms: number) => (clock += ms), now: () => clock };
}

const GOOD_BODY = JSON.stringify({ five_hour: { utilization: 42, resets_at: new Date(Date.now() + 2 * 3_600_000).toISOString() }, seven_day: { utilization: 10, resets_at: new Date(Date.now() + 5 * 86_400_000).toISOString() } });

test('scenario 12: every failure mode over real HTTP → right outcome, backoff honoured, token never logged or written', async () => {
  const configDir = path.join(work, 'claude');
  const credFile = credentials(configDir, TOKEN_1);
  const credBefore = fs.readFileSync(credFile);
  const credMtime = fs.statSync(credFile).mtimeMs;
  const h = harness(configDir);
  const results: PollResult[] = [];
  const poll = async () => {
    const r = await h.poller.pollOnce();
    results.push(r);
    return r;
  };

  // 200: a snapshot, sent with the token and Claude Code's headers.
  replies.push({ status: 200, body: GOOD_BODY });
  assert.equal(await poll(), 'ok');
  assert.equal(h.snapshots.at(-1)?.fiveHour?.usedPct, 42);
  assert.equal(seen.at(-1)?.authorization, `Bearer ${TOKEN_1}`);
  assert.match(seen.at(-1)?.userAgent ?? '', /^claude-code\/2\.1\.138/);
  assert.equal(seen.at(-1)?.url, '/api/oauth/usage');

  // 401 and 403: the user is asked to refresh the login; no snapshot.
  replies.push({ status: 401, body: '{"error":"unauthorized"}' });
  assert.equal(await poll(), 'auth');
  replies.push({ status: 403, body: '{"error":"forbidden"}' });
  assert.equal(await poll(), 'auth');
  assert.equal(h.problems.length, 2);
  assert.match(h.problems[1], /403/);

  // 429 with Retry-After: 900 s → no request before then, one after.
  replies.push({ status: 429, headers: { 'retry-after': '900' }, body: '{}' });
  assert.equal(await poll(), 'retry_later');
  const requestsAt429 = seen.length;
  h.advance(899_000);
  assert.equal(await poll(), 'retry_later');
  assert.equal(seen.length, requestsAt429, 'no request inside the Retry-After window');
  h.advance(2_000);
  // 429 with Retry-After: 0 (what the endpoint sends to a client without claude-code's User-Agent) → still ≥ 180 s.
  replies.push({ status: 429, headers: { 'retry-after': '0' }, body: '{}' });
  assert.equal(await poll(), 'retry_later');
  assert.equal(seen.length, requestsAt429 + 1);
  h.advance(179_000);
  assert.equal(await poll(), 'retry_later');
  assert.equal(seen.length, requestsAt429 + 1, 'a zero Retry-After never means hammering');
  h.advance(2_000);

  // 500 and malformed JSON: an error, the last good snapshot stays the last one.
  replies.push({ status: 500, body: 'internal error' });
  assert.equal(await poll(), 'error');
  replies.push({ status: 200, body: '{"five_hour": {"utilization": 4' });
  assert.equal(await poll(), 'error');
  replies.push({ status: 200, body: '"just a string"' });
  assert.equal(await poll(), 'error');
  assert.equal(h.snapshots.length, 1);

  // The token file changes (Claude Code refreshed its login): the next request uses the new token.
  credentials(configDir, TOKEN_2);
  const cred2 = fs.readFileSync(credFile);
  replies.push({ status: 200, body: GOOD_BODY });
  assert.equal(await poll(), 'ok');
  assert.equal(seen.at(-1)?.authorization, `Bearer ${TOKEN_2}`);
  assert.deepEqual(fs.readFileSync(credFile), cred2, 'the credentials file is never written');

  // The token file is missing: no request at all, a problem to act on.
  credentials(configDir, null);
  const before = seen.length;
  assert.equal(await poll(), 'no_token');
  assert.equal(seen.length, before);

  // The token appears nowhere but in the Authorization header and the credentials file.
  const everything = [h.log.text(), ...h.problems, JSON.stringify(h.snapshots), JSON.stringify(results)].join('\n');
  for (const t of [TOKEN_1, TOKEN_2, 'REFRESH-NEVER-USED']) assert.ok(!everything.includes(t), `token leaked: ${t}`);
  assert.ok(credBefore.length > 0 && credMtime > 0);
});

test('scenario 12: a request that never answers times out; no hang, no snapshot, token not in the log', { timeout: 30_000 }, async () => {
  const configDir = path.join(work, 'claude-timeout');
  credentials(configDir, TOKEN_1);
  const h = harness(configDir);
  // The poller's own 15 s AbortSignal.timeout is not injectable: shorten that clock only, keep its code path.
  const realTimeout = AbortSignal.timeout.bind(AbortSignal);
  (AbortSignal as { timeout: unknown }).timeout = (ms: number) => realTimeout(Math.min(ms, 500));
  try {
    replies.push({ status: 200, hang: true });
    const t0 = Date.now();
    assert.equal(await h.poller.pollOnce(), 'error');
    assert.ok(Date.now() - t0 < 10_000);
  } finally {
    (AbortSignal as { timeout: unknown }).timeout = realTimeout;
  }
  assert.equal(h.snapshots.length, 0);
  assert.match(h.log.text(), /request failed/i);
  assert.ok(!h.log.text().includes(TOKEN_1));
});

test('scenario 12: the last OAuth figure goes stale with its age, then yields to the next source; the DB never holds the token', async () => {
  const configDir = path.join(work, 'claude-status');
  credentials(configDir, TOKEN_1);
  const start = Date.now();
  // Activity in the current window, so the fallback (estimate from the plan) has something to work on.
  writeLines(path.join(configDir, 'projects', '-home-dev-shop', `${SESSION_A}.jsonl`), [
    assistantLine({ messageId: 'msg_01OAUTHSTALE0000000000001', timestamp: new Date(start - 20 * 60_000).toISOString(), input: 1000, output: 20_000 }),
  ]);
  const h = harness(configDir);
  replies.push({ status: 200, body: JSON.stringify({ five_hour: { utilization: 42, resets_at: new Date(start + 60 * 60_000).toISOString() } }) });
  assert.equal(await h.poller.pollOnce(), 'ok');
  const snap = h.snapshots[0];
  const dbPath = path.join(work, 'status.sqlite');
  const engine = await Engine.open({ dbPath, configDirs: [configDir], persistDebounceMs: 0 });
  try {
    await engine.scan();
    engine.setStatusOptions({ oauth: snap, plan: 'max5', staleAfterMs: 15 * 60_000 });
    // Fresh: official, not stale.
    let s = await engine.status(snap.fetchedAtMs + 60_000);
    assert.equal(s.headroom.source, 'oauth');
    assert.equal(s.headroom.stale, false);
    assert.equal(s.headroom.usedPct, 42);
    // 40 minutes later (the poller kept failing): still the OAuth figure, marked stale with its age.
    s = await engine.status(snap.fetchedAtMs + 40 * 60_000);
    assert.equal(s.headroom.source, 'oauth');
    assert.equal(s.headroom.stale, true);
    assert.equal(s.headroom.ageMs, 40 * 60_000);
    const chip = chipView(s);
    assert.ok(chip.dimmed, 'a stale figure is dimmed');
    assert.match(`${chip.text} ${chip.tooltipMarkdown}`, /40 ?m/);
    // Past the reset it described: the next source (the plan estimate) takes over.
    s = await engine.status(snap.fetchedAtMs + 70 * 60_000);
    assert.notEqual(s.headroom.source, 'oauth');
    assert.ok(['estimate', 'none', 'limit_event'].includes(s.headroom.source), s.headroom.source);
    await engine.persist();
  } finally {
    await engine.close();
  }
  assert.ok(!fs.readFileSync(dbPath).includes(TOKEN_1), 'the token is never written to the DB');
});
