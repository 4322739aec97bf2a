// Rate-limit headroom: which source to believe, best first, each labelled with provenance and age.
//   1. statusline  – Claude Code's own `rate_limits` captured by our statusLine command (official)
//   2. oauth       – the opt-in OAuth usage endpoint (official)
//   3. limit_event – a limit message in a transcript: the limit was hit, 100 % until its reset (fact)
//   4. estimate    – local input+output tokens in the window against a plan limit or the P90 of past windows
// Pure: every input is plain data, the clock is a parameter.
import type { LimitWindowReading, OAuthUsageSnapshot, StatuslineSnapshot } from './readings';
import { windowLabel } from './readings';
import { PLAN_LABELS, PLAN_TOKEN_LIMITS, type DetectedPlan, type PlanSetting } from './plan';

export const FIVE_HOURS_MS = 5 * 3_600_000;
export const DEFAULT_STALE_AFTER_MS = 15 * 60_000;

export type HeadroomSource = 'statusline' | 'oauth' | 'limit_event' | 'estimate' | 'none';

export interface Headroom {
  /** Percent of the 5-hour limit used (may exceed 100); null when nothing is known. */
  usedPct: number | null;
  /** 100 - usedPct, floored at 0; null when usedPct is. */
  leftPct: number | null;
  source: HeadroomSource;
  /** Provenance for people: "official · Claude Code statusline", "estimate · Max 5x plan (88K in+out tokens)". */
  sourceLabel: string;
  /** True for the local estimate: shown as "estimate" wherever the figure appears. */
  estimate: boolean;
  /** When the figure was observed (capture / fetch / limit message time; now for an estimate). */
  observedAtMs: number | null;
  ageMs: number | null;
  /** Reset of the 5-hour window per this source; null when it does not say. */
  resetsAtMs: number | null;
  /** An official figure older than the stale threshold: show dimmed with its age, never coloured. */
  stale: boolean;
  /** A limit message says the limit is hit and its reset is still ahead. */
  limitHit: boolean;
  /** For estimates: the limit used, in input+output tokens. */
  limitTokens: number | null;
  /**
   * For estimates: where the limit came from. A P90 is your own heavy-window size, not a limit: the chip
   * never shows the error colour for it.
   */
  estimateBasis: EstimateBasis | null;
}

/** A weekly (or per-model weekly) window, with where the figure came from. */
export interface WeeklyWindow extends LimitWindowReading {
  source: Exclude<HeadroomSource, 'estimate' | 'none'>;
  observedAtMs: number;
  stale: boolean;
}

/** A limit event row as the status needs it. */
export interface LimitEventInfo {
  timestampMs: number;
  limitType: string;
  resetsAtMs: number | null;
  text: string;
  /** The reset is still ahead (or, without a reset time, it falls inside the active 5-hour window). */
  active: boolean;
}

export interface HeadroomInputs {
  nowMs: number;
  statusline: StatuslineSnapshot | null;
  oauth: OAuthUsageSnapshot | null;
  /** Limit events, newest first (a handful is enough). */
  limitEvents: LimitEventInfo[];
  /** The active 5-hour block, if any: its start/end and its input+output tokens. */
  block: { startMs: number; endMs: number; limitTokens: number } | null;
  plan: PlanSetting;
  customTokenLimit: number | null;
  detectedPlan: DetectedPlan | null;
  /** P90 of past completed windows (input+output tokens); null when there is no history. */
  p90Tokens: number | null;
  staleAfterMs: number;
}

interface Official {
  source: 'statusline' | 'oauth';
  reading: LimitWindowReading;
  observedAtMs: number;
}

/** An official reading still describes the current window: its reset is ahead (or unknown and it is < 5 h old). */
function stillCurrent(r: LimitWindowReading, observedAtMs: number, nowMs: number): boolean {
  if (r.resetsAtMs !== null) return r.resetsAtMs > nowMs;
  return nowMs - observedAtMs < FIVE_HOURS_MS;
}

