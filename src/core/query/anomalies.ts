// Unusual spending: a day (or a session) that costs far more than the user's usual.
//
// The baseline is robust on purpose: the median of the previous active days (days with any cost), so one
// earlier spike or a quiet week does not move it much, and the spread is the median absolute deviation
// (MAD). A day is flagged when all of these hold, which reads as one sentence — "today cost 6.2× your
// usual $6.60, far outside your normal day-to-day spread":
//   - enough history (at least MIN_HISTORY active days before it),
//   - cost ≥ RATIO × baseline median,
//   - robust z-score (cost − median) / (1.4826 · MAD) ≥ Z (1.4826 · MAD estimates a standard deviation),
//   - cost ≥ a small absolute floor (a $0.40 day is never "unusual", whatever its ratio).
// The running day is judged on what it has cost so far, so it is flagged the moment it crosses.
import type { Database } from '../store/sqljs';
import { changeCount } from '../store/sqljs';
import { roundCost } from './metrics';
import type { QueryResult } from './types';
import { forEachGroupCost, storeBounds } from './run';
import type { QueryFilter } from './run';
import { ReportParamError } from './report';
import { dayNumberToKey, isValidTimeZone, localDayNumber, parseDayKey, startOfLocalDay } from './windows';

export interface AnomalyThresholds {
  /** How many previous active days (or sessions) form the baseline. */
  lookback: number;
  /** Fewer previous active days (or sessions) than this: no verdict. */
  minHistory: number;
  /** Cost must be at least this multiple of the baseline median. */
  ratio: number;
  /** …and this many robust standard deviations above it. */
  z: number;
  /** …and at least this many USD. */
  minCostUsd: number;
}

export const DAY_THRESHOLDS: AnomalyThresholds = { lookback: 28, minHistory: 7, ratio: 3, z: 3.5, minCostUsd: 1 };
export const SESSION_THRESHOLDS: AnomalyThresholds = { lookback: 50, minHistory: 10, ratio: 4, z: 3.5, minCostUsd: 2 };

/** 1.4826 · MAD is a consistent estimate of the standard deviation for normally distributed data. */
const MAD_TO_SIGMA = 1.4826;

export interface Baseline {
  medianUsd: number;
  madUsd: number;
  /** How many earlier values it was computed from. */
  history: number;
}

