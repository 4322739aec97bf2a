// What the status-bar chip (and `claude-costs status --json`) shows: the active 5-hour window with its
// token buckets and cost, burn rate, projection, pace, headroom with provenance and age, weekly windows
// and the latest limit event. The engine calls buildStatus; every figure comes from the store plus the
// official readings the surface passes in (statusline capture, OAuth snapshot). No network, no files.
// Blocks, burn rate and the P90 come from blocks.ts, so the chip and `report blocks` always agree.
import type { UsageFigures } from '../types';
import type { Database } from '../store/sqljs';
import { selectAll, selectOne } from '../store/sqljs';
import { SOURCE_IDS } from '../store/schema';
import { defaultTimeZone, isValidTimeZone, zonedDayStart } from '../query/windows';
import type { OAuthUsageSnapshot, StatuslineSnapshot } from './readings';
import type { DetectedPlan, PlanSetting } from './plan';
import {
  chooseHeadroom,
  DEFAULT_STALE_AFTER_MS,
  FIVE_HOURS_MS,
  limitEventActive,
  weeklyWindows,
  type Headroom,
  type LimitEventInfo,
  type WeeklyWindow,
} from './headroom';
import { pace as computePace, project, type Pace, type Projection } from './forecast';
import { activeBlock, burnRate, loadBlocks, p90BlockTokens, type BurnRate } from './blocks';
import { latestRateLimits, type LatestRateLimit } from './apiRateLimits';

export interface StatusOptions {
  /** The latest statusline capture (parsed by parseStatuslineJson), if the capture is installed. */
  statusline?: StatuslineSnapshot | null;
  /** The latest OAuth usage snapshot (parsed by parseOAuthUsage); only when the user opted in. */
  oauth?: OAuthUsageSnapshot | null;
  /** claudeCosts.plan; default 'auto' (detected plan, else the P90 of past windows). */
  plan?: PlanSetting;
  /** claudeCosts.plan 'custom': input+output tokens per 5-hour window; without it custom uses the P90. */
  customTokenLimit?: number | null;
  /** Plan found offline in the credentials / ~/.claude.json (detectPlanOffline). */
  detectedPlan?: DetectedPlan | null;
  /** Official figures older than this are stale (dimmed, never coloured). Default 15 min. */
  staleAfterMs?: number;
  /** Zone of "today" (the chip's fallback figure). Default: the machine's. */
  tz?: string;
}

export interface StatusBlock extends UsageFigures {
  /** Window start (first request floored to the UTC hour) and end (start + 5 h), epoch ms and ISO. */
  startMs: number;
  endMs: number;
  start: string;
  end: string;
  /** Timestamp of the last request in the window. */
  lastActivityMs: number;
  /** Input + output: the basis of plan limits and of the estimate. */
  limitTokens: number;
}

export interface StatusResult {
  nowMs: number;
  now: string;
  /** The active 5-hour window; null when the last request is more than a window ago. */
  activeBlock: StatusBlock | null;
  /** Start of the 5-hour window: reset − 5 h when a source gives the reset, else the block start. */
  windowStartMs: number | null;
  /** Reset of the 5-hour window: the official resets_at when known, else the block end. */
  resetsAtMs: number | null;
  burnRate: BurnRate | null;
  projection: Projection | null;
  pace: Pace | null;
  headroom: Headroom;
  weekly: WeeklyWindow[];
  latestLimitEvent: LimitEventInfo | null;
  /** Today in tz (Claude Code requests): the chip's figure when no window is active. */
  today: { tz: string; startMs: number; requests: number; totalTokens: number; costUsd: number };
  /** P90 of past completed windows (input+output tokens); null without history. */
  p90WindowTokens: number | null;
  /** Rate-limit headers seen in the user's own API logs: the latest per model, most restrictive first. */
  apiRateLimits: LatestRateLimit[];
}

const HOUR_MS = 3_600_000;
/**
 * Only Claude Code's own requests: the 5-hour windows, limits and the chip are about the subscription;
 * calls from the user's API logs (source internal) are not subject to it.
 */
const CLAUDE_CODE = SOURCE_IDS.claude_code;
/** History used for the P90 of past windows (claude-monitor uses 192 h). */
const P90_HISTORY_MS = 8 * 24 * HOUR_MS;

/** P90 of completed windows' input+output tokens over the last 8 days; cached per DB and hour (it moves slowly). */
const p90Cache = new WeakMap<Database, { hour: number; value: number | null }>();
export function pastWindowsP90(db: Database, nowMs: number): number | null {
  const hour = Math.floor(nowMs / HOUR_MS);
  const cached = p90Cache.get(db);
  if (cached && cached.hour === hour) return cached.value;
  const blocks = loadBlocks(db, { sinceMs: nowMs - P90_HISTORY_MS, untilMs: nowMs + 1, source: 'claude_code' });
  // input+output: the basis of the plan limits, so a P90 and a plan limit are comparable.
  const value = p90BlockTokens(blocks, { nowMs, basis: 'input_output' });
  p90Cache.set(db, { hour, value });
  return value;
}

