// 5-hour blocks (the windows Claude's session limits are counted in), after ccusage's algorithm:
// entries sorted by time; the first opens a block at its timestamp floored to the UTC hour; the block
// ends 5 h later; an entry opens a new block when it is ≥ 5 h after the block start (i.e. at or past
// the block's end) or ≥ 5 h after the previous entry. ccusage uses "> 5 h"; we use "≥" because a
// block covers [start, start + 5 h) and an entry exactly at the end belongs to the next one.
import type { UsageFigures } from '../types';
import { SOURCE_IDS } from '../store/schema';
import { forEachNumberRow, selectAll } from '../store/sqljs';
import type { Database, SqlValue } from '../store/sqljs';

export const BLOCK_MS = 5 * 3_600_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** One request as the blocks need it. */
export interface BlockEntry {
  ts: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  model: string;
}

export interface Block extends UsageFigures {
  /** Floored to the UTC hour. */
  startMs: number;
  /** startMs + 5 h (exclusive). For a gap block: the start of the next block. */
  endMs: number;
  /** Timestamp of the last entry (gap blocks: endMs). */
  actualEndMs: number;
  /**
   * A stretch covered by no block: [end of one block, start of the next), only with includeGaps.
   * (ccusage starts its gap at last entry + 5 h; ours tiles the timeline without overlap.)
   */
  isGap: boolean;
  /** Model ids as written, in order of first use. */
  models: string[];
}

/** The token and cost sums a block adds up (a request's, or an hour's). */
interface TokenSums { inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; costUsd: number }

/** One UTC hour's entries summed (activity_hour): first and last entry, sums, models in order of first use. */
interface HourEntry extends TokenSums {
  first: number;
  last: number;
  requests: number;
  models: string[];
}

export interface BlockOptions {
  /** Insert gap blocks for idle stretches between blocks (like ccusage's "(inactive)" rows). */
  includeGaps?: boolean;
}

export interface LoadBlocksOptions extends BlockOptions {
  /** Only blocks that end after this instant. */
  sinceMs?: number;
  /** Only entries before this instant. */
  untilMs?: number;
  source?: 'all' | 'claude_code' | 'internal';
}

const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

function newBlock(startMs: number): Block {
  return {
    startMs, endMs: startMs + BLOCK_MS, actualEndMs: startMs, isGap: false, requests: 0,
    inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0, costUsd: 0, models: [],
  };
}

function gapBlock(startMs: number, endMs: number): Block {
  return { ...newBlock(startMs), endMs, actualEndMs: endMs, isGap: true };
}

/** Streaming block builder: feed entries in time order, then finish(). */
class BlockBuilder {
  readonly blocks: Block[] = [];
  private current: Block | null = null;
  private lastTs = -Infinity;
  private modelSet = new Set<string>();

  constructor(private readonly includeGaps: boolean) {}

  /** Closes the current block (and the gap after it) and opens one at `ts`'s hour. */
  private open(ts: number): Block {
    const startMs = floorHour(ts);
    const b = this.current;
    if (b) {
      this.blocks.push(b);
      if (this.includeGaps && startMs > b.endMs) this.blocks.push(gapBlock(b.endMs, startMs));
    }
    this.modelSet = new Set();
    return (this.current = newBlock(startMs));
  }

  /** One request: a stretch of one entry. */
  add(e: BlockEntry): void {
    this.addStretch(e.ts, e.ts, 1, e, e.model);
  }

  /** All the entries of one UTC hour at once (see feedRange): they fall in one block. */
  addHour(h: HourEntry): void {
    this.addStretch(h.first, h.last, h.requests, h, h.models);
  }

  /** Entries from `first` to `last` (under 5 h apart, within one hour or one entry), with their sums and models. */
  private addStretch(first: number, last: number, requests: number, sums: TokenSums, models: string | readonly string[]): void {
    let b = this.current;
    if (!b || first - b.startMs >= BLOCK_MS || first - this.lastTs >= BLOCK_MS) b = this.open(first);
    b.requests += requests;
    b.inputTokens += sums.inputTokens;
    b.outputTokens += sums.outputTokens;
    b.cacheCreationTokens += sums.cacheCreationTokens;
    b.cacheReadTokens += sums.cacheReadTokens;
    b.totalTokens += sums.inputTokens + sums.outputTokens + sums.cacheCreationTokens + sums.cacheReadTokens;
    b.costUsd += sums.costUsd;
    b.actualEndMs = last;
    if (typeof models === 'string') this.noteModel(b, models);
    else for (const m of models) this.noteModel(b, m);
    this.lastTs = last;
  }

