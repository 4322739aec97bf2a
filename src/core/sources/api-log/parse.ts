// Parses one line of a user's own API-call log (issue 7; format documented in docs/api-logs.md).
// Keys are read with common aliases so logs written by existing tools load unchanged. A value of the
// wrong type makes the line malformed with the field named; it never throws.
import type { UsageForPricing } from '../../types';
import type { ApiCall, ParsedApiLogLine, RateLimitKind, RateLimitObservation, RateLimitReading } from './types';

export interface ApiLogLineContext {
  filePath: string;
  /** Byte offset of the line's first byte in the file (identity of a line without request_id / id). */
  byteOffset: number;
  /** Session of lines that name none (per file). Gets the `api:` prefix like logged sessions. */
  defaultSession: string;
}

/** Providers that run on the user's own machine: their calls default to execution_mode local. */
const LOCAL_PROVIDERS = new Set(['ollama', 'lmstudio', 'llamacpp']);

const TIME_KEYS = ['timestamp', 'ts', 'time'];
const INPUT_KEYS = ['input_tokens', 'tokens_input', 'prompt_tokens'];
const OUTPUT_KEYS = ['output_tokens', 'tokens_output', 'completion_tokens'];
const CACHE_READ_KEYS = ['cache_read_input_tokens', 'cache_read_tokens'];
const CACHE_WRITE_KEYS = ['cache_creation_input_tokens', 'cache_creation_tokens'];
const COST_KEYS = ['cost_usd', 'estimated_cost_usd', 'cost'];
const SESSION_KEYS = ['session', 'session_id'];
const FEATURE_KEYS = ['purpose', 'feature', 'task_id'];

/** A field with a value of the wrong type: the line is reported malformed with this message. */
class FieldError extends Error {}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first of `keys` present in `obj` with a non-null value. */
function pick(obj: Json, keys: readonly string[]): { key: string; value: unknown } | null {
  for (const key of keys) {
    const value = obj[key];
    if (value !== undefined && value !== null) return { key, value };
  }
  return null;
}

function numberOf(field: string, v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new FieldError(`${field}: expected a number, got ${JSON.stringify(v)}`);
}

/** Token counts: non-negative; a fractional count (an estimate) is rounded rather than dropped. */
function tokensOf(field: string, v: unknown): number {
  const n = numberOf(field, v);
  if (n < 0) throw new FieldError(`${field}: must not be negative (${n})`);
  return Math.round(n);
}

function nonNegative(field: string, v: unknown): number {
  const n = numberOf(field, v);
  if (n < 0) throw new FieldError(`${field}: must not be negative (${n})`);
  return n;
}

/** Strings, and numbers used as names (task_id: 42). */
function textOf(field: string, v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new FieldError(`${field}: expected a string, got ${JSON.stringify(v)}`);
}

function optionalText(obj: Json, keys: readonly string[]): string | null {
  const hit = pick(obj, keys);
  if (!hit) return null;
  const s = textOf(hit.key, hit.value).trim();
  return s === '' ? null : s;
}

/** Epoch seconds below 1e11 (year 5138), epoch milliseconds above. */
function epochToMs(n: number): number {
  return Math.abs(n) < 1e11 ? Math.round(n * 1000) : Math.round(n);
}

/** ISO-8601 (without an offset: local time, as Python's isoformat() writes it) or epoch seconds/ms. */
export function parseTimeValue(field: string, v: unknown): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new FieldError(`${field}: not a time: ${v}`);
    return epochToMs(v);
  }
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^-?\d+(\.\d+)?$/.test(s)) return epochToMs(Number(s));
    const t = Date.parse(s);
    if (Number.isFinite(t)) return t;
  }
  throw new FieldError(`${field}: not an ISO-8601 time or epoch seconds/milliseconds: ${JSON.stringify(v)}`);
}

function booleanOf(field: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  throw new FieldError(`${field}: expected true or false, got ${JSON.stringify(v)}`);
}

/** Go-style durations as OpenAI's x-ratelimit-reset-* headers write them: "6m0s", "1.5s", "20ms". */
function durationToMs(s: string): number | null {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n;
    matched += m[0];
  }
  return matched.length > 0 && matched === s.replace(/\s+/g, '') ? Math.round(total) : null;
}

/**
 * A reset: ISO time, epoch seconds/ms, seconds from the call (numbers below 1e9, before 2001 as an
 * epoch), or a duration string ("6m0s"), relative to the call's time.
 */
