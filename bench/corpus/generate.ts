// Deterministic generator of realistic Claude Code transcript corpora (a Claude config root:
// <outDir>/projects/<encoded-cwd>/…) plus the ground truth a correct parser must reproduce.
//
//   node --import tsx bench/corpus/generate.ts --out DIR --size 50MB [--seed N] [--end ISO] [--days N] [--no-edge-cases]
//
// Same options + seed → byte-identical files. No clock reads and no Math.random.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from './prng';
import { CorpusOutput } from './output';
import { type CorpusTruth, TruthBuilder, sortedRecord } from './truth';
import { type GenContext, type Project, Session, type SessionSpec, type Tokens, project } from './session';
import { DAY, HOUR, MINUTE, MODELS, atLeast, eraFor, mainModelAt, parseVersion, subagentModelAt, versionAt } from './timeline';

export type { CorpusTruth } from './truth';

export interface GenerateOptions {
  /** Claude config root to create; transcripts go to <outDir>/projects, the truth to <outDir>/truth.json. */
  outDir: string;
  /** Approximate total size of the files under projects/ (edge cases are always written, so tiny targets overshoot). */
  targetBytes: number;
  seed?: number;
  /** Newest possible timestamp. Defaults to a fixed date so that runs are reproducible. */
  endDate?: Date;
  /** Span of the bulk sessions before endDate (default 45). */
  days?: number;
  /** Write every edge case at least once (default true). */
  withEdgeCases?: boolean;
}

export const DEFAULT_END_DATE = '2026-11-20T18:00:00.000Z';
export const DEFAULT_DAYS = 45;
export const DEFAULT_SEED = 1;
/** Below this target the >1 MB line is left out (it alone would exceed the target). */
export const HUGE_LINE_MIN_TARGET = 3 * 1024 * 1024;
const HUGE_LINE_CHARS = 540_000; // two copies (content + toolUseResult.stdout) → a ~1.1 MB line

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** "600MB" → bytes. Units are binary multiples (KB = 1024); a bare number is bytes. */
export function parseSize(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(s);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`invalid size "${s}": expected a number with an optional unit B, KB, MB or GB (e.g. 600MB)`);
  return Math.round(Number(m[1]) * unit);
}

const PROJECTS = {
  shop: project('/home/dev/shop', 'shop', 'main'),
  worktree: project('/home/dev/shop/.claude/worktrees/feature-x', 'shop', 'feature-x'),
  api: project('/home/dev/api-server', 'api-server', 'main'),
  infra: project('/home/dev/infra', 'infra', 'master'),
  notes: project('/home/dev/notes', 'notes', ''),
  windows: project('c:\\Users\\dev\\Desktop\\Invoicer', 'Invoicer', 'HEAD'),
  longPath: project(
    '/home/dev/work/clients/acme-international-logistics/platform/services/billing-and-invoicing/packages/payment-reconciliation-engine/src/modules/settlement-batch-processing/adapters/legacy-mainframe-bridge',
    'legacy-mainframe-bridge',
    'develop',
  ),
};

const BULK_PROJECTS: ReadonlyArray<readonly [Project, number]> = [
  [PROJECTS.shop, 32],
  [PROJECTS.worktree, 10],
  [PROJECTS.api, 26],
  [PROJECTS.infra, 12],
  [PROJECTS.notes, 5],
  [PROJECTS.longPath, 10],
  [PROJECTS.windows, 5],
];

/** Claude Code's own per-model estimate for cost-state rows (standard rates, USD per 1M tokens). */
function costStatePrice(model: string, t: Tokens): number {
  let r = [5, 25, 6.25, 10, 0.5];
  if (/haiku-5-5/.test(model)) r = [0.1, 0.5, 0.125, 0.2, 0.01];
  else if (/haiku-4-5/.test(model)) r = [1, 5, 1.25, 2, 0.1];
  else if (/sonnet-5/.test(model)) r = [2, 10, 2.5, 4, 0.2];
  else if (/sonnet-4/.test(model)) r = [3, 15, 3.75, 6, 0.3];
  return (t.input * r[0] + t.output * r[1] + (t.cc - t.cc1h) * r[2] + t.cc1h * r[3] + t.cr * r[4]) / 1e6;
}

