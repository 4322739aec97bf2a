// One Claude Code session as its writer version would put it on disk: user turns, one assistant
// line per content block, tool results, subagents in the era's layout, and the era's extra rows.
// Every unique API response is reported to the truth builder as it is written.

import type { Rng } from './prng';
import { encodeProjectDir } from './prng';
import type { CorpusOutput, FileSink } from './output';
import type { TruthBuilder } from './truth';
import { type Era, HOUR, compactThresholdFor, oneHourCacheAt, systemPromptTokensAt, atLeast } from './timeline';
import { PROMPTS, TITLES, type PoolSlice, sliceLines, sliceLinesBoth, slicePool, textPools } from './text';

type Json = Record<string, unknown>;

export interface Project {
  cwd: string;
  /** Directory name under projects/ (Claude Code's encoding of cwd). */
  dir: string;
  /** Name a correct tool should display (worktrees collapse to the main repo). */
  name: string;
  branch: string;
}

export function project(cwd: string, name: string, branch: string): Project {
  return { cwd, dir: encodeProjectDir(cwd), name, branch };
}

export interface GenContext {
  rng: Rng;
  out: CorpusOutput;
  truth: TruthBuilder;
  /** No timestamp may pass this (the corpus end date). */
  hardLimit: number;
  /** Every project a session was written for, by directory name. */
  projects: Map<string, Project>;
}

export interface Tokens {
  input: number;
  output: number;
  cc: number;
  cc1h: number;
  cr: number;
  web: number;
}

interface RecentResponse {
  messageId: string;
  blocks: Json[];
  tokens: Tokens;
}

/** Sizes (characters of one copy) of tool results; the session decides them from its byte budget. */
export type ToolKind = 'Read' | 'Bash' | 'Edit' | 'Write' | 'Grep' | 'Glob' | 'TodoWrite' | 'WebFetch' | 'Task';

export interface SessionSpec {
  start: number;
  project: Project;
  era: Era;
  model: string;
  /** Model for Task subagents (often Haiku). */
  subModel: string;
  entrypoint: 'cli' | 'claude-vscode' | 'sdk-cli';
  sessionId?: string;
  /** Byte budget for the whole session, subagent files included; turns stop once reached. */
  budgetBytes?: number;
  /** Typical size of a Read/Edit tool result in characters (one copy). */
  toolChars: number;
  subagentRate?: number;
  /** Share of turns whose first call runs 1–3 server-side web searches. */
  webSearchRate?: number;
  requestless?: boolean;
  slug?: string | null;
  speed?: 'standard' | 'fast';
  geo?: string;
  /** Tokens already in context (a long-running session): the first request reads them from cache. */
  initialContext?: number;
  /** Keep transcript rows in memory so the session can be forked afterwards. */
  recordForFork?: boolean;
  /** Multiplies the length of thinking/text blocks and signatures (edge-case sessions stay small). */
  textScale?: number;
  /** Emit the legacy `summary` row at the top (1.0.x resumed sessions). */
  leadingSummary?: boolean;
}

export interface TurnOptions {
  prompt?: string;
  /** Number of API calls in the turn (the last one answers with text). */
  calls?: number;
  /** Forced tool lists, one per non-final call. */
  tools?: ToolKind[][];
  /** Run a Task subagent in the first call. */
  subagent?: boolean;
  webSearches?: number;
  /** Character size of a single huge Bash output in the first call (a >1 MB line). */
  hugeOutputChars?: number;
  /** First call is a single tool_use block whose input holds {"id":null} (ccusage v20 drops such lines). */
  nullIdToolInput?: boolean;
  /** Every call of this turn uses this model (e.g. an unknown model id). */
  model?: string;
}

/** A row as written to the main file, kept so that a fork can copy it verbatim. */
interface RecordedRow {
  text: string;
  uuid: string | null;
  hasSessionId: boolean;
  assistant: boolean;
  synthetic: boolean;
}

interface ForkPoint {
  rowIndex: number;
  cachedPrefix: number;
  parentUuid: string | null;
  clock: number;
}

export class Thread {
  parentUuid: string | null = null;
  cachedPrefix = 0;
  pending = 0;
  calls = 0;
  coldCache = false;
  recent: RecentResponse[] = [];
  agentId: string | null = null;
  isSidechain = false;
  progress: { sink: FileSink; parent: Thread; toolUseId: string; prompt: string } | null = null;
  readonly oneHour: boolean;

  constructor(
    readonly session: Session,
    public sink: FileSink,
    public model: string,
    public clock: number,
  ) {
    this.oneHour = oneHourCacheAt(clock);
  }
}

/** Dated (≤4.5 generation) and 3rd-party ids never carried a data-residency choice. */
const GEO_NOT_AVAILABLE = /-20\d{6}/;

export class Session {
  readonly sessionId: string;
  readonly main: Thread;
  readonly era: Era;
  readonly project: Project;
  readonly rows: RecordedRow[] = [];
  /** Pre-escaped bulk strings of the row being built (see bulk()). */
  private bulkParts: string[] = [];
  readonly forkPoints: ForkPoint[] = [];
  private readonly startBytes: number;
  private turns = 0;
  private titleWritten = false;
  private lastPromptText = '';
  private readonly permissionMode: string;
  /** Per-model sums for the cost-state row. */
  readonly modelUsage: Record<string, Tokens> = {};
  private readonly openSinks: FileSink[] = [];

  constructor(
    readonly gen: GenContext,
    readonly spec: SessionSpec,
  ) {
    const { rng } = gen;
    this.sessionId = spec.sessionId ?? rng.uuid();
    this.era = spec.era;
    this.project = spec.project;
    this.startBytes = gen.out.bytes;
    this.permissionMode = spec.entrypoint === 'sdk-cli' ? 'bypassPermissions' : rng.pick(['default', 'default', 'acceptEdits', 'plan']);
    const sink = this.openSink(`${spec.project.dir}/${this.sessionId}.jsonl`);
    this.main = new Thread(this, sink, spec.model, spec.start);
    if (spec.initialContext) this.main.cachedPrefix = spec.initialContext;
    if (spec.leadingSummary) {
      this.write(this.main, { type: 'summary', summary: rng.pick(TITLES), leafUuid: rng.uuid() });
    }
    gen.projects.set(spec.project.dir, spec.project);
    if (spec.project.dir.length > 200) gen.truth.edge('longPathHashDirSessions');
    if (spec.project.cwd.includes('/.claude/worktrees/')) gen.truth.edge('worktreeCwdSessions');
    if (spec.project.cwd.includes('\\')) gen.truth.edge('windowsCwdSessions');
  }

  get rng(): Rng {
    return this.gen.rng;
  }

  get bytesWritten(): number {
    return this.gen.out.bytes - this.startBytes;
  }

  get clock(): number {
    return this.main.clock;
  }

  openSink(rel: string): FileSink {
    const s = this.gen.out.sink(rel);
    this.openSinks.push(s);
    return s;
  }

  /** Closes every file of this session. */
  finish(): void {
    for (const s of this.openSinks) this.gen.out.closeSink(s);
    this.openSinks.length = 0;
  }

  // ---------------------------------------------------------------- time

  private advance(th: Thread, ms: number): number {
    th.clock = Math.min(th.clock + Math.max(0, Math.round(ms)), this.gen.hardLimit);
    return th.clock;
  }

  private iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  // ---------------------------------------------------------------- row envelopes

  /**
   * Stands in for a large string that is already JSON-escaped (tool output sliced from the
   * pools); write() splices it into the serialized row, so the bulk of a corpus is never
   * escaped again line by line.
   */
  private bulk(slice: PoolSlice): string {
    this.bulkParts.push(slice.esc);
    return `@@BULK${this.bulkParts.length - 1}@@`;
  }

