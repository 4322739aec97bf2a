// Formatting only: every figure arrives computed in the read model. Words go through t() (the user's
// language); numbers and dates keep one format (en-US) so figures read the same in every surface.
import { t } from './l10n';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** $0.42 · $12.30 · $1,234 (≥ $100 drops the cents and groups thousands). */
export function usd(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const sign = v < 0 ? '−' : '';
  const a = Math.abs(v);
  if (a === 0) return '$0.00';
  if (a < 0.01) return `${sign}<$0.01`;
  if (a >= 100) return `${sign}$${int.format(Math.round(a))}`;
  return `${sign}$${dec2.format(a)}`;
}

/** Cost with more precision for per-request figures: $0.0123. */
export function usdPrecise(v: number): string {
  if (v >= 1) return usd(v);
  if (v === 0) return '$0';
  return `$${v.toPrecision(2).replace(/0+$/, '').replace(/\.$/, '')}`;
}

/** 950 · 12.3K · 4.56M · 1.2B */
export function compact(v: number): string {
  const a = Math.abs(v);
  const fmt = (n: number, unit: string) => `${n >= 100 ? Math.round(n) : n >= 10 ? n.toFixed(1).replace(/\.0$/, '') : n.toFixed(2).replace(/\.?0+$/, '')}${unit}`;
  if (a >= 1e9) return fmt(v / 1e9, 'B');
  if (a >= 1e6) return fmt(v / 1e6, 'M');
  if (a >= 1e3) return fmt(v / 1e3, 'K');
  return int.format(v);
}

export function full(v: number): string {
  return int.format(v);
}

export function pct(v: number, digits = 1): string {
  if (!Number.isFinite(v)) return '—';
  return `${v.toFixed(digits)} %`;
}

function fmtIn(tz: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', { ...opts, timeZone: tz });
  } catch {
    return new Intl.DateTimeFormat('en-US', opts);
  }
}

/** "YYYY-MM-DD" keys are local dates already: format them as UTC calendar dates. */
function dayDate(day: string): Date {
  return new Date(`${day}T12:00:00Z`);
}

/** Axis label for a day, adapted to the length of the range. */
export function dayLabel(day: string, rangeDays: number): string {
  const d = dayDate(day);
  if (rangeDays <= 10) return fmtIn('UTC', { weekday: 'short', day: 'numeric' }).format(d);
  if (rangeDays <= 400) return fmtIn('UTC', { month: 'short', day: 'numeric' }).format(d);
  return fmtIn('UTC', { month: 'short', year: 'numeric' }).format(d);
}

/** Full date for tooltips: "Tuesday, March 3, 2026". */
export function dayFull(day: string): string {
  return fmtIn('UTC', { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(dayDate(day));
}

export function timeLabel(ms: number, tz: string): string {
  return fmtIn(tz, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

export function dateTime(ms: number, tz: string): string {
  return fmtIn(tz, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

export function dateTimeFull(ms: number, tz: string): string {
  return fmtIn(tz, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

/** "5 min ago" style age. */
export function ago(ms: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - ms) / 1000));
  if (s < 60) return t('just now');
  const m = Math.round(s / 60);
  if (m < 60) return t('{0} min ago', m);
  const h = Math.round(m / 60);
  if (h < 48) return t('{0} h ago', h);
  return t('{0} days ago', Math.round(h / 24));
}

export const RANGE_LABELS: Record<string, string> = {
  today: t('Today'), yesterday: t('Yesterday'), last_24h: t('Last 24 h'), last_7d: t('Last 7 days'), last_30d: t('Last 30 days'),
  this_month: t('This month'), last_month: t('Last month'), all: t('All time'), custom: t('Custom…'),
};

export const FAMILY_LABELS: Record<string, string> = { opus: 'Opus', sonnet: 'Sonnet', haiku: 'Haiku', other: t('Other') };

/** A model id without the vendor prefix and snapshot date, for tight cells: "opus-4-6". */
export function shortModel(id: string): string {
  return id.replace(/^claude-/, '').replace(/-\d{8}$/, '');
}

/** A duration: 850 ms · 4.2 s · 37 s · 2 min 5 s. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms - m * 60_000) / 1000);
  return s ? `${m} min ${s} s` : `${m} min`;
}

/** A reset time relative to now: "in 40 s", "in 6 min", "passed 2 h ago". */
export function untilLabel(ms: number, nowMs: number): string {
  const d = ms - nowMs;
  if (d <= 0) return t('passed {0}', ago(ms, nowMs));
  if (d < 60_000) return t('in {0} s', Math.ceil(d / 1000));
  if (d < 3_600_000) return t('in {0} min', Math.round(d / 60_000));
  return t('in {0} h', Math.round(d / 3_600_000));
}

export const RATE_KIND_LABELS: Record<string, string> = {
  requests: t('Requests'), input_tokens: t('Input tokens'), output_tokens: t('Output tokens'), tokens: t('Tokens'),
};