const SLUG_WORDS = ['parsed', 'herding', 'bird', 'quiet', 'amber', 'river', 'swift', 'lantern', 'mossy', 'otter', 'golden', 'falcon'];

function at(iso: string): number {
  return Date.parse(iso);
}

interface EdgeOverrides extends Partial<SessionSpec> {
  version?: string;
}

class CorpusGenerator {
  readonly ctx: GenContext;
  readonly rng: Rng;

  constructor(
    readonly out: CorpusOutput,
    readonly truth: TruthBuilder,
    readonly seed: number,
    readonly endMs: number,
    readonly days: number,
    readonly targetBytes: number,
  ) {
    this.rng = new Rng(seed);
    this.ctx = { rng: this.rng, out, truth, hardLimit: endMs - 1_000, projects: new Map() };
  }

  /** A historical date, pulled back before endDate if the caller's endDate is earlier. */
  private hist(iso: string, nth: number): number {
    const t = at(iso);
    return Math.min(t, this.endMs - (40 + nth) * DAY);
  }

  private edgeSession(start: number, o: EdgeOverrides): Session {
    const v = o.version ? parseVersion(o.version) : versionAt(start);
    const model = o.model ?? mainModelAt(start, this.rng);
    const spec: SessionSpec = {
      start,
      project: PROJECTS.shop,
      era: eraFor(v),
      model,
      subModel: subagentModelAt(start, model, this.rng),
      entrypoint: 'cli',
      toolChars: 120,
      textScale: 0.15,
      subagentRate: 0,
      ...o,
    };
    return new Session(this.ctx, spec);
  }

