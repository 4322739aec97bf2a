// Ground truth of a generated corpus, accumulated from the generator's own list of unique API
// responses while it writes them (never by parsing the files back).

import { isoDay } from './timeline';

export interface TokenTotals {
  input: number;
  output: number;
  /** Total cache writes (5m + 1h). */
  cacheCreation: number;
  /** The 1-hour part of cacheCreation. */
  cacheCreation1h: number;
  cacheRead: number;
  webSearch: number;
}

export interface ModelTotals {
  requests: number;
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
}

export interface DayTotals {
  requests: number;
  /** input + output + cacheCreation + cacheRead */
  totalTokens: number;
}

export interface LimitTruth {
  sessionId: string;
  timestamp: string;
  /** five_hour | seven_day | … as the row's era would classify it. */
  limitType: string;
  /** Epoch ms of the reset the row states, or null when the text has none. */
  resetsAtMs: number | null;
  text: string;
  /** Writer era of the text: legacy-epoch | v1-bullet | v1-session | v2 | v21 */
  style: string;
}

export interface ProjectTruth {
  /** Directory name under projects/. */
  dir: string;
  cwd: string;
  /** The name a correct tool shows: worktrees collapse to their main repo. */
  expectedName: string;
  requests: number;
}

export interface CorpusTruth {
  generator: string;
  seed: number;
  endDate: string;
  days: number;
  targetBytes: number;
  /** Every file written under projects/ (.jsonl and .meta.json). */
  files: number;
  jsonlFiles: number;
  metaFiles: number;
  /** Bytes of every file under projects/. */
  bytes: number;
  /** Lines in .jsonl files, counting malformed lines and an unterminated last line. */
  lines: number;
  /** Well-formed lines with top-level type "assistant" (synthetic, replays and fork copies included). */
  assistantLines: number;
  /** Deduplicated billable API responses (§0 rules). */
  uniqueRequests: number;
  totals: TokenTotals;
  byModel: Record<string, ModelTotals>;
  byDayUtc: Record<string, DayTotals>;
  /** Sessions (by sessionId, subagents under their parent) owning at least one unique request. */
  sessions: number;
  bySession: Record<string, DayTotals>;
  projects: ProjectTruth[];
  limitEvents: number;
  limits: LimitTruth[];
  /** Lines that are not valid JSON: the malformed ones plus unterminated last lines. */
  malformedLines: number;
  edgeCases: Record<string, number>;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  notes: string[];
  ccusageExpected: { notes: string[]; counts: Record<string, number> };
}

export interface ResponseTruth {
  /** Dedup key: message.id|requestId, or message.id|sessionId when the row has no requestId. */
  key: string;
  model: string;
  sessionId: string;
  projectDir: string;
  timestampMs: number;
  input: number;
  output: number;
  cacheCreation: number;
  cacheCreation1h: number;
  cacheRead: number;
  webSearch: number;
}

export class TruthBuilder {
  private readonly keys = new Set<string>();
  readonly totals: TokenTotals = { input: 0, output: 0, cacheCreation: 0, cacheCreation1h: 0, cacheRead: 0, webSearch: 0 };
  readonly byModel: Record<string, ModelTotals> = {};
  readonly byDay: Record<string, DayTotals> = {};
  readonly bySession: Record<string, DayTotals> = {};
  readonly byProjectDir: Record<string, number> = {};
  readonly edgeCases: Record<string, number> = {};
  readonly ccusageCounts: Record<string, number> = {};
  readonly limits: LimitTruth[] = [];
  uniqueRequests = 0;
  minTs = Infinity;
  maxTs = -Infinity;

  addResponse(r: ResponseTruth): void {
    if (this.keys.has(r.key)) throw new Error(`corpus generator bug: response ${r.key} recorded twice`);
    this.keys.add(r.key);
    this.uniqueRequests++;
    const t = this.totals;
    t.input += r.input;
    t.output += r.output;
    t.cacheCreation += r.cacheCreation;
    t.cacheCreation1h += r.cacheCreation1h;
    t.cacheRead += r.cacheRead;
    t.webSearch += r.webSearch;
    const m = (this.byModel[r.model] ??= { requests: 0, input: 0, output: 0, cacheCreation: 0, cacheRead: 0 });
    m.requests++;
    m.input += r.input;
    m.output += r.output;
    m.cacheCreation += r.cacheCreation;
    m.cacheRead += r.cacheRead;
    const total = r.input + r.output + r.cacheCreation + r.cacheRead;
    const d = (this.byDay[isoDay(r.timestampMs)] ??= { requests: 0, totalTokens: 0 });
    d.requests++;
    d.totalTokens += total;
    const s = (this.bySession[r.sessionId] ??= { requests: 0, totalTokens: 0 });
    s.requests++;
    s.totalTokens += total;
    this.byProjectDir[r.projectDir] = (this.byProjectDir[r.projectDir] ?? 0) + 1;
    this.noteTimestamp(r.timestampMs);
  }

  noteTimestamp(ms: number): void {
    if (ms < this.minTs) this.minTs = ms;
    if (ms > this.maxTs) this.maxTs = ms;
  }

  edge(name: string, n = 1): void {
    this.edgeCases[name] = (this.edgeCases[name] ?? 0) + n;
  }

  ccusage(name: string, n = 1): void {
    this.ccusageCounts[name] = (this.ccusageCounts[name] ?? 0) + n;
  }
}

/** Keys sorted, so truth.json is stable and readable. */
export function sortedRecord<T>(r: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}
