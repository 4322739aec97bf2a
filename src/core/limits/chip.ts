// The status-bar chip as plain data: its text, colour state, tooltip markdown and accessible label,
// computed from a StatusResult. Pure (the host only copies these onto a StatusBarItem), so every state is
// unit-tested without VS Code.
import type { StatusResult } from './status';
import { describePlanValue } from './plan';
import type { SessionContext } from './context';
import {
  contextAccessibilityText,
  contextChipText,
  contextLevel,
  contextPlainLines,
  contextTooltipLines,
  DEFAULT_CONTEXT_CHIP_SETTINGS,
  workspaceSessions,
  type ContextChipSettings,
} from './contextChip';

export interface ChipSettings {
  showTokens: boolean;
  showCost: boolean;
  showHeadroom: boolean;
  showReset: boolean;
  /** % used at which the chip turns to the warning background. */
  warningPct: number;
  /** % used at which the chip turns to the error background. */
  errorPct: number;
  /** Context-window fill of this workspace's active session (issue 17); defaults: shown, 70 % / 85 %. */
  showContext?: boolean;
  contextWarningPct?: number;
  contextErrorPct?: number;
}

/** This window's workspace, as the chip needs it: the canonical project paths of its folders. */
export interface ChipWorkspace {
  projectPaths: string[];
}

function contextSettings(settings: ChipSettings): ContextChipSettings {
  return {
    showContext: settings.showContext ?? DEFAULT_CONTEXT_CHIP_SETTINGS.showContext,
    contextWarningPct: settings.contextWarningPct ?? DEFAULT_CONTEXT_CHIP_SETTINGS.contextWarningPct,
    contextErrorPct: settings.contextErrorPct ?? DEFAULT_CONTEXT_CHIP_SETTINGS.contextErrorPct,
  };
}

/** The session whose context the chip shows: this workspace's most recently updated active session. */
export function chipContextSession(status: StatusResult, settings: ChipSettings, workspace: ChipWorkspace | undefined): SessionContext | null {
  if (!contextSettings(settings).showContext || !workspace) return null;
  return workspaceSessions(status.sessions ?? [], workspace.projectPaths)[0] ?? null;
}

export const DEFAULT_CHIP_SETTINGS: ChipSettings = {
  showTokens: true,
  showCost: false,
  showHeadroom: true,
  showReset: true,
  warningPct: 80,
  errorPct: 95,
};

/** Command ids the tooltip may link to (the MarkdownString trusts exactly these). */
export const CHIP_TOOLTIP_COMMANDS = ['claudeCosts.openPanel', 'claudeCosts.rescan'] as const;

export type ChipColor = 'normal' | 'warning' | 'error';

/**
 * A message translator with vscode.l10n.t's shape ({0}, {1} … placeholders). The host passes
 * vscode.l10n.t (so the chip speaks the UI language); the CLI and tests use ENGLISH.
 */
export type Translate = (message: string, ...args: Array<string | number>) => string;
export const ENGLISH: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));

export interface ChipView {
  text: string;
  color: ChipColor;
  /** Stale figures are shown dimmed (and never coloured). */
  dimmed: boolean;
  tooltipMarkdown: string;
  accessibilityLabel: string;
}

/** 950 → "950", 12_345 → "12.3K", 1_234_567 → "1.2M", 123_456_789 → "123M". */
export function compactNumber(n: number): string {
  const abs = Math.abs(n);
  const unit = (v: number, s: string) => `${v >= 100 ? Math.round(v) : (Math.round(v * 10) / 10).toString()}${s}`;
  if (abs >= 1e9) return unit(n / 1e9, 'B');
  if (abs >= 1e6) return unit(n / 1e6, 'M');
  if (abs >= 1e3) return unit(n / 1e3, 'K');
  return String(Math.round(n));
}

/** 8_040_000 → "2h14m", 840_000 → "14m", 20_000 → "<1m". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return '<1m';
  const totalMin = Math.floor(ms / 60_000);
  const d = Math.floor(totalMin / 1440);
  const h = Math.floor((totalMin % 1440) / 60);
  const m = totalMin % 60;
  if (d > 0) return `${d}d${h}h`;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m`;
}

/** "3m ago", "2h05m ago". */
export function formatAge(ms: number): string {
  return ms < 60_000 ? 'just now' : `${formatDuration(ms)} ago`;
}

export function formatUsd(usd: number): string {
  if (usd > 0 && usd < 0.01) return '<$0.01';
  return `$${usd.toFixed(2)}`;
}