  /** Every edge case at least once: historical eras at fixed dates, recent cases relative to endDate. */
  edgeCases(): void {
    const { rng } = this;
    const E = this.endMs;
    const floorHour = (t: number): number => Math.floor(t / HOUR) * HOUR;

    // 1.0.30: basic usage, no gitBranch, inline sidechain subagent, legacy "|epoch" limit text.
    let s = this.edgeSession(this.hist('2025-06-18T09:20:00Z', 12), { version: '1.0.30', model: MODELS.sonnet4, subModel: MODELS.sonnet4, leadingSummary: true });
    s.turn({ calls: 3, subagent: true });
    s.turn({ calls: 2 });
    s.rateLimit('five_hour', floorHour(s.clock) + 3 * HOUR);
    s.finish();

    // 1.0.41 Opus 4 (reference example a).
    s = this.edgeSession(this.hist('2025-07-02T20:05:00Z', 11), { version: '1.0.41', model: MODELS.opus4, subModel: MODELS.opus4 });
    s.turn({ calls: 2 });
    s.finish();

    // 1.0.88 Opus 4.1, 5-minute cache breakdown, "5-hour limit reached ∙ resets …".
    s = this.edgeSession(this.hist('2025-08-21T14:10:00Z', 10), { version: '1.0.88', model: MODELS.opus41, subModel: MODELS.opus41, project: PROJECTS.api });
    s.turn({ calls: 2 });
    s.rateLimit('five_hour', floorHour(s.clock) + 2 * HOUR);
    s.finish();

    // 1.0.128: file-history-snapshot appears; "Session limit reached ∙ resets …" (weekly variant).
    s = this.edgeSession(this.hist('2025-09-26T16:00:00Z', 9), { version: '1.0.128', model: MODELS.sonnet4, subModel: MODELS.sonnet4, project: PROJECTS.infra });
    s.turn({ calls: 2 });
    s.rateLimit('seven_day', floorHour(s.clock) + 50 * HOUR);
    s.finish();

    // 2.0.16: flat agent file (Haiku 4.5), then an old-style --resume copy into a new file (no forkedFrom).
    s = this.edgeSession(this.hist('2025-10-20T10:00:00Z', 8), { version: '2.0.16', model: MODELS.sonnet45, subModel: MODELS.haiku45, recordForFork: true });
    s.turn({ calls: 3, subagent: true });
    s.turn({ calls: 2 });
    s.finish();
    const resumeStart = s.clock + 20 * HOUR;
    s.fork(2, resumeStart, eraFor(parseVersion('2.0.16')), false, 1).finish();

    // 2.0.34, Sonnet 4.5 with a >200k prompt inside the 1M-beta period; "You've hit your session limit · …".
    s = this.edgeSession(this.hist('2025-11-12T13:00:00Z', 7), { version: '2.0.34', model: MODELS.sonnet45, subModel: MODELS.haiku45, initialContext: 206_000, project: PROJECTS.api });
    s.turn({ calls: 2 });
    s.rateLimit('five_hour', floorHour(s.clock) + 4 * HOUR);
    s.finish();

    // 2.0.55 through Bedrock: third-party model id; weekly limit with a date in the reset text.
    s = this.edgeSession(this.hist('2025-12-16T15:00:00Z', 6), { version: '2.0.55', model: MODELS.bedrockSonnet45, subModel: MODELS.bedrockSonnet45, project: PROJECTS.infra });
    s.turn({ calls: 2 });
    s.rateLimit('seven_day', floorHour(s.clock) + 53 * HOUR);
    s.finish();

    // 2.0.76 Opus 4.5: warmup agents + a Task subagent, flat layout (reference example c).
    s = this.edgeSession(this.hist('2026-01-06T09:15:00Z', 5), { version: '2.0.76', model: MODELS.opus45, subModel: MODELS.haiku45 });
    s.turn({ calls: 2, subagent: true });
    s.finish();

    // 2.1.45 Opus 4.6: nested subagent (short id, no sidecar) with progress echo rows,
    // structured rate limit (quotaLimits), a non-limit API error, a retry row, "No response requested.".
    s = this.edgeSession(this.hist('2026-02-20T11:00:00Z', 4), { version: '2.1.45', model: MODELS.opus46, subModel: MODELS.haiku45, project: PROJECTS.api });
    s.turn({ calls: 2, subagent: true });
    s.apiErrorSystemRow();
    s.apiError('overloaded');
    s.turn({ calls: 1 });
    s.apiError('no-response');
    s.rateLimit('five_hour', floorHour(s.clock) + 2 * HOUR);
    s.finish();

    // 2.1.60 Sonnet 4.6 >200k before 2026-03-13 (1M-beta premium applies).
    s = this.edgeSession(this.hist('2026-03-05T10:00:00Z', 3), { version: '2.1.60', model: MODELS.sonnet46, subModel: MODELS.haiku45, initialContext: 232_000 });
    s.turn({ calls: 2 });
    s.finish();

    // 2.1.120 Opus 4.6 fast mode with US data residency.
    s = this.edgeSession(this.hist('2026-05-12T16:00:00Z', 2), { version: '2.1.120', model: MODELS.opus46, subModel: MODELS.haiku45, speed: 'fast', geo: 'us', project: PROJECTS.infra });
    s.turn({ calls: 2 });
    s.finish();

    // 2.1.138, VS Code on Windows, Sonnet 4.6 >200k after 1M GA (flat price; reference example e).
    s = this.edgeSession(this.hist('2026-06-06T00:10:00Z', 1), { version: '2.1.138', model: MODELS.sonnet46, subModel: MODELS.haiku45, project: PROJECTS.windows, entrypoint: 'claude-vscode', initialContext: 508_000 });
    s.turn({ calls: 2 });
    s.finish();

    // 2.1.2xx: Opus 4.8 fast; Sonnet 5 with web search and a weekly quota limit.
    s = this.edgeSession(this.hist('2026-07-20T13:00:00Z', 0), { model: MODELS.opus48, subModel: MODELS.haiku45, speed: 'fast', project: PROJECTS.api });
    s.turn({ calls: 2 });
    s.finish();
    s = this.edgeSession(this.hist('2026-07-21T09:30:00Z', 0) + HOUR, { model: MODELS.sonnet5, subModel: MODELS.haiku45, project: PROJECTS.notes });
    s.turn({ calls: 2, webSearches: 2 });
    s.rateLimit('seven_day', floorHour(s.clock) + 30 * HOUR);
    s.finish();

    // ---- recent cases, relative to endDate (current writer era)
    const day = (n: number, hourUtc: number): number => Math.floor((E - n * DAY) / DAY) * DAY + hourUtc * HOUR;

    // Worktree cwd (collapses to "shop"), nested subagent with .meta.json, then a /fork copy.
    s = this.edgeSession(day(9, 9), { project: PROJECTS.worktree, recordForFork: true, subModel: MODELS.haiku55 });
    s.turn({ calls: 2, subagent: true });
    s.turn({ calls: 2 });
    s.finish();
    s.fork(2, day(8, 10), eraFor(versionAt(day(8, 10))), true, 1).finish();

    // Path over 200 chars (hash-suffixed dir name).
    s = this.edgeSession(day(7, 14), { project: PROJECTS.longPath, model: MODELS.sonnet55 });
    s.turn({ calls: 2 });
    s.finish();

    // Behind a gateway: no requestId on any row; an SDK session with queue operations.
    s = this.edgeSession(day(6, 11), { project: PROJECTS.api, requestless: true, entrypoint: 'sdk-cli', model: MODELS.sonnet55 });
    s.turn({ calls: 2 });
    s.turn({ calls: 1 });
    s.finish();

    // Compaction, a malformed line, an MCP tool input with {"id":null}, cost-state rows.
    s = this.edgeSession(day(4, 10), { project: PROJECTS.shop, model: MODELS.opus5, initialContext: 150_000 });
    s.turn({ calls: 2 });
    s.compact();
    s.turn({ calls: 2, nullIdToolInput: true });
    s.malformedLine();
    s.costState(costStatePrice);
    s.turn({ calls: 1 });
    s.costState(costStatePrice);
    s.finish();

    // Haiku 5.5 with a >100k prompt; a turn on an unknown model id; a 2.1.x five-hour limit.
    s = this.edgeSession(day(3, 15), { project: PROJECTS.notes, model: MODELS.haiku55, subModel: MODELS.haiku55, initialContext: 118_000 });
    s.turn({ calls: 2 });
    s.turn({ calls: 1, model: MODELS.unknown });
    s.rateLimit('five_hour', floorHour(s.clock) + 3 * HOUR);
    s.finish();

    // /btw side question (replays in subagents/), then an unclean shutdown: truncated last line.
    s = this.edgeSession(day(5, 13), { project: PROJECTS.infra, model: MODELS.opus5 });
    s.turn({ calls: 2 });
    s.btw();
    s.turn({ calls: 1 });
    if (s.era.finalOnAllBlocks) s.truncatedLastResponse();
    s.finish();

    // A >1 MB line (huge command output), only where the target leaves room for it.
    if (this.targetBytes >= HUGE_LINE_MIN_TARGET) {
      s = this.edgeSession(day(2, 16), { project: PROJECTS.api });
      s.turn({ calls: 2, hugeOutputChars: HUGE_LINE_CHARS });
      s.finish();
    }

    // The current session: activity in the last hours before endDate.
    s = this.edgeSession(E - 150 * MINUTE - rng.int(0, 20) * MINUTE, { project: PROJECTS.shop, subagentRate: 0 });
    s.turn({ calls: 2, subagent: true });
    s.turn({ calls: 1 });
    s.finish();
  }