  private noteModel(b: Block, model: string): void {
    if (!this.modelSet.has(model)) { this.modelSet.add(model); b.models.push(model); }
  }

  finish(): Block[] {
    if (this.current) this.blocks.push(this.current);
    this.current = null;
    return this.blocks;
  }
}

/** Blocks of entries (sorted here by time; the input is not modified). */
export function identifyBlocks(entries: readonly BlockEntry[], opts: BlockOptions = {}): Block[] {
  const sorted = [...entries].sort((a, b) => a.ts - b.ts);
  const builder = new BlockBuilder(opts.includeGaps ?? false);
  for (const e of sorted) builder.add(e);
  return builder.finish();
}

function sourceClause(source: LoadBlocksOptions['source']): { sql: string; params: SqlValue[] } {
  if (!source || source === 'all') return { sql: '', params: [] };
  return { sql: ' AND source = ?', params: [SOURCE_IDS[source]] };
}

/**
 * Where to start reading so that blocks near `sinceMs` come out as they would from the whole history:
 * block boundaries chain from one entry to the next, and only an idle gap ≥ 5 h resets the chain. Walks
 * back over the active hours (activity_hour) from sinceMs's hour, at most 14 days, to the first hour after
 * such a gap (entries of one hour are under an hour apart, so such gaps lie between active hours).
 */
function chainStart(db: Database, sinceMs: number, source: LoadBlocksOptions['source']): number {
  const src = sourceClause(source);
  // `laterHour` / `laterFirst`: the active hour after the one being looked at and its first entry (to begin
  // with: sinceMs, as if an entry came then).
  let laterHour = floorHour(sinceMs);
  let laterFirst = sinceMs;
  let gapAt: number | null = null;
  forEachNumberRow(db, `SELECT hour, min(first_ts), max(last_ts) FROM activity_hour WHERE hour <= ? AND hour >= ?${src.sql}
    GROUP BY hour ORDER BY hour DESC`, [floorHour(sinceMs), floorHour(sinceMs) - 14 * 24 * HOUR_MS, ...src.params], ([hour, first, last]) => {
    if (laterFirst - last >= BLOCK_MS) {
      gapAt = laterHour;
      return false;
    }
    laterHour = hour;
    laterFirst = first;
  });
  return gapAt ?? laterHour; // no gap within 14 days (or no earlier entry): start from the earliest seen
}

/** Requests in [sinceMs, untilMs) as block entries (time, tokens, cost, model only), in time order. */
export function loadBlockEntries(db: Database, opts: Omit<LoadBlocksOptions, 'includeGaps'> = {}): BlockEntry[] {
  const out: BlockEntry[] = [];
  forEachEntry(db, { fromMs: opts.sinceMs, untilMs: opts.untilMs, source: opts.source }, (e) => out.push({ ...e }));
  return out;
}

interface EntryRange { fromMs?: number; untilMs?: number; source?: LoadBlocksOptions['source'] }

function modelNames(db: Database): Map<number, string> {
  const models = new Map<number, string>();
  for (const r of selectAll<{ id: number; name: string }>(db, 'SELECT id, name FROM models')) models.set(r.id, String(r.name));
  return models;
}

/** Calls fn for every request in [fromMs, untilMs) in time order (fn must copy the entry to keep it). */
function forEachEntry(db: Database, opts: EntryRange, fn: (e: BlockEntry) => void, models = modelNames(db)): void {
  const src = sourceClause(opts.source);
  const entry: BlockEntry = { ts: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, costUsd: 0, model: '' };
  forEachNumberRow(db, 'SELECT ts, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd, model_id FROM requests'
    + ` WHERE ts >= ? AND ts < ?${src.sql} ORDER BY ts`, [opts.fromMs ?? -8.64e15, opts.untilMs ?? 8.64e15, ...src.params], (r) => {
    entry.ts = r[0];
    entry.inputTokens = r[1];
    entry.outputTokens = r[2];
    entry.cacheCreationTokens = r[3];
    entry.cacheReadTokens = r[4];
    entry.costUsd = r[5];
    entry.model = models.get(r[6]) ?? `(unknown #${r[6]})`;
    fn(entry);
  });
}