interface SumRow { requests: number; input: number | null; output: number | null; cc: number | null; cr: number | null; cost: number | null; last: number | null }

function sumRequests(db: Database, fromMs: number, toMs: number): SumRow {
  return (
    selectOne<SumRow>(
      db,
      `SELECT COUNT(*) AS requests, SUM(input_tokens) AS input, SUM(output_tokens) AS output,
              SUM(cache_creation_tokens) AS cc, SUM(cache_read_tokens) AS cr, SUM(cost_usd) AS cost, MAX(ts) AS last
         FROM requests WHERE ts >= ? AND ts < ? AND source = ${CLAUDE_CODE}`,
      [fromMs, toMs],
    ) ?? { requests: 0, input: 0, output: 0, cc: 0, cr: 0, cost: 0, last: null }
  );
}

function roundUsd(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function loadLimitEvents(db: Database, nowMs: number, block: { startMs: number; endMs: number } | null): LimitEventInfo[] {
  return selectAll<{ ts: number; limit_type: string; resets_at: number | null; text: string }>(
    db,
    'SELECT ts, limit_type, resets_at, text FROM limit_events WHERE ts <= ? ORDER BY ts DESC LIMIT 20',
    [nowMs],
  ).map((r) => {
    const e = { timestampMs: r.ts, limitType: r.limit_type, resetsAtMs: r.resets_at ?? null, text: r.text };
    return { ...e, active: limitEventActive(e, nowMs, block) };
  });
}

export function buildStatus(db: Database, nowMs: number, opts: StatusOptions = {}): StatusResult {
  const tz = opts.tz && isValidTimeZone(opts.tz) ? opts.tz : defaultTimeZone();
  const staleAfterMs = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;

  // The active block (blocks.ts: the same 5-hour blocks as `claude-costs report blocks`).
  const recentBlocks = loadBlocks(db, { sinceMs: nowMs - FIVE_HOURS_MS, untilMs: nowMs + 1, source: 'claude_code' });
  const active = activeBlock(recentBlocks, nowMs);
  let block: StatusBlock | null = null;
  if (active) {
    block = {
      startMs: active.startMs,
      endMs: active.endMs,
      start: new Date(active.startMs).toISOString(),
      end: new Date(active.endMs).toISOString(),
      lastActivityMs: active.actualEndMs,
      requests: active.requests,
      inputTokens: active.inputTokens,
      outputTokens: active.outputTokens,
      cacheCreationTokens: active.cacheCreationTokens,
      cacheReadTokens: active.cacheReadTokens,
      totalTokens: active.totalTokens,
      limitTokens: active.inputTokens + active.outputTokens,
      costUsd: roundUsd(active.costUsd),
    };
  }
  const p90WindowTokens = pastWindowsP90(db, nowMs);

  const limitEvents = loadLimitEvents(db, nowMs, block);
  const headroom = chooseHeadroom({
    nowMs,
    statusline: opts.statusline ?? null,
    oauth: opts.oauth ?? null,
    limitEvents,
    block: block ? { startMs: block.startMs, endMs: block.endMs, limitTokens: block.limitTokens } : null,
    plan: opts.plan ?? 'auto',
    customTokenLimit: opts.customTokenLimit ?? null,
    detectedPlan: opts.detectedPlan ?? null,
    p90Tokens: p90WindowTokens,
    staleAfterMs,
  });
  const weekly = weeklyWindows({
    nowMs,
    statusline: opts.statusline ?? null,
    oauth: opts.oauth ?? null,
    limitEvents,
    block: null,
    plan: 'auto',
    customTokenLimit: null,
    detectedPlan: null,
    p90Tokens: null,
    staleAfterMs,
  });

  const resetsAtMs = block ? headroom.resetsAtMs ?? block.endMs : headroom.resetsAtMs;
  let rate: BurnRate | null = null;
  let projection: Projection | null = null;
  let paceInfo: Pace | null = null;
  if (active && block && resetsAtMs !== null) {
    rate = burnRate(db, nowMs, active, { source: 'claude_code' });
    if (rate) projection = project(block, rate, resetsAtMs, nowMs, headroom);
    if (!headroom.stale) paceInfo = computePace(headroom.usedPct, resetsAtMs, nowMs);
  }

  const dayStart = zonedDayStart(nowMs, tz);
  const t = sumRequests(db, dayStart, nowMs + 1);
  return {
    nowMs,
    now: new Date(nowMs).toISOString(),
    activeBlock: block,
    windowStartMs: block && resetsAtMs !== null ? (headroom.resetsAtMs !== null ? resetsAtMs - FIVE_HOURS_MS : block.startMs) : null,
    resetsAtMs,
    burnRate: rate,
    projection,
    pace: paceInfo,
    headroom,
    weekly,
    latestLimitEvent: limitEvents[0] ?? null,
    today: {
      tz,
      startMs: dayStart,
      requests: t.requests,
      totalTokens: (t.input ?? 0) + (t.output ?? 0) + (t.cc ?? 0) + (t.cr ?? 0),
      costUsd: roundUsd(t.cost ?? 0),
    },
    p90WindowTokens,
    apiRateLimits: latestRateLimits(db, nowMs),
  };
}
