// Domain types shared by every part of the core. No `vscode`, no DOM: plain data.

/** Where a request came from. Claude Code transcripts, or the user's own API-call logs. */
export type SourceName = 'claude_code' | 'internal';

/** Token usage of one API response, as the pricing engine needs it. All counts are non-negative integers. */
export interface UsageForPricing {
  inputTokens: number;
  outputTokens: number;
  /** Total cache writes: max(cache_creation_input_tokens, 5m + 1h) (§4.3 of the reference). */
  cacheCreationTokens: number;
  /** The 1-hour part of the cache writes; the 5-minute part is cacheCreationTokens - this. */
  cacheCreation1hTokens: number;
  cacheReadTokens: number;
  webSearchRequests: number;
  /** usage.speed: "fast" prices with the model's fast-mode table. */
  speed: string | null;
  /** usage.inference_geo: "us" multiplies token cost by 1.1. */
  inferenceGeo: string | null;
  /** usage.service_tier: "batch" halves the token cost. */
  serviceTier: string | null;
  /**
   * usage.iterations when present, has more than one element and sums to the top-level fields:
   * the long-prompt threshold is then applied per iteration (Claude Code's own rule).
   */
  iterations?: UsageIteration[];
}

export interface UsageIteration {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheCreation1hTokens: number;
  cacheReadTokens: number;
}

/** One usage-bearing transcript line (one content block of one API response), after parsing. */
export interface UsageEvent {
  messageId: string;
  /** HTTP request id; null behind gateways/proxies that drop it. */
  requestId: string | null;
  /** Session the request belongs to; subagent rows carry their parent's sessionId. */
  sessionId: string;
  cwd: string | null;
  /** The git branch Claude Code saw in cwd when it wrote the line; null when empty or absent (no repository, old writers). */
  gitBranch: string | null;
  isSidechain: boolean;
  agentId: string | null;
  /** message.model exactly as written. */
  model: string;
  /** Epoch milliseconds (UTC). */
  timestampMs: number;
  usage: UsageForPricing;
  /** True when usage.speed was present (dedup tie-break). */
  hasSpeed: boolean;
  /** Claude Code version that wrote the line, when known. */
  version: string | null;
  /** Names of tool_use / server_tool_use blocks on this line. */
  tools: string[];
  /** Pre-2.1.97 streaming placeholder: stop_reason null on an old writer. Output may be undercounted. */
  placeholder: boolean;
  /** forkedFrom present: a copy made by /fork or /branch. */
  forked: boolean;
}

/** A rate-limit (or other limit) message Claude Code wrote into a transcript as a synthetic row. */
export interface LimitEvent {
  /** uuid of the line (stable across re-reads) or a hash of the line when absent. */
  key: string;
  sessionId: string | null;
  timestampMs: number;
  /** five_hour | seven_day | seven_day_opus | seven_day_sonnet | overage | unknown */
  limitType: string;
  /** Epoch ms of the reset, when the row says it (quotaLimits.resetsAt, "|epoch", or "resets 3pm (Zone)"). */
  resetsAtMs: number | null;
  text: string;
}

/** Requests and the four token buckets of a stretch of usage (a 5-hour window, a block), with total and cost. */
export interface UsageFigures {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  /** input + output + cache creation + cache read. */
  totalTokens: number;
  costUsd: number;
}

/** The metrics every query result carries, for totals and for each group. */
export interface Metrics {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_tokens: number;
  cache_read_tokens: number;
  total_tokens: number;
  cost_usd: number;
  unpriced_requests: number;
  web_search_requests: number;
}

/** Something that can be told about routine events (scans, skipped lines, errors). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
