// The status-bar chip as plain data: its text, colour state, tooltip markdown and accessible label,
// computed from a StatusResult. Pure (the host only copies these onto a StatusBarItem), so every state is
// unit-tested without VS Code.
import type { StatusResult } from './status';

export interface ChipSettings {
  showTokens: boolean;
  showCost: boolean;
  showHeadroom: boolean;
  showReset: boolean;
  /** % used at which the chip turns to the warning background. */
  warningPct: number;
  /** % used at which the chip turns to the error background. */
  errorPct: number;
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

export function chipColor(status: StatusResult, settings: ChipSettings): ChipColor {
  return thresholdLevel(status, settings);
}

function headroomText(status: StatusResult): string | null {
  const h = status.headroom;
  if (h.limitHit) return 'limit hit';
  if (h.leftPct === null) return null;
  let t = `${formatPct(h.leftPct)} left`;
  if (h.estimate) t += ' (est.)';
  if (h.stale && h.ageMs !== null) t += ` (${formatAge(h.ageMs)})`;
  return t;
}

export function chipText(status: StatusResult, settings: ChipSettings): string {
  const b = status.activeBlock;
  const parts: string[] = [];
  if (!b) {
    // No active window: today's cost (and a hit limit when one is still in force).
    // No active window here: today's cost, plus an official figure (usage from other devices counts too).
    parts.push(`${formatUsd(status.today.costUsd)} today`);
    const h = status.headroom;
    const known = h.limitHit || (h.usedPct !== null && !h.estimate);
    if (known && settings.showHeadroom) parts.push(headroomText(status) ?? '');
    if (known && settings.showReset && status.resetsAtMs !== null) parts.push(formatDuration(Math.max(0, status.resetsAtMs - status.nowMs)));
    return `$(pulse) ${parts.filter((p) => p !== '').join(' · ')}`;
  }
  // One basis for the tokens and the % left: input + output (see LIMIT_BASIS_NOTE).
  if (settings.showTokens) parts.push(compactNumber(b.limitTokens));
  if (settings.showCost) parts.push(formatUsd(b.costUsd));
  if (settings.showHeadroom) {
    const h = headroomText(status);
    if (h) parts.push(h);
  }
  if (settings.showReset && status.resetsAtMs !== null) parts.push(formatDuration(Math.max(0, status.resetsAtMs - status.nowMs)));
  if (parts.length === 0) parts.push(compactNumber(b.limitTokens));
  return `$(pulse) ${parts.join(' · ')}`;
}

export function chipAccessibilityLabel(status: StatusResult): string {
  const b = status.activeBlock;
  const h = status.headroom;
  if (!b) {
    const official = !h.limitHit && h.leftPct !== null && !h.estimate ? `; ${formatPct(h.leftPct)} of the 5-hour limit left (${h.sourceLabel})` : '';
    return `Claude Code: no active 5-hour window; ${formatUsd(status.today.costUsd)} spent today${h.limitHit ? '; usage limit hit' : ''}${official}`;
  }
  const bits = [`Claude Code 5-hour window: ${int(b.limitTokens)} input and output tokens, ${formatUsd(b.costUsd)}`];
  if (h.limitHit) bits.push('usage limit hit');
  else if (h.leftPct !== null) bits.push(`${formatPct(h.leftPct)} of the limit left${h.estimate ? ' (estimate)' : ''}${h.stale && h.ageMs !== null ? `, figure from ${formatAge(h.ageMs)}` : ''}`);
  if (status.resetsAtMs !== null) bits.push(`resets in ${formatDuration(Math.max(0, status.resetsAtMs - status.nowMs))}`);
  return bits.join('; ');
}

/**
 * The basis of the chip's figures, said in its tooltip. Plan limits and every estimate here count input +
 * output tokens (cache reads and writes are not counted toward them), so the tokens on the chip are on that
 * basis too; an official % is Anthropic's own measure of the same limit (all devices).
 */
export function basisNote(status: StatusResult): string {
  const h = status.headroom;
  const base = 'Tokens on the chip: input + output (cache reads and writes do not count toward the 5-hour limit)';
  if (h.usedPct === null || h.limitHit) return `${base}.`;
  if (h.estimate && h.limitTokens) {
    return `${base}; % left = ${int(status.activeBlock?.limitTokens ?? 0)} of ${int(h.limitTokens)} input + output tokens (${escapeMarkdown(h.sourceLabel)}).`;
  }
  return `${base}; % left is Anthropic's figure for the same limit, usage on other devices included.`;
}

export function chipTooltip(status: StatusResult, settings: ChipSettings): string {
  const tz = status.today.tz;
  const now = status.nowMs;
  const lines: string[] = [];
  const b = status.activeBlock;
  const h = status.headroom;
  if (b) {
    const reset = status.resetsAtMs ?? b.endMs;
    lines.push(`**Claude Code · 5-hour window**  `);
    const start = status.windowStartMs ?? b.startMs;
    lines.push(`${formatTime(start, tz, now)} → ${formatTime(reset, tz, now)} (resets in ${formatDuration(Math.max(0, reset - now))})`);
    lines.push('');
    lines.push('| Tokens | |');
    lines.push('|---|---:|');
    lines.push(`| Input | ${int(b.inputTokens)} |`);
    lines.push(`| Output | ${int(b.outputTokens)} |`);
    lines.push(`| **Input + output** (on the chip) | **${int(b.limitTokens)}** |`);
    lines.push(`| Cache writes | ${int(b.cacheCreationTokens)} |`);
    lines.push(`| Cache reads | ${int(b.cacheReadTokens)} |`);
    lines.push(`| All, cache included | ${int(b.totalTokens)} |`);
    lines.push('');
    lines.push(`${basisNote(status)}  `);
    lines.push('');
    lines.push(`Cost **${formatUsd(b.costUsd)}** · ${plural(b.requests, 'request')}  `);
    if (status.burnRate) {
      lines.push(`Burn rate: ${compactNumber(status.burnRate.inputOutputTokensPerMinute)} input + output tokens/min · ${formatUsdRate(status.burnRate.costPerMinute)}/min (last ${Math.max(1, Math.round((status.burnRate.toMs - status.burnRate.fromMs) / 60_000))} min)  `);
    }
    if (status.projection) {
      const p = status.projection;
      lines.push(`Projected at reset: ${compactNumber(p.limitTokensAtReset)} input + output tokens · ${formatUsd(p.costAtReset)}  `);
      if (p.exhaustionAtMs !== null && p.exhaustionAtMs <= now) {
        lines.push(`The limit is already reached${p.exhaustionBasis === 'estimate_limit' ? ' (estimate)' : ''}  `);
      } else if (p.exhaustionAtMs !== null) {
        lines.push(`Projected to hit the limit at **${formatTime(p.exhaustionAtMs, tz, now)}**${p.exhaustionBasis === 'estimate_limit' ? ' (estimate)' : ''}  `);
      } else if (h.usedPct !== null) {
        lines.push('Not projected to hit the limit before the reset  ');
      }
    }
    if (status.pace) {
      const p = status.pace;
      const word = p.label === 'ahead' ? 'ahead of pace (slow down)' : p.label === 'behind' ? 'behind pace (room to spare)' : 'on pace';
      const sign = p.deltaPoints >= 0 ? '+' : '−';
      lines.push(`Pace: ${word}, ${sign}${Math.abs(Math.round(p.deltaPoints))} points vs ${formatPct(p.elapsedPct)} of the window elapsed  `);
    }
  } else {
    lines.push(`**Claude Code** · no active 5-hour window  `);
    lines.push(`Today: **${formatUsd(status.today.costUsd)}** · ${compactNumber(status.today.totalTokens)} tokens · ${plural(status.today.requests, 'request')}  `);
  }
  lines.push('');
  if (h.usedPct !== null) {
    const used = h.limitHit ? 'limit hit' : `${formatPct(h.usedPct)} used · ${formatPct(h.leftPct ?? 0)} left`;
    const age = h.ageMs !== null && h.source !== 'estimate' ? `, ${formatAge(h.ageMs)}` : '';
    lines.push(`Headroom: **${used}** — ${escapeMarkdown(h.sourceLabel)}${age}${h.stale ? ' (stale: not coloured)' : ''}  `);
  } else {
    lines.push(`Headroom: unknown — ${escapeMarkdown(h.sourceLabel)}  `);
  }
  for (const w of status.weekly) {
    const used = w.usedPct === null ? 'unknown' : `${formatPct(w.usedPct)} used`;
    const reset = w.resetsAtMs !== null ? ` · resets ${formatTime(w.resetsAtMs, tz, now)}` : '';
    const src = w.source === 'limit_event' ? 'limit message' : w.source === 'oauth' ? 'OAuth' : 'statusline';
    lines.push(`${escapeMarkdown(w.label)}: ${used}${reset} (${src}, ${formatAge(Math.max(0, now - w.observedAtMs))}${w.stale ? ', stale' : ''})  `);
  }
  const ev = status.latestLimitEvent;
  if (ev) {
    const text = ev.text.length > 120 ? `${ev.text.slice(0, 117)}…` : ev.text;
    lines.push(`Last limit message (${formatTime(ev.timestampMs, tz, now)}${ev.active ? ', in force' : ''}): ${escapeMarkdown(text)}  `);
  }
  const limits = status.apiRateLimits ?? [];
  if (limits.length > 0) {
    lines.push('');
    lines.push('**API rate limits** (your API logs)  ');
    for (const l of limits.slice(0, 5)) {
      const left = l.headroom === null ? 'no fresh reading' : `${formatPct(l.headroom * 100)} left (${l.tightest ?? '?'})`;
      lines.push(`${escapeMarkdown(l.model)}: ${l.stale ? `stale, seen ${formatAge(Math.max(0, now - l.ts))} ago` : left}  `);
    }
    if (limits.length > 5) lines.push(`… and ${limits.length - 5} more in the costs panel  `);
  }
  lines.push('');
  lines.push(`Warning at ${settings.warningPct}% used, error at ${settings.errorPct}%.  `);
  lines.push('[Open Costs Panel](command:claudeCosts.openPanel) · [Rescan](command:claudeCosts.rescan)');
  return lines.join('\n');
}

export function chipView(status: StatusResult, settings: ChipSettings = DEFAULT_CHIP_SETTINGS): ChipView {
  return {
    text: chipText(status, settings),
    color: chipColor(status, settings),
    dimmed: status.headroom.stale,
    tooltipMarkdown: chipTooltip(status, settings),
    accessibilityLabel: chipAccessibilityLabel(status),
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
  return out.join('\n');
}
