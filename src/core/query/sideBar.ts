// The side bar's figures (activity-bar view "Claude Costs"): the 5-hour window from the chip's status,
// today and this month, the open workspace's project and its branch, and the latest sessions. Every sum
// comes from the same tables and rules as llm_costs_query (today/this month are runQuery results), so the
// side bar, the chip and the panel never disagree. Pure over the DB: the host passes the workspace
// folders and the branch the Git extension reports; labels and formatting are the host's (localized).
import type { Metrics } from '../types';
import type { PlanValue } from './types';
import type { StatusResult } from '../limits/status';
import { selectAll } from '../store/sqljs';
import type { Database, SqlValue } from '../store/sqljs';
import { runQuery } from './run';
import { HOUR_MS } from './windows';

export interface SideBarRequest {
  /**
   * The open workspace folders (empty: no folder open) as canonical repository paths, worktrees collapsed;
   * the engine resolves them with the Claude Code source's project rule before calling buildSideBar.
   */
  workspaceFolders: string[];
  /** The repository's current branch per the Git extension; null when unknown (then the transcripts' latest). */
  gitBranch: string | null;
  /** How many recent sessions to list (default 5). */
  sessions?: number;
  tz?: string;
}

/** Requests, tokens (all four buckets) and cost of one slice. */
export interface SideBarFigures {
  requests: number;
  totalTokens: number;
  costUsd: number;
}

export interface SideBarSession {
  sessionKey: string;
  title: string | null;
  project: string;
  lastActivityMs: number;
  figures: SideBarFigures;
}

export interface SideBarSummary {
  nowMs: number;
  /** The chip's view of the 5-hour window (active block, headroom, reset). */
  window: {
    active: boolean;
    totalTokens: number;
    costUsd: number;
    /** % of the limit left; null when unknown. */
    leftPct: number | null;
    estimate: boolean;
    limitHit: boolean;
    headroomSource: string;
    resetsAtMs: number | null;
  };
  today: SideBarFigures;
  thisMonth: SideBarFigures;
  /** The open folder's project(s), as stored; null when no folder is open or it has no usage. */
  workspace: { name: string; path: string; thisMonth: SideBarFigures; allTime: SideBarFigures } | null;
  /** The workspace's branch and what its requests cost (all time); null without a workspace or branch. */
  branch: { name: string; source: 'git' | 'transcripts'; allTime: SideBarFigures } | null;
  sessions: SideBarSession[];
  /** This month's API-equivalent cost against the plan's price, when the plan is known (the month row's tooltip). */
  planValue?: PlanValue | null;
}

const ZERO: SideBarFigures = { requests: 0, totalTokens: 0, costUsd: 0 };

function figuresOf(m: Metrics): SideBarFigures {
  return { requests: m.requests, totalTokens: m.total_tokens, costUsd: m.cost_usd };
}

const SUMS_SQL = 'COALESCE(SUM(requests), 0) AS requests, '
  + 'COALESCE(SUM(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens), 0) AS tokens, '
  + 'COALESCE(SUM(cost_usd), 0) AS cost';

function figuresRow(row: { requests: SqlValue; tokens: SqlValue; cost: SqlValue } | undefined): SideBarFigures {
  if (!row) return { ...ZERO };
  return { requests: Number(row.requests), totalTokens: Number(row.tokens), costUsd: Math.round(Number(row.cost) * 1e6) / 1e6 };
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(',');
}

/** The stored projects the workspace folders belong to (by canonical repository path, worktrees collapsed). */
export function workspaceProjects(db: Database, canonicalFolders: string[]): { ids: number[]; name: string; path: string } | null {
  const wanted = new Set(canonicalFolders.filter((f) => f.trim() !== ''));
  if (wanted.size === 0) return null;
  const rows = selectAll<{ id: number; name: string; path: string | null }>(db, 'SELECT id, name, path FROM projects')
    .filter((p) => p.path !== null && wanted.has(String(p.path)));
  if (rows.length === 0) return null;
  return { ids: rows.map((r) => Number(r.id)), name: rows.map((r) => String(r.name)).join(', '), path: String(rows[0]!.path) };
}

function projectFigures(db: Database, projectIds: number[], fromMs: number | null): SideBarFigures {
  const params: SqlValue[] = [...projectIds];
  let where = `project_id IN (${placeholders(projectIds.length)})`;
  if (fromMs !== null) {
    // this_month starts at a local midnight; a zone with a non-whole-hour offset needs the raw rows for its first hour.
    if (fromMs % HOUR_MS === 0) {
      where += ' AND hour >= ?';
      params.push(fromMs);
    } else {
      const head = figuresRow(selectAll<{ requests: SqlValue; tokens: SqlValue; cost: SqlValue }>(db,
        `SELECT COUNT(*) AS requests, COALESCE(SUM(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens), 0) AS tokens, `
        + `COALESCE(SUM(cost_usd), 0) AS cost FROM requests WHERE ${where} AND ts >= ? AND ts < ?`,
        [...params, fromMs, Math.ceil(fromMs / HOUR_MS) * HOUR_MS])[0]);
      const tail = projectFigures(db, projectIds, Math.ceil(fromMs / HOUR_MS) * HOUR_MS);
      return { requests: head.requests + tail.requests, totalTokens: head.totalTokens + tail.totalTokens, costUsd: Math.round((head.costUsd + tail.costUsd) * 1e6) / 1e6 };
    }
  }
  return figuresRow(selectAll<{ requests: SqlValue; tokens: SqlValue; cost: SqlValue }>(db, `SELECT ${SUMS_SQL} FROM rollup_hour WHERE ${where}`, params)[0]);
}