function resetOf(field: string, v: unknown, callMs: number): number {
  if (typeof v === 'number' || (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v))) {
    const n = numberOf(field, v);
    return n < 1e9 ? callMs + Math.round(n * 1000) : epochToMs(n);
  }
  if (typeof v === 'string') {
    const d = durationToMs(v.trim());
    if (d !== null) return callMs + d;
  }
  return parseTimeValue(field, v);
}

const KIND_ALIASES: Record<RateLimitKind, string[]> = {
  requests: ['requests'],
  input_tokens: ['input_tokens', 'input-tokens', 'inputTokens'],
  output_tokens: ['output_tokens', 'output-tokens', 'outputTokens'],
  tokens: ['tokens'],
};
const OBS_FIELD: Record<RateLimitKind, 'requests' | 'inputTokens' | 'outputTokens' | 'tokens'> = {
  requests: 'requests', input_tokens: 'inputTokens', output_tokens: 'outputTokens', tokens: 'tokens',
};
const RESET_KEYS = ['reset', 'reset_at', 'resets_at', 'resetsAt', 'reset_ms'];

function hasReading(r: RateLimitReading): boolean {
  return r.limit !== null || r.remaining !== null || r.resetMs !== null;
}

/** Header-named keys (any case) of one object: `anthropic-ratelimit-*` and OpenAI's `x-ratelimit-*`. */
function readHeaders(src: Json, callMs: number, into: Partial<Record<RateLimitKind, RateLimitReading>>): void {
  for (const [rawKey, value] of Object.entries(src)) {
    if (value === null || value === undefined) continue;
    const key = rawKey.toLowerCase();
    let kind: RateLimitKind | undefined;
    let part: 'limit' | 'remaining' | 'reset' | undefined;
    let m = /^anthropic-ratelimit-(requests|input-tokens|output-tokens|tokens)-(limit|remaining|reset)$/.exec(key);
    if (m) {
      kind = m[1].replace('-', '_') as RateLimitKind;
      part = m[2] as 'limit' | 'remaining' | 'reset';
    } else if ((m = /^x-ratelimit-(limit|remaining|reset)-(requests|tokens)$/.exec(key))) {
      kind = m[2] as RateLimitKind;
      part = m[1] as 'limit' | 'remaining' | 'reset';
    }
    if (!kind || !part) continue;
    const r = (into[kind] ??= { limit: null, remaining: null, resetMs: null });
    if (part === 'reset') r.resetMs = resetOf(rawKey, value, callMs);
    else r[part] = nonNegative(rawKey, value);
  }
}

/** The `rate_limit` object: per kind `{limit, remaining, reset}`, flat `requests_limit`…, or header names. */
function readRateLimitObject(obj: Json, callMs: number, into: Partial<Record<RateLimitKind, RateLimitReading>>): void {
  readHeaders(obj, callMs, into);
  for (const kind of Object.keys(KIND_ALIASES) as RateLimitKind[]) {
    for (const alias of KIND_ALIASES[kind]) {
      const nested = obj[alias];
      const field = `rate_limit.${alias}`;
      const r: RateLimitReading = { limit: null, remaining: null, resetMs: null };
      if (isObject(nested)) {
        if (nested.limit != null) r.limit = nonNegative(`${field}.limit`, nested.limit);
        if (nested.remaining != null) r.remaining = nonNegative(`${field}.remaining`, nested.remaining);
        const reset = pick(nested, RESET_KEYS);
        if (reset) r.resetMs = resetOf(`${field}.${reset.key}`, reset.value, callMs);
      } else if (nested !== undefined && nested !== null) {
        throw new FieldError(`${field}: expected an object {limit, remaining, reset}`);
      }
      const flat = (suffix: string) => obj[`${alias}_${suffix}`];
      if (flat('limit') != null) r.limit = nonNegative(`rate_limit.${alias}_limit`, flat('limit'));
      if (flat('remaining') != null) r.remaining = nonNegative(`rate_limit.${alias}_remaining`, flat('remaining'));
      for (const rk of RESET_KEYS) {
        const v = flat(rk);
        if (v != null) r.resetMs = resetOf(`rate_limit.${alias}_${rk}`, v, callMs);
      }
      if (hasReading(r)) into[kind] = { ...(into[kind] ?? { limit: null, remaining: null, resetMs: null }), ...definedOnly(r) };
    }
  }
}