  /** Session start times with a working-day rhythm (user in UTC+1, weekdays busier). */
  private sampleStart(latest: number): number {
    const { rng } = this;
    const firstDay = Math.floor((this.endMs - (this.days - 1) * DAY) / DAY) * DAY;
    for (let attempt = 0; attempt < 8; attempt++) {
      const d = rng.int(0, this.days - 1);
      const dayStart = firstDay + d * DAY;
      const weekday = new Date(dayStart).getUTCDay();
      const weight = weekday === 0 ? 0.25 : weekday === 6 ? 0.35 : 1;
      if (!rng.chance(weight)) continue;
      const localHour = rng.weighted([[rng.int(9, 11), 35], [rng.int(13, 17), 45], [rng.int(19, 22), 15], [rng.int(0, 1), 5]] as const);
      const t = dayStart + (localHour - 1) * HOUR + rng.int(0, 59) * MINUTE + rng.int(0, 59_999);
      if (t <= latest) return t;
    }
    return Math.max(firstDay, latest - rng.int(0, 3) * HOUR);
  }

  /** Bulk sessions filling the remaining byte budget, spread over `days`. */
  async bulk(): Promise<void> {
    const { rng } = this;
    const remaining = this.targetBytes - this.out.bytes;
    if (remaining < 15_000) return;
    const count = Math.max(1, Math.min(Math.round(remaining / 350_000), this.days * 10));
    const weights: number[] = [];
    for (let i = 0; i < count; i++) weights.push(Math.min(rng.logNormal(1, 1.2), 40));
    const sum = weights.reduce((a, b) => a + b, 0);
    const plans = weights.map((w) => {
      const budget = (remaining * w) / sum;
      const estDuration = Math.min(2 * DAY, (budget / 60_000) * 4 * MINUTE + 20 * MINUTE);
      return { budget, start: this.sampleStart(this.endMs - estDuration - 10 * MINUTE) };
    });
    plans.sort((a, b) => a.start - b.start);
    let carry = 0;
    for (const plan of plans) {
      const budget = plan.budget + carry;
      const before = this.out.bytes;
      if (budget >= 6_000) this.bulkSession(plan.start, budget);
      carry = budget - (this.out.bytes - before);
      await this.out.breathe();
    }
  }

