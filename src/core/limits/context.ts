// The context-window fill of Claude Code sessions (issue 17): how full each active session's context is,
// from the statusline capture when it is fresh for that session (Claude Code's own figure), else from the
// transcripts (the last billable main-thread response: input + cache_creation + cache_read), reset by a
// compaction. Pure reads of the store plus the readings the host passes in; `now` is always a parameter.
import type { Database } from '../store/sqljs';
import { selectAll } from '../store/sqljs';
import { SOURCE_IDS } from '../store/schema';
import { TRIGGER_NAMES } from '../store/contextStore';

/** Claude Code's default context window, and the 1M window of `[1m]` models. */
export const DEFAULT_CONTEXT_WINDOW = 200_000;
export const LARGE_CONTEXT_WINDOW = 1_000_000;
export const DEFAULT_ACTIVE_MINUTES = 30;
/** A statusline capture older than this no longer speaks for its session. */
export const DEFAULT_CONTEXT_STALE_MS = 15 * 60_000;
/**
 * The statusline runs after the response is written, so its capture is normally a little younger than the
 * session's last transcript row; older than that row by more than this, it describes an earlier turn.
 */
const CAPTURE_LAG_TOLERANCE_MS = 5_000;

/** The context part of one statusline JSON (peers-and-headroom.md §4: `context_window`). */
export interface StatuslineContextReading {
  sessionId: string;
  capturedAtMs: number;
  /** context_window.used_percentage (input + cache_creation + cache_read, no output). */
  usedPct: number | null;
  /** context_window.context_window_size: 200000 or 1000000. */
  windowSize: number | null;
  /** Sum of context_window.current_usage's input buckets, when present. */
  tokens: number | null;
  /** model.id (may carry the client-only `[1m]` suffix). */
  model: string | null;
  /** workspace.project_dir, else cwd. */
  projectDir: string | null;
}

export interface ContextOptions {
  /** A session is active when its last response, compaction or capture is this recent. Default 30. */
  activeMinutes?: number;
  /** Statusline readings by session id (the host keeps the latest capture of each session). */
  statusline?: StatuslineContextReading[];
  /** A capture older than this is not used. Default 15 min. */
  staleAfterMs?: number;
}

export interface CompactionInfo {
  at: string;
  at_ms: number;
  trigger: 'auto' | 'manual' | null;
  pre_tokens: number | null;
  post_tokens: number | null;
}

/**
 * One session's context fill. The first nine fields are the public shape of `status --json` `sessions[]`
 * (snake_case like llm_costs_query's results); the rest add peak, compactions and timing.
 */
export interface SessionContext {
  session_id: string;
  title: string | null;
  project: string | null;
  model: string | null;
  /** Tokens in context now; null right after a compaction that did not say its size (known at the next response). */
  context_tokens: number | null;
  context_window: number;
  /** 0–100 (one decimal); null when context_tokens is. */
  context_pct: number | null;
  source: 'statusline' | 'transcript';
  /** When the figure was observed (the response, the compaction or the capture), ISO-8601 UTC. */
  updated_at: string;
  updated_at_ms: number;
  project_path: string | null;
  /** The session's last main-thread response (ISO), when one is stored. */
  last_response_at: string | null;
  /** Largest context of any main-thread response of the session, and its share of the window. */
  peak_tokens: number | null;
  peak_pct: number | null;
  /** Compactions of the session up to now, and the latest. */
  compactions: number;
  last_compaction: CompactionInfo | null;
}

/** The window of a session: 1M for a `[1m]` model id, a capture saying so, or a context already above 200k. */
export function contextWindowFor(model: string | null, peakTokens: number | null, statuslineSize: number | null = null): number {
  if (statuslineSize !== null && statuslineSize > 0) return statuslineSize;
  if (model !== null && /\[1m\]$/i.test(model.trim())) return LARGE_CONTEXT_WINDOW;
  if (peakTokens !== null && peakTokens > DEFAULT_CONTEXT_WINDOW) return LARGE_CONTEXT_WINDOW;
  return DEFAULT_CONTEXT_WINDOW;
}

export function contextPct(tokens: number | null, window: number): number | null {
  if (tokens === null || window <= 0) return null;
  return Math.round((tokens / window) * 1000) / 10;
}

