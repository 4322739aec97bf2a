// The Limits section's data shapes (plain types, no Node: the webview bundle imports them through
// src/protocol.ts). Built by ./limitsSection.ts.
import type { CacheEconomics, PlanValue } from './types';

/** The timeline reads raw requests: it shows at most this much of the range (its end). */
export const MAX_TIMELINE_MS = 31 * 24 * 3_600_000;

export interface TimelineBlock {
  startMs: number;
  /** Exclusive: start + 5 h (gaps: the next block's start). */
  endMs: number;
  /** Last request in the block (gaps: endMs). */
  lastActivityMs: number;
  isGap: boolean;
  active: boolean;
  requests: number;
  totalTokens: number;
  /** Input + output: the basis of the plan limits. */
  limitTokens: number;
  costUsd: number;
  models: string[];
  /** Limit messages written into transcripts during this block. */
  limitHits: number;
}

export interface LimitHit {
  timestampMs: number;
  /** five_hour | seven_day | seven_day_opus | … | unknown */
  limitType: string;
  label: string;
  resetsAtMs: number | null;
  text: string;
}

export interface OfficialWindow {
  id: string;
  label: string;
  usedPct: number | null;
  resetsAtMs: number | null;
  /** "Claude Code statusline", "OAuth usage endpoint", "limit message in a transcript". */
  source: string;
  observedAtMs: number;
  ageMs: number;
  stale: boolean;
}

export interface LocalWeek {
  /** The rolling 7 days [startMs, endMs = now). */
  startMs: number;
  endMs: number;
  requests: number;
  totalTokens: number;
  limitTokens: number;
  costUsd: number;
  limitHits: number;
}

export interface CacheModelRow extends CacheEconomics {
  model: string;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
}

export interface LimitsSection {
  nowMs: number;
  timeline: {
    /** What the timeline covers: the range's end, at most MAX_TIMELINE_MS of it. */
    startMs: number;
    endMs: number;
    /** True when the range was longer than the timeline shows. */
    clipped: boolean;
    blocks: TimelineBlock[];
    /** The largest block's input+output tokens (the bars' scale). */
    maxLimitTokens: number;
  };
  active: { startMs: number; endMs: number; resetsAtMs: number; resetInMs: number; resetSource: string } | null;
  limitHits: LimitHit[];
  /** Official 5-hour window (statusline or OAuth), when one still describes the current window. */
  fiveHour: OfficialWindow | null;
  /** Official weekly windows (all models first, then per model); empty without a source. */
  weekly: OfficialWindow[];
  localWeek: LocalWeek;
  planValue: PlanValue;
  cache: { totals: CacheEconomics & { cacheReadTokens: number; cacheWriteTokens: number }; byModel: CacheModelRow[] };
}

