// How the context-window fill of active sessions (issue 17) shows on the surfaces: the `ctx 47%` part of
// the chip for this window's workspace, its colour, the tooltip's list of every active session with
// provenance, the plain-text lines of `claude-costs status`/`watch`, and the once-per-session notification.
// Pure: the host passes the workspace's project paths and keeps the notification state.
import type { SessionContext } from './context';

export interface ContextChipSettings {
  /** Show `ctx NN%` in the chip when a session of this workspace is active. */
  showContext: boolean;
  contextWarningPct: number;
  contextErrorPct: number;
}

export const DEFAULT_CONTEXT_CHIP_SETTINGS: ContextChipSettings = { showContext: true, contextWarningPct: 70, contextErrorPct: 85 };

export type ContextLevel = 'normal' | 'warning' | 'error';

function normalizePath(p: string): string {
  const unified = p.replace(/\\/g, '/').replace(/\/+$/, '');
  // Windows paths compare case-insensitively (drive letters are written both ways).
  return /^[a-zA-Z]:/.test(unified) ? unified.toLowerCase() : unified;
}

function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(`${parent}/`);
}

/**
 * The active sessions that belong to this window's workspace: the session's project (its repository root,
 * worktrees collapsed) is a workspace folder, contains one, or lies inside one. Newest first, as given.
 */
export function workspaceSessions(sessions: SessionContext[], workspaceProjectPaths: string[]): SessionContext[] {
  const folders = workspaceProjectPaths.filter((p) => p.trim() !== '').map(normalizePath);
  if (folders.length === 0) return [];
  return sessions.filter((s) => {
    if (!s.project_path) return false;
    const p = normalizePath(s.project_path);
    return folders.some((f) => within(p, f) || within(f, p));
  });
}

export function contextLevel(pct: number | null, settings: ContextChipSettings): ContextLevel {
  if (pct === null) return 'normal';
  if (pct >= settings.contextErrorPct) return 'error';
  if (pct >= settings.contextWarningPct) return 'warning';
  return 'normal';
}

/** `ctx 47%`; after a compaction whose size is not known yet, `ctx compacted`. */
export function contextChipText(s: SessionContext): string {
  return s.context_pct === null ? 'ctx compacted' : `ctx ${Math.round(s.context_pct)}%`;
}

export function contextAccessibilityText(s: SessionContext): string {
  return s.context_pct === null
    ? 'context window just compacted'
    : `context window ${Math.round(s.context_pct)}% full (${s.context_tokens?.toLocaleString('en-US')} of ${s.context_window.toLocaleString('en-US')} tokens)`;
}

/** "83% · 166K / 200K". */
function fillText(s: SessionContext): string {
  if (s.context_pct === null) return 'compacted, size known at the next response';
  return `${Math.round(s.context_pct)}% · ${short(s.context_tokens ?? 0)} / ${short(s.context_window)}`;
}

function short(n: number): string {
  if (n >= 1e6) return `${Math.round(n / 1e5) / 10}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}K`;
  return String(n);
}

function provenance(s: SessionContext, nowMs: number, formatAge: (ms: number) => string): string {
  const src = s.source === 'statusline' ? 'statusline' : 'transcript';
  return `${src}, ${formatAge(Math.max(0, nowMs - s.updated_at_ms))}`;
}

/** The tooltip's shorter form: the figure's age only when it is not the last response's (a capture, a compaction). */
function provenanceShort(s: SessionContext, nowMs: number, formatAge: (ms: number) => string): string {
  const sameAsResponse = s.last_response_at !== null && Date.parse(s.last_response_at) === s.updated_at_ms;
  return sameAsResponse ? s.source : provenance(s, nowMs, formatAge);
}

/** Markdown lines of the chip tooltip: one row per active session, this workspace's marked. */
export function contextTooltipLines(
  sessions: SessionContext[],
  workspaceKeys: Set<string>,
  nowMs: number,
  fmt: { age: (ms: number) => string; escape: (s: string) => string },
): string[] {
  if (sessions.length === 0) return [];
  const lines = ['', `**Context windows** · ${sessions.length} active session${sessions.length === 1 ? '' : 's'}  `, '', '| Session | Project | Model | Context | Last response |', '|---|---|---|---|---|'];
  for (const s of sessions) {
    const title = s.title ?? `${s.session_id.slice(0, 8)}…`;
    const mark = workspaceKeys.has(s.session_id) ? '● ' : '';
    // escape() covers Markdown (table pipes included): titles and model ids are data, never markup.
    const cell = (v: string) => fmt.escape(v);
    const last = s.last_response_at ? fmt.age(Math.max(0, nowMs - Date.parse(s.last_response_at))) : '—';
    const peak = s.peak_pct !== null && s.context_pct !== null && s.peak_pct > s.context_pct ? ` (peak ${Math.round(s.peak_pct)}%)` : '';
    const compacted = s.compactions > 0 ? ` · ${s.compactions}× compacted` : '';
    lines.push(
      `| ${mark}${cell(title.length > 40 ? `${title.slice(0, 39)}…` : title)} | ${cell(s.project ?? '—')} | ${cell(s.model ?? '—')} | ${fillText(s)}${peak}${compacted} (${provenanceShort(s, nowMs, fmt.age)}) | ${last} |`,
    );
  }
  if (workspaceKeys.size > 0) lines.push('', '● this window\'s workspace  ');
  return lines;
}

/** Plain-text lines for `claude-costs status` and `watch`. */
export function contextPlainLines(sessions: SessionContext[], nowMs: number, formatAge: (ms: number) => string): string[] {
  if (sessions.length === 0) return ['context: no active session'];
  return sessions.map((s) => {
    const name = s.title ? `${s.title} (${s.session_id.slice(0, 8)})` : s.session_id;
    return `context: ${fillText(s)} — ${name} · ${s.project ?? '?'} · ${s.model ?? '?'} (${provenance(s, nowMs, formatAge)})`;
  });
}

export interface ContextNotifyState {
  /** Session ids already notified → when. */
  sent: Record<string, number>;
}

export const EMPTY_CONTEXT_NOTIFY_STATE: ContextNotifyState = { sent: {} };
const KEEP_MS = 8 * 24 * 3_600_000;

/**
 * Sessions that just crossed the context error threshold and were not notified before: once per session.
 * Only a fresh figure notifies (a listed session is active by definition).
 */
export function decideContextNotifications(
  sessions: SessionContext[],
  state: ContextNotifyState,
  settings: { enabled: boolean; errorPct: number },
  nowMs: number,
): { toasts: Array<{ key: string; message: string }>; state: ContextNotifyState } {
  const sent: Record<string, number> = {};
  for (const [k, t] of Object.entries(state.sent)) if (nowMs - t < KEEP_MS) sent[k] = t;
  const toasts: Array<{ key: string; message: string }> = [];
  if (!settings.enabled) return { toasts, state: { sent } };
  for (const s of sessions) {
    if (s.context_pct === null || s.context_pct < settings.errorPct || s.session_id in sent) continue;
    sent[s.session_id] = nowMs;
    const name = s.title ? `“${s.title}”` : `session ${s.session_id.slice(0, 8)}`;
    toasts.push({
      key: s.session_id,
      message: `Claude Code ${name}${s.project ? ` (${s.project})` : ''}: context window ${Math.round(s.context_pct)}% full (${short(s.context_tokens ?? 0)} of ${short(s.context_window)}). Consider /compact or a new session.`,
    });
  }
  return { toasts, state: { sent } };
}