  /** Serializes a row and appends it to a file. */
  private write(th: Thread, row: Json, sink: FileSink = th.sink): void {
    let text = JSON.stringify(row);
    if (this.bulkParts.length > 0) {
      for (let i = 0; i < this.bulkParts.length; i++) {
        const marker = `"@@BULK${i}@@"`;
        const at = text.indexOf(marker);
        if (at < 0) throw new Error('corpus generator bug: bulk placeholder not found in its row');
        text = text.slice(0, at) + '"' + this.bulkParts[i] + '"' + text.slice(at + marker.length);
      }
      this.bulkParts = [];
    }
    sink.line(text);
    if (this.spec.recordForFork && sink === this.main.sink) {
      const message = row.message as Json | undefined;
      this.rows.push({
        text,
        uuid: typeof row.uuid === 'string' ? row.uuid : null,
        hasSessionId: typeof row.sessionId === 'string',
        assistant: row.type === 'assistant',
        synthetic: row.type === 'assistant' && message?.model === '<synthetic>',
      });
    }
  }

  /** Builds a transcript row with the era's key order around the row-specific `core` fields. */
  private envelope(th: Thread, core: Json, parentUuid: string | null = th.parentUuid): Json {
    const era = this.era;
    if (era.newKeyOrder) {
      const o: Json = { parentUuid, isSidechain: th.isSidechain };
      if (th.agentId) o.agentId = th.agentId;
      Object.assign(o, core);
      o.userType = 'external';
      o.entrypoint = this.spec.entrypoint;
      o.cwd = this.project.cwd;
      o.sessionId = this.sessionId;
      o.version = era.version;
      o.gitBranch = this.project.branch;
      if (this.spec.slug) o.slug = this.spec.slug;
      return o;
    }
    const o: Json = {
      parentUuid,
      isSidechain: th.isSidechain,
      userType: 'external',
      cwd: this.project.cwd,
      sessionId: this.sessionId,
      version: era.version,
    };
    if (era.hasGitBranch) o.gitBranch = this.project.branch;
    if (th.agentId) o.agentId = th.agentId;
    if (this.spec.slug) o.slug = this.spec.slug;
    return Object.assign(o, core);
  }

  // ---------------------------------------------------------------- usage shapes (§4.3)

  private usageObject(tokens: Tokens, output: number, speed: string, geo: string): Json {
    const five = tokens.cc - tokens.cc1h;
    switch (this.era.usageShape) {
      case 'basic':
        return {
          input_tokens: tokens.input,
          cache_creation_input_tokens: tokens.cc,
          cache_read_input_tokens: tokens.cr,
          output_tokens: output,
          service_tier: 'standard',
        };
      case 'breakdown':
        return {
          input_tokens: tokens.input,
          cache_creation_input_tokens: tokens.cc,
          cache_read_input_tokens: tokens.cr,
          cache_creation: { ephemeral_5m_input_tokens: five, ephemeral_1h_input_tokens: tokens.cc1h },
          output_tokens: output,
          service_tier: 'standard',
        };
      default:
        return {
          input_tokens: tokens.input,
          cache_creation_input_tokens: tokens.cc,
          cache_read_input_tokens: tokens.cr,
          output_tokens: output,
          server_tool_use: { web_search_requests: tokens.web, web_fetch_requests: 0 },
          service_tier: 'standard',
          cache_creation: { ephemeral_1h_input_tokens: tokens.cc1h, ephemeral_5m_input_tokens: five },
          inference_geo: geo,
          iterations: [
            {
              input_tokens: tokens.input,
              output_tokens: output,
              cache_read_input_tokens: tokens.cr,
              cache_creation_input_tokens: tokens.cc,
              cache_creation: { ephemeral_5m_input_tokens: five, ephemeral_1h_input_tokens: tokens.cc1h },
              type: 'message',
            },
          ],
          speed,
        };
    }
  }

  private messageObject(model: string, id: string, block: Json, stopReason: string | null, usage: Json): Json {
    const era = this.era;
    if (!atLeast(era.v, [2, 0, 0])) {
      return { id, type: 'message', role: 'assistant', model, content: [block], stop_reason: stopReason, stop_sequence: null, usage };
    }
    const m: Json = { model, id, type: 'message', role: 'assistant', content: [block], stop_reason: stopReason, stop_sequence: null };
    if (era.has21Rows) m.stop_details = null;
    m.usage = usage;
    if (era.usageShape === 'final') m.diagnostics = null;
    return m;
  }

  private defaultGeo(model: string): string {
    if (GEO_NOT_AVAILABLE.test(model)) return 'not_available';
    return atLeast(this.era.v, [2, 1, 200]) ? 'global' : '';
  }

  // ---------------------------------------------------------------- rows without usage

  private userPrompt(th: Thread, text: string, extra: Json = {}): string {
    const uuid = this.rng.uuid();
    const ts = this.iso(th.clock);
    let core: Json;
    if (this.era.newKeyOrder) {
      core = { promptId: this.rng.uuid(), type: 'user', message: { role: 'user', content: text }, uuid, timestamp: ts, ...extra };
      if (!th.isSidechain) {
        core.permissionMode = this.permissionMode;
        if (this.spec.entrypoint === 'sdk-cli') core.promptSource = 'sdk';
      }
    } else {
      core = { type: 'user', message: { role: 'user', content: text }, uuid, timestamp: ts, ...extra };
    }
    this.write(th, this.envelope(th, core));
    th.parentUuid = uuid;
    return uuid;
  }

  private toolResultRow(th: Thread, toolUseId: string, content: unknown, toolUseResult: unknown, sourceUuid: string, isError = false): void {
    const uuid = this.rng.uuid();
    const block: Json = { tool_use_id: toolUseId, type: 'tool_result', content };
    if (isError) block.is_error = true;
    const core: Json = { type: 'user', message: { role: 'user', content: [block] }, uuid, timestamp: this.iso(th.clock), toolUseResult };
    if (this.era.newKeyOrder) core.sourceToolAssistantUUID = sourceUuid;
    this.write(th, this.envelope(th, core));
    th.parentUuid = uuid;
  }

  private systemRow(th: Thread, fields: Json, parentUuid: string | null = th.parentUuid): string {
    const uuid = this.rng.uuid();
    const core: Json = { type: 'system', ...fields, timestamp: this.iso(th.clock), uuid };
    this.write(th, this.envelope(th, core, parentUuid));
    th.parentUuid = uuid;
    return uuid;
  }

  // ---------------------------------------------------------------- one API response

