// One Claude Code transcript line → a usage event, a limit event, a session title, or nothing.
// Rules: transcripts reference §0, §3, §4, §6. Parse by key, never by position; bad input becomes
// `malformed` with a reason naming the field, never an exception and never a partial count.
import { createHash } from 'node:crypto';
import type { LimitEvent, UsageEvent, UsageForPricing, UsageIteration } from '../../types';
import { inferLimitType, isLimitText, parseLegacyResetEpoch, parseResetText } from './limitText';

export type ParsedLine =
  | { kind: 'usage'; event: UsageEvent }
  | { kind: 'limit'; event: LimitEvent }
  | {
      kind: 'title';
      sessionId: string;
      title: string;
      /** Which record named it; a user's custom title should win over an AI title, which wins over a summary. */
      titleSource: 'custom-title' | 'ai-title' | 'summary';
    }
  | { kind: 'skip' }
  | { kind: 'malformed'; reason: string };

const SKIP: ParsedLine = { kind: 'skip' };

/**
 * Cheap test run before JSON.parse. Claude Code writes lines with JSON.stringify, which escapes every `"`
 * inside a string value as `\"` and never escapes ASCII letters, so an unescaped `"assistant"` token can only
 * be a structural value or key. A billable line always has the top-level value "assistant" and the key
 * "usage" (in any key order, with any whitespace around the colon), so this never rejects one. Progress
 * rows with nested usage pass it too and are rejected after parsing. (A writer that \u-escaped ASCII
 * letters would defeat this; JSON.stringify, which Claude Code uses, never does.)
 */
export function mayCarryUsageOrTitle(line: string): boolean {
  if (line.includes('"assistant"')) {
    if (line.includes('"usage"')) return true;
    // Limit messages live on synthetic / API-error rows; keep them even if a writer left usage out.
    if (line.includes('"isApiErrorMessage"') || line.includes('"<synthetic>"')) return true;
  }
  return line.includes('"ai-title"') || line.includes('"custom-title"') || line.includes('"summary"');
}

let cachedMachineZone: string | undefined;
function machineTimeZone(): string {
  cachedMachineZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return cachedMachineZone;
}

/**
 * Parse one transcript line (without its newline). `fallbackSessionId` (usually the file's basename) is used
 * when the line has no sessionId, as summary rows never do.
 */
export function parseTranscriptLine(line: string, fallbackSessionId?: string): ParsedLine {
  if (!mayCarryUsageOrTitle(line)) return SKIP;
  let row: unknown;
  try {
    // A byte-order mark (a file re-saved by an editor) would make JSON.parse reject the first line.
    row = JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
  } catch (err) {
    return malformed(`invalid JSON (${(err as Error).message})`);
  }
  if (!isRecord(row)) return malformed('line is not a JSON object');
  try {
    switch (row.type) {
      case 'assistant':
        return parseAssistant(row, line, fallbackSessionId);
      case 'summary':
        return parseTitle(row, 'summary', 'summary', fallbackSessionId);
      case 'ai-title':
        return parseTitle(row, 'aiTitle', 'ai-title', fallbackSessionId);
      case 'custom-title':
        return parseTitle(row, 'customTitle', 'custom-title', fallbackSessionId);
      default:
        // progress / agent_progress echoes, cost-state snapshots, user rows…: never billable.
        return SKIP;
    }
  } catch (err) {
    if (err instanceof BadField) return malformed(err.message);
    throw err;
  }
}

/** Thrown inside the parser when a field has the wrong type; turned into `malformed` at the top. */
class BadField extends Error {}

function malformed(reason: string): ParsedLine {
  return { kind: 'malformed', reason };
}

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseTitle(row: Json, key: string, source: 'custom-title' | 'ai-title' | 'summary', fallbackSessionId?: string): ParsedLine {
  const title = row[key];
  if (typeof title !== 'string' || title.trim() === '') return SKIP;
  const sessionId = nonEmptyString(row.sessionId) ?? nonEmptyString(fallbackSessionId);
  if (sessionId === null) return SKIP;
  return { kind: 'title', sessionId, title: title.trim(), titleSource: source };
}