function definedOnly(r: RateLimitReading): Partial<RateLimitReading> {
  const out: Partial<RateLimitReading> = {};
  if (r.limit !== null) out.limit = r.limit;
  if (r.remaining !== null) out.remaining = r.remaining;
  if (r.resetMs !== null) out.resetMs = r.resetMs;
  return out;
}

function rateLimitOf(line: Json, model: string, provider: string | null, callMs: number): RateLimitObservation | null {
  const readings: Partial<Record<RateLimitKind, RateLimitReading>> = {};
  readHeaders(line, callMs, readings);
  for (const k of ['headers', 'response_headers']) {
    const h = line[k];
    if (isObject(h)) readHeaders(h, callMs, readings);
  }
  if (line.rate_limit !== undefined && line.rate_limit !== null) {
    if (!isObject(line.rate_limit)) throw new FieldError('rate_limit: expected an object');
    readRateLimitObject(line.rate_limit, callMs, readings);
  }
  const obs: RateLimitObservation = { model, provider, ts: callMs };
  let any = false;
  for (const [kind, r] of Object.entries(readings) as Array<[RateLimitKind, RateLimitReading]>) {
    if (!hasReading(r)) continue;
    obs[OBS_FIELD[kind]] = r;
    any = true;
  }
  return any ? obs : null;
}

/** Token buckets from the line's top level, else from a nested `usage` object (an SDK's usage as is). */
function usageOf(line: Json): { usage: UsageForPricing; hasTokens: boolean } {
  const nested = isObject(line.usage) ? line.usage : null;
  const read = (keys: string[]): { value: number; found: boolean } => {
    const hit = pick(line, keys) ?? (nested ? pick(nested, keys) : null);
    if (!hit) return { value: 0, found: false };
    return { value: tokensOf(hit.key, hit.value), found: true };
  };
  const input = read(INPUT_KEYS);
  const output = read(OUTPUT_KEYS);
  const cacheRead = read(CACHE_READ_KEYS);
  const cacheWrite = read(CACHE_WRITE_KEYS);
  // The 5m/1h split of cache writes, as in Claude Code transcripts (usage.cache_creation).
  const split = isObject(line.cache_creation) ? line.cache_creation : nested && isObject(nested.cache_creation) ? nested.cache_creation : null;
  let fiveMin = 0;
  let oneHour = 0;
  if (split) {
    if (split.ephemeral_5m_input_tokens != null) fiveMin = tokensOf('cache_creation.ephemeral_5m_input_tokens', split.ephemeral_5m_input_tokens);
    if (split.ephemeral_1h_input_tokens != null) oneHour = tokensOf('cache_creation.ephemeral_1h_input_tokens', split.ephemeral_1h_input_tokens);
  }
  let webSearch = 0;
  const serverTools = nested && isObject(nested.server_tool_use) ? nested.server_tool_use : null;
  if (serverTools?.web_search_requests != null) webSearch = tokensOf('usage.server_tool_use.web_search_requests', serverTools.web_search_requests);
  const str = (k: string): string | null => {
    const v = line[k] ?? nested?.[k];
    return typeof v === 'string' && v !== '' ? v : null;
  };
  return {
    usage: {
      inputTokens: input.value,
      outputTokens: output.value,
      cacheCreationTokens: Math.max(cacheWrite.value, fiveMin + oneHour),
      cacheCreation1hTokens: oneHour,
      cacheReadTokens: cacheRead.value,
      webSearchRequests: webSearch,
      speed: str('speed'),
      inferenceGeo: str('inference_geo'),
      serviceTier: str('service_tier'),
    },
    hasTokens: input.found || output.found || cacheRead.found || cacheWrite.found || split !== null,
  };
}