  /**
   * Writes one API response as one line per content block and records it in the truth.
   * Returns the tool_use blocks with the uuid of the line that carried each.
   */
  private apiCall(
    th: Thread,
    opts: { tools: ToolKind[]; final: boolean; webSearches?: number; nullIdToolInput?: boolean; model?: string; hugeOutput?: boolean; forceThinking?: boolean },
  ): Array<{ id: string; name: ToolKind | string; input: Json; lineUuid: string }> {
    const { rng } = this;
    const pools = textPools();
    const model = opts.model ?? th.model;
    const era = this.era;

    // --- tokens (§11: tiny input once warm, cache_read ≈ previous prompt, writes = the new delta)
    const tokens: Tokens = { input: 0, output: 0, cc: 0, cc1h: 0, cr: 0, web: opts.webSearches ?? 0 };
    if (th.calls === 0 && th.cachedPrefix === 0) {
      const sys = th.isSidechain ? rng.int(4_000, 12_000) : systemPromptTokensAt(th.clock, rng);
      tokens.input = rng.int(3, 14);
      if (!th.isSidechain && rng.chance(0.35)) {
        tokens.cr = sys; // the system prompt is still cached from an earlier session
        tokens.cc = th.pending + rng.int(200, 2_500);
      } else {
        tokens.cc = sys + th.pending + rng.int(200, 2_500);
      }
    } else if (th.coldCache) {
      tokens.input = rng.int(3, 12);
      tokens.cc = th.cachedPrefix + th.pending;
      th.coldCache = false;
    } else {
      tokens.input = rng.int(1, 9);
      tokens.cr = th.cachedPrefix;
      tokens.cc = Math.max(th.pending, 1);
    }
    tokens.cc1h = th.oneHour && era.usageShape !== 'basic' ? tokens.cc : 0;

    // --- content blocks
    const blocks: Json[] = [];
    const toolUses: Array<{ id: string; name: string; input: Json; blockIndex: number }> = [];
    const isHaiku = model.includes('haiku');
    const thinking = opts.forceThinking === true || (!opts.nullIdToolInput && rng.chance(isHaiku ? 0.25 : model.includes('opus') ? 0.7 : 0.5));
    let output = 0;
    const k = this.spec.textScale ?? 1;
    const chars = (min: number, max: number): number => Math.max(8, Math.round(rng.int(min, max) * k));
    if (thinking) {
      blocks.push({
        type: 'thinking',
        thinking: slicePool(pools.prose, rng, chars(60, 700)),
        signature: slicePool(pools.signatures, rng, chars(200, 900)),
      });
      output += rng.int(80, 2_400);
    }
    for (let w = 0; w < tokens.web; w++) {
      const id = rng.serverToolUseId();
      const query = slicePool(pools.prose, rng, rng.int(20, 60)).trim();
      blocks.push({ type: 'server_tool_use', id, name: 'web_search', input: { query } });
      const results: Json[] = [];
      for (let k = 0; k < 3; k++) {
        results.push({
          type: 'web_search_result',
          title: slicePool(pools.prose, rng, rng.int(25, 70)).trim(),
          url: `https://docs.example.com/${rng.base62(8)}/${rng.base62(6)}`,
          encrypted_content: slicePool(pools.signatures, rng, chars(300, 900)),
          page_age: null,
        });
      }
      blocks.push({ type: 'web_search_tool_result', tool_use_id: id, content: results });
      output += rng.int(30, 120);
    }
    const wantText = opts.final || (!opts.nullIdToolInput && rng.chance(0.55));
    if (wantText) {
      blocks.push({ type: 'text', text: slicePool(pools.prose, rng, opts.final ? chars(120, 1_400) : chars(30, 300)) });
      output += opts.final ? rng.int(150, 2_500) : rng.int(20, 300);
    }
    if (!opts.final) {
      if (opts.nullIdToolInput) {
        const id = rng.toolUseId();
        const input = { title: slicePool(pools.prose, rng, 50).trim(), parent: { id: null }, labels: ['bug'] };
        toolUses.push({ id, name: 'mcp__tracker__create_issue', input, blockIndex: blocks.length });
        blocks.push({ type: 'tool_use', id, name: 'mcp__tracker__create_issue', input });
        output += rng.int(60, 200);
      }
      for (const kind of opts.tools) {
        const id = rng.toolUseId();
        const input = this.toolInput(kind, opts.hugeOutput === true);
        toolUses.push({ id, name: kind, input, blockIndex: blocks.length });
        blocks.push({ type: 'tool_use', id, name: kind, input });
        output += rng.int(40, 420);
      }
    }
    if (blocks.length === 0) {
      blocks.push({ type: 'text', text: slicePool(pools.prose, rng, 80) });
      output += rng.int(20, 120);
    }
    tokens.output = Math.max(output, 40);
    const stopReason = opts.final ? 'end_turn' : 'tool_use';

    // --- block timestamps: all copies of one response stay within one clock hour, so the
    // day and 5-hour block of the response do not depend on which copy a parser keeps.
    const offsets: number[] = [];
    let t = rng.int(1_200, 9_000);
    for (let i = 0; i < blocks.length; i++) {
      t += blocks[i].type === 'thinking' ? rng.int(1_500, 14_000) : rng.int(5, 2_500);
      offsets.push(t);
    }
    let start = th.clock;
    const span = offsets[offsets.length - 1];
    if (Math.floor((start + offsets[0]) / HOUR) !== Math.floor((start + span) / HOUR)) {
      start = Math.ceil((start + offsets[0]) / HOUR) * HOUR + rng.int(5, 900) - offsets[0];
    }
    const times = offsets.map((o) => Math.min(start + o, this.gen.hardLimit));

    // --- usage per line (era rules) and the copy a correct parser keeps
    const messageId = model.startsWith('us.anthropic.') ? `msg_bdrk_01${rng.base62(22)}` : rng.messageId(era.modernIds);
    const requestId = th.session.spec.requestless ? undefined : rng.requestId();
    // Fast mode is an Opus main-loop setting; Haiku subagents stay standard.
    const speed = this.spec.speed === 'fast' && model.includes('opus') ? 'fast' : 'standard';
    const geo = this.spec.geo ?? this.defaultGeo(model);
    const finalUsage = this.usageObject(tokens, tokens.output, speed, geo);
    const perLine: Array<{ usage: Json; stop: string | null; output: number }> = [];
    let keptIndex = 0;
    let keptOutput = tokens.output;
    if (era.finalOnAllBlocks) {
      for (let i = 0; i < blocks.length; i++) perLine.push({ usage: finalUsage, stop: stopReason, output: tokens.output });
    } else {
      // Streaming placeholders (output 1–30, stop_reason null); the last block sometimes got the final usage.
      const lastIsFinal = rng.chance(0.6);
      let p = rng.int(1, 12);
      for (let i = 0; i < blocks.length; i++) {
        if (i > 0) p = Math.min(30, p + rng.int(0, 6));
        if (i === blocks.length - 1 && lastIsFinal) {
          perLine.push({ usage: finalUsage, stop: stopReason, output: tokens.output });
        } else {
          perLine.push({ usage: this.usageObject(tokens, p, speed, geo), stop: null, output: p });
        }
      }
      keptIndex = blocks.length - 1;
      keptOutput = perLine[keptIndex].output;
      if (!lastIsFinal) {
        this.gen.truth.edge('placeholderOnlyResponses');
        this.gen.truth.ccusage('placeholderOnlyResponses');
      }
      if (perLine[0].output < keptOutput) this.gen.truth.ccusage('v18FirstCopyUndercountResponses');
    }

    // --- write the lines
    const lineUuids: string[] = [];
    const echoMessages: Json[] = [];
    for (let i = 0; i < blocks.length; i++) {
      th.clock = Math.max(th.clock, times[i]);
      const uuid = rng.uuid();
      lineUuids.push(uuid);
      const message = this.messageObject(model, messageId, blocks[i], perLine[i].stop, perLine[i].usage);
      const core: Json = { message };
      if (requestId !== undefined) core.requestId = requestId;
      core.type = 'assistant';
      core.uuid = uuid;
      core.timestamp = this.iso(times[i]);
      this.write(th, this.envelope(th, core));
      th.parentUuid = uuid;
      this.gen.out.assistantLines++;
      if (th.progress) echoMessages.push({ message, uuid, ts: times[i] });
    }
    if (th.progress) for (const e of echoMessages) this.progressEcho(th, e as { message: Json; uuid: string; ts: number }, requestId, tokens);

    // --- truth
    const kept: Tokens = { ...tokens, output: keptOutput, web: era.usageShape === 'final' ? tokens.web : 0 };
    this.gen.truth.addResponse({
      key: requestId !== undefined ? `${messageId}|${requestId}` : `${messageId}|${this.sessionId}`,
      model,
      sessionId: this.sessionId,
      projectDir: this.project.dir,
      timestampMs: times[keptIndex],
      input: kept.input,
      output: kept.output,
      cacheCreation: kept.cc,
      cacheCreation1h: kept.cc1h,
      cacheRead: kept.cr,
      webSearch: kept.web,
    });
    const mu = (this.modelUsage[model] ??= { input: 0, output: 0, cc: 0, cc1h: 0, cr: 0, web: 0 });
    mu.input += kept.input;
    mu.output += kept.output;
    mu.cc += kept.cc;
    mu.cc1h += kept.cc1h;
    mu.cr += kept.cr;
    mu.web += kept.web;
    this.noteEdges(model, kept, speed, geo, requestId === undefined, blocks.length);

    th.recent.push({ messageId, blocks, tokens: kept });
    if (th.recent.length > 3) th.recent.shift();
    th.calls++;
    th.cachedPrefix = tokens.input + tokens.cr + tokens.cc;
    th.pending = tokens.output;
    return toolUses.map((u) => ({ id: u.id, name: u.name, input: u.input, lineUuid: lineUuids[u.blockIndex] }));
  }