  private bulkSession(start: number, budget: number): void {
    const { rng } = this;
    const v = versionAt(start);
    const era = eraFor(v);
    const model = mainModelAt(start, rng);
    const isOpusFastCapable = /opus-4-[678]|opus-5/.test(model) && era.usageShape === 'final';
    const requestless = era.has21Rows && rng.chance(0.02);
    const forkable = era.has21Rows && !requestless && rng.chance(0.04);
    const spec: SessionSpec = {
      start,
      project: rng.weighted(BULK_PROJECTS),
      era,
      model,
      subModel: subagentModelAt(start, model, rng),
      entrypoint: atLeast(v, [2, 0, 0]) ? rng.weighted([['cli', 70], ['claude-vscode', 25], ['sdk-cli', 5]] as const) : 'cli',
      // A forked session leaves room in its budget for the copy and the fork's own turns.
      budgetBytes: forkable ? budget * 0.6 : budget,
      toolChars: Math.round(Math.min(20_000, Math.max(1_500, rng.logNormal(3_500, 0.5)))),
      subagentRate: 0.02,
      webSearchRate: 0.02,
      requestless,
      slug: atLeast(v, [2, 0, 50]) && rng.chance(0.3) ? `${rng.pick(SLUG_WORDS)}-${rng.pick(SLUG_WORDS)}-${rng.pick(SLUG_WORDS)}` : null,
      speed: isOpusFastCapable && rng.chance(0.04) ? 'fast' : 'standard',
      geo: isOpusFastCapable && rng.chance(0.02) ? 'us' : undefined,
      recordForFork: forkable,
    };
    const s = new Session(this.ctx, spec);
    s.fillBudget();
    if (era.hasCostState && rng.chance(0.5)) s.costState(costStatePrice);
    s.finish();
    if (forkable) {
      const room = budget - s.bytesWritten;
      const at = s.forkPointWithin(room - 15_000);
      const forkStart = s.clock + rng.int(10, 240) * MINUTE;
      if (at >= 1 && forkStart < this.endMs - HOUR) s.fork(at, forkStart, eraFor(versionAt(forkStart)), true, rng.int(1, 2), room).finish();
    }
  }
}