function parseAssistant(row: Json, line: string, fallbackSessionId?: string): ParsedLine {
  const message = row.message;
  if (!isRecord(message)) return SKIP;
  if (message.model === '<synthetic>' || row.isApiErrorMessage === true) {
    return parseSyntheticRow(row, message, line, fallbackSessionId);
  }
  const rawUsage = message.usage;
  if (rawUsage === undefined || rawUsage === null) return SKIP;
  if (!isRecord(rawUsage)) throw new BadField('message.usage is not an object');

  const usage = readUsage(rawUsage);
  if (
    usage.inputTokens === 0 &&
    usage.outputTokens === 0 &&
    usage.cacheCreationTokens === 0 &&
    usage.cacheReadTokens === 0 &&
    usage.webSearchRequests === 0
  ) {
    return SKIP;
  }

  const messageId = nonEmptyString(message.id);
  if (messageId === null) throw new BadField('message.id missing or not a string');
  const model = nonEmptyString(message.model);
  if (model === null) throw new BadField('message.model missing or not a string');
  const sessionId = nonEmptyString(row.sessionId) ?? nonEmptyString(fallbackSessionId);
  if (sessionId === null) throw new BadField('missing sessionId');
  const timestampMs = readTimestamp(row.timestamp);
  const version = nonEmptyString(row.version);

  const event: UsageEvent = {
    messageId,
    requestId: nonEmptyString(row.requestId),
    sessionId,
    cwd: nonEmptyString(row.cwd),
    gitBranch: nonEmptyString(row.gitBranch),
    isSidechain: row.isSidechain === true,
    agentId: nonEmptyString(row.agentId),
    model,
    timestampMs,
    usage,
    hasSpeed: typeof rawUsage.speed === 'string',
    version,
    tools: toolNames(message.content),
    // Before 2.1.97 every block but (at best) the last carried the message_start placeholder usage.
    placeholder: message.stop_reason == null && (version === null || versionBefore(version, [2, 1, 97])),
    forked: row.forkedFrom !== undefined && row.forkedFrom !== null,
  };
  return { kind: 'usage', event };
}

function parseSyntheticRow(row: Json, message: Json, line: string, fallbackSessionId?: string): ParsedLine {
  const text = messageText(message.content);
  const quota = isRecord(row.quotaLimits) ? row.quotaLimits : null;
  const isLimit = isLimitText(text) || row.error === 'rate_limit' || (quota !== null && quota.status === 'rejected');
  if (!isLimit) return SKIP;

  const timestampMs = readTimestamp(row.timestamp);
  const quotaType = quota !== null ? nonEmptyString(quota.rateLimitType) : null;
  const quotaResetSeconds = quota !== null ? quota.resetsAt : undefined;
  let resetsAtMs: number | null = null;
  if (typeof quotaResetSeconds === 'number' && Number.isFinite(quotaResetSeconds) && quotaResetSeconds > 0) {
    // Epoch seconds as written by Claude Code; a value already in ms (13 digits) is taken as is.
    resetsAtMs = quotaResetSeconds > 1e12 ? Math.round(quotaResetSeconds) : Math.round(quotaResetSeconds * 1000);
  } else {
    // A reset time without a zone was written in the writer's local time: most likely this machine's.
    resetsAtMs = parseLegacyResetEpoch(text) ?? parseResetText(text, timestampMs, machineTimeZone());
  }
  const uuid = nonEmptyString(row.uuid);
  const event: LimitEvent = {
    key: uuid ?? `sha1:${createHash('sha1').update(line).digest('hex')}`,
    sessionId: nonEmptyString(row.sessionId) ?? nonEmptyString(fallbackSessionId),
    timestampMs,
    limitType: quotaType ?? inferLimitType(text),
    resetsAtMs,
    text: text.trim(),
  };
  return { kind: 'limit', event };
}

// Upper bound for any one token count: far above the largest context window, so only garbage exceeds it.
const MAX_TOKENS = 100_000_000;
const MAX_WEB_SEARCHES = 1_000_000;

/** A non-negative integer count; absent or null means 0 unless required. */
function readCount(obj: Json, key: string, where: string, required: boolean, max = MAX_TOKENS): number {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (required) throw new BadField(`${where}.${key} missing`);
    return 0;
  }
  if (typeof v !== 'number') throw new BadField(`${where}.${key} is not a number (${typeof v})`);
  if (!Number.isInteger(v) || v < 0) throw new BadField(`${where}.${key} is not a non-negative integer (${v})`);
  if (v > max) throw new BadField(`${where}.${key} is implausibly large (${v})`);
  return v;
}

interface CacheCounts {
  cacheCreationTokens: number;
  cacheCreation1hTokens: number;
}

/** Cache writes: max(total, 5m + 1h) covers transcripts written with a 0 total (fixed in 2.1.152). */
function readCacheCreation(obj: Json, where: string): CacheCounts {
  const total = readCount(obj, 'cache_creation_input_tokens', where, false);
  const breakdown = obj.cache_creation;
  let fiveMinute = 0;
  let oneHour = 0;
  if (breakdown !== undefined && breakdown !== null) {
    if (!isRecord(breakdown)) throw new BadField(`${where}.cache_creation is not an object`);
    fiveMinute = readCount(breakdown, 'ephemeral_5m_input_tokens', `${where}.cache_creation`, false);
    oneHour = readCount(breakdown, 'ephemeral_1h_input_tokens', `${where}.cache_creation`, false);
  }
  const cacheCreationTokens = Math.max(total, fiveMinute + oneHour);
  return { cacheCreationTokens, cacheCreation1hTokens: Math.min(oneHour, cacheCreationTokens) };
}