/** The latest sessions (by last request), with what each cost over its whole life. */
function latestSessions(db: Database, count: number): SideBarSession[] {
  // Candidates: the sessions with the latest hours (a few more than shown: hours tie, instants decide).
  const recent = selectAll<{ id: number; lastHour: number }>(db,
    'SELECT session_id AS id, MAX(hour) AS lastHour FROM rollup_hour WHERE hour >= (SELECT MAX(hour) FROM rollup_hour) - ? '
    + 'GROUP BY session_id ORDER BY lastHour DESC, id DESC LIMIT ?', [30 * 24 * HOUR_MS, count * 4]);
  const withInstant = recent.map((r) => {
    // The exact last instant: one indexed read of the session's last hour.
    const last = selectAll<{ ts: SqlValue }>(db, 'SELECT MAX(ts) AS ts FROM requests WHERE ts >= ? AND ts < ? AND session_id = ?',
      [r.lastHour, r.lastHour + HOUR_MS, r.id])[0];
    return { id: Number(r.id), lastActivityMs: typeof last?.ts === 'number' ? last.ts : Number(r.lastHour) };
  });
  const shown = withInstant.sort((a, b) => b.lastActivityMs - a.lastActivityMs || b.id - a.id).slice(0, count);
  if (shown.length === 0) return [];
  const ids = shown.map((s) => s.id);
  const meta = new Map(selectAll<{ id: number; k: string; t: string | null; p: string }>(db,
    `SELECT s.id AS id, s.session_key AS k, s.title AS t, p.name AS p FROM sessions s JOIN projects p ON p.id = s.project_id WHERE s.id IN (${placeholders(ids.length)})`, ids)
    .map((m) => [Number(m.id), m]));
  const sums = new Map(selectAll<{ id: number; requests: SqlValue; tokens: SqlValue; cost: SqlValue }>(db,
    `SELECT session_id AS id, ${SUMS_SQL} FROM rollup_hour WHERE session_id IN (${placeholders(ids.length)}) GROUP BY session_id`, ids)
    .map((s) => [Number(s.id), figuresRow(s)]));
  return shown.map(({ id, lastActivityMs }) => {
    const m = meta.get(id);
    return {
      sessionKey: m ? String(m.k) : String(id),
      title: m?.t ? String(m.t) : null,
      project: m ? String(m.p) : '',
      lastActivityMs,
      figures: sums.get(id) ?? { ...ZERO },
    };
  });
}

/**
 * The branch figure of the workspace's project: the Git extension's branch, else the latest branch the
 * transcripts recorded for the project; all time, summed from rollup_hour (which carries the branch since
 * schema 7); the view asks only while it is visible.
 */
export function branchFigures(db: Database, projectIds: number[], gitBranch: string | null): SideBarSummary['branch'] {
  const inProjects = `project_id IN (${placeholders(projectIds.length)})`;
  let name = gitBranch;
  let source: 'git' | 'transcripts' = 'git';
  if (name === null) {
    const latest = selectAll<{ name: string }>(db,
      `SELECT b.name AS name FROM requests r JOIN branches b ON b.id = r.branch_id WHERE r.${inProjects} AND r.branch_id IS NOT NULL ORDER BY r.ts DESC LIMIT 1`, projectIds)[0];
    if (!latest) return null;
    name = String(latest.name);
    source = 'transcripts';
  }
  const id = selectAll<{ id: number }>(db, 'SELECT id FROM branches WHERE name = ?', [name])[0]?.id;
  const allTime = id === undefined ? { ...ZERO } : figuresRow(selectAll<{ requests: SqlValue; tokens: SqlValue; cost: SqlValue }>(db,
    'SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens), 0) AS tokens, '
    + `COALESCE(SUM(cost_usd), 0) AS cost FROM rollup_hour WHERE ${inProjects} AND branch_id = ?`, [...projectIds, id])[0]);
  return { name, source, allTime };
}

export function buildSideBar(db: Database, req: SideBarRequest, status: StatusResult): SideBarSummary {
  const nowMs = status.nowMs;
  const tz = req.tz ?? status.today.tz;
  const today = runQuery(db, { window: 'today', tz }, nowMs);
  const month = runQuery(db, { window: 'this_month', tz }, nowMs);
  const monthStart = Date.parse(month.window.start);
  const ws = workspaceProjects(db, req.workspaceFolders);
  const h = status.headroom;
  return {
    nowMs,
    planValue: status.planValue,
    window: {
      active: status.activeBlock !== null,
      totalTokens: status.activeBlock?.totalTokens ?? 0,
      costUsd: status.activeBlock?.costUsd ?? 0,
      leftPct: h.leftPct,
      estimate: h.estimate,
      limitHit: h.limitHit,
      headroomSource: h.sourceLabel,
      resetsAtMs: status.resetsAtMs,
    },
    today: figuresOf(today.totals),
    thisMonth: figuresOf(month.totals),
    workspace: ws ? { name: ws.name, path: ws.path, thisMonth: projectFigures(db, ws.ids, monthStart), allTime: projectFigures(db, ws.ids, null) } : null,
    branch: ws ? branchFigures(db, ws.ids, req.gitBranch) : null,
    sessions: latestSessions(db, req.sessions ?? 5),
  };
}