/**
 * Feeds the builder every request in [fromMs, untilMs) in time order: the whole hours from activity_hour
 * (one step per hour: the hour's first and last entry, its sums, its models in order of first use), the
 * partial hour before untilMs from requests. Whole hours never split between blocks (see rollups.ts), so the
 * blocks equal those of the single requests.
 */
function feedRange(db: Database, builder: BlockBuilder, opts: EntryRange): void {
  const models = modelNames(db);
  const src = sourceClause(opts.source);
  const lastWhole = opts.untilMs == null ? Infinity : floorHour(opts.untilMs);
  const fromHour = opts.fromMs == null ? -8.64e15 : opts.fromMs;
  if (opts.fromMs != null && opts.fromMs % HOUR_MS !== 0) throw new Error('feedRange: fromMs must be a whole hour');
  const hourEntry: HourEntry = { first: 0, last: 0, requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, costUsd: 0, models: [] };
  let hour = NaN;
  forEachNumberRow(db, `SELECT hour, first_ts, last_ts, requests, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,
    cost_usd, model_id FROM activity_hour WHERE hour >= ? AND hour < ?${src.sql} ORDER BY hour, first_ts, model_id`,
  [fromHour, Math.min(lastWhole, 8.64e15), ...src.params], (r) => {
    if (r[0] !== hour) {
      if (hourEntry.requests > 0) builder.addHour(hourEntry);
      hour = r[0];
      Object.assign(hourEntry, { first: r[1], last: r[2], requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, costUsd: 0 });
      hourEntry.models = [];
    }
    if (r[1] < hourEntry.first) hourEntry.first = r[1];
    if (r[2] > hourEntry.last) hourEntry.last = r[2];
    hourEntry.requests += r[3];
    hourEntry.inputTokens += r[4];
    hourEntry.outputTokens += r[5];
    hourEntry.cacheCreationTokens += r[6];
    hourEntry.cacheReadTokens += r[7];
    hourEntry.costUsd += r[8];
    hourEntry.models.push(models.get(r[9]) ?? `(unknown #${r[9]})`);
  });
  if (hourEntry.requests > 0) builder.addHour(hourEntry);
  if (lastWhole !== Infinity) forEachEntry(db, { fromMs: Math.max(lastWhole, fromHour), untilMs: opts.untilMs, source: opts.source }, (e) => builder.add(e), models);
}

/** The 5-hour blocks of the stored requests (blocks ending after sinceMs, entries before untilMs). */
export function loadBlocks(db: Database, opts: LoadBlocksOptions = {}): Block[] {
  const builder = new BlockBuilder(opts.includeGaps ?? false);
  const fromMs = opts.sinceMs == null ? undefined : chainStart(db, opts.sinceMs, opts.source);
  feedRange(db, builder, { fromMs, untilMs: opts.untilMs, source: opts.source });
  const blocks = builder.finish();
  if (opts.sinceMs == null) return blocks;
  const recent = blocks.filter((b) => b.endMs > opts.sinceMs!);
  // The read starts after an idle gap, or at most 14 days back: a gap before the first block is not known in full.
  while (recent[0]?.isGap) recent.shift();
  return recent;
}

/** Active = not a gap and now falls inside [start, start + 5 h). (Then now − last entry < 5 h too.) */
export function isBlockActive(block: Block, nowMs: number): boolean {
  return !block.isGap && block.startMs <= nowMs && nowMs < block.endMs;
}

export function activeBlock(blocks: readonly Block[], nowMs: number): Block | null {
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i];
    if (isBlockActive(b, nowMs)) return b;
    if (b.endMs <= nowMs) break;
  }
  return null;
}

export interface BurnRate {
  /** The stretch measured: [max(block start, now − 60 min), min(now, block end)]. */
  fromMs: number;
  toMs: number;
  requests: number;
  /** All four buckets (input + output + cache creation + cache read) per minute. */
  tokensPerMinute: number;
  /** input + output per minute (what claude-monitor's limits count). */
  inputOutputTokensPerMinute: number;
  costPerMinute: number;
  costPerHour: number;
}

/**
 * Burn rate of the active block: what was used in its last 60 minutes (or since it started, when
 * younger), divided by the elapsed minutes of that stretch (at least 1). Idle minutes count, so the
 * rate falls when work pauses, unlike ccusage's first-to-last-entry rate. null without an active block.
 * `source` is the DB or the entries (any order); `block` defaults to the active block at nowMs.
 */