interface RecentRow { session_id: number; ts: number; tokens: number; model: string }
interface CompactionRow { session_id: number; ts: number; trigger: number; pre_tokens: number | null; post_tokens: number | null }
interface SessionMeta { id: number; session_key: string; title: string | null; project: string | null; project_path: string | null }

/** Per session row: what the transcripts say as of `nowMs`. */
interface TranscriptState {
  sessionRowId: number;
  lastResponseMs: number | null;
  lastTokens: number | null;
  model: string | null;
  peakTokens: number | null;
  lastCompaction: CompactionRow | null;
  compactions: number;
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(',');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function compactionInfo(c: CompactionRow | null): CompactionInfo | null {
  if (!c) return null;
  return { at: iso(c.ts), at_ms: c.ts, trigger: TRIGGER_NAMES[c.trigger] ?? null, pre_tokens: c.pre_tokens, post_tokens: c.post_tokens };
}

/** Loads sessions' titles and projects by row id or by key. */
function loadMeta(db: Database, where: 'id' | 'key', values: Array<number | string>): SessionMeta[] {
  if (values.length === 0) return [];
  const column = where === 'id' ? 's.id' : 's.session_key';
  return selectAll<SessionMeta>(
    db,
    `SELECT s.id, s.session_key, s.title, p.name AS project, p.path AS project_path
       FROM sessions s LEFT JOIN projects p ON p.id = s.project_id WHERE ${column} IN (${placeholders(values.length)})`,
    values,
  );
}

/**
 * The transcript side for the sessions active at `nowMs`: main-thread responses and compactions in
 * (now − active, now] (both read through their ts index), the stored peak, and the compaction counts.
 */
function transcriptStates(db: Database, nowMs: number, activeMs: number, extraKeys: string[]): Map<number, TranscriptState> {
  const from = nowMs - activeMs;
  const rows = selectAll<RecentRow>(
    db,
    `SELECT r.session_id, r.ts, r.input_tokens + r.cache_creation_tokens + r.cache_read_tokens AS tokens, m.name AS model
       FROM requests r JOIN models m ON m.id = r.model_id
      WHERE r.ts >= ? AND r.ts <= ? AND r.source = ${SOURCE_IDS.claude_code} AND r.sidechain = 0 ORDER BY r.ts, r.id`,
    [from, nowMs],
  );
  const states = new Map<number, TranscriptState>();
  const state = (id: number): TranscriptState => {
    let s = states.get(id);
    if (!s) {
      s = { sessionRowId: id, lastResponseMs: null, lastTokens: null, model: null, peakTokens: null, lastCompaction: null, compactions: 0 };
      states.set(id, s);
    }
    return s;
  };
  for (const r of rows) {
    const s = state(r.session_id);
    s.lastResponseMs = r.ts;
    s.lastTokens = r.tokens;
    s.model = r.model;
    s.peakTokens = Math.max(s.peakTokens ?? 0, r.tokens);
  }
  for (const c of selectAll<CompactionRow>(db, 'SELECT session_id, ts, trigger, pre_tokens, post_tokens FROM compactions WHERE ts >= ? AND ts <= ? ORDER BY ts', [from, nowMs])) {
    state(c.session_id).lastCompaction = c;
  }
  // Sessions known only from a fresh statusline capture (their last response is older than the window).
  for (const m of loadMeta(db, 'key', extraKeys)) state(m.id);
  const ids = [...states.keys()];
  if (ids.length === 0) return states;
  // The stored peak covers the whole session; it is only valid as of now when nothing later is stored.
  for (const r of selectAll<{ session_id: number; last_ts: number; last_tokens: number; model: string; peak_tokens: number }>(
    db,
    `SELECT c.session_id, c.last_ts, c.last_tokens, m.name AS model, c.peak_tokens FROM session_context c JOIN models m ON m.id = c.model_id
      WHERE c.session_id IN (${placeholders(ids.length)})`,
    ids,
  )) {
    const s = states.get(r.session_id)!;
    if (r.last_ts > nowMs) continue;
    s.peakTokens = Math.max(s.peakTokens ?? 0, r.peak_tokens);
    if (s.lastResponseMs === null) {
      s.lastResponseMs = r.last_ts;
      s.lastTokens = r.last_tokens;
      s.model = r.model;
    }
  }
  for (const r of selectAll<{ session_id: number; n: number; ts: number; trigger: number; pre_tokens: number | null; post_tokens: number | null }>(
    db,
    `SELECT session_id, count(*) AS n, max(ts) AS ts, trigger, pre_tokens, post_tokens FROM compactions
      WHERE session_id IN (${placeholders(ids.length)}) AND ts <= ? GROUP BY session_id`,
    [...ids, nowMs],
  )) {
    const s = states.get(r.session_id)!;
    s.compactions = r.n;
    s.lastCompaction = { session_id: r.session_id, ts: r.ts, trigger: r.trigger, pre_tokens: r.pre_tokens, post_tokens: r.post_tokens };
  }
  return states;
}

/** The transcript figure of one session: the last response, unless a later compaction reset the fill. */
function transcriptFill(s: TranscriptState): { tokens: number | null; updatedAtMs: number } | null {
  const c = s.lastCompaction;
  if (c && (s.lastResponseMs === null || c.ts > s.lastResponseMs)) return { tokens: c.post_tokens, updatedAtMs: c.ts };
  if (s.lastResponseMs === null) return null;
  return { tokens: s.lastTokens, updatedAtMs: s.lastResponseMs };
}

/** Is this capture the freshest word on its session? */
function captureWins(reading: StatuslineContextReading, transcriptUpdatedMs: number | null, nowMs: number, staleAfterMs: number): boolean {
  if (reading.usedPct === null && reading.tokens === null) return false;
  if (reading.capturedAtMs > nowMs + CAPTURE_LAG_TOLERANCE_MS || nowMs - reading.capturedAtMs > staleAfterMs) return false;
  return transcriptUpdatedMs === null || reading.capturedAtMs >= transcriptUpdatedMs - CAPTURE_LAG_TOLERANCE_MS;
}

/**
 * The context fill of every session active at `nowMs`, most recently updated first. A statusline reading
 * wins for its session while it is fresh and not older than the session's last transcript row.
 */
export function activeSessionContexts(db: Database, nowMs: number, opts: ContextOptions = {}): SessionContext[] {
  const activeMs = Math.max(1, opts.activeMinutes ?? DEFAULT_ACTIVE_MINUTES) * 60_000;
  const staleAfterMs = opts.staleAfterMs ?? DEFAULT_CONTEXT_STALE_MS;
  const readings = new Map<string, StatuslineContextReading>();
  for (const r of opts.statusline ?? []) {
    const prev = readings.get(r.sessionId);
    if (!prev || r.capturedAtMs > prev.capturedAtMs) readings.set(r.sessionId, r);
  }
  const usable = [...readings.values()].filter((r) => captureWins(r, null, nowMs, Math.min(staleAfterMs, activeMs)));
  const states = transcriptStates(db, nowMs, activeMs, usable.map((r) => r.sessionId));
  const metaById = new Map(loadMeta(db, 'id', [...states.keys()]).map((m) => [m.id, m]));

  const out: SessionContext[] = [];
  const seenKeys = new Set<string>();
  for (const s of states.values()) {
    const meta = metaById.get(s.sessionRowId);
    if (!meta) continue;
    seenKeys.add(meta.session_key);
    const fill = transcriptFill(s);
    const reading = readings.get(meta.session_key) ?? null;
    const statusline = reading && captureWins(reading, fill?.updatedAtMs ?? null, nowMs, staleAfterMs) ? reading : null;
    if (!statusline && (!fill || nowMs - fill.updatedAtMs > activeMs)) continue;
    out.push(
      statusline
        ? fromStatusline(statusline, meta, s)
        : {
            ...base(meta, s),
            context_tokens: fill!.tokens,
            context_window: contextWindowFor(s.model, s.peakTokens),
            context_pct: contextPct(fill!.tokens, contextWindowFor(s.model, s.peakTokens)),
            source: 'transcript',
            updated_at: iso(fill!.updatedAtMs),
            updated_at_ms: fill!.updatedAtMs,
          },
    );
  }
  // A fresh capture of a session with nothing stored yet (its first response is not scanned yet).
  for (const r of usable) {
    if (seenKeys.has(r.sessionId)) continue;
    out.push(fromStatusline(r, null, null));
  }
  return out.map(inPublicOrder).sort((a, b) => b.updated_at_ms - a.updated_at_ms || a.session_id.localeCompare(b.session_id));
}

/** The same object with its keys in the documented order (the public fields first), for readable JSON. */
function inPublicOrder(s: SessionContext): SessionContext {
  return {
    session_id: s.session_id, title: s.title, project: s.project, model: s.model, context_tokens: s.context_tokens,
    context_window: s.context_window, context_pct: s.context_pct, source: s.source, updated_at: s.updated_at,
    updated_at_ms: s.updated_at_ms, project_path: s.project_path, last_response_at: s.last_response_at,
    peak_tokens: s.peak_tokens, peak_pct: s.peak_pct, compactions: s.compactions, last_compaction: s.last_compaction,
  };
}

function base(meta: SessionMeta | null, s: TranscriptState | null): Omit<SessionContext, 'context_tokens' | 'context_window' | 'context_pct' | 'source' | 'updated_at' | 'updated_at_ms'> {
  const peak = s?.peakTokens ?? null;
  const window = contextWindowFor(s?.model ?? null, peak);
  return {
    session_id: meta?.session_key ?? '',
    title: meta?.title ?? null,
    project: meta?.project ?? null,
    model: s?.model ?? null,
    project_path: meta?.project_path ?? null,
    last_response_at: s?.lastResponseMs != null ? iso(s.lastResponseMs) : null,
    peak_tokens: peak,
    peak_pct: contextPct(peak, window),
    compactions: s?.compactions ?? 0,
    last_compaction: compactionInfo(s?.lastCompaction ?? null),
  };
}

function fromStatusline(r: StatuslineContextReading, meta: SessionMeta | null, s: TranscriptState | null): SessionContext {
  const b = base(meta, s);
  const window = contextWindowFor(r.model, s?.peakTokens ?? null, r.windowSize);
  const tokens = r.tokens ?? (r.usedPct !== null ? Math.round((r.usedPct / 100) * window) : null);
  const pct = r.usedPct !== null ? Math.round(r.usedPct * 10) / 10 : contextPct(tokens, window);
  const peak = b.peak_tokens === null ? tokens : Math.max(b.peak_tokens, tokens ?? 0);
  return {
    ...b,
    session_id: r.sessionId,
    project: b.project ?? (r.projectDir ? r.projectDir.split(/[\\/]/).filter(Boolean).pop() ?? null : null),
    project_path: b.project_path ?? r.projectDir,
    model: r.model ?? b.model,
    context_tokens: tokens,
    context_window: window,
    context_pct: pct,
    source: 'statusline',
    updated_at: iso(r.capturedAtMs),
    updated_at_ms: r.capturedAtMs,
    peak_tokens: peak,
    peak_pct: contextPct(peak, window),
  };
}

/** Context fill of stored sessions (the panel's sessions table): the final state of each, peak and current. */
export interface StoredSessionFill {
  current_tokens: number | null;
  peak_tokens: number;
  context_window: number;
  current_pct: number | null;
  peak_pct: number;
  compactions: number;
}

export function sessionFills(db: Database, sessionRowIds: number[]): Map<number, StoredSessionFill> {
  const out = new Map<number, StoredSessionFill>();
  if (sessionRowIds.length === 0) return out;
  const ids = [...new Set(sessionRowIds)];
  const compactions = new Map<number, CompactionRow & { n: number }>();
  for (const r of selectAll<CompactionRow & { n: number }>(
    db,
    `SELECT session_id, count(*) AS n, max(ts) AS ts, trigger, pre_tokens, post_tokens FROM compactions
      WHERE session_id IN (${placeholders(ids.length)}) GROUP BY session_id`,
    ids,
  )) compactions.set(r.session_id, r);
  for (const r of selectAll<{ session_id: number; last_ts: number; last_tokens: number; model: string; peak_tokens: number }>(
    db,
    `SELECT c.session_id, c.last_ts, c.last_tokens, m.name AS model, c.peak_tokens FROM session_context c JOIN models m ON m.id = c.model_id
      WHERE c.session_id IN (${placeholders(ids.length)})`,
    ids,
  )) {
    const c = compactions.get(r.session_id);
    const reset = c !== undefined && c.ts > r.last_ts;
    const current = reset ? c.post_tokens : r.last_tokens;
    const window = contextWindowFor(r.model, r.peak_tokens);
    out.set(r.session_id, {
      current_tokens: current,
      peak_tokens: r.peak_tokens,
      context_window: window,
      current_pct: contextPct(current, window),
      peak_pct: contextPct(r.peak_tokens, window) ?? 0,
      compactions: c?.n ?? 0,
    });
  }
  return out;
}