/** Per-minute rates are small: keep two significant digits below a cent. */
export function formatUsdRate(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(2)}`;
}


/** "1 request", "2 requests" (with thousands separators). */
/** "1 request" / "12 requests" in the user's language. */
function requestsText(n: number, t: Translate): string {
  return n === 1 ? t('1 request') : t('{0} requests', int(n));
}

function plural(n: number, noun: string): string {
  return `${int(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function formatPct(p: number): string {
  return `${Math.round(p)}%`;
}

function formatTime(ms: number, tz: string, nowMs: number): string {
  const sameDay = Math.abs(ms - nowMs) < 20 * 3_600_000;
  const opts: Intl.DateTimeFormatOptions = sameDay
    ? { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    : { timeZone: tz, weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  return new Intl.DateTimeFormat('en-US', opts).format(new Date(ms));
}

function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * The threshold level of the headroom figure, exactly as the tooltip states it ("warning at 80 % used,
 * error at 95 %"), whatever its source: the chip colour and the notifications both follow it.
 */
export function thresholdLevel(status: StatusResult, settings: { warningPct: number; errorPct: number }): ChipColor {
  const h = status.headroom;
  if (h.stale || h.usedPct === null) return 'normal';
  // Without local activity in the window only an official figure (or a hit limit) can colour the chip.
  if (!status.activeBlock && h.estimate) return 'normal';
  if (h.limitHit) return 'error';
  if (h.usedPct >= settings.errorPct) return 'error';
  if (h.usedPct >= settings.warningPct) return 'warning';
  return 'normal';
}

const SEVERITY: Record<ChipColor, number> = { normal: 0, warning: 1, error: 2 };

/** The chip's colour: the worse of the 5-hour headroom level and this workspace's context fill. */
export function chipColor(status: StatusResult, settings: ChipSettings, workspace?: ChipWorkspace): ChipColor {
  const headroom = thresholdLevel(status, settings);
  const ctx = chipContextSession(status, settings, workspace);
  const ctxLevel = ctx ? contextLevel(ctx.context_pct, contextSettings(settings)) : 'normal';
  return SEVERITY[ctxLevel] > SEVERITY[headroom] ? ctxLevel : headroom;
}

function headroomText(status: StatusResult, t: Translate): string | null {
  const h = status.headroom;
  if (h.limitHit) return t('limit hit');
  if (h.leftPct === null) return null;
  let text = h.estimate ? t('{0} left (est.)', formatPct(h.leftPct)) : t('{0} left', formatPct(h.leftPct));
  if (h.stale && h.ageMs !== null) text += ` (${formatAge(h.ageMs)})`;
  return text;
}

export function chipText(status: StatusResult, settings: ChipSettings, workspace?: ChipWorkspace, t: Translate = ENGLISH): string {
  const ctx = chipContextSession(status, settings, workspace);
  const text = headroomChipText(status, settings, t);
  return ctx ? `${text} · ${contextChipText(ctx)}` : text;
}

function headroomChipText(status: StatusResult, settings: ChipSettings, t: Translate): string {
  const b = status.activeBlock;
  const parts: string[] = [];
  if (!b) {
    // No active window: today's cost (and a hit limit when one is still in force).
    // No active window here: today's cost, plus an official figure (usage from other devices counts too).
    parts.push(t('{0} today', formatUsd(status.today.costUsd)));
    const h = status.headroom;
    const known = h.limitHit || (h.usedPct !== null && !h.estimate);
    if (known && settings.showHeadroom) parts.push(headroomText(status, t) ?? '');
    if (known && settings.showReset && status.resetsAtMs !== null) parts.push(formatDuration(Math.max(0, status.resetsAtMs - status.nowMs)));
    return `$(pulse) ${parts.filter((p) => p !== '').join(' · ')}`;
  }
  // One basis for the tokens and the % left: input + output (see LIMIT_BASIS_NOTE).
  if (settings.showTokens) parts.push(compactNumber(b.limitTokens));
  if (settings.showCost) parts.push(formatUsd(b.costUsd));
  if (settings.showHeadroom) {
    const h = headroomText(status, t);
    if (h) parts.push(h);
  }
  if (settings.showReset && status.resetsAtMs !== null) parts.push(formatDuration(Math.max(0, status.resetsAtMs - status.nowMs)));
  if (parts.length === 0) parts.push(compactNumber(b.limitTokens));
  return `$(pulse) ${parts.join(' · ')}`;
}

export function chipAccessibilityLabel(status: StatusResult, settings: ChipSettings = DEFAULT_CHIP_SETTINGS, workspace?: ChipWorkspace, t: Translate = ENGLISH): string {
  const ctx = chipContextSession(status, settings, workspace);
  const label = headroomAccessibilityLabel(status, t);
  return ctx ? `${label}; ${t("this workspace's Claude Code session: {0}", contextAccessibilityText(ctx))}` : label;
}

function headroomAccessibilityLabel(status: StatusResult, t: Translate): string {
  const b = status.activeBlock;
  const h = status.headroom;
  if (!b) {
    const official = !h.limitHit && h.leftPct !== null && !h.estimate ? `; ${t('{0} of the 5-hour limit left ({1})', formatPct(h.leftPct), h.sourceLabel)}` : '';
    return `${t('Claude Code: no active 5-hour window; {0} spent today', formatUsd(status.today.costUsd))}${h.limitHit ? `; ${t('usage limit hit')}` : ''}${official}`;
  }
  const bits = [t('Claude Code 5-hour window: {0} input and output tokens, {1}', int(b.limitTokens), formatUsd(b.costUsd))];
  if (h.limitHit) bits.push(t('usage limit hit'));
  else if (h.leftPct !== null) {
    bits.push(`${h.estimate ? t('{0} of the limit left (estimate)', formatPct(h.leftPct)) : t('{0} of the limit left', formatPct(h.leftPct))}`
      + `${h.stale && h.ageMs !== null ? t(', figure from {0}', formatAge(h.ageMs)) : ''}`);
  }
  if (status.resetsAtMs !== null) bits.push(t('resets in {0}', formatDuration(Math.max(0, status.resetsAtMs - status.nowMs))));
  return bits.join('; ');
}

/**
 * The basis of the chip's figures, said in its tooltip. Plan limits and every estimate here count input +
 * output tokens (cache reads and writes are not counted toward them), so the tokens on the chip are on that
 * basis too; an official % is Anthropic's own measure of the same limit (all devices).
 */
export function basisNote(status: StatusResult, t: Translate = ENGLISH): string {
  const h = status.headroom;
  const base = t('Tokens on the chip: input + output (cache reads and writes do not count toward the 5-hour limit)');
  if (h.usedPct === null || h.limitHit) return `${base}.`;
  if (h.estimate && h.limitTokens) {
    return `${base}; ${t('% left = {0} of {1} input + output tokens ({2}).', int(status.activeBlock?.limitTokens ?? 0), int(h.limitTokens), escapeMarkdown(h.sourceLabel))}`;
  }
  return `${base}; ${t("% left is Anthropic's figure for the same limit, usage on other devices included.")}`;
}

export function chipTooltip(status: StatusResult, settings: ChipSettings, workspace?: ChipWorkspace, t: Translate = ENGLISH): string {
  const tz = status.today.tz;
  const now = status.nowMs;
  const lines: string[] = [];
  const b = status.activeBlock;
  const h = status.headroom;
  if (b) {
    const reset = status.resetsAtMs ?? b.endMs;
    lines.push(`**${t('Claude Code · 5-hour window')}**  `);
    const start = status.windowStartMs ?? b.startMs;
    lines.push(`${formatTime(start, tz, now)} → ${formatTime(reset, tz, now)} (${t('resets in {0}', formatDuration(Math.max(0, reset - now)))})`);
    lines.push('');
    lines.push(`| ${t('Tokens')} | |`);
    lines.push('|---|---:|');
    lines.push(`| ${t('Input')} | ${int(b.inputTokens)} |`);
    lines.push(`| ${t('Output')} | ${int(b.outputTokens)} |`);
    lines.push(`| ${t('**Input + output** (on the chip)')} | **${int(b.limitTokens)}** |`);
    lines.push(`| ${t('Cache writes')} | ${int(b.cacheCreationTokens)} |`);
    lines.push(`| ${t('Cache reads')} | ${int(b.cacheReadTokens)} |`);
    lines.push(`| ${t('All, cache included')} | ${int(b.totalTokens)} |`);
    lines.push('');
    lines.push(`${basisNote(status, t)}  `);
    lines.push('');
    lines.push(`${t('Cost **{0}** · {1}', formatUsd(b.costUsd), requestsText(b.requests, t))}  `);
    if (status.burnRate) {
      const minutes = Math.max(1, Math.round((status.burnRate.toMs - status.burnRate.fromMs) / 60_000));
      lines.push(`${t('Burn rate: {0} input + output tokens/min · {1}/min (last {2} min)', compactNumber(status.burnRate.inputOutputTokensPerMinute), formatUsdRate(status.burnRate.costPerMinute), minutes)}  `);
    }
    if (status.projection) {
      const p = status.projection;
      const est = p.exhaustionBasis === 'estimate_limit' ? ` ${t('(estimate)')}` : '';
      lines.push(`${t('Projected at reset: {0} input + output tokens · {1}', compactNumber(p.limitTokensAtReset), formatUsd(p.costAtReset))}  `);
      if (p.exhaustionAtMs !== null && p.exhaustionAtMs <= now) {
        lines.push(`${t('The limit is already reached')}${est}  `);
      } else if (p.exhaustionAtMs !== null) {
        lines.push(`${t('Projected to hit the limit at **{0}**', formatTime(p.exhaustionAtMs, tz, now))}${est}  `);
      } else if (h.usedPct !== null) {
        lines.push(`${t('Not projected to hit the limit before the reset')}  `);
      }
    }
    if (status.pace) {
      const p = status.pace;
      const word = p.label === 'ahead' ? t('ahead of pace (slow down)') : p.label === 'behind' ? t('behind pace (room to spare)') : t('on pace');
      const sign = p.deltaPoints >= 0 ? '+' : '−';
      lines.push(`${t('Pace: {0}, {1} points vs {2} of the window elapsed', word, `${sign}${Math.abs(Math.round(p.deltaPoints))}`, formatPct(p.elapsedPct))}  `);
    }
  } else {
    lines.push(`**Claude Code** · ${t('no active 5-hour window')}  `);
    lines.push(`${t('Today: **{0}** · {1} tokens · {2}', formatUsd(status.today.costUsd), compactNumber(status.today.totalTokens), requestsText(status.today.requests, t))}  `);
  }
  lines.push('');
  if (h.usedPct !== null) {
    const used = h.limitHit ? t('limit hit') : t('{0} used · {1} left', formatPct(h.usedPct), formatPct(h.leftPct ?? 0));
    const age = h.ageMs !== null && h.source !== 'estimate' ? `, ${formatAge(h.ageMs)}` : '';
    lines.push(`${t('Headroom: **{0}** — {1}', used, escapeMarkdown(h.sourceLabel))}${age}${h.stale ? ` ${t('(stale: not coloured)')}` : ''}  `);
  } else {
    lines.push(`${t('Headroom: unknown — {0}', escapeMarkdown(h.sourceLabel))}  `);
  }
  for (const w of status.weekly) {
    const used = w.usedPct === null ? t('unknown') : t('{0} used', formatPct(w.usedPct));
    const reset = w.resetsAtMs !== null ? ` · ${t('resets {0}', formatTime(w.resetsAtMs, tz, now))}` : '';
    const src = w.source === 'limit_event' ? t('limit message') : w.source === 'oauth' ? 'OAuth' : t('statusline');
    lines.push(`${escapeMarkdown(w.label)}: ${used}${reset} (${src}, ${formatAge(Math.max(0, now - w.observedAtMs))}${w.stale ? `, ${t('stale')}` : ''})  `);
  }
  const ev = status.latestLimitEvent;
  if (ev) {
    const text = ev.text.length > 120 ? `${ev.text.slice(0, 117)}…` : ev.text;
    const when = `${formatTime(ev.timestampMs, tz, now)}${ev.active ? `, ${t('in force')}` : ''}`;
    lines.push(`${t('Last limit message ({0}): {1}', when, escapeMarkdown(text))}  `);
  }
  if (status.planValue) lines.push(`${t('Plan value: {0}', escapeMarkdown(describePlanValue(status.planValue)))}  `);
  const limits = status.apiRateLimits ?? [];
  if (limits.length > 0) {
    lines.push('');
    lines.push(`${t('**API rate limits** (your API logs)')}  `);
    for (const l of limits.slice(0, 5)) {
      const left = l.headroom === null ? t('no fresh reading') : t('{0} left ({1})', formatPct(l.headroom * 100), l.tightest ?? '?');
      lines.push(`${escapeMarkdown(l.model)}: ${l.stale ? t('stale, seen {0} ago', formatAge(Math.max(0, now - l.ts))) : left}  `);
    }
    if (limits.length > 5) lines.push(`${t('… and {0} more in the costs panel', limits.length - 5)}  `);
  }
  const sessions = status.sessions ?? [];
  const ctx = contextSettings(settings);
  const mine = new Set(workspace ? workspaceSessions(sessions, workspace.projectPaths).map((x) => x.session_id) : []);
  lines.push(...contextTooltipLines(sessions, mine, now, { age: formatAge, escape: escapeMarkdown }));
  lines.push('');
  const contextThresholds = sessions.length > 0 && ctx.showContext ? t('; context: warning at {0}%, error at {1}%', ctx.contextWarningPct, ctx.contextErrorPct) : '';
  lines.push(`${t('Warning at {0}% used, error at {1}%', settings.warningPct, settings.errorPct)}${contextThresholds}.  `);
  lines.push(`[${t('Open Costs Panel')}](command:claudeCosts.openPanel) · [${t('Rescan')}](command:claudeCosts.rescan)`);
  return lines.join('\n');
}

export function chipView(status: StatusResult, settings: ChipSettings = DEFAULT_CHIP_SETTINGS, workspace?: ChipWorkspace, t: Translate = ENGLISH): ChipView {
  const color = chipColor(status, settings, workspace);
  return {
    text: chipText(status, settings, workspace, t),
    color,
    // Stale headroom dims the chip (never coloured) unless this workspace's fresh context figure colours it.
    dimmed: status.headroom.stale && color === 'normal',
    tooltipMarkdown: chipTooltip(status, settings, workspace, t),
    accessibilityLabel: chipAccessibilityLabel(status, settings, workspace, t),
  };
}

/** Human-readable status for `claude-costs status` without --json: the chip's figures as plain text. */
export function renderStatusText(status: StatusResult): string {
  const out: string[] = [];
  const b = status.activeBlock;
  const tz = status.today.tz;
  if (b) {
    const reset = status.resetsAtMs ?? b.endMs;
    out.push(`5-hour window: ${formatTime(status.windowStartMs ?? b.startMs, tz, status.nowMs)} → ${formatTime(reset, tz, status.nowMs)} (resets in ${formatDuration(Math.max(0, reset - status.nowMs))})`);
    out.push(`  tokens: ${int(b.totalTokens)} (input ${int(b.inputTokens)}, output ${int(b.outputTokens)}, cache writes ${int(b.cacheCreationTokens)}, cache reads ${int(b.cacheReadTokens)})`);
    out.push(`  cost: ${formatUsd(b.costUsd)} · ${plural(b.requests, 'request')}`);
    if (status.burnRate) out.push(`  burn rate: ${int(status.burnRate.tokensPerMinute)} tokens/min · ${formatUsdRate(status.burnRate.costPerMinute)}/min`);
    if (status.projection) {
      out.push(`  projected at reset: ${int(status.projection.tokensAtReset)} tokens · ${formatUsd(status.projection.costAtReset)}`);
      if (status.projection.exhaustionAtMs !== null) out.push(`  projected limit reached: ${formatTime(status.projection.exhaustionAtMs, tz, status.nowMs)}`);
    }
    if (status.pace) out.push(`  pace: ${status.pace.label.replace('_', ' ')} (${status.pace.deltaPoints >= 0 ? '+' : ''}${Math.round(status.pace.deltaPoints)} points)`);
  } else {
    out.push('No active 5-hour window.');
  }
  out.push(`today (${tz}): ${formatUsd(status.today.costUsd)} · ${int(status.today.totalTokens)} tokens · ${plural(status.today.requests, 'request')}`);
  const h = status.headroom;
  const hText = h.limitHit ? 'limit hit' : h.usedPct === null ? 'unknown' : `${formatPct(h.usedPct)} used, ${formatPct(h.leftPct ?? 0)} left`;
  out.push(`headroom: ${hText} — ${h.sourceLabel}${h.ageMs !== null && !h.estimate ? `, ${formatAge(h.ageMs)}` : ''}${h.stale ? ' (stale)' : ''}`);
  for (const w of status.weekly) out.push(`${w.label}: ${w.usedPct === null ? 'unknown' : `${formatPct(w.usedPct)} used`} (${w.source})`);
  if (status.latestLimitEvent) out.push(`last limit message: ${new Date(status.latestLimitEvent.timestampMs).toISOString()} ${status.latestLimitEvent.text}`);
  out.push(...contextPlainLines(status.sessions ?? [], status.nowMs, formatAge));
  return out.join('\n');
}