function officialFiveHour(inputs: HeadroomInputs): Official[] {
  const out: Official[] = [];
  const { statusline, oauth, nowMs } = inputs;
  if (statusline?.fiveHour && statusline.fiveHour.usedPct !== null && stillCurrent(statusline.fiveHour, statusline.capturedAtMs, nowMs)) {
    out.push({ source: 'statusline', reading: statusline.fiveHour, observedAtMs: statusline.capturedAtMs });
  }
  if (oauth?.fiveHour && oauth.fiveHour.usedPct !== null && stillCurrent(oauth.fiveHour, oauth.fetchedAtMs, nowMs)) {
    out.push({ source: 'oauth', reading: oauth.fiveHour, observedAtMs: oauth.fetchedAtMs });
  }
  return out;
}

const SOURCE_LABELS = { statusline: 'official · Claude Code statusline', oauth: 'official · OAuth usage endpoint' } as const;

function fromOfficial(o: Official, nowMs: number, staleAfterMs: number): Headroom {
  const usedPct = o.reading.usedPct as number;
  const ageMs = Math.max(0, nowMs - o.observedAtMs);
  return {
    usedPct,
    leftPct: Math.max(0, 100 - usedPct),
    source: o.source,
    sourceLabel: SOURCE_LABELS[o.source],
    estimate: false,
    observedAtMs: o.observedAtMs,
    ageMs,
    resetsAtMs: o.reading.resetsAtMs,
    stale: ageMs > staleAfterMs,
    limitHit: usedPct >= 100,
    limitTokens: null,
    estimateBasis: null,
  };
}

/** Whether a limit event blocks the 5-hour window right now. Unknown types count: the user was stopped. */
export function isFiveHourBlocking(e: LimitEventInfo): boolean {
  return e.active && (e.limitType === 'five_hour' || e.limitType === 'unknown');
}

export function limitEventActive(
  e: { timestampMs: number; resetsAtMs: number | null },
  nowMs: number,
  block: { startMs: number; endMs: number } | null,
): boolean {
  if (e.resetsAtMs !== null) return e.resetsAtMs > nowMs;
  // No reset time: assume it lasts until the end of the window it happened in.
  return block !== null && e.timestampMs >= block.startMs && e.timestampMs < block.endMs && nowMs < block.endMs;
}

/** The estimate's limit: explicit plan, else auto-detected plan, else custom limit, else P90 of past windows. */
export type EstimateBasis = 'plan' | 'custom' | 'p90';

export function estimateLimit(
  inputs: Pick<HeadroomInputs, 'plan' | 'customTokenLimit' | 'detectedPlan' | 'p90Tokens'>,
): { tokens: number; label: string; basis: EstimateBasis } | null {
  const { plan, customTokenLimit, detectedPlan, p90Tokens } = inputs;
  // API billing has no 5-hour plan limit: an estimate would invent one.
  if (plan === 'api') return null;
  if (plan === 'pro' || plan === 'max5' || plan === 'max20') {
    return { tokens: PLAN_TOKEN_LIMITS[plan], label: `${PLAN_LABELS[plan]} plan (setting)`, basis: 'plan' };
  }
  if (plan === 'custom' && customTokenLimit && customTokenLimit > 0) {
    return { tokens: customTokenLimit, label: 'custom limit (setting)', basis: 'custom' };
  }
  if (plan === 'auto' && detectedPlan) {
    return { tokens: PLAN_TOKEN_LIMITS[detectedPlan.plan], label: `${PLAN_LABELS[detectedPlan.plan]} plan (detected)`, basis: 'plan' };
  }
  if (p90Tokens && p90Tokens > 0) return { tokens: p90Tokens, label: 'P90 of your past windows', basis: 'p90' };
  return null;
}