  private noteEdges(model: string, k: Tokens, speed: string, geo: string, requestless: boolean, lines: number): void {
    const truth = this.gen.truth;
    const prompt = k.input + k.cr + k.cc;
    if (prompt > 200_000) {
      truth.ccusage('longContextRequestsOver200k');
      if (model.includes('sonnet-4-5') && this.clock < Date.parse('2026-04-30T00:00:00Z')) truth.edge('longContextSonnet45Beta');
      if (model.includes('sonnet-4-6')) truth.edge(this.clock < Date.parse('2026-03-13T00:00:00Z') ? 'longContextSonnet46Beta' : 'longContextSonnet46Flat');
    }
    if (model.includes('haiku-5-5') && prompt > 100_000) truth.edge('haiku55Over100k');
    if (speed === 'fast') {
      truth.edge(`fast:${model}`);
      truth.edge('fastRequests');
    }
    if (geo === 'us') {
      truth.edge('inferenceGeoUs');
      truth.ccusage('inferenceGeoUsRequests');
    }
    if (k.web > 0) {
      truth.edge('webSearchRequests', k.web);
      truth.ccusage('webSearchRequestsUnpricedByCcusage', k.web);
    }
    if (model === 'claude-unknown-9') {
      truth.edge('unknownModel');
      truth.ccusage('unknownModelRequests');
    }
    if (model.startsWith('us.anthropic.')) truth.edge('bedrockModel');
    if (requestless) {
      truth.edge('requestlessResponses');
      truth.ccusage('requestlessResponses');
      truth.ccusage('requestlessLines', lines);
    }
    if (this.inSidechain) truth.edge('inlineSidechainResponses');
  }

  /** Set while an inline (1.0.x) sidechain writes into the main file. */
  private inSidechain = false;

  // ---------------------------------------------------------------- tools

  private toolInput(kind: ToolKind | string, huge: boolean): Json {
    const { rng } = this;
    const pools = textPools();
    const root = this.project.cwd.includes('\\') ? this.project.cwd + '\\' : this.project.cwd + '/';
    const src = rng.pick(pools.sources);
    switch (kind) {
      case 'Read':
        return { file_path: root + src.relPath };
      case 'Bash':
        return huge
          ? { command: 'cat logs/server-full.log', description: 'Show the full server log' }
          : { command: rng.pick(['npm test', 'git status', 'git log --oneline -20', 'npm run build', 'ls -la src', 'npx tsc --noEmit']), description: 'Run command' };
      case 'Edit':
        return { file_path: root + src.relPath, old_string: slicePool(pools.prose, rng, 60), new_string: slicePool(pools.prose, rng, 70) };
      case 'Write':
        return { file_path: root + src.relPath, content: sliceLines(src.raw, 0, rng.int(5, 40)) };
      case 'Grep':
        return { pattern: rng.pick(['TODO', 'refund', 'parseDate', 'cache\\.get', 'export function']), path: root + 'src', output_mode: 'files_with_matches' };
      case 'Glob':
        return { pattern: rng.pick(['**/*.ts', 'src/**/*.test.ts', '**/*.json']) };
      case 'TodoWrite':
        return { todos: [{ content: slicePool(pools.prose, rng, 40).trim(), status: 'in_progress', activeForm: 'Working' }] };
      case 'WebFetch':
        return { url: `https://docs.example.com/${rng.base62(8)}`, prompt: 'Summarise the relevant API' };
      case 'Task':
        return { description: rng.pick(['Find payment handlers', 'Explore test setup', 'Review error handling']), prompt: slicePool(pools.prose, rng, 200), subagent_type: rng.pick(['general-purpose', 'Explore']) };
      default:
        return {};
    }
  }

  /** Size (characters) of the next bulky tool result, shrunk as the byte budget runs out. */
  private resultChars(kind: ToolKind): number {
    const { rng } = this;
    const base = this.spec.toolChars;
    let n: number;
    switch (kind) {
      case 'Read':
      case 'Edit':
        n = rng.logNormal(base, 0.9);
        break;
      case 'Bash':
        n = rng.logNormal(base * 0.3, 1.1);
        break;
      default:
        n = rng.logNormal(base * 0.05, 0.6);
    }
    if (this.spec.budgetBytes !== undefined) {
      const left = this.spec.budgetBytes - this.bytesWritten;
      n = Math.min(n, Math.max(200, left / 2.2));
    }
    return Math.max(60, Math.round(n));
  }