function buildTruth(g: CorpusGenerator, opts: { seed: number; endMs: number; days: number; targetBytes: number }): CorpusTruth {
  const t = g.truth;
  const out = g.out;
  const edge = sortedRecord(t.edgeCases);
  const malformed = (edge.malformedLines ?? 0) + (edge.truncatedLastLines ?? 0);
  const projects = [...g.ctx.projects.values()]
    .map((p) => ({ dir: p.dir, cwd: p.cwd, expectedName: p.name, requests: t.byProjectDir[p.dir] ?? 0 }))
    .sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  const notes = [
    'Ground truth comes from the generator\'s own list of unique responses, not from parsing the files.',
    'Dedup (§0): one request per message.id+requestId, keeping the copy with the largest usage; rows without requestId are keyed by message.id+sessionId; /btw replays (same message.id, new requestId, isSidechain true, under subagents/) are dropped; fork and --resume copies (same ids and usage under a new sessionId) are not counted again; <synthetic> and isApiErrorMessage rows are never counted; progress rows (nested data.message.message.usage) and toolUseResult.usage of Task results are never counted.',
    `Pre-2.1.97 responses: input and cache counts are exact; output is the largest copy in the file. For ${edge.placeholderOnlyResponses ?? 0} such responses no line carries the final usage, so their truth is the largest streaming placeholder (1-30 output tokens): what the file shows, not what was billed. Pre-2.1.97 rows have no server_tool_use, so their webSearch is 0.`,
    'All lines of one response fall within one UTC clock hour, so byDayUtc and hour-anchored 5-hour blocks do not depend on which copy a parser keeps.',
    'bySession attributes each request to the session that first produced it. Fork/resume copies carry identical usage, so a parser that breaks ties by file order may attribute them to the copy\'s session instead.',
    'The truncated last line is the second block of a >=2.1.97 response whose first block is complete, so that response still counts once. The malformed line is a partial row followed by a newline.',
    `A >1 MB line is written only when targetBytes >= ${HUGE_LINE_MIN_TARGET} (edgeCases.hugeLinesOver1MB).`,
    'Rate-limit texts of 1.0.6x-1.0.12x give a wall-clock reset ("resets 8pm") in the user\'s zone without naming it (America/New_York here); 2.0.x/2.1.x texts name the zone, 2.1.x rows add quotaLimits.resetsAt and legacy rows a "|epoch". limits[].resetsAtMs is the exact instant in every case.',
    'Historical era sessions sit at fixed calendar dates (Jun 2025 - Jul 2026) whatever `days` is; recent edge cases are placed relative to endDate. Model and version choices assume endDate >= 2026-10-15. No timestamp passes endDate.',
    'totalTokens = input + output + cacheCreation + cacheRead. cacheCreation1h is the ephemeral_1h part of cacheCreation (2026 sessions write 1h, 2025 sessions 5m, rows before 1.0.89 have no breakdown).',
    'sessions counts sessionIds owning at least one unique request; subagent and /btw rows carry the parent sessionId.',
    'assistantLines counts complete lines whose top-level type is assistant, including synthetic rows, /btw replays and fork copies. lines counts every physical line of the .jsonl files, the unterminated last line included.',
  ];
  const cc = sortedRecord(t.ccusageCounts);
  const ccusageNotes = [
    'ccusage v20 keeps the largest copy per message.id+requestId across all files (post-#1765), so placeholder/final pairs and fork copies match the truth; v20.0.21 deduped per session and would count forkCopiedAssistantLines again; v18 keeps the first copy (v18FirstCopyUndercountResponses undercount output).',
    'requestless rows: v20.0.24 dedups them on message.id alone (same result here, ids are unique); v18 never dedups them and counts every block line (requestlessLines - requestlessResponses extra).',
    '/btw replays: v20 drops them via its sidechain secondary key; v18 counts btwReplayLinesCountedByV18 extra lines (with larger cache-read usage than the originals).',
    'progress rows: the v20 daily loader accepts agent_progress nested usage (progressRowsCountedByCcusageDaily rows, progressNestedTokens tokens) while monthly/session/blocks do not; their ids repeat the subagent file, so dedup limits the effect to ordering.',
    'ccusage v20 drops a whole line when a listed key (id, model, speed, version, ...) is null anywhere in it: the 2.1.x synthetic rows (speed:null; zero tokens anyway) and the single-block MCP tool_use lines with {"id":null} in their input (linesDroppedByCcusageNullField, tokensLostByCcusageNullField).',
    'ccusage drops entries whose version is not semver or whose ids are empty strings; this corpus writes none (every row has a semver version).',
    'Cost differences (not token differences): ccusage prices >200k prompts per token bucket rather than the whole request (longContextRequestsOver200k), ignores server_tool_use web searches (webSearchRequestsUnpricedByCcusage x $0.01) and, as far as its field list shows, inference_geo us (inferenceGeoUsRequests x1.1), and leaves the unknown model unpriced (unknownModelRequests). v18 prices 1h writes at the 5m rate and has no price for opus-4-8/opus-5.',
    'Malformed and truncated lines are skipped silently by every ccusage version.',
  ];
  return {
    generator: 'claude-code-costs bench/corpus/generate.ts v1',
    seed: opts.seed,
    endDate: new Date(opts.endMs).toISOString(),
    days: opts.days,
    targetBytes: opts.targetBytes,
    files: out.jsonlFiles + out.metaFiles,
    jsonlFiles: out.jsonlFiles,
    metaFiles: out.metaFiles,
    bytes: out.bytes,
    lines: out.lines,
    assistantLines: out.assistantLines,
    uniqueRequests: t.uniqueRequests,
    totals: { ...t.totals },
    byModel: sortedRecord(t.byModel),
    byDayUtc: sortedRecord(t.byDay),
    sessions: Object.keys(t.bySession).length,
    bySession: sortedRecord(t.bySession),
    projects,
    limitEvents: t.limits.length,
    limits: t.limits,
    malformedLines: malformed,
    edgeCases: edge,
    firstTimestamp: Number.isFinite(t.minTs) ? new Date(t.minTs).toISOString() : null,
    lastTimestamp: Number.isFinite(t.maxTs) ? new Date(t.maxTs).toISOString() : null,
    notes,
    ccusageExpected: { notes: ccusageNotes, counts: cc },
  };
}