function compactTokens(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}K`;
  return String(n);
}

export function chooseHeadroom(inputs: HeadroomInputs): Headroom {
  const { nowMs, staleAfterMs, block } = inputs;
  const officials = officialFiveHour(inputs);
  const fresh = officials.filter((o) => nowMs - o.observedAtMs <= staleAfterMs);
  const hit = inputs.limitEvents.find(isFiveHourBlocking) ?? null;

  // A limit message newer than the freshest official figure is the better fact: the user is stopped now.
  const newestOfficialMs = officials.reduce((m, o) => Math.max(m, o.observedAtMs), -Infinity);
  if (hit && hit.timestampMs >= newestOfficialMs) {
    return {
      usedPct: 100,
      leftPct: 0,
      source: 'limit_event',
      sourceLabel: 'limit message in a transcript',
      estimate: false,
      observedAtMs: hit.timestampMs,
      ageMs: Math.max(0, nowMs - hit.timestampMs),
      resetsAtMs: hit.resetsAtMs ?? block?.endMs ?? null,
      stale: false,
      limitHit: true,
      limitTokens: null,
      estimateBasis: null,
    };
  }
  if (fresh.length > 0) return fromOfficial(fresh[0], nowMs, staleAfterMs); // statusline before oauth
  if (officials.length > 0) {
    // All official figures are stale: the most recent one, dimmed with its age, beats a guess.
    const newest = [...officials].sort((a, b) => b.observedAtMs - a.observedAtMs)[0];
    return fromOfficial(newest, nowMs, staleAfterMs);
  }
  if (block) {
    const limit = estimateLimit(inputs);
    if (limit) {
      const usedPct = (block.limitTokens / limit.tokens) * 100;
      return {
        usedPct,
        leftPct: Math.max(0, 100 - usedPct),
        source: 'estimate',
        sourceLabel: `estimate · ${limit.label}, ${compactTokens(limit.tokens)} in+out tokens`,
        estimate: true,
        observedAtMs: nowMs,
        ageMs: 0,
        resetsAtMs: block.endMs,
        stale: false,
        limitHit: false,
        limitTokens: limit.tokens,
        estimateBasis: limit.basis,
      };
    }
  }
  return {
    usedPct: null,
    leftPct: null,
    source: 'none',
    sourceLabel: block ? 'no limit known (set claudeCosts.plan)' : 'no active 5-hour window',
    estimate: false,
    observedAtMs: null,
    ageMs: null,
    resetsAtMs: block?.endMs ?? null,
    stale: false,
    limitHit: false,
    limitTokens: null,
    estimateBasis: null,
  };
}

/**
 * Weekly and per-model windows from every source: for each window id the freshest official reading,
 * raised to 100 % by an active weekly limit event.
 */
export function weeklyWindows(inputs: HeadroomInputs): WeeklyWindow[] {
  const { nowMs, staleAfterMs } = inputs;
  const byId = new Map<string, WeeklyWindow>();
  const consider = (r: LimitWindowReading | null, source: 'statusline' | 'oauth', observedAtMs: number) => {
    if (!r || r.id === 'five_hour') return;
    if (r.resetsAtMs !== null && r.resetsAtMs <= nowMs) return; // that week is over
    const prev = byId.get(r.id);
    if (prev && prev.observedAtMs >= observedAtMs) return;
    byId.set(r.id, { ...r, source, observedAtMs, stale: nowMs - observedAtMs > staleAfterMs });
  };
  const s = inputs.statusline;
  if (s) for (const r of [s.sevenDay, ...s.others]) consider(r, 'statusline', s.capturedAtMs);
  const o = inputs.oauth;
  if (o) for (const r of [o.sevenDay, ...o.others]) consider(r, 'oauth', o.fetchedAtMs);
  for (const e of inputs.limitEvents) {
    if (!e.active || !e.limitType.startsWith('seven_day')) continue;
    const prev = byId.get(e.limitType);
    if (prev && prev.observedAtMs > e.timestampMs) continue;
    byId.set(e.limitType, {
      id: e.limitType,
      label: windowLabel(e.limitType),
      usedPct: 100,
      resetsAtMs: e.resetsAtMs ?? prev?.resetsAtMs ?? null,
      source: 'limit_event',
      observedAtMs: e.timestampMs,
      stale: false,
    });
  }
  const order = (id: string) => (id === 'seven_day' ? 0 : 1);
  return [...byId.values()].sort((a, b) => order(a.id) - order(b.id) || a.id.localeCompare(b.id));
}