  /** Writes the tool_result row for one tool_use and returns the tokens it adds to the context. */
  private runTool(th: Thread, use: { id: string; name: string; input: Json; lineUuid: string }, hugeChars: number): number {
    const { rng } = this;
    const pools = textPools();
    const name = use.name as ToolKind;
    this.advance(th, name === 'Bash' ? rng.int(300, 25_000) : rng.int(20, 1_500));
    let content: unknown;
    let result: unknown;
    let chars: number;
    switch (name) {
      case 'Read': {
        const src = pools.sources.find((s) => String(use.input.file_path).endsWith(s.relPath)) ?? pools.sources[0];
        const want = this.resultChars('Read');
        const lineCount = Math.max(1, Math.round(want / 48));
        const from = rng.chance(0.8) ? 0 : rng.int(0, Math.max(0, src.raw.lineCount - lineCount));
        const numbered = sliceLinesBoth(src.numbered, from, lineCount);
        const raw = sliceLinesBoth(src.raw, from, lineCount);
        const n = Math.min(lineCount, src.raw.lineCount - from);
        content = this.bulk(numbered);
        result = { type: 'text', file: { filePath: use.input.file_path, content: this.bulk(raw), numLines: n, startLine: from + 1, totalLines: src.raw.lineCount } };
        chars = numbered.raw.length;
        break;
      }
      case 'Bash': {
        let out: PoolSlice;
        if (hugeChars > 0) {
          const raw: string[] = [];
          const esc: string[] = [];
          let len = 0;
          while (len < hugeChars) {
            const piece = sliceLinesBoth(pools.commandOutput, rng.int(0, 4_000), 2_000);
            raw.push(piece.raw);
            esc.push(piece.esc);
            len += piece.raw.length;
          }
          out = { raw: raw.join(''), esc: esc.join('') };
        } else {
          const want = this.resultChars('Bash');
          out = sliceLinesBoth(pools.commandOutput, rng.int(0, pools.commandOutput.lineCount - 1), Math.max(1, Math.round(want / 50)));
        }
        content = this.bulk(out);
        result = { stdout: this.bulk(out), stderr: '', interrupted: false, isImage: false };
        chars = out.raw.length;
        break;
      }
      case 'Edit': {
        const src = pools.sources.find((s) => String(use.input.file_path).endsWith(s.relPath)) ?? pools.sources[0];
        const want = this.resultChars('Edit');
        const whole = sliceLinesBoth(src.raw, 0, Math.max(5, Math.round(want / 42)));
        const at = rng.int(1, Math.max(1, src.raw.lineCount - 8));
        const snippet = sliceLines(src.numbered, Math.max(0, at - 4), 9);
        content = `The file ${String(use.input.file_path)} has been updated. Here's the result of running \`cat -n\` on a snippet of the edited file:\n${snippet}`;
        result = {
          filePath: use.input.file_path,
          oldString: use.input.old_string,
          newString: use.input.new_string,
          originalFile: this.bulk(whole),
          structuredPatch: [{ oldStart: at, oldLines: 3, newStart: at, newLines: 4, lines: [` ${use.input.old_string}`, `-${use.input.old_string}`, `+${use.input.new_string}`, ' }'] }],
          userModified: false,
          replaceAll: false,
        };
        chars = whole.raw.length / 4 + snippet.length;
        break;
      }
      case 'Write': {
        content = `File created successfully at: ${String(use.input.file_path)}`;
        result = { type: 'create', filePath: use.input.file_path, content: use.input.content, structuredPatch: [] };
        chars = String(use.input.content).length;
        break;
      }
      case 'Grep': {
        const files = Array.from({ length: rng.int(1, Math.max(2, Math.min(12, Math.round(this.spec.toolChars / 400)))) }, () => `${this.project.cwd}/${rng.pick(pools.sources).relPath}`);
        content = `Found ${files.length} files\n${files.join('\n')}`;
        result = { mode: 'files_with_matches', filenames: files, numFiles: files.length };
        chars = (content as string).length;
        break;
      }
      case 'Glob': {
        const files = Array.from({ length: rng.int(2, Math.max(3, Math.min(40, Math.round(this.spec.toolChars / 150)))) }, () => `${this.project.cwd}/${rng.pick(pools.sources).relPath}`);
        content = files.join('\n');
        result = { filenames: files, durationMs: rng.int(5, 90), numFiles: files.length, truncated: false };
        chars = (content as string).length;
        break;
      }
      case 'TodoWrite': {
        content = 'Todos have been modified successfully. Ensure that you continue to use the todo list to track your progress.';
        result = { oldTodos: [], newTodos: use.input.todos };
        chars = 120;
        break;
      }
      case 'WebFetch': {
        const text = slicePool(pools.prose, rng, this.resultChars('WebFetch'));
        content = text;
        result = { bytes: text.length * 3, code: 200, codeText: 'OK', result: text, durationMs: rng.int(300, 4_000), url: use.input.url };
        chars = text.length;
        break;
      }
      default: {
        content = 'Created issue TRK-' + rng.int(100, 999);
        result = { content: [{ type: 'text', text: content }] };
        chars = 40;
      }
    }
    this.toolResultRow(th, use.id, content, result, use.lineUuid);
    if (hugeChars > 0) this.gen.truth.edge('hugeLinesOver1MB');
    return Math.round(chars / 3.6) + rng.int(20, 80);
  }

  // ---------------------------------------------------------------- subagents (three layouts)

  private runSubagent(parent: Thread, use: { id: string; input: Json; lineUuid: string }, forceProgress = false): void {
    const { rng } = this;
    const era = this.era;
    const model = this.spec.subModel;
    let sink: FileSink;
    let agentId: string | null = null;
    if (era.layout === 'inline') {
      sink = parent.sink;
      this.gen.truth.edge('inlineSidechainSubagents');
    } else if (era.layout === 'flat') {
      agentId = 'a' + rng.hex(6);
      sink = this.openSink(`${this.project.dir}/agent-${agentId}.jsonl`);
      this.gen.truth.edge('flatAgentFiles');
    } else {
      agentId = 'a' + rng.hex(era.longAgentIds ? 16 : 6);
      const base = `${this.project.dir}/${this.sessionId}/subagents/agent-${agentId}`;
      sink = this.openSink(`${base}.jsonl`);
      this.gen.truth.edge('nestedSubagentFiles');
      if (era.hasMetaSidecar) {
        this.gen.out.sidecar(
          `${base}.meta.json`,
          JSON.stringify({ agentType: use.input.subagent_type ?? 'general-purpose', description: use.input.description ?? '', toolUseId: use.id }),
        );
        this.gen.truth.edge('metaSidecars');
      }
    }
    if (model !== parent.model) this.gen.truth.edge('subagentOnOtherModel');
    const th = new Thread(this, sink, model, parent.clock);
    const started = parent.clock;
    th.isSidechain = true;
    th.agentId = agentId;
    if ((era.hasProgressRows || forceProgress) && sink !== parent.sink) {
      th.progress = { sink: parent.sink, parent, toolUseId: use.id, prompt: String(use.input.prompt ?? '') };
    }
    const wasInline = this.inSidechain;
    if (era.layout === 'inline') this.inSidechain = true;
    this.userPrompt(th, String(use.input.prompt ?? 'Explore'));
    const calls = this.spec.textScale !== undefined && this.spec.textScale < 1 ? 2 : rng.int(2, 5);
    for (let c = 0; c < calls - 1; c++) {
      const uses = this.apiCall(th, { tools: [rng.weighted<ToolKind>([['Read', 5], ['Grep', 3], ['Glob', 2], ['Bash', 2]])], final: false });
      for (const u of uses) th.pending += this.runTool(th, u, 0);
    }
    this.apiCall(th, { tools: [], final: true });
    this.inSidechain = wasInline;
    parent.clock = Math.max(parent.clock, th.clock);
    const last = th.recent[th.recent.length - 1];
    const text = slicePool(textPools().prose, rng, rng.int(200, 900));
    const result = {
      status: 'completed',
      prompt: use.input.prompt,
      agentId: agentId ?? undefined,
      content: [{ type: 'text', text }],
      totalDurationMs: th.clock - started,
      totalTokens: last ? last.tokens.input + last.tokens.cc + last.tokens.cr + last.tokens.output : 0,
      totalToolUseCount: calls - 1,
      // A nested usage object inside a user row: it must never be billed.
      usage: last ? { input_tokens: last.tokens.input, cache_creation_input_tokens: last.tokens.cc, cache_read_input_tokens: last.tokens.cr, output_tokens: last.tokens.output } : undefined,
    };
    this.gen.truth.edge('taskResultsWithNestedUsage');
    this.toolResultRow(parent, use.id, [{ type: 'text', text }], result, use.lineUuid);
    parent.pending += Math.round(text.length / 3.6);
  }

