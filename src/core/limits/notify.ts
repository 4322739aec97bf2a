// When to raise a headroom notification: once per 5-hour window when crossing the warning and the error
// threshold, and once per limit event, with a cooldown so a flapping figure never spams. Pure: the host
// keeps the state (in globalState) and shows the toasts.
import type { StatusResult } from './status';
import { thresholdLevel } from './chip';

export interface NotifyState {
  /** Keys already notified ("<window>:warning", "<window>:error", "limit:<ts>") → when. */
  sent: Record<string, number>;
  lastToastMs: number;
}

export interface NotifySettings {
  enabled: boolean;
  warningPct: number;
  errorPct: number;
  /** Minimum gap between two threshold toasts (limit events ignore it: they are rare and actionable). */
  cooldownMs: number;
}

export interface Toast {
  key: string;
  severity: 'warning' | 'error';
  message: string;
}

export const EMPTY_NOTIFY_STATE: NotifyState = { sent: {}, lastToastMs: 0 };
const KEEP_KEYS_MS = 8 * 24 * 3_600_000;

/** Identifies the 5-hour window: its reset rounded to 10 minutes (official resets jitter by seconds). */
function windowKey(status: StatusResult): string | null {
  const reset = status.resetsAtMs ?? status.activeBlock?.endMs ?? null;
  if (reset === null) return null;
  return String(Math.round(reset / 600_000));
}

export function decideNotifications(
  status: StatusResult,
  state: NotifyState,
  settings: NotifySettings,
): { toasts: Toast[]; state: NotifyState } {
  const now = status.nowMs;
  // Forget keys older than the longest window so the state never grows without bound.
  const sent: Record<string, number> = {};
  for (const [k, t] of Object.entries(state.sent)) if (now - t < KEEP_KEYS_MS) sent[k] = t;
  const next: NotifyState = { sent, lastToastMs: state.lastToastMs };
  if (!settings.enabled) return { toasts: [], state: next };
  const toasts: Toast[] = [];

  const ev = status.latestLimitEvent;
  if (ev && ev.active) {
    const key = `limit:${ev.timestampMs}`;
    if (!(key in sent)) {
      sent[key] = now;
      next.lastToastMs = now;
      const when = ev.resetsAtMs !== null ? ` It resets in about ${Math.max(1, Math.round((ev.resetsAtMs - now) / 60_000))} min.` : '';
      toasts.push({ key, severity: 'error', message: `Claude Code hit a usage limit.${when}` });
    }
  }

  const h = status.headroom;
  const win = windowKey(status);
  // Stale or unknown figures never notify; a limit event above already covers a hit limit.
  if (win && h.usedPct !== null && !h.stale && !h.limitHit && (status.activeBlock || !h.estimate)) {
    const est = h.estimate ? ' (estimate)' : '';
    // Same rule as the chip colour (the thresholds the tooltip states).
    const color = thresholdLevel(status, settings);
    const level = color === 'normal' ? null : color;
    if (level) {
      const key = `${win}:${level}`;
      const coolingDown = now - next.lastToastMs < settings.cooldownMs;
      if (!(key in sent) && !coolingDown) {
        sent[key] = now;
        // Crossing straight to the error level also settles the warning for this window.
        if (level === 'error') sent[`${win}:warning`] ??= now;
        next.lastToastMs = now;
        toasts.push({
          key,
          severity: level,
          message: `Claude Code: ${Math.round(h.usedPct)}% of the 5-hour limit used${est} — ${h.sourceLabel}.`,
        });
      }
    }
  }
  return { toasts, state: next };
}