export function burnRate(
  source: Database | readonly BlockEntry[], nowMs: number, block?: Block | null,
  opts: { source?: LoadBlocksOptions['source'] } = {},
): BurnRate | null {
  const isDb = !Array.isArray(source);
  if (block === undefined) {
    const blocks = isDb
      ? loadBlocks(source as Database, { sinceMs: nowMs - BLOCK_MS, untilMs: nowMs + 1, source: opts.source })
      : identifyBlocks((source as readonly BlockEntry[]).filter((e) => e.ts <= nowMs));
    block = activeBlock(blocks, nowMs);
  }
  if (!block || !isBlockActive(block, nowMs)) return null;
  const fromMs = Math.max(block.startMs, nowMs - 60 * MINUTE_MS);
  const toMs = Math.min(nowMs, block.endMs);
  let requests = 0;
  let tokens = 0;
  let io = 0;
  let cost = 0;
  const take = (e: BlockEntry) => {
    if (e.ts < fromMs || e.ts > toMs) return;
    requests += 1;
    tokens += e.inputTokens + e.outputTokens + e.cacheCreationTokens + e.cacheReadTokens;
    io += e.inputTokens + e.outputTokens;
    cost += e.costUsd;
  };
  if (isDb) forEachEntry(source as Database, { fromMs, untilMs: toMs + 1, source: opts.source }, take);
  else for (const e of source as readonly BlockEntry[]) take(e);
  const minutes = Math.max(1, (toMs - fromMs) / MINUTE_MS);
  return {
    fromMs, toMs, requests,
    tokensPerMinute: tokens / minutes,
    inputOutputTokensPerMinute: io / minutes,
    costPerMinute: cost / minutes,
    costPerHour: (cost / minutes) * 60,
  };
}

export interface BlockProjection {
  remainingMinutes: number;
  projectedTokens: number;
  projectedCostUsd: number;
}

/** Tokens and cost at the block's end if the burn rate holds: current + rate × minutes left. */
export function projectBlock(block: Block, burn: BurnRate | null, nowMs: number): BlockProjection {
  const remainingMinutes = Math.max(0, (block.endMs - nowMs) / MINUTE_MS);
  return {
    remainingMinutes,
    projectedTokens: Math.round(block.totalTokens + (burn ? burn.tokensPerMinute * remainingMinutes : 0)),
    projectedCostUsd: block.costUsd + (burn ? burn.costPerMinute * remainingMinutes : 0),
  };
}

export interface P90Options {
  /** Blocks ending after nowMs are still running and left out (default: every non-gap block counts). */
  nowMs?: number;
  /** Fewer completed blocks than this → null (too little history to estimate). Default 3. */
  minBlocks?: number;
  /** Which tokens a block's size counts: all four buckets (default) or input + output (claude-monitor). */
  basis?: 'total' | 'input_output';
  /**
   * claude-monitor's limit-hit filter: keep only blocks within 95 % of one of these limits (i.e.
   * blocks that probably hit a limit), falling back to all blocks when fewer than minBlocks qualify.
   * Off by default: those limits are community guesses on an input+output basis.
   */
  limitHitThresholds?: number[];
}

/**
 * The 90th percentile of completed blocks' token totals: a local estimate of the 5-hour limit.
 * Sensible variant of claude-monitor's: linear interpolation between closest ranks (never above the
 * largest block, unlike Python's exclusive quantiles which extrapolate), empty blocks ignored,
 * null instead of a plan default when history is short. Floored to an integer.
 * `options` may be just minBlocks.
 */
export function p90BlockTokens(blocks: readonly Block[], options: P90Options | number = {}): number | null {
  const opts: P90Options = typeof options === 'number' ? { minBlocks: options } : options;
  const minBlocks = opts.minBlocks ?? 3;
  const size = (b: Block) => (opts.basis === 'input_output' ? b.inputTokens + b.outputTokens : b.totalTokens);
  let values = blocks
    .filter((b) => !b.isGap && (opts.nowMs == null || b.endMs <= opts.nowMs))
    .map(size)
    .filter((v) => v > 0);
  if (opts.limitHitThresholds?.length) {
    const lowest = Math.min(...opts.limitHitThresholds);
    const hits = values.filter((v) => v >= lowest * 0.95);
    if (hits.length >= minBlocks) values = hits;
  }
  if (values.length < minBlocks || values.length === 0) return null;
  values.sort((a, b) => a - b);
  const pos = 0.9 * (values.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, values.length - 1);
  return Math.floor(values[lo] + (values[hi] - values[lo]) * (pos - lo));
}