  /** A 2.1.x `progress` row echoing a subagent response (nested usage: never billed). */
  private progressEcho(th: Thread, e: { message: Json; uuid: string; ts: number }, requestId: string | undefined, tokens: Tokens): void {
    const p = th.progress!;
    const uuid = this.rng.uuid();
    const data = {
      message: { type: 'assistant', message: e.message, requestId, isSidechain: true, uuid: e.uuid, timestamp: this.iso(e.ts) },
      normalizedMessages: [],
      type: 'agent_progress',
      prompt: p.prompt,
      agentId: th.agentId,
    };
    const row = this.envelope(p.parent, { type: 'progress', data, toolUseID: `agent_msg_${this.rng.base62(24)}`, parentToolUseID: p.toolUseId, uuid, timestamp: this.iso(e.ts) });
    this.write(p.parent, row, p.sink);
    this.gen.truth.edge('progressRowsWithNestedUsage');
    this.gen.truth.ccusage('progressRowsCountedByCcusageDaily');
    this.gen.truth.ccusage('progressNestedTokens', tokens.input + tokens.output + tokens.cc + tokens.cr);
  }

  /** 2.0.x sessions start with tiny "Warmup" agent files (flat layout). */
  warmupAgent(): void {
    const { rng } = this;
    const agentId = 'a' + rng.hex(6);
    const sink = this.openSink(`${this.project.dir}/agent-${agentId}.jsonl`);
    const th = new Thread(this, sink, this.spec.subModel, this.main.clock);
    th.isSidechain = true;
    th.agentId = agentId;
    this.userPrompt(th, 'Warmup');
    this.apiCall(th, { tools: [], final: true });
    this.gen.truth.edge('flatAgentFiles');
    this.gen.truth.edge('warmupAgents');
  }

  // ---------------------------------------------------------------- turns

  turn(opts: TurnOptions = {}): void {
    const { rng } = this;
    const th = this.main;
    const era = this.era;
    if (this.turns === 0 && era.hasWarmupAgents) this.warmupAgent();
    if (era.hasCompactBoundary && th.cachedPrefix > compactThresholdFor(th.model, th.clock) && !this.spec.initialContext) this.compact();
    if (this.spec.recordForFork) this.forkPoints.push({ rowIndex: this.rows.length, cachedPrefix: th.cachedPrefix + th.pending, parentUuid: th.parentUuid, clock: th.clock });

    const prompt = opts.prompt ?? (this.turns === 0 ? rng.pick(PROMPTS.slice(0, 15)) : rng.pick(PROMPTS));
    const turnStart = th.clock;
    if (this.spec.entrypoint === 'sdk-cli') {
      this.write(th, { type: 'queue-operation', operation: 'enqueue', timestamp: this.iso(th.clock), sessionId: this.sessionId, content: prompt });
      this.write(th, { type: 'queue-operation', operation: 'dequeue', timestamp: this.iso(th.clock), sessionId: this.sessionId });
      this.gen.truth.edge('queueOperations', 2);
    }
    const userUuid = rng.uuid();
    if (era.hasFileHistory) {
      const backups: Json = {};
      for (let i = 0; i < rng.int(0, 3); i++) {
        backups[rng.pick(textPools().sources).relPath] = { backupFileName: `${rng.hex(16)}@v${this.turns + 1}`, version: this.turns + 1, backupTime: this.iso(th.clock) };
      }
      this.write(th, { type: 'file-history-snapshot', messageId: userUuid, snapshot: { messageId: userUuid, trackedFileBackups: backups, timestamp: this.iso(th.clock) }, isSnapshotUpdate: false });
    }
    // userPrompt draws its own uuid; keep the snapshot's messageId equal to the user row uuid.
    this.userPromptWithUuid(th, prompt, userUuid);
    th.pending += Math.round(prompt.length / 3.6) + rng.int(10, 300);
    this.lastPromptText = prompt;
    if (!this.titleWritten && era.has21Rows) {
      this.write(th, { type: 'ai-title', aiTitle: rng.pick(TITLES), sessionId: this.sessionId });
      this.titleWritten = true;
    }
    this.advance(th, rng.int(200, 1_500));

    const budgetLeft = (): boolean => this.spec.budgetBytes === undefined || this.bytesWritten < this.spec.budgetBytes;
    const calls = opts.calls ?? Math.min(12, 1 + Math.floor(rng.logNormal(2.5, 0.8)));
    const webSearches = opts.webSearches ?? (rng.chance(this.spec.webSearchRate ?? 0) ? rng.int(1, 3) : undefined);
    const subRate = this.spec.subagentRate ?? 0.06;
    for (let c = 0; c < calls - 1; c++) {
      let tools: ToolKind[];
      if (opts.tools && opts.tools[c]) tools = opts.tools[c];
      else {
        const n = rng.weighted([[1, 70], [2, 20], [3, 10]] as const);
        tools = [];
        for (let i = 0; i < n; i++) tools.push(rng.weighted<ToolKind>([['Read', 30], ['Bash', 25], ['Edit', 15], ['Grep', 10], ['Glob', 5], ['Write', 4], ['TodoWrite', 5], ['WebFetch', 2]]));
        if ((opts.subagent && c === 0) || (!opts.subagent && rng.chance(subRate) && budgetLeft())) tools = ['Task'];
      }
      if (opts.subagent && c === 0 && !tools.includes('Task')) tools = ['Task', ...tools];
      // The {"id":null} MCP call is the response's only block, so a parser that drops the line loses the response.
      if (c === 0 && opts.nullIdToolInput) tools = [];
      const huge = c === 0 && (opts.hugeOutputChars ?? 0) > 0;
      if (huge) tools = ['Bash'];
      const uses = this.apiCall(th, {
        tools,
        final: false,
        webSearches: c === 0 ? webSearches : undefined,
        nullIdToolInput: c === 0 && opts.nullIdToolInput,
        model: opts.model,
        hugeOutput: huge,
      });
      if (c === 0 && opts.nullIdToolInput) {
        const k = th.recent[th.recent.length - 1].tokens;
        this.gen.truth.edge('nullIdInToolInput');
        this.gen.truth.ccusage('linesDroppedByCcusageNullField');
        this.gen.truth.ccusage('tokensLostByCcusageNullField', k.input + k.output + k.cc + k.cr);
      }
      for (const u of uses) {
        if (u.name === 'Task') this.runSubagent(th, u);
        else th.pending += this.runTool(th, u, huge ? (opts.hugeOutputChars ?? 0) : 0);
      }
      if (!budgetLeft() && opts.calls === undefined) break;
    }
    this.apiCall(th, { tools: [], final: true, webSearches: calls === 1 ? webSearches : undefined, model: opts.model });
    if (era.has21Rows) {
      this.systemRow(th, { subtype: 'turn_duration', durationMs: th.clock - turnStart, messageCount: rng.int(2, 40), isMeta: false });
      this.write(th, { type: 'last-prompt', lastPrompt: this.lastPromptText, leafUuid: th.parentUuid, sessionId: this.sessionId });
    } else if (rng.chance(0.2) && era.hasGitBranch) {
      this.systemRow(th, { content: '\u001b[1mStop\u001b[22m [bash ~/.claude/hooks/notify.sh] completed successfully', isMeta: false, toolUseID: rng.uuid(), level: 'info' });
    }
    this.turns++;
    // The user reads, thinks, types.
    this.advance(th, rng.logNormal(90_000, 1.0));
  }

  private userPromptWithUuid(th: Thread, text: string, uuid: string): void {
    const ts = this.iso(th.clock);
    let core: Json;
    if (this.era.newKeyOrder) {
      core = { promptId: this.rng.uuid(), type: 'user', message: { role: 'user', content: text }, uuid, timestamp: ts, permissionMode: this.permissionMode };
      if (this.spec.entrypoint === 'sdk-cli') core.promptSource = 'sdk';
    } else {
      core = { type: 'user', message: { role: 'user', content: text }, uuid, timestamp: ts };
      if (atLeast(this.era.v, [1, 0, 60])) core.thinkingMetadata = { level: 'none', disabled: false, triggers: [] };
    }
    this.write(th, this.envelope(th, core));
    th.parentUuid = uuid;
  }

