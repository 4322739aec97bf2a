// Official rate-limit readings: what Claude Code's statusline JSON (`rate_limits`) and the opt-in OAuth
// usage endpoint report. Pure parsers: no file, no network. Both produce the same `LimitWindowReading`s
// so the status builder can rank sources without caring where a figure came from.
// Field facts: peers-and-headroom.md §3.2 / §3.3 (OAuth shapes) and §3.5(a) / §4 (statusline).
import type { StatuslineContextReading } from './context';

/** One rate-limit window as an official source reports it. */
export interface LimitWindowReading {
  /** five_hour | seven_day | seven_day_opus | seven_day_sonnet | seven_day_oauth_apps | weekly_scoped:<model> | <other kind> */
  id: string;
  /** Human label: "5-hour", "Weekly (all models)", "Weekly Opus", … */
  label: string;
  /** 0–100 (may exceed 100 when over the limit); null when the source gave no usable figure. */
  usedPct: number | null;
  /** Epoch ms of the window's reset; null when unknown. */
  resetsAtMs: number | null;
  /** The server's own severity label, when it sends one (normal | warning | critical). */
  severity?: string;
}

export interface StatuslineSnapshot {
  /** When the capture was written (the capture file's mtime, or a `captured_at` field). */
  capturedAtMs: number;
  sessionId: string | null;
  /** Claude Code version that produced the JSON. */
  version: string | null;
  fiveHour: LimitWindowReading | null;
  sevenDay: LimitWindowReading | null;
  /** Any other windows under rate_limits (seven_day_opus, seven_day_sonnet, …). */
  others: LimitWindowReading[];
  /** Oddities seen while parsing (e.g. "five_hour.used_percentage carried an epoch"); never fatal. */
  anomalies: string[];
}

export interface OAuthUsageSnapshot {
  fetchedAtMs: number;
  /** Which response shape was parsed. */
  shape: 'limits' | 'legacy';
  fiveHour: LimitWindowReading | null;
  sevenDay: LimitWindowReading | null;
  /** Per-model or other weekly windows (sub-caps of the weekly pool). */
  others: LimitWindowReading[];
  extraUsage: { enabled: boolean; usedPct: number | null } | null;
  anomalies: string[];
}

const WINDOW_LABELS: Record<string, string> = {
  five_hour: '5-hour',
  seven_day: 'Weekly (all models)',
  seven_day_opus: 'Weekly Opus',
  seven_day_sonnet: 'Weekly Sonnet',
  seven_day_oauth_apps: 'Weekly (OAuth apps)',
};