/** A sample statusline capture beside the corpus (the demo shows official 5-hour and weekly windows from it). */
export const DEMO_STATUSLINE_FILE = 'statusline.json';

/**
 * What Claude Code pipes to a statusLine command (peers-and-headroom.md §4), as the capture saves it,
 * two minutes before the corpus ends: 5-hour 62 % (resets in 2 h 40 min), weekly 38 %, weekly Opus 71 %.
 */
function sampleStatusline(endMs: number): Record<string, unknown> {
  const capturedMs = endMs - 2 * MINUTE;
  const weeklyReset = Math.floor((endMs + 3 * DAY) / HOUR) * HOUR;
  return {
    captured_at: new Date(capturedMs).toISOString(),
    hook_event_name: 'Status',
    session_id: '5b0e9c52-7a8d-4c1e-9f3a-2d6b8e1f4a07',
    version: '2.1.330',
    model: { id: 'claude-opus-4-8', display_name: 'Opus' },
    rate_limits: {
      five_hour: { used_percentage: 62, resets_at: Math.floor((endMs + 160 * MINUTE) / 1000) },
      seven_day: { used_percentage: 38, resets_at: weeklyReset / 1000 },
      seven_day_opus: { used_percentage: 71, resets_at: weeklyReset / 1000 },
    },
  };
}

/** Refuses to overwrite anything but an earlier generated corpus (never a real ~/.claude). */
function prepareOutDir(outDir: string): void {
  const projects = path.join(outDir, 'projects');
  if (fs.existsSync(projects)) {
    if (!fs.existsSync(path.join(outDir, 'truth.json'))) {
      throw new Error(`refusing to write into ${outDir}: it has a projects/ directory but no truth.json, so it may be a real Claude config dir`);
    }
    fs.rmSync(projects, { recursive: true, force: true });
  }
  fs.mkdirSync(projects, { recursive: true });
}