  /** Runs turns until the byte budget is spent (bulk sessions). */
  fillBudget(maxTurns = 400): void {
    const budget = this.spec.budgetBytes ?? 0;
    let n = 0;
    while (this.bytesWritten < budget && n < maxTurns) {
      this.turn();
      n++;
    }
  }

  // ---------------------------------------------------------------- special rows

  /** compact_boundary system row (parentUuid null + logicalParentUuid) and the isCompactSummary user row. */
  compact(): void {
    const { rng } = this;
    const th = this.main;
    const pre = th.cachedPrefix + th.pending;
    const boundary = this.systemRow(
      th,
      { logicalParentUuid: th.parentUuid, subtype: 'compact_boundary', content: 'Conversation compacted', isMeta: false, level: 'info', compactMetadata: { trigger: 'auto', preTokens: pre } },
      null,
    );
    void boundary;
    this.advance(th, rng.int(20_000, 90_000));
    this.userPrompt(th, 'This session is being continued from a previous conversation that ran out of context. The conversation is summarized below:\n' + slicePool(textPools().prose, rng, Math.round(rng.int(800, 2_500) * (this.spec.textScale ?? 1))), {
      isVisibleInTranscriptOnly: true,
      isCompactSummary: true,
    });
    // After compaction the prompt is the system prompt + the summary, written to cache afresh.
    th.cachedPrefix = systemPromptTokensAt(th.clock, rng);
    th.pending = rng.int(2_000, 9_000);
    this.gen.truth.edge('compactBoundaries');
  }

  /** A synthetic rate-limit row (model "<synthetic>", no requestId, zero usage) in the era's wording. */
  rateLimit(limitType: 'five_hour' | 'seven_day', resetsAtMs: number): void {
    const era = this.era;
    const style = era.limitStyle;
    const when = (ms: number, long: boolean): string => {
      const time = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', minute: '2-digit', hour12: true })
        .format(new Date(ms))
        .replace(':00', '')
        .replace(' AM', 'am')
        .replace(' PM', 'pm');
      if (!long) return time;
      const day = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', month: 'short', day: 'numeric' }).format(new Date(ms));
      return `${day}, ${time}`;
    };
    const long = resetsAtMs - this.main.clock >= 24 * HOUR;
    let text: string;
    const reset: number | null = resetsAtMs;
    switch (style) {
      case 'legacy-epoch':
        text = `Claude AI usage limit reached|${Math.floor(resetsAtMs / 1000)}`;
        break;
      case 'v1-bullet':
        text = limitType === 'five_hour' ? `5-hour limit reached \u2219 resets ${when(resetsAtMs, long)}` : `Weekly limit reached \u2219 resets ${when(resetsAtMs, long)}`;
        break;
      case 'v1-session':
        text = limitType === 'five_hour' ? `Session limit reached \u2219 resets ${when(resetsAtMs, long)}` : `Weekly limit reached \u2219 resets ${when(resetsAtMs, long)}`;
        break;
      default:
        text = `You've hit your ${limitType === 'five_hour' ? 'session' : 'weekly'} limit \u00b7 resets ${when(resetsAtMs, long)} (America/New_York)`;
    }
    const extra: Json = {};
    if (style === 'v21') {
      extra.error = 'rate_limit';
      extra.isApiErrorMessage = true;
      extra.apiErrorStatus = 429;
      extra.quotaLimits = { status: 'rejected', resetsAt: Math.floor(resetsAtMs / 1000), rateLimitType: limitType, overageStatus: 'rejected', overageDisabledReason: 'org_level_disabled' };
    } else if (style === 'v2') {
      extra.error = 'rate_limit';
      extra.isApiErrorMessage = true;
    } else {
      extra.isApiErrorMessage = true;
    }
    this.syntheticRow(text, extra);
    this.gen.truth.limits.push({ sessionId: this.sessionId, timestamp: this.iso(this.main.clock), limitType, resetsAtMs: reset, text, style });
    this.gen.truth.edge(`rateLimit:${style}`);
    this.gen.truth.ccusage('syntheticRows');
  }

  /** A non-limit API error row (isApiErrorMessage true) or a non-error synthetic row. */
  apiError(kind: 'overloaded' | 'no-response'): void {
    if (kind === 'overloaded') {
      const extra: Json = { error: 'overloaded', isApiErrorMessage: true };
      if (this.era.has21Rows) extra.apiErrorStatus = 529;
      this.syntheticRow('API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', extra);
      this.gen.truth.edge('apiErrorRowsNonLimit');
    } else {
      this.syntheticRow('No response requested.', { isApiErrorMessage: false });
      this.gen.truth.edge('syntheticNonErrorRows');
    }
    this.gen.truth.ccusage('syntheticRows');
  }

  private syntheticRow(text: string, extra: Json): void {
    const th = this.main;
    const { rng } = this;
    this.advance(th, rng.int(500, 4_000));
    const uuid = rng.uuid();
    const modern = this.era.has21Rows;
    const usage: Json = modern
      ? {
          input_tokens: 0,
          output_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
          service_tier: null,
          cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
          inference_geo: null,
          iterations: null,
          speed: null,
        }
      : { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, server_tool_use: { web_search_requests: 0 }, service_tier: null };
    const message: Json = modern
      ? { diagnostics: null, id: rng.uuid(), container: null, model: '<synthetic>', role: 'assistant', stop_details: null, stop_reason: 'stop_sequence', stop_sequence: '', type: 'message', usage, content: [{ type: 'text', text }], context_management: null }
      : { id: rng.uuid(), model: '<synthetic>', role: 'assistant', stop_reason: 'stop_sequence', stop_sequence: '', type: 'message', usage, content: [{ type: 'text', text }] };
    this.write(th, this.envelope(th, { type: 'assistant', uuid, timestamp: this.iso(th.clock), message, ...extra }));
    th.parentUuid = uuid;
    this.gen.out.assistantLines++;
    this.gen.truth.edge('syntheticRows');
  }