export function windowLabel(id: string): string {
  if (WINDOW_LABELS[id]) return WINDOW_LABELS[id];
  if (id.startsWith('weekly_scoped:')) return `Weekly ${id.slice('weekly_scoped:'.length)}`;
  return id.replace(/_/g, ' ');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finiteNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Anything past this is not a percentage: it is an epoch (seconds ≈ 1.7e9) that leaked into the field. */
const EPOCH_SECONDS_FLOOR = 1e8;

/**
 * A reset instant as either epoch seconds (statusline), epoch ms, or an ISO-8601 string (OAuth).
 * Returns null for anything else.
 */
export function parseResetInstant(v: unknown): number | null {
  const n = finiteNumber(v);
  if (n !== null && typeof v === 'number') {
    if (n >= 1e12) return Math.round(n); // already ms
    if (n >= EPOCH_SECONDS_FLOOR) return Math.round(n * 1000);
    return null;
  }
  if (typeof v === 'string' && v.trim() !== '') {
    if (n !== null) return parseResetInstant(n);
    const ms = Date.parse(v);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

/**
 * A percentage field. A value ≥ 1e8 is the statusline leak where `used_percentage` carried the `resets_at`
 * epoch: the percentage is then unknown (null) and the value is offered back as a reset candidate.
 */
function parsePercent(v: unknown, field: string, anomalies: string[]): { pct: number | null; leakedResetMs: number | null } {
  const n = finiteNumber(v);
  if (n === null) {
    if (v !== undefined && v !== null) anomalies.push(`${field} is not a number`);
    return { pct: null, leakedResetMs: null };
  }
  if (n >= EPOCH_SECONDS_FLOOR) {
    anomalies.push(`${field} carried an epoch (${n}), not a percentage`);
    return { pct: null, leakedResetMs: parseResetInstant(n) };
  }
  if (n < 0) {
    anomalies.push(`${field} is negative (${n})`);
    return { pct: null, leakedResetMs: null };
  }
  return { pct: n, leakedResetMs: null };
}

function statuslineWindow(id: string, raw: unknown, anomalies: string[]): LimitWindowReading | null {
  if (!isRecord(raw)) return null;
  const { pct, leakedResetMs } = parsePercent(raw.used_percentage, `${id}.used_percentage`, anomalies);
  const resetsAtMs = parseResetInstant(raw.resets_at) ?? leakedResetMs;
  if (raw.resets_at !== undefined && raw.resets_at !== null && parseResetInstant(raw.resets_at) === null) {
    anomalies.push(`${id}.resets_at is not an epoch or ISO time`);
  }
  if (pct === null && resetsAtMs === null) return null;
  return { id, label: windowLabel(id), usedPct: pct, resetsAtMs };
}

/**
 * Parses one statusline JSON document (what Claude Code pipes into a statusLine command).
 * Returns null when the text is not JSON or has no `rate_limits` windows (API-key users, before the first
 * response, versions that dropped it): absence is normal, not an error.
 */
export function parseStatuslineJson(text: string, capturedAtMs: number): StatuslineSnapshot | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(doc)) return null;
  const anomalies: string[] = [];
  const limits = doc.rate_limits;
  const capturedField = parseResetInstant(doc.captured_at);
  const snap: StatuslineSnapshot = {
    capturedAtMs: capturedField ?? capturedAtMs,
    sessionId: typeof doc.session_id === 'string' ? doc.session_id : null,
    version: typeof doc.version === 'string' ? doc.version : null,
    fiveHour: null,
    sevenDay: null,
    others: [],
    anomalies,
  };
  if (!isRecord(limits)) return null;
  for (const [key, value] of Object.entries(limits)) {
    const reading = statuslineWindow(key, value, anomalies);
    if (!reading) continue;
    if (key === 'five_hour') snap.fiveHour = reading;
    else if (key === 'seven_day') snap.sevenDay = reading;
    else snap.others.push(reading);
  }
  if (!snap.fiveHour && !snap.sevenDay && snap.others.length === 0) return null;
  return snap;
}

// ---------------------------------------------------------------------------------------------
// OAuth usage endpoint (GET https://api.anthropic.com/api/oauth/usage)

const LIMIT_KIND_TO_ID: Record<string, string> = {
  session: 'five_hour',
  weekly_all: 'seven_day',
  weekly_oauth_apps: 'seven_day_oauth_apps',
};

function scopedModelName(scope: unknown): string | null {
  if (!isRecord(scope) || !isRecord(scope.model)) return null;
  const m = scope.model;
  if (typeof m.display_name === 'string' && m.display_name) return m.display_name;
  if (typeof m.id === 'string' && m.id) return m.id;
  return null;
}

function parseLimitsArray(limits: unknown[], anomalies: string[]): Pick<OAuthUsageSnapshot, 'fiveHour' | 'sevenDay' | 'others'> {
  let fiveHour: LimitWindowReading | null = null;
  let sevenDay: LimitWindowReading | null = null;
  const others: LimitWindowReading[] = [];
  let weeklyResetMs: number | null = null;
  const scopedWithoutReset: LimitWindowReading[] = [];
  limits.forEach((item, i) => {
    if (!isRecord(item)) {
      anomalies.push(`limits[${i}] is not an object`);
      return;
    }
    const kind = typeof item.kind === 'string' ? item.kind : null;
    if (!kind) {
      anomalies.push(`limits[${i}].kind is missing`);
      return;
    }
    let id = LIMIT_KIND_TO_ID[kind] ?? kind;
    if (kind === 'weekly_scoped') id = `weekly_scoped:${scopedModelName(item.scope) ?? 'model'}`;
    const { pct } = parsePercent(item.percent, `limits[${i}].percent`, anomalies);
    const reading: LimitWindowReading = {
      id,
      label: windowLabel(id),
      usedPct: pct,
      resetsAtMs: parseResetInstant(item.resets_at),
    };
    if (typeof item.severity === 'string') reading.severity = item.severity;
    if (id === 'five_hour') fiveHour = reading;
    else if (id === 'seven_day') {
      sevenDay = reading;
      weeklyResetMs = reading.resetsAtMs;
    } else {
      others.push(reading);
      if (kind === 'weekly_scoped' && reading.resetsAtMs === null) scopedWithoutReset.push(reading);
    }
  });
  // A scoped weekly limit is a sub-cap of the weekly pool: with no reset of its own it resets with the pool.
  for (const r of scopedWithoutReset) r.resetsAtMs = weeklyResetMs;
  return { fiveHour, sevenDay, others };
}

function parseLegacyWindows(doc: Record<string, unknown>, anomalies: string[]): Pick<OAuthUsageSnapshot, 'fiveHour' | 'sevenDay' | 'others'> {
  let fiveHour: LimitWindowReading | null = null;
  let sevenDay: LimitWindowReading | null = null;
  const others: LimitWindowReading[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (!(key === 'five_hour' || key.startsWith('seven_day'))) continue;
    if (!isRecord(value)) continue; // per-model keys are often null
    // utilization is a 0–100 percentage (1.0 means 1 %, not 100 %): never rescale small values.
    const { pct } = parsePercent(value.utilization, `${key}.utilization`, anomalies);
    const reading: LimitWindowReading = { id: key, label: windowLabel(key), usedPct: pct, resetsAtMs: parseResetInstant(value.resets_at) };
    if (pct === null && reading.resetsAtMs === null) continue;
    if (key === 'five_hour') fiveHour = reading;
    else if (key === 'seven_day') sevenDay = reading;
    else others.push(reading);
  }
  return { fiveHour, sevenDay, others };
}

function parseExtraUsage(doc: Record<string, unknown>): OAuthUsageSnapshot['extraUsage'] {
  const spend = doc.spend;
  if (isRecord(spend)) {
    return { enabled: spend.enabled === true, usedPct: finiteNumber(spend.percent) };
  }
  const extra = doc.extra_usage;
  if (isRecord(extra)) {
    return { enabled: extra.is_enabled === true, usedPct: finiteNumber(extra.utilization) };
  }
  return null;
}

/**
 * Parses the OAuth usage endpoint's JSON body. The newer `limits[]` array wins when present; the legacy
 * `five_hour` / `seven_day` objects are the fallback. Throws an Error naming the problem when the body has
 * neither (the caller keeps its last good reading).
 */
export function parseOAuthUsage(body: unknown, fetchedAtMs: number): OAuthUsageSnapshot {
  if (!isRecord(body)) throw new Error('usage response: body is not a JSON object');
  const anomalies: string[] = [];
  let windows: Pick<OAuthUsageSnapshot, 'fiveHour' | 'sevenDay' | 'others'>;
  let shape: OAuthUsageSnapshot['shape'];
  if (Array.isArray(body.limits) && body.limits.length > 0) {
    windows = parseLimitsArray(body.limits, anomalies);
    shape = 'limits';
    // Some payloads carry both; fill what limits[] lacked from the legacy objects.
    const legacy = parseLegacyWindows(body, anomalies);
    windows.fiveHour ??= legacy.fiveHour;
    windows.sevenDay ??= legacy.sevenDay;
  } else {
    windows = parseLegacyWindows(body, anomalies);
    shape = 'legacy';
    if (!windows.fiveHour && !windows.sevenDay && windows.others.length === 0 && !('five_hour' in body) && !('seven_day' in body)) {
      throw new Error('usage response: neither limits[] nor five_hour/seven_day present');
    }
  }
  return { fetchedAtMs, shape, ...windows, extraUsage: parseExtraUsage(body), anomalies };
}

/** What an HTTP status from the usage endpoint means for the poller (peers-and-headroom.md §3.4). */
export type UsageHttpOutcome =
  | { kind: 'ok' }
  | { kind: 'auth'; message: string }
  | { kind: 'retry_later'; retryAfterMs: number; message: string }
  | { kind: 'error'; message: string };

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const secs = Number(value.trim());
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

export const MIN_OAUTH_POLL_MS = 180_000;

export function classifyUsageHttpStatus(status: number, retryAfterHeader: string | null | undefined, nowMs: number): UsageHttpOutcome {
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 401) return { kind: 'auth', message: 'Claude login expired: run any Claude Code command to refresh the login.' };
  if (status === 403) return { kind: 'auth', message: 'The Claude login cannot read usage (403; tokens from `claude setup-token` lack the user:profile scope). Run any Claude Code command to refresh the login.' };
  if (status === 429 || status === 503 || status === 424) {
    // A 429 with retry-after 0 is what the endpoint sends without a claude-code User-Agent; never hammer it.
    const after = parseRetryAfter(retryAfterHeader, nowMs);
    return { kind: 'retry_later', retryAfterMs: Math.max(after ?? 0, MIN_OAUTH_POLL_MS), message: `usage endpoint busy (HTTP ${status})` };
  }
  return { kind: 'error', message: `usage endpoint answered HTTP ${status}` };
}