function readUsage(u: Json): UsageForPricing {
  const inputTokens = readCount(u, 'input_tokens', 'usage', true);
  const outputTokens = readCount(u, 'output_tokens', 'usage', true);
  const cacheReadTokens = readCount(u, 'cache_read_input_tokens', 'usage', false);
  const cache = readCacheCreation(u, 'usage');
  let webSearchRequests = 0;
  if (u.server_tool_use !== undefined && u.server_tool_use !== null) {
    if (!isRecord(u.server_tool_use)) throw new BadField('usage.server_tool_use is not an object');
    webSearchRequests = readCount(u.server_tool_use, 'web_search_requests', 'usage.server_tool_use', false, MAX_WEB_SEARCHES);
  }
  const usage: UsageForPricing = {
    inputTokens,
    outputTokens,
    cacheCreationTokens: cache.cacheCreationTokens,
    cacheCreation1hTokens: cache.cacheCreation1hTokens,
    cacheReadTokens,
    webSearchRequests,
    // Descriptive fields: an unexpected type is treated as absent rather than losing the line's tokens.
    speed: typeof u.speed === 'string' ? u.speed : null,
    inferenceGeo: typeof u.inference_geo === 'string' ? u.inference_geo : null,
    serviceTier: typeof u.service_tier === 'string' ? u.service_tier : null,
  };
  const iterations = readIterations(u.iterations, usage);
  if (iterations) usage.iterations = iterations;
  return usage;
}

/**
 * usage.iterations, used only as Claude Code's cost code uses it: the `type:"message"` elements, when there
 * is more than one and they add up to the top-level counts. Any inconsistency (or a bad element) means the
 * top-level counts alone are used; they are complete, so nothing is lost.
 */
function readIterations(raw: unknown, total: UsageForPricing): UsageIteration[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const messages = raw.filter((it): it is Json => isRecord(it) && it.type === 'message');
  if (messages.length <= 1) return undefined;
  const result: UsageIteration[] = [];
  try {
    for (const it of messages) {
      const cache = readCacheCreation(it, 'usage.iterations[]');
      result.push({
        inputTokens: readCount(it, 'input_tokens', 'usage.iterations[]', true),
        outputTokens: readCount(it, 'output_tokens', 'usage.iterations[]', true),
        cacheCreationTokens: cache.cacheCreationTokens,
        cacheCreation1hTokens: cache.cacheCreation1hTokens,
        cacheReadTokens: readCount(it, 'cache_read_input_tokens', 'usage.iterations[]', false),
      });
    }
  } catch (err) {
    if (err instanceof BadField) return undefined;
    throw err;
  }
  const sum = (pick: (it: UsageIteration) => number) => result.reduce((acc, it) => acc + pick(it), 0);
  const consistent =
    sum((it) => it.inputTokens) === total.inputTokens &&
    sum((it) => it.outputTokens) === total.outputTokens &&
    sum((it) => it.cacheReadTokens) === total.cacheReadTokens &&
    sum((it) => it.cacheCreationTokens) === total.cacheCreationTokens;
  return consistent ? result : undefined;
}

// ISO-8601 as Claude Code writes it ("2026-06-06T00:16:18.724Z"); an offset is accepted, none means UTC.
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function readTimestamp(v: unknown): number {
  if (typeof v !== 'string') throw new BadField(v === undefined ? 'timestamp missing' : 'timestamp is not a string');
  const m = ISO_TIMESTAMP.exec(v);
  if (!m) throw new BadField(`timestamp is not ISO-8601 (${v.slice(0, 40)})`);
  const ms = Date.parse(m[1] === undefined ? `${v}Z` : v);
  if (!Number.isFinite(ms)) throw new BadField(`timestamp is not a valid date (${v.slice(0, 40)})`);
  return ms;
}

function nonEmptyString(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Names of tool_use / server_tool_use blocks (one block per line in practice, but any number is handled). */
function toolNames(content: unknown): string[] {
  if (!Array.isArray(content)) return [];
  const names: string[] = [];
  for (const block of content) {
    if (isRecord(block) && (block.type === 'tool_use' || block.type === 'server_tool_use') && typeof block.name === 'string' && block.name !== '') {
      names.push(block.name);
    }
  }
  return names;
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const block of content) {
    if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') parts.push(block.text);
  }
  return parts.join('\n');
}

/** True when `version` ("2.1.96", "1.0.41-beta") is strictly before `target`; an unreadable version counts as old. */
function versionBefore(version: string, target: [number, number, number]): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return true;
  for (let i = 0; i < 3; i++) {
    const part = Number(m[i + 1]);
    if (part !== target[i]) return part < target[i];
  }
  return false;
}
