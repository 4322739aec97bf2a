// The sessions table: the costliest sessions of the window with their title, project, models and
// first / last request (exact for the few that matter, else to the hour from the rollup).
import type { Metrics } from '../../types';
import { selectAll } from '../../store/sqljs';
import type { Database, SqlValue } from '../../store/sqljs';
import { HOUR_MS } from '../windows';
import { requestsWhere } from './compileFilter';
import type { CompiledFilter, Dictionaries } from './compileFilter';
import { byCostThenTokens, nameOf } from './figures';
import type { FactSums, SessionAcc } from './fold';
import type { SessionRow, Table } from './types';

/** A session counts as active when its last request is this recent. */
export const ACTIVE_SESSION_MS = 10 * 60_000;
export const MAX_SESSION_ROWS = 100;
/** Sessions (by cost) whose first/last instants are read exactly; the rest are to the hour. */
export const EXACT_SESSION_TIMES = 10;

type RankedSession = readonly [number, SessionAcc & { m: Metrics }];

/** The sessions shown (costliest first), their keys and titles, and how many were left out. */
export interface RankedSessions { shown: RankedSession[]; omitted: number; meta: Map<number, { key: string; title: string | null }> }

export function rankSessions(db: Database, sums: FactSums): RankedSessions {
  const sorted = [...sums.bySession].map(([id, sa]) => [id, { ...sa, m: sa.acc.metrics() }] as const).sort((a, b) => byCostThenTokens(a[1].m, b[1].m));
  const shown = sorted.slice(0, MAX_SESSION_ROWS);
  const meta = new Map<number, { key: string; title: string | null }>();
  if (shown.length > 0) {
    const ids = shown.map(([id]) => id);
    for (const r of selectAll<{ id: number; k: string; t: SqlValue }>(
      db, `SELECT id, session_key AS k, title AS t FROM sessions WHERE id IN (${ids.map(() => '?').join(',')})`, ids,
    )) {
      const title = typeof r.t === 'string' && r.t.trim() !== '' ? r.t : null;
      meta.set(Number(r.id), { key: String(r.k), title });
    }
  }
  return { shown, omitted: Math.max(0, sorted.length - MAX_SESSION_ROWS), meta };
}

export function sessionTable(
  db: Database, compiled: CompiledFilter, ranked: RankedSessions, dict: Dictionaries,
  window: { startMs: number; endMs: number }, nowMs: number, totals: Metrics,
): Table<SessionRow> {
  const { startMs, endMs } = window;
  // Exact instants cost one indexed read per distinct hour, so only where they matter: sessions that
  // may be active (the dot) and the costliest few. The rest keep the rollup's hour precision.
  const exactFor = ranked.shown.filter(([, s], i) => i < EXACT_SESSION_TIMES || s.lastHour >= nowMs - 2 * HOUR_MS);
  const exact = exactSessionTimes(db, compiled, exactFor.map(([id, s]) => ({ id, firstHour: s.firstHour, lastHour: s.lastHour })), startMs, endMs);
  const rows: SessionRow[] = ranked.shown.map(([id, s]) => {
    const t = exact.get(id);
    const firstMs = t?.first ?? Math.max(startMs, s.firstHour);
    const lastMs = t?.last ?? Math.max(firstMs, s.lastHour);
    return {
      ...s.m, sessionKey: ranked.meta.get(id)?.key ?? `(unknown #${id})`, title: ranked.meta.get(id)?.title ?? null,
      project: nameOf(dict.projects, s.project), models: [...s.models].map((m) => nameOf(dict.models, m)).sort(),
      firstMs, lastMs, exactTimes: t !== undefined, active: nowMs - lastMs <= ACTIVE_SESSION_MS && lastMs <= nowMs + 60_000, subagentRequests: s.sub,
    };
  });
  return { rows, totals: { ...totals }, omitted: ranked.omitted };
}

/**
 * Exact first/last request instants of the listed sessions. Only the first and last hour of each
 * session is read (ts index), once per distinct hour, so the cost stays bounded by the rows shown.
 */
function exactSessionTimes(
  db: Database, f: CompiledFilter, sessions: { id: number; firstHour: number; lastHour: number }[], startMs: number, endMs: number,
): Map<number, { first: number; last: number }> {
  const out = new Map<number, { first: number; last: number }>();
  if (f.empty || sessions.length === 0) return out;
  const wanted = new Set(sessions.map((s) => s.id));
  const hours = new Set<number>();
  for (const s of sessions) { hours.add(s.firstHour); hours.add(s.lastHour); }
  const rw = requestsWhere(f);
  const where = ['ts >= ?', 'ts < ?', ...rw.sql].join(' AND ');
  const stmt = db.prepare(`SELECT session_id, MIN(ts), MAX(ts) FROM requests WHERE ${where} GROUP BY session_id`);
  const seen = new Map<number, { first: number; last: number }>();
  try {
    for (const h of hours) {
      stmt.bind([Math.max(startMs, h), Math.min(endMs, h + HOUR_MS), ...rw.params]);
      while (stmt.step()) {
        const [sid, lo, hi] = stmt.get().map(Number);
        if (!wanted.has(sid)) continue;
        const cur = seen.get(sid);
        if (!cur) seen.set(sid, { first: lo, last: hi });
        else { cur.first = Math.min(cur.first, lo); cur.last = Math.max(cur.last, hi); }
      }
      stmt.reset();
    }
  } finally {
    stmt.free();
  }
  for (const s of sessions) {
    const t = seen.get(s.id);
    if (t) out.set(s.id, t);
  }
  return out;
}