function executionModeOf(line: Json, provider: string | null): 'cloud' | 'local' {
  const hit = pick(line, ['execution_mode']);
  if (hit) {
    const v = typeof hit.value === 'string' ? hit.value.trim().toLowerCase() : hit.value;
    if (v === 'cloud' || v === 'local') return v;
    throw new FieldError(`execution_mode: expected "cloud" or "local", got ${JSON.stringify(hit.value)}`);
  }
  const normalised = (provider ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
  return LOCAL_PROVIDERS.has(normalised) ? 'local' : 'cloud';
}

/**
 * The call's identity. `request_id` and string `id`s are global (the same call logged in two files is
 * one call); a numeric `id` is usually a per-file row counter, so it is scoped to its file; without
 * either the line's file and byte offset identify it.
 */
function identityOf(line: Json, ctx: ApiLogLineContext): { key: string; requestId: string | null } {
  const rid = pick(line, ['request_id']);
  if (rid) {
    const id = textOf('request_id', rid.value).trim();
    if (id) return { key: `api:${id}`, requestId: id };
  }
  const id = line.id;
  if (typeof id === 'string' && id.trim() !== '') return { key: `api:${id.trim()}`, requestId: id.trim() };
  if (typeof id === 'number' && Number.isFinite(id)) return { key: `api:file:${ctx.filePath}#${id}`, requestId: String(id) };
  if (id !== undefined && id !== null && typeof id !== 'string') throw new FieldError(`id: expected a string or number, got ${JSON.stringify(id)}`);
  return { key: `api:file:${ctx.filePath}:${ctx.byteOffset}`, requestId: null };
}

/**
 * One log line → a call, a line to skip (blank, or an object that names no model, tokens or cost), or a
 * malformed line with the reason (invalid JSON, a field of the wrong type, a call without a time).
 */
export function parseApiLogLine(line: string, ctx: ApiLogLineContext): ParsedApiLogLine {
  const text = line.trim();
  if (text === '') return { kind: 'skip' };
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: 'not valid JSON' };
  }
  if (!isObject(obj)) return { kind: 'malformed', reason: 'not a JSON object' };
  try {
    return parseObject(obj, ctx, RATE_LIMIT_MARK.test(text));
  } catch (e) {
    if (e instanceof FieldError) return { kind: 'malformed', reason: e.message };
    throw e;
  }
}

/** Lines without these bytes carry no rate-limit observation: skip the per-key header scan. */
const RATE_LIMIT_MARK = /ratelimit|rate_limit/i;

function parseObject(line: Json, ctx: ApiLogLineContext, mayHaveRateLimit: boolean): ParsedApiLogLine {
  const modelHit = pick(line, ['model']);
  const { usage, hasTokens } = usageOf(line);
  const costHit = pick(line, COST_KEYS);
  if (!modelHit && !hasTokens && !costHit) return { kind: 'skip' };
  const timeHit = pick(line, TIME_KEYS);
  if (!timeHit) return { kind: 'malformed', reason: 'timestamp missing (timestamp | ts | time)' };
  const timestampMs = parseTimeValue(timeHit.key, timeHit.value);
  const model = modelHit ? textOf('model', modelHit.value).trim() || 'unknown' : 'unknown';
  const provider = optionalText(line, ['provider']);
  const executionMode = executionModeOf(line, provider);
  const loggedCostUsd = costHit ? nonNegative(costHit.key, costHit.value) : null;

  let durationMs: number | null = null;
  const durS = pick(line, ['duration_seconds']);
  const durMs = pick(line, ['duration_ms']);
  if (durS) durationMs = Math.round(nonNegative('duration_seconds', durS.value) * 1000);
  else if (durMs) durationMs = Math.round(nonNegative('duration_ms', durMs.value));

  let ttftMs: number | null = null;
  const ttftS = pick(line, ['time_to_first_token']);
  const ttftExplicitMs = pick(line, ['time_to_first_token_ms', 'ttft_ms']);
  if (ttftS) ttftMs = Math.round(nonNegative('time_to_first_token', ttftS.value) * 1000);
  else if (ttftExplicitMs) ttftMs = Math.round(nonNegative(ttftExplicitMs.key, ttftExplicitMs.value));

  const successHit = pick(line, ['success']);
  const { key, requestId } = identityOf(line, ctx);
  const call: ApiCall = {
    key,
    requestId,
    timestampMs,
    model,
    provider,
    executionMode,
    usage,
    loggedCostUsd,
    project: optionalText(line, ['project']),
    sessionId: `api:${optionalText(line, SESSION_KEYS) ?? ctx.defaultSession}`,
    feature: optionalText(line, FEATURE_KEYS),
    initiator: optionalText(line, ['initiator']),
    workerId: optionalText(line, ['worker_id']),
    success: successHit ? booleanOf('success', successHit.value) : null,
    errorMessage: optionalText(line, ['error_message']),
    durationMs,
    timeToFirstTokenMs: ttftMs,
    rateLimit: mayHaveRateLimit ? rateLimitOf(line, model, provider, timestampMs) : null,
  };
  return { kind: 'call', call };
}