  /** A 2.1.x system api_error row (retry notice). */
  apiErrorSystemRow(): void {
    const th = this.main;
    this.systemRow(th, {
      subtype: 'api_error',
      level: 'error',
      error: { status: 529, error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
      retryInMs: 1_000 * this.rng.int(1, 8),
      retryAttempt: 1,
      maxRetries: 10,
    });
    this.gen.truth.edge('apiErrorSystemRows');
  }

  /** The 2.1.330 cost-state row: session-cumulative, last-wins, never to be summed. */
  costState(price: (model: string, t: Tokens) => number): void {
    const th = this.main;
    const modelUsage: Json = {};
    let total = 0;
    for (const [model, t] of Object.entries(this.modelUsage)) {
      const cost = price(model, t);
      total += cost;
      modelUsage[model] = {
        inputTokens: t.input,
        outputTokens: t.output,
        thinkingTokens: 0,
        cacheReadInputTokens: t.cr,
        cacheCreationInputTokens: t.cc,
        cacheCreationEphemeral5mInputTokens: t.cc - t.cc1h,
        cacheCreationEphemeral1hInputTokens: t.cc1h,
        webSearchRequests: t.web,
        costUSD: Math.round(cost * 1e6) / 1e6,
      };
    }
    this.write(th, {
      type: 'cost-state',
      sessionId: this.sessionId,
      totalCostUSD: Math.round(total * 1e6) / 1e6,
      totalAPIDuration: this.rng.int(60_000, 900_000),
      totalAPIDurationWithoutRetries: this.rng.int(60_000, 900_000),
      totalToolDuration: this.rng.int(5_000, 300_000),
      totalLinesAdded: this.rng.int(0, 800),
      totalLinesRemoved: this.rng.int(0, 300),
      totalDuration: th.clock - this.spec.start,
      startTime: this.spec.start,
      modelUsage,
      hasUnknownModelCost: Object.keys(this.modelUsage).some((m) => m.includes('unknown')),
    });
    this.gen.truth.edge('costStateRows');
  }

  /** A line cut short by an interrupted write, then the complete row (the session goes on). */
  malformedLine(): void {
    const th = this.main;
    const row = this.envelope(th, { type: 'system', subtype: 'turn_duration', durationMs: 1234, messageCount: 3, timestamp: this.iso(th.clock), uuid: this.rng.uuid(), isMeta: false });
    const text = JSON.stringify(row);
    th.sink.raw(text.slice(0, Math.floor(text.length * 0.6)) + '\n', 1);
    this.gen.truth.edge('malformedLines');
  }

  /**
   * An unclean shutdown: a two-block response whose second line is cut off with no newline.
   * The first line carries the final usage (≥2.1.97), so the response still counts once.
   */
  truncatedLastResponse(): void {
    const th = this.main;
    if (!this.era.finalOnAllBlocks) throw new Error('corpus generator bug: truncated response needs a ≥2.1.97 era');
    const before = th.sink;
    const captured: string[] = [];
    // Write the response to a capture sink, then copy all but the tail of the last line.
    const capture = { line: (s: string) => captured.push(s) } as unknown as FileSink;
    th.sink = capture;
    const wasRecording = this.spec.recordForFork;
    this.spec.recordForFork = false;
    const assistantBefore = this.gen.out.assistantLines;
    this.apiCallForced(th);
    this.spec.recordForFork = wasRecording;
    th.sink = before;
    if (captured.length < 2) throw new Error('corpus generator bug: truncated response needs two blocks');
    for (let i = 0; i < captured.length - 1; i++) before.line(captured[i]);
    const last = captured[captured.length - 1];
    before.raw(last.slice(0, Math.floor(last.length * 0.45)), 1);
    this.gen.out.assistantLines = assistantBefore + captured.length - 1;
    this.gen.truth.edge('truncatedLastLines');
  }

  private apiCallForced(th: Thread): void {
    // thinking + tool_use: always at least two blocks; the crash comes before the tool result.
    this.apiCall(th, { tools: ['TodoWrite'], final: false, forceThinking: true });
  }

  // ---------------------------------------------------------------- /btw replays (2.1.x)

  /**
   * A /btw side question: a subagents/ file that replays recent parent responses (same
   * message.id, new requestId, isSidechain true, larger usage), then answers once (billable).
   */
  btw(): void {
    const { rng } = this;
    const parent = this.main;
    const agentId = 'a' + rng.hex(16);
    const sink = this.openSink(`${this.project.dir}/${this.sessionId}/subagents/agent-${agentId}.jsonl`);
    const th = new Thread(this, sink, parent.model, parent.clock + rng.int(2_000, 20_000));
    th.isSidechain = true;
    th.agentId = agentId;
    for (const r of parent.recent) {
      const requestId = rng.requestId();
      const replayTokens: Tokens = { ...r.tokens, input: r.tokens.input + 3, cr: r.tokens.cr + r.tokens.cc, cc: 0, cc1h: 0 };
      for (const block of r.blocks) {
        const usage = this.usageObject(replayTokens, r.tokens.output, 'standard', this.defaultGeo(parent.model));
        const message = this.messageObject(parent.model, r.messageId, block, 'end_turn', usage);
        const uuid = rng.uuid();
        this.write(th, this.envelope(th, { message, requestId, type: 'assistant', uuid, timestamp: this.iso(th.clock) }));
        th.parentUuid = uuid;
        this.gen.out.assistantLines++;
        this.gen.truth.edge('btwReplayLines');
        this.gen.truth.ccusage('btwReplayLinesCountedByV18', 1);
        th.clock += rng.int(1, 30);
      }
    }
    th.cachedPrefix = parent.cachedPrefix;
    this.userPrompt(th, 'btw, ' + rng.pick(PROMPTS).toLowerCase() + '?');
    this.apiCall(th, { tools: [], final: true });
    parent.clock = Math.max(parent.clock, th.clock);
    this.gen.truth.edge('btwSessions');
  }

  // ---------------------------------------------------------------- forks and old-style resumes

  /**
   * Copies this session's rows up to a turn boundary into a new session file (new sessionId,
   * identical uuid/message.id/requestId/timestamp/usage), then continues there with new turns.
   * withForkedFrom: 2.1.x /fork and /branch; without: the 1.0.72–2.0.31 `--resume` copies.
   */
  fork(at: number, start: number, era: Era, withForkedFrom: boolean, newTurns: number, budgetBytes?: number): Session {
    if (!this.spec.recordForFork) throw new Error('corpus generator bug: fork of an unrecorded session');
    const point = this.forkPoints[Math.max(1, Math.min(at, this.forkPoints.length - 1))];
    const child = new Session(this.gen, {
      ...this.spec,
      start,
      era,
      sessionId: undefined,
      recordForFork: false,
      budgetBytes,
      initialContext: undefined,
      leadingSummary: false,
    });
    let copied = 0;
    const oldSid = `"sessionId":"${this.sessionId}"`;
    const newSid = `"sessionId":"${child.sessionId}"`;
    for (let i = 0; i < point.rowIndex; i++) {
      const row = this.rows[i];
      if (row.uuid === null || !row.hasSessionId) continue;
      // Same row, new sessionId in place (Claude Code spreads the row: key order is kept),
      // fork metadata appended at the end. Main-file rows of these eras are not sidechains.
      const at = row.text.indexOf(oldSid);
      if (at < 0) throw new Error('corpus generator bug: recorded row without its sessionId');
      let copy = row.text.slice(0, at) + newSid + row.text.slice(at + oldSid.length);
      if (withForkedFrom) {
        copy = `${copy.slice(0, -1)},"requestSessionId":"${this.sessionId}","forkedFrom":{"sessionId":"${this.sessionId}","messageUuid":"${row.uuid}"}}`;
      }
      child.main.sink.line(copy);
      if (row.assistant) {
        this.gen.out.assistantLines++;
        if (!row.synthetic) {
          copied++;
          this.gen.truth.ccusage('forkCopiedAssistantLines');
        }
      }
    }
    this.gen.truth.edge(withForkedFrom ? 'forkFiles' : 'resumeCopyFiles');
    this.gen.truth.edge('forkCopiedAssistantLines', copied);
    child.main.parentUuid = point.parentUuid;
    child.main.cachedPrefix = point.cachedPrefix;
    child.main.calls = 1;
    child.main.coldCache = start - point.clock > HOUR;
    child.turns = 1;
    child.titleWritten = true;
    for (let i = 0; i < newTurns; i++) child.turn();
    return child;
  }

  /** The latest turn boundary (≥1) whose copied prefix fits in maxBytes, or -1. */
  forkPointWithin(maxBytes: number): number {
    let best = -1;
    for (let i = 1; i < this.forkPoints.length; i++) {
      let bytes = 0;
      for (let r = 0; r < this.forkPoints[i].rowIndex; r++) bytes += this.rows[r].text.length + 150;
      if (bytes <= maxBytes) best = i;
      else break;
    }
    return best;
  }

  get turnCount(): number {
    return this.turns;
  }

  /** Moves the session clock forward (idle time between scripted events). */
  idle(ms: number): void {
    this.advance(this.main, ms);
  }
}

