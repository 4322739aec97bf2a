// Projection to the reset, projected exhaustion and pace of the active 5-hour window, from the burn rate
// of blocks.ts (last 60 minutes of the block). Pure arithmetic; the clock is a parameter.
import type { BurnRate } from './blocks';
import { FIVE_HOURS_MS } from './headroom';

const MINUTE_MS = 60_000;
/** Pace tolerance: within ±10 points of the elapsed share of the window is "on track" (claude-monitor v4's rule). */
export const PACE_TOLERANCE_POINTS = 10;

export interface Projection {
  /** Reset the projection runs to. */
  untilMs: number;
  /** Total tokens (all buckets) at the reset if the current burn continues. */
  tokensAtReset: number;
  /** Input + output tokens at the reset: the basis of the limits (what the chip shows). */
  limitTokensAtReset: number;
  costAtReset: number;
  /** When the limit would be reached at this burn; null when it will not be before the reset, or no limit is known. */
  exhaustionAtMs: number | null;
  /** How the exhaustion was derived: from an official % (capacity inferred) or the estimate's token limit. */
  exhaustionBasis: 'official_pct' | 'estimate_limit' | null;
}

export interface Pace {
  /** Share of the window elapsed, 0–100. */
  elapsedPct: number;
  usedPct: number;
  /** usedPct - elapsedPct. */
  deltaPoints: number;
  /** ahead = burning faster than time passes (slow down); behind = room to spare. */
  label: 'ahead' | 'on_track' | 'behind';
}

export function project(
  current: { totalTokens: number; limitTokens: number; costUsd: number },
  rate: BurnRate,
  resetMs: number,
  nowMs: number,
  limit: { usedPct: number | null; limitTokens: number | null; estimate: boolean },
): Projection {
  const remainingMin = Math.max(0, (resetMs - nowMs) / MINUTE_MS);
  const projection: Projection = {
    untilMs: resetMs,
    tokensAtReset: Math.round(current.totalTokens + rate.tokensPerMinute * remainingMin),
    limitTokensAtReset: Math.round(current.limitTokens + rate.inputOutputTokensPerMinute * remainingMin),
    costAtReset: current.costUsd + rate.costPerMinute * remainingMin,
    exhaustionAtMs: null,
    exhaustionBasis: null,
  };
  if (rate.inputOutputTokensPerMinute <= 0) return projection;
  let capacity: number | null = null;
  let basis: Projection['exhaustionBasis'] = null;
  if (limit.estimate && limit.limitTokens) {
    capacity = limit.limitTokens;
    basis = 'estimate_limit';
  } else if (!limit.estimate && limit.usedPct !== null && limit.usedPct >= 5 && current.limitTokens > 0) {
    // Official % over our own tokens gives the capacity (the limit also counts other devices: approximate).
    capacity = current.limitTokens / (limit.usedPct / 100);
    basis = 'official_pct';
  }
  if (capacity === null) return projection;
  const left = capacity - current.limitTokens;
  const at = left <= 0 ? nowMs : nowMs + (left / rate.inputOutputTokensPerMinute) * MINUTE_MS;
  if (at < resetMs) {
    projection.exhaustionAtMs = Math.round(at);
    projection.exhaustionBasis = basis;
  }
  return projection;
}

export function pace(usedPct: number | null, resetMs: number, nowMs: number): Pace | null {
  if (usedPct === null) return null;
  const startMs = resetMs - FIVE_HOURS_MS;
  const elapsedPct = Math.min(100, Math.max(0, ((nowMs - startMs) / FIVE_HOURS_MS) * 100));
  const deltaPoints = usedPct - elapsedPct;
  const label = deltaPoints > PACE_TOLERANCE_POINTS ? 'ahead' : deltaPoints < -PACE_TOLERANCE_POINTS ? 'behind' : 'on_track';
  return { elapsedPct, usedPct, deltaPoints, label };
}