// ---------------------------------------------------------------------------------------------
// Statusline `context_window` (issue 17): the session's context fill as Claude Code itself computes it.

/**
 * The context part of one statusline JSON document, or null when it has no session id or no figure yet
 * (`current_usage` is null before the first response). Independent of `rate_limits` (API-key users have none).
 */
export function parseStatuslineContext(text: string, capturedAtMs: number): StatuslineContextReading | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(doc) || typeof doc.session_id !== 'string' || doc.session_id === '' || !isRecord(doc.context_window)) return null;
  const cw = doc.context_window;
  const pct = finiteNumber(cw.used_percentage);
  const size = finiteNumber(cw.context_window_size);
  let tokens: number | null = null;
  if (isRecord(cw.current_usage)) {
    const u = cw.current_usage;
    const parts = [u.input_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens].map(finiteNumber);
    if (parts.some((p) => p !== null)) tokens = parts.reduce<number>((a, p) => a + Math.max(0, p ?? 0), 0);
  }
  const usedPct = pct !== null && pct >= 0 && pct <= 1000 ? pct : null;
  if (usedPct === null && tokens === null) return null;
  const model = isRecord(doc.model) && typeof doc.model.id === 'string' && doc.model.id !== '' ? doc.model.id : null;
  const ws = isRecord(doc.workspace) ? doc.workspace : {};
  const projectDir = typeof ws.project_dir === 'string' && ws.project_dir ? ws.project_dir : typeof doc.cwd === 'string' && doc.cwd ? doc.cwd : null;
  return {
    sessionId: doc.session_id,
    capturedAtMs: parseResetInstant(doc.captured_at) ?? capturedAtMs,
    usedPct,
    windowSize: size !== null && size > 0 ? Math.round(size) : null,
    tokens,
    model,
    projectDir,
  };
}
