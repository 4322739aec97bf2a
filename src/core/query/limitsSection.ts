// The panel's Limits section as data: the 5-hour blocks of the selected range (tokens, cost, limit hits,
// gaps, the active block with its reset), the official 5-hour and weekly windows with provenance and
// age when a source gave them, a local rolling 7-day figure (always computed, labelled local), the
// plan's value this month, and what prompt caching saved in the range, per model.
// Blocks and limits are about the subscription: Claude Code requests only, every project.
import type { Database } from '../store/sqljs';
import { selectAll } from '../store/sqljs';
import { aggregateGroups, type QueryFilter } from './run';
import { accountTotals } from './activity';
import { cacheEconomics, type CacheSums } from './cacheEconomics';
import { roundCost } from './metrics';
import { computePlanValue, resolvePlan, statusWithPlanValue } from './planValue';
import type { CacheModelRow, LimitHit, LimitsSection, LocalWeek, TimelineBlock } from './limitsTypes';

export type { CacheModelRow, LimitHit, LimitsSection, LocalWeek, OfficialWindow, TimelineBlock } from './limitsTypes';
import { activeBlock, loadBlocks, type Block } from '../limits/blocks';
import type { StatusOptions } from '../limits/status';
import { DEFAULT_PLAN_PRICES, type PlanPrices } from '../limits/plan';
import { windowLabel } from '../limits/readings';

import { MAX_TIMELINE_MS } from './limitsTypes';

export { MAX_TIMELINE_MS };
const DAY_MS = 24 * 3_600_000;

export interface LimitsSectionOptions {
  /** The panel's range. */
  startMs: number;
  endMs: number;
  tz: string;
  /** The panel's filter for the cache figures (project, models, source). Blocks and limits ignore it. */
  filter: QueryFilter;
  status?: StatusOptions;
  planPrices?: PlanPrices;
}

const SOURCE_NAMES = { statusline: 'Claude Code statusline', oauth: 'OAuth usage endpoint', limit_event: 'limit message in a transcript' } as const;

function timelineBlock(b: Block, active: Block | null, hits: LimitHit[]): TimelineBlock {
  return {
    startMs: b.startMs, endMs: b.endMs, lastActivityMs: b.actualEndMs, isGap: b.isGap, active: b === active,
    requests: b.requests, totalTokens: b.totalTokens, limitTokens: b.inputTokens + b.outputTokens, costUsd: roundCost(b.costUsd),
    models: b.models, limitHits: b.isGap ? 0 : hits.filter((h) => h.timestampMs >= b.startMs && h.timestampMs < b.endMs).length,
  };
}

function loadLimitHits(db: Database, startMs: number, endMs: number): LimitHit[] {
  return selectAll<{ ts: number; limit_type: string; resets_at: number | null; text: string }>(
    db, 'SELECT ts, limit_type, resets_at, text FROM limit_events WHERE ts >= ? AND ts < ? ORDER BY ts', [startMs, endMs],
  ).map((r) => ({
    timestampMs: r.ts, limitType: r.limit_type, label: r.limit_type === 'unknown' ? 'Limit' : windowLabel(r.limit_type),
    resetsAtMs: r.resets_at ?? null, text: r.text,
  }));
}

function localWeek(db: Database, nowMs: number): LocalWeek {
  const startMs = nowMs - 7 * DAY_MS;
  const t = accountTotals(db, startMs, nowMs + 1, 'claude_code');
  const hits = selectAll<{ n: number }>(db, 'SELECT count(*) AS n FROM limit_events WHERE ts >= ? AND ts <= ?', [startMs, nowMs])[0]?.n ?? 0;
  return {
    startMs, endMs: nowMs, requests: t.requests, totalTokens: t.inputTokens + t.outputTokens + t.cacheCreationTokens + t.cacheReadTokens,
    limitTokens: t.inputTokens + t.outputTokens, costUsd: roundCost(t.costUsd), limitHits: Number(hits),
  };
}

/** One model's cache tokens and economics sums over the range (the input of the cache figures). */
export interface ModelCacheSums { model: string; cacheReadTokens: number; cacheWriteTokens: number; sums: CacheSums }

export function cacheFigures(db: Database, opts: LimitsSectionOptions): LimitsSection['cache'] {
  return cacheFiguresOf(aggregateGroups(db, opts.filter, opts.startMs, opts.endMs, ['model']).map((r) => ({
    model: r.keys[0], cacheReadTokens: r.metrics.cache_read_tokens, cacheWriteTokens: r.metrics.cache_creation_tokens, sums: r.cache,
  })));
}