export interface Verdict {
  baseline: Baseline;
  ratio: number;
  /** Robust z-score; Infinity when the history has no spread and the value is above it. */
  score: number;
  flagged: boolean;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  // A typed array sorts numbers natively, without a comparator call per comparison.
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function baselineOf(history: readonly number[]): Baseline {
  const m = median(history);
  return { medianUsd: m, madUsd: median(history.map((v) => Math.abs(v - m))), history: history.length };
}

/** Judges one value against the values before it (oldest first; only the last `lookback` count). */
export function judge(value: number, earlier: readonly number[], t: AnomalyThresholds): Verdict {
  const baseline = baselineOf(earlier.slice(-t.lookback));
  const ratio = baseline.medianUsd > 0 ? value / baseline.medianUsd : value > 0 ? Infinity : 0;
  const spread = MAD_TO_SIGMA * baseline.madUsd;
  const above = value - baseline.medianUsd;
  const score = spread > 0 ? above / spread : above > 0 ? Infinity : 0;
  const flagged = baseline.history >= t.minHistory && value >= t.minCostUsd && ratio >= t.ratio && score >= t.z;
  return { baseline, ratio, score, flagged };
}

export interface DayCost { day: string; costUsd: number }

/** A flagged day, as `report anomalies --json` and llm_costs_query print it. */
export interface DayAnomaly {
  day: string;
  cost_usd: number;
  baseline_usd: number;
  ratio: number;
}

export interface SessionCost { session: string; label: string; startMs: number; costUsd: number }

export interface SessionAnomaly {
  session: string;
  label: string;
  started_at: string;
  cost_usd: number;
  baseline_usd: number;
  ratio: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const finiteRatio = (r: number) => (Number.isFinite(r) ? round2(r) : null);

/**
 * Flags days among `days` (ascending by day, active days and zero days alike). Each day is judged
 * against the active days before it, so a flagged spike also sits in the baseline of later days — a
 * median barely moves for one high value, which is the point of using it.
 */
export function flagDays(days: readonly DayCost[], t: AnomalyThresholds = DAY_THRESHOLDS): (DayAnomaly & { verdict: Verdict })[] {
  const earlier: number[] = [];
  const out: (DayAnomaly & { verdict: Verdict })[] = [];
  for (const d of days) {
    if (d.costUsd <= 0) continue;
    const v = judge(d.costUsd, earlier, t);
    if (v.flagged) {
      out.push({ day: d.day, cost_usd: roundCost(d.costUsd), baseline_usd: roundCost(v.baseline.medianUsd), ratio: finiteRatio(v.ratio) ?? 0, verdict: v });
    }
    earlier.push(d.costUsd);
  }
  return out;
}

/** Flags sessions against the sessions that started before them (ascending by start). */
export function flagSessions(sessions: readonly SessionCost[], t: AnomalyThresholds = SESSION_THRESHOLDS): SessionAnomaly[] {
  const sorted = [...sessions].sort((a, b) => a.startMs - b.startMs || (a.session < b.session ? -1 : 1));
  const earlier: number[] = [];
  const out: SessionAnomaly[] = [];
  for (const s of sorted) {
    if (s.costUsd <= 0) continue;
    const v = judge(s.costUsd, earlier, t);
    if (v.flagged) {
      out.push({ session: s.session, label: s.label, started_at: new Date(s.startMs).toISOString(), cost_usd: roundCost(s.costUsd), baseline_usd: roundCost(v.baseline.medianUsd), ratio: finiteRatio(v.ratio) ?? 0 });
    }
    earlier.push(s.costUsd);
  }
  return out;
}

/** "2026-12-03: $41.00, 6.2× your usual $6.60" — the sentence the panel and notifications show. */
export function describeDayAnomaly(a: DayAnomaly, todayKey?: string): string {
  const when = a.day === todayKey ? 'Today' : a.day;
  return `${when}: $${a.cost_usd.toFixed(2)}, ${a.ratio.toFixed(1)}× your usual $${a.baseline_usd.toFixed(2)}`;
}

/** A session's key, label (title, else key) and first request, by row id; kept per database until it changes. */
interface SessionInfo { key: string; label: string; startMs: number | null }
const sessionInfoCache = new WeakMap<Database, { changes: number; byId: Map<number, SessionInfo> }>();
function sessionInfo(db: Database): Map<number, SessionInfo> {
  const changes = changeCount(db);
  const hit = sessionInfoCache.get(db);
  if (hit && hit.changes === changes) return hit.byId;
  const byId = new Map<number, SessionInfo>();
  for (const [id, key, title, start] of db.exec('SELECT id, session_key, title, first_ts FROM sessions')[0]?.values ?? []) {
    const k = String(key);
    byId.set(Number(id), { key: k, label: title != null && String(title).trim() !== '' ? String(title) : k, startMs: start == null ? null : Number(start) });
  }
  sessionInfoCache.set(db, { changes, byId });
  return byId;
}

/**
 * Daily costs in `tz` (ascending, the days with requests) from the first stored day (or day number `fromDay`,
 * when later) through the later of horizonMs's day and the last stored day.
 */
export function dayCosts(db: Database, filter: QueryFilter, horizonMs: number, fromDay?: number): DayCost[] {
  const { earliestMs, latestMs } = storeBounds(db);
  if (earliestMs == null) return [];
  const first = Math.max(localDayNumber(earliestMs, filter.tz), fromDay ?? -Infinity);
  const last = Math.max(localDayNumber(horizonMs, filter.tz), latestMs == null ? first : localDayNumber(latestMs, filter.tz));
  const byDay = new Map<number, number>();
  forEachGroupCost(db, filter, startOfLocalDay(first, filter.tz), startOfLocalDay(last + 1, filter.tz), ['day'], ([day], cost) => {
    byDay.set(day, (byDay.get(day) ?? 0) + cost);
  });
  const days: DayCost[] = [];
  for (let d = first; d <= last; d++) {
    const cost = byDay.get(d);
    if (cost !== undefined) days.push({ day: dayNumberToKey(d), costUsd: cost });
  }
  return days;
}

/**
 * The costs of the sessions with rows in [fromMs, horizonMs] (all history without fromMs), with their first
 * request as start. From `fromMs` on, only sessions that started then or later: their cost is whole. `known`:
 * the costs from known.fromMs on are the caller's.
 */
export function sessionCosts(db: Database, filter: QueryFilter, horizonMs: number, fromMs?: number, known?: KnownSessionCosts): SessionCost[] {
  const { earliestMs } = storeBounds(db);
  if (earliestMs == null) return [];
  const lo = Math.max(earliestMs, fromMs ?? -Infinity);
  const bySession = new Map<number, number>();
  const add = (session: number, cost: number) => bySession.set(session, (bySession.get(session) ?? 0) + cost);
  const readUntil = known ? Math.max(lo, Math.min(known.fromMs, horizonMs + 1)) : Math.max(horizonMs, lo) + 1;
  forEachGroupCost(db, filter, lo, readUntil, ['session'], ([session], cost) => add(session, cost));
  if (known) for (const [session, cost] of known.costs) add(session, cost);
  const info = sessionInfo(db);
  const sessions: SessionCost[] = [];
  for (const [id, costUsd] of bySession) {
    const s = info.get(id);
    const startMs = s?.startMs ?? 0;
    if (fromMs !== undefined && startMs < fromMs) continue;
    sessions.push({ session: s?.key ?? `(unknown #${id})`, label: s?.label ?? s?.key ?? `(unknown #${id})`, startMs, costUsd });
  }
  return sessions;
}

/**
 * Each session's cost in [fromMs, horizonMs] under the filter, when the caller already summed them (the panel's
 * one pass over its window): only the stretch before fromMs is read then.
 */
export interface KnownSessionCosts { fromMs: number; costs: ReadonlyMap<number, number> }

export interface AnomalyReport {
  kind: 'anomalies';
  tz: string;
  since: string | null;
  days: DayAnomaly[];
  sessions: SessionAnomaly[];
  /** The running day's verdict (flagged or not), for the insight strip and the once-a-day notification. */
  today: (DayAnomaly & { flagged: boolean }) | null;
}

/** Every flagged day on or after `sinceDay` ("YYYY-MM-DD" in tz, default: all), and flagged sessions started since then. */
export function findAnomalies(db: Database, filter: QueryFilter, nowMs: number, sinceDay: string | null): AnomalyReport {
  const days = dayCosts(db, filter, nowMs);
  const todayKey = dayNumberToKey(localDayNumber(nowMs, filter.tz));
  const todayCost = days.find((d) => d.day === todayKey)?.costUsd ?? 0;
  const tv = judge(todayCost, days.filter((d) => d.day < todayKey && d.costUsd > 0).map((d) => d.costUsd), DAY_THRESHOLDS);
  const today = todayCost > 0
    ? { day: todayKey, cost_usd: roundCost(todayCost), baseline_usd: roundCost(tv.baseline.medianUsd), ratio: finiteRatio(tv.ratio) ?? 0, flagged: tv.flagged }
    : null;
  const sinceNumber = sinceDay == null ? null : parseDayKey(sinceDay);
  const sinceMs = sinceNumber == null ? -Infinity : startOfLocalDay(sinceNumber, filter.tz);
  return {
    kind: 'anomalies',
    tz: filter.tz,
    since: sinceDay,
    days: flagDays(days).filter((d) => sinceDay == null || d.day >= sinceDay).map(({ verdict: _verdict, ...rest }) => rest),
    sessions: flagSessions(sessionCosts(db, filter, nowMs)).filter((s) => Date.parse(s.started_at) >= sinceMs),
    today,
  };
}

/** Checks `report anomalies` options; a bad one throws ReportParamError naming it (CLI exit 2). */
export function anomalyReportOptions(opts: { tz: string; since?: string; until?: string }): { tz: string; since: string | null; until: string | null } {
  if (!isValidTimeZone(opts.tz)) throw new ReportParamError('--tz', `must be an IANA time zone (got ${JSON.stringify(String(opts.tz).slice(0, 40))})`);
  const day = (param: string, v: string | undefined): string | null => {
    if (v === undefined) return null;
    const n = parseDayKey(v.length === 8 && /^\d{8}$/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6)}` : v);
    if (n == null) throw new ReportParamError(param, `must be a date YYYY-MM-DD or YYYYMMDD (got ${JSON.stringify(v.slice(0, 40))})`);
    return dayNumberToKey(n);
  };
  const since = day('--since', opts.since);
  const until = day('--until', opts.until);
  if (since && until && since > until) throw new ReportParamError('--since', 'must not be after --until');
  return { tz: opts.tz, since, until };
}

/** Keeps the flagged days and sessions up to `until` (inclusive, in the report's zone). */
export function clipAnomalies(report: AnomalyReport, until: string | null): AnomalyReport {
  if (until == null) return report;
  const endMs = startOfLocalDay(parseDayKey(until)! + 1, report.tz);
  return { ...report, days: report.days.filter((d) => d.day <= until), sessions: report.sessions.filter((s) => Date.parse(s.started_at) < endMs) };
}

/** The text table of `report anomalies`. */
export function renderAnomalyTable(report: AnomalyReport): string {
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const lines: string[] = [];
  lines.push(`Unusual days (${report.tz}): cost ≥ ${DAY_THRESHOLDS.ratio}× the median of your previous ${DAY_THRESHOLDS.lookback} active days and far outside their spread`);
  if (report.days.length === 0) lines.push('  none');
  else {
    lines.push(`  ${'day'.padEnd(10)}  ${'cost'.padStart(12)}  ${'usual'.padStart(10)}  ${'ratio'.padStart(6)}`);
    for (const d of report.days) lines.push(`  ${d.day}  ${usd(d.cost_usd).padStart(12)}  ${usd(d.baseline_usd).padStart(10)}  ${`${d.ratio.toFixed(1)}×`.padStart(6)}`);
  }
  lines.push('', `Unusual sessions: cost ≥ ${SESSION_THRESHOLDS.ratio}× the median of the previous ${SESSION_THRESHOLDS.lookback} sessions`);
  if (report.sessions.length === 0) lines.push('  none');
  for (const s of report.sessions) {
    lines.push(`  ${s.started_at.slice(0, 16).replace('T', ' ')}  ${usd(s.cost_usd).padStart(10)}  ${`${s.ratio.toFixed(1)}×`.padStart(6)} of ${usd(s.baseline_usd)}  ${s.label}`);
  }
  if (report.today) {
    lines.push('', report.today.flagged ? describeDayAnomaly(report.today, report.today.day) : `Today so far: ${usd(report.today.cost_usd)} (usual ${usd(report.today.baseline_usd)})`);
  }
  return lines.join('\n');
}

/**
 * The unusual days and sessions of a query window: each day is judged against all earlier history under the
 * same filter (project, models, source), so "unusual for this project" is what a filtered query answers.
 */
export function anomaliesInWindow(
  db: Database, filter: QueryFilter, startMs: number, endMs: number, windowSessions?: ReadonlyMap<number, number>,
): NonNullable<QueryResult['anomalies']> {
  // The panel asks again on every filter change that keeps these (view, interval, a session or an hour
  // drill-down): an unchanged database (total_changes) and the same question give the same answer.
  const changes = changeCount(db);
  const key = JSON.stringify([filter.source, filter.project, filter.models, filter.executionMode, filter.tz, startMs, endMs]);
  let cache = answerCache.get(db);
  if (!cache || cache.changes !== changes) answerCache.set(db, (cache = { changes, answers: new Map() }));
  const hit = cache.answers.get(key);
  if (hit) return structuredClone(hit);
  const answer = computeAnomaliesInWindow(db, filter, startMs, endMs, windowSessions && { fromMs: startMs, costs: windowSessions });
  if (cache.answers.size >= 16) cache.answers.delete(cache.answers.keys().next().value as string);
  cache.answers.set(key, answer);
  return structuredClone(answer);
}

const answerCache = new WeakMap<Database, { changes: number; answers: Map<string, NonNullable<QueryResult['anomalies']>> }>();

/** `windowSessions`: each session's cost in [startMs, endMs) under the filter, when the caller has them. */
function computeAnomaliesInWindow(
  db: Database, filter: QueryFilter, startMs: number, endMs: number, windowSessions?: KnownSessionCosts,
): NonNullable<QueryResult['anomalies']> {
  const horizonMs = Math.max(startMs, endMs - 1);
  const firstDayNumber = localDayNumber(startMs, filter.tz);
  const firstDay = dayNumberToKey(firstDayNumber);
  const lastDay = dayNumberToKey(localDayNumber(horizonMs, filter.tz));
  // Only the baseline before the window is needed, not all history: read a stretch before it, longer (up to
  // all of history) only while it holds fewer active days (sessions) than a baseline looks back over. Each
  // verdict sees the same earlier values either way, so the answer is the same. Days come from a few rows an
  // hour (activity_hour, when the filter allows); sessions from the rollup, so their stretch starts short.
  let days = dayCosts(db, filter, horizonMs, firstDayNumber - DAY_STRETCH_DAYS);
  if (days.filter((d) => d.day < firstDay && d.costUsd > 0).length < DAY_THRESHOLDS.lookback) days = dayCosts(db, filter, horizonMs);
  let sessionList: SessionCost[] = [];
  for (const stretchDays of [...SESSION_STRETCH_DAYS, null]) {
    sessionList = sessionCosts(db, filter, horizonMs, stretchDays === null ? undefined : startOfLocalDay(firstDayNumber - stretchDays, filter.tz), windowSessions);
    if (sessionList.filter((s) => s.startMs < startMs && s.costUsd > 0).length >= SESSION_THRESHOLDS.lookback) break;
  }
  const flaggedDays = flagDays(days.filter((d) => d.day <= lastDay))
    .filter((d) => d.day >= firstDay)
    .map(({ verdict: _verdict, ...d }) => ({ ...d, explanation: describeDayAnomaly(d) }));
  const sessions = flagSessions(sessionList)
    .filter((s) => { const t = Date.parse(s.started_at); return t >= startMs && t < endMs; });
  return { days: flaggedDays, sessions };
}

/** Calendar days read before a window for the days' baselines (twice their lookback; more only when needed). */
const DAY_STRETCH_DAYS = 2 * DAY_THRESHOLDS.lookback;
/** …and for the sessions' baselines, tried in turn (a heavy user starts dozens of sessions a day), then all. */
const SESSION_STRETCH_DAYS = [3, 14, 2 * DAY_THRESHOLDS.lookback];
