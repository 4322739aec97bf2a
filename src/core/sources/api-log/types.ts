// What one line of a user's own API-call log means once parsed (issue 7). Plain data, no I/O.
import type { UsageForPricing } from '../../types';

/** The four rate-limit dimensions Anthropic reports in `anthropic-ratelimit-*` headers. */
export type RateLimitKind = 'requests' | 'input_tokens' | 'output_tokens' | 'tokens';
export const RATE_LIMIT_KINDS: readonly RateLimitKind[] = ['requests', 'input_tokens', 'output_tokens', 'tokens'];

/** Each kind with the field of a RateLimitObservation that carries it. */
export const RATE_LIMIT_FIELDS: ReadonlyArray<readonly [RateLimitKind, 'requests' | 'inputTokens' | 'outputTokens' | 'tokens']> = [
  ['requests', 'requests'], ['input_tokens', 'inputTokens'], ['output_tokens', 'outputTokens'], ['tokens', 'tokens'],
];

/** One dimension of a rate-limit observation. Any part may be unknown. */
export interface RateLimitReading {
  limit: number | null;
  remaining: number | null;
  /** Epoch ms (UTC) when the bucket is full again. */
  resetMs: number | null;
}

/** The rate-limit state a call saw, as its response headers (or the logged `rate_limit` object) told it. */
export interface RateLimitObservation {
  model: string;
  provider: string | null;
  /** Epoch ms of the call that saw it. */
  ts: number;
  requests?: RateLimitReading;
  inputTokens?: RateLimitReading;
  outputTokens?: RateLimitReading;
  tokens?: RateLimitReading;
}

/** One logged API call, normalised from whichever aliases the line used. */
export interface ApiCall {
  /**
   * The identity of the call across files and re-reads: `api:<request_id|id>` when the line has one,
   * else `api:file:<path>:<byte offset>`. Never collides with a Claude Code message id (`msg_…`).
   */
  key: string;
  /** request_id / id as logged (string form), when present. */
  requestId: string | null;
  timestampMs: number;
  /** The model as written; `unknown` when a line with tokens names none. */
  model: string;
  provider: string | null;
  executionMode: 'cloud' | 'local';
  usage: UsageForPricing;
  /** A cost the line logged itself (`cost_usd` | `estimated_cost_usd` | `cost`); null when absent. */
  loggedCostUsd: number | null;
  project: string | null;
  /** `api:` + session / session_id, or `api:` + the file's default session. */
  sessionId: string;
  /** purpose | feature | task_id. */
  feature: string | null;
  initiator: string | null;
  workerId: string | null;
  success: boolean | null;
  errorMessage: string | null;
  durationMs: number | null;
  timeToFirstTokenMs: number | null;
  rateLimit: RateLimitObservation | null;
}

export type ParsedApiLogLine =
  | { kind: 'call'; call: ApiCall }
  | { kind: 'skip' }
  | { kind: 'malformed'; reason: string };
