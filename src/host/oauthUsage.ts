// Opt-in headroom source 2: the OAuth usage endpoint (peers-and-headroom.md §3). Off by default; nothing
// here runs, reads a credential or opens a socket unless `claudeCosts.headroom.useOAuthUsageEndpoint` is on.
// The token is read-only: never refreshed, never written, never logged. Polls at most every 180 s and only
// while the window is focused; honours Retry-After; on 401 asks the user to run Claude Code.
// No `vscode` import (the host passes focus and settings in), so it is unit-testable.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../core/types';
import { classifyUsageHttpStatus, MIN_OAUTH_POLL_MS, parseOAuthUsage, type OAuthUsageSnapshot } from '../core/limits/readings';

export const USAGE_URL = 'https://api.anthropic.com/api/oauth/usage';
const DEFAULT_CLAUDE_CODE_VERSION = '2.1.0';

export interface AccessToken {
  token: string;
  expiresAtMs: number | null;
  from: string;
}

function tokenFromCredentialsJson(text: string, from: string): AccessToken | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // The macOS keychain payload is hex-encoded JSON on some versions.
    if (/^[0-9a-f]+$/i.test(text.trim())) return tokenFromCredentialsJson(Buffer.from(text.trim(), 'hex').toString('utf8'), from);
    return null;
  }
  const o = (doc as { claudeAiOauth?: { accessToken?: unknown; expiresAt?: unknown } } | null)?.claudeAiOauth;
  if (!o || typeof o.accessToken !== 'string' || o.accessToken === '') return null;
  return { token: o.accessToken, expiresAtMs: typeof o.expiresAt === 'number' ? o.expiresAt : null, from };
}

/** Reads the access token from .credentials.json in the config dirs, else (macOS) the keychain. Read-only. */
export async function readAccessToken(configDirs: string[], platform: NodeJS.Platform = process.platform): Promise<AccessToken | null> {
  for (const dir of configDirs) {
    const file = path.join(dir, '.credentials.json');
    try {
      const t = tokenFromCredentialsJson(fs.readFileSync(file, 'utf8'), file);
      if (t) return t;
    } catch {
      /* not there */
    }
  }
  if (platform === 'darwin') {
    const text = await new Promise<string | null>((resolve) => {
      // Loaded on demand: child_process is only needed on this opt-in, macOS-only path.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
      const { execFile } = require('node:child_process') as typeof import('node:child_process');
      execFile('security', ['find-generic-password', '-s', 'Claude Code-credentials', '-w'], { timeout: 5000 }, (err, stdout) => resolve(err ? null : stdout));
    });
    if (text) return tokenFromCredentialsJson(text.trim(), 'macOS keychain "Claude Code-credentials"');
  }
  return null;
}

export interface FetchLike {
  (url: string, init: { method: string; headers: Record<string, string>; signal?: AbortSignal }): Promise<{
    status: number;
    headers: { get(name: string): string | null };
    json(): Promise<unknown>;
  }>;
}

export interface OAuthPollerDeps {
  /** The setting; re-read on every tick so turning it off stops the polling at once. */
  isEnabled(): boolean;
  isFocused(): boolean;
  configDirs(): string[];
  /** Claude Code's version for the User-Agent (the endpoint answers 429 without claude-code/<ver>). */
  claudeCodeVersion(): string | null;
  pollMs(): number;
  log: Logger;
  onSnapshot(s: OAuthUsageSnapshot): void;
  /** A problem the user can act on (expired login); the host shows it once. */
  onProblem(message: string): void;
  fetch?: FetchLike;
  now?: () => number;
}

export type PollResult = 'ok' | 'disabled' | 'no_token' | 'auth' | 'retry_later' | 'error';

export class OAuthUsagePoller {
  private timer: NodeJS.Timeout | undefined;
  private lastAttemptMs = 0;
  private notBeforeMs = 0;
  private inFlight: Promise<PollResult> | null = null;
  private stopped = false;

  constructor(private readonly deps: OAuthPollerDeps) {}

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }

  private interval(): number {
    return Math.max(MIN_OAUTH_POLL_MS, this.deps.pollMs());
  }

  /** Schedules polling; each tick checks the setting and focus first. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Window focus came back: poll now if the last attempt is older than the interval. */
  onFocusChanged(): void {
    if (!this.stopped && this.deps.isFocused() && this.now() - this.lastAttemptMs >= this.interval()) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    if (this.deps.isEnabled() && this.deps.isFocused()) await this.pollOnce();
    this.schedule(Math.max(this.interval(), this.notBeforeMs - this.now()));
  }

  /** One request, unless disabled or backing off. Never throws. */
  pollOnce(): Promise<PollResult> {
    if (!this.deps.isEnabled()) return Promise.resolve('disabled');
    if (this.inFlight) return this.inFlight;
    if (this.now() < this.notBeforeMs) return Promise.resolve('retry_later');
    this.inFlight = this.doPoll().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async doPoll(): Promise<PollResult> {
    const now = this.now();
    this.lastAttemptMs = now;
    const token = await readAccessToken(this.deps.configDirs());
    if (!token) {
      this.deps.onProblem('No Claude Code login found (.credentials.json / keychain): the usage endpoint needs one. Run `claude` and log in.');
      return 'no_token';
    }
    if (token.expiresAtMs !== null && token.expiresAtMs <= now) {
      // Refreshing would rotate Claude Code's refresh token behind its back: never do it.
      this.deps.onProblem('The Claude Code login has expired: run any Claude Code command to refresh the login.');
      return 'auth';
    }
    const fetchImpl: FetchLike = this.deps.fetch ?? (globalThis.fetch as unknown as FetchLike);
    try {
      const res = await fetchImpl(USAGE_URL, {
        method: 'GET',
        headers: {
          Authorization: `Bearer ${token.token}`,
          'anthropic-beta': 'oauth-2025-04-20',
          'User-Agent': `claude-code/${this.deps.claudeCodeVersion() ?? DEFAULT_CLAUDE_CODE_VERSION}`,
          'Content-Type': 'application/json',
        },
        signal: AbortSignal.timeout(15_000),
      });
      const outcome = classifyUsageHttpStatus(res.status, res.headers.get('retry-after'), this.now());
      if (outcome.kind === 'ok') {
        const snap = parseOAuthUsage(await res.json(), this.now());
        this.deps.onSnapshot(snap);
        return 'ok';
      }
      if (outcome.kind === 'auth') {
        this.deps.onProblem(outcome.message);
        return 'auth';
      }
      if (outcome.kind === 'retry_later') {
        this.notBeforeMs = this.now() + outcome.retryAfterMs;
        this.deps.log.info(`Usage endpoint: ${outcome.message}; next try in ${Math.round(outcome.retryAfterMs / 1000)} s.`);
        return 'retry_later';
      }
      this.deps.log.warn(`Usage endpoint: ${outcome.message}.`);
      return 'error';
    } catch (e) {
      // The message never contains the token (it is only in a header).
      this.deps.log.warn(`Usage endpoint request failed: ${(e as Error).message}`);
      return 'error';
    }
  }
}