export async function generateCorpus(opts: GenerateOptions): Promise<CorpusTruth> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const days = opts.days ?? DEFAULT_DAYS;
  const endMs = (opts.endDate ?? new Date(DEFAULT_END_DATE)).getTime();
  if (!Number.isFinite(opts.targetBytes) || opts.targetBytes < 0) throw new Error(`targetBytes must be a non-negative number, got ${opts.targetBytes}`);
  if (!Number.isInteger(days) || days < 1) throw new Error(`days must be a positive integer, got ${days}`);
  if (!Number.isFinite(endMs)) throw new Error('endDate is not a valid date');
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  prepareOutDir(opts.outDir);
  const out = new CorpusOutput(path.join(opts.outDir, 'projects'));
  const truth = new TruthBuilder();
  const g = new CorpusGenerator(out, truth, seed, endMs, days, opts.targetBytes);
  try {
    if (opts.withEdgeCases !== false) g.edgeCases();
    await g.bulk();
  } finally {
    out.closeAll();
    await out.drain();
  }
  const result = buildTruth(g, { seed, endMs, days, targetBytes: opts.targetBytes });
  stampMtimes(path.join(opts.outDir, 'projects'));
  fs.writeFileSync(path.join(opts.outDir, 'truth.json'), JSON.stringify(result, null, 2) + '\n');
  fs.writeFileSync(path.join(opts.outDir, DEMO_STATUSLINE_FILE), JSON.stringify(sampleStatusline(endMs), null, 2) + '\n');
  return result;
}

const LAST_TIMESTAMP = /"timestamp":"([^"]+)"/g;

/**
 * Gives every transcript the mtime it would have on a real machine: the time of its last timestamped
 * line (a scan that reads recent files first relies on it). Idempotent; run again on a reused corpus.
 */
export function stampMtimes(projectsDir: string): void {
  const visit = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name.endsWith('.jsonl')) {
        const size = fs.statSync(p).size;
        const tail = Buffer.alloc(Math.min(size, 256 * 1024));
        const fd = fs.openSync(p, 'r');
        try {
          fs.readSync(fd, tail, 0, tail.length, size - tail.length);
        } finally {
          fs.closeSync(fd);
        }
        let last: string | null = null;
        for (const m of tail.toString('utf8').matchAll(LAST_TIMESTAMP)) last = m[1];
        const ms = last ? Date.parse(last) : NaN;
        if (Number.isFinite(ms)) fs.utimesSync(p, new Date(ms), new Date(ms));
      }
    }
  };
  visit(projectsDir);
}

// ------------------------------------------------------------------------------------ CLI

function usage(): string {
  return 'usage: node --import tsx bench/corpus/generate.ts --out DIR --size 50MB [--seed N] [--end ISO] [--days N] [--no-edge-cases]';
}

/** The CLI without process handling: throws on bad arguments, returns the exit code. */
export async function runCli(argv: string[], log: (line: string) => void = console.log): Promise<number> {
  const args: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"\n${usage()}`);
    const key = a.slice(2);
    if (key === 'no-edge-cases' || key === 'help') args[key] = true;
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`--${key} needs a value\n${usage()}`);
      args[key] = v;
    }
  }
  if (args.help) {
    log(usage());
    return 0;
  }
  if (typeof args.out !== 'string' || typeof args.size !== 'string') throw new Error(usage());
  const known = new Set(['out', 'size', 'seed', 'end', 'days', 'no-edge-cases']);
  for (const k of Object.keys(args)) if (!known.has(k)) throw new Error(`unknown option --${k}\n${usage()}`);
  const endDate = typeof args.end === 'string' ? new Date(args.end) : undefined;
  if (endDate && Number.isNaN(endDate.getTime())) throw new Error(`--end: invalid date "${String(args.end)}"`);
  const started = process.hrtime.bigint();
  const truth = await generateCorpus({
    outDir: path.resolve(args.out),
    targetBytes: parseSize(args.size),
    seed: typeof args.seed === 'string' ? Number(args.seed) : undefined,
    endDate,
    days: typeof args.days === 'string' ? Number(args.days) : undefined,
    withEdgeCases: args['no-edge-cases'] !== true,
  });
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  log(
    `wrote ${(truth.bytes / 1024 / 1024).toFixed(1)} MiB in ${truth.files} files (${truth.lines} lines, ${truth.uniqueRequests} unique requests, ${truth.sessions} sessions, ${truth.firstTimestamp?.slice(0, 10)}..${truth.lastTimestamp?.slice(0, 10)}) to ${path.resolve(args.out)} in ${secs.toFixed(1)}s`,
  );
  return 0;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(2);
    },
  );
}