/** The cache figures (totals, and per model with any cache traffic, most saved first) from per-model sums. */
export function cacheFiguresOf(rows: readonly ModelCacheSums[]): LimitsSection['cache'] {
  let read = 0;
  let writes = 0;
  let savings = 0;
  let premium = 0;
  const byModel: CacheModelRow[] = [];
  for (const r of rows) {
    read += r.cacheReadTokens;
    writes += r.cacheWriteTokens;
    savings += r.sums.cache_savings_e10;
    premium += r.sums.cache_write_premium_e10;
    if (r.cacheReadTokens === 0 && r.cacheWriteTokens === 0) continue;
    byModel.push({
      model: r.model,
      cacheReadTokens: r.cacheReadTokens,
      cacheWrite1hTokens: r.sums.cache_creation_1h_tokens,
      cacheWrite5mTokens: r.cacheWriteTokens - r.sums.cache_creation_1h_tokens,
      ...cacheEconomics(r.sums),
    });
  }
  byModel.sort((a, b) => b.cache_savings_usd - a.cache_savings_usd || (a.model < b.model ? -1 : 1));
  const totals = cacheEconomics({ cache_creation_1h_tokens: 0, cache_savings_e10: savings, cache_write_premium_e10: premium });
  return { totals: { ...totals, cacheReadTokens: read, cacheWriteTokens: writes }, byModel };
}

export function buildLimitsSection(db: Database, nowMs: number, opts: LimitsSectionOptions): LimitsSection {
  return { ...buildAccountLimits(db, nowMs, opts), cache: cacheFigures(db, opts) };
}

/** Everything of the section but the cache figures: account-wide (every project, Claude Code only), so a
 * change of the panel's project / model / source filter leaves it as it was. */
export type AccountLimits = Omit<LimitsSection, 'cache'>;

export function buildAccountLimits(db: Database, nowMs: number, opts: Omit<LimitsSectionOptions, 'filter'>): AccountLimits {
  const status = statusWithPlanValue(db, nowMs, { ...opts.status, tz: opts.tz, planPrices: opts.planPrices ?? opts.status?.planPrices });
  // The timeline ends at the range's end or now, whichever is first, and shows at most MAX_TIMELINE_MS.
  const endMs = Math.min(opts.endMs, nowMs + 1);
  const startMs = Math.max(opts.startMs, endMs - MAX_TIMELINE_MS);
  const hits = loadLimitHits(db, startMs, endMs);
  const blocks = endMs > startMs
    ? loadBlocks(db, { sinceMs: startMs, untilMs: endMs, includeGaps: true, source: 'claude_code' }).filter((b) => b.startMs < endMs)
    : [];
  const active = activeBlock(blocks, nowMs);
  const timeline = blocks.map((b) => timelineBlock(b, active, hits));

  const resetsAtMs = status.resetsAtMs;
  const headroom = status.headroom;
  const officialFive = headroom.source === 'statusline' || headroom.source === 'oauth';
  const plan = resolvePlan(opts.status?.plan ?? 'auto', opts.status?.detectedPlan ?? null, opts.planPrices ?? opts.status?.planPrices ?? DEFAULT_PLAN_PRICES);
  return {
    nowMs,
    timeline: {
      startMs, endMs, clipped: startMs > opts.startMs, blocks: timeline,
      maxLimitTokens: timeline.reduce((m, b) => Math.max(m, b.limitTokens), 0),
    },
    active: active && resetsAtMs !== null
      ? {
        startMs: active.startMs, endMs: active.endMs, resetsAtMs, resetInMs: Math.max(0, resetsAtMs - nowMs),
        resetSource: officialFive && headroom.resetsAtMs !== null ? SOURCE_NAMES[headroom.source as 'statusline' | 'oauth'] : 'local block (first request + 5 h)',
      }
      : null,
    limitHits: hits,
    fiveHour: officialFive && headroom.observedAtMs !== null
      ? {
        id: 'five_hour', label: '5-hour', usedPct: headroom.usedPct, resetsAtMs: headroom.resetsAtMs,
        source: SOURCE_NAMES[headroom.source as 'statusline' | 'oauth'], observedAtMs: headroom.observedAtMs,
        ageMs: headroom.ageMs ?? 0, stale: headroom.stale,
      }
      : null,
    weekly: status.weekly.map((w) => ({
      id: w.id, label: w.label, usedPct: w.usedPct, resetsAtMs: w.resetsAtMs, source: SOURCE_NAMES[w.source],
      observedAtMs: w.observedAtMs, ageMs: Math.max(0, nowMs - w.observedAtMs), stale: w.stale,
    })),
    localWeek: localWeek(db, nowMs),
    planValue: status.planValue ?? computePlanValue(db, { tz: opts.tz, nowMs, plan }),
  };
}
