// `claude-costs report daily|weekly|monthly|session|blocks`: the data (JSON shaped like ccusage's, so
// scripts can switch over) and an aligned text table. Figures come from the same aggregation as
// llm_costs_query (aggregateGroups), so a report and a query over the same days agree exactly.
import { loadProjects } from './projects';
import type { Metrics } from '../types';
import { selectAll } from '../store/sqljs';
import type { Database } from '../store/sqljs';
import { activeBlock, burnRate, isBlockActive, loadBlocks, projectBlock } from '../limits/blocks';
import { addMetrics, emptyMetrics, roundCost } from './metrics';
import { aggregateGroups, storeBounds } from './run';
import type { QueryFilter } from './run';
import {
  dayNumberToKey, isValidTimeZone, localDayNumber, parseDayKey, startOfLocalDay, wallClock, zonedDayStart,
} from './windows';

export type ReportKind = 'daily' | 'weekly' | 'monthly' | 'session' | 'blocks';
export const REPORT_KINDS: readonly ReportKind[] = ['daily', 'weekly', 'monthly', 'session', 'blocks'];

/** A bad report option; the message names it. The CLI maps it to exit code 2. */
export class ReportParamError extends Error {
  constructor(public readonly param: string, message: string) {
    super(`${param}: ${message}`);
    this.name = 'ReportParamError';
  }
}

export interface ReportOptions {
  /** First local day, inclusive: "YYYY-MM-DD" or "YYYYMMDD". Default: the earliest stored request. */
  sinceDay?: string;
  /** Last local day, inclusive. Default: today. */
  untilDay?: string;
  tz: string;
  nowMs: number;
}

export interface TokenFigures {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  /** USD, rounded to 1e-6. */
  totalCost: number;
}

export interface ModelBreakdown {
  modelName: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  cost: number;
}

export interface PeriodRow extends TokenFigures {
  /** daily: the local day; weekly: the Monday that starts the week; monthly: "YYYY-MM". */
  date?: string;
  week?: string;
  month?: string;
  modelsUsed: string[];
  modelBreakdowns: ModelBreakdown[];
}

export interface SessionRow extends TokenFigures {
  sessionId: string;
  title: string | null;
  /** Canonical project name. */
  projectPath: string;
  firstActivity: string;
  lastActivity: string;
  modelsUsed: string[];
  modelBreakdowns: ModelBreakdown[];
}

export interface BlockRow {
  id: string;
  startTime: string;
  endTime: string;
  actualEndTime: string | null;
  isActive: boolean;
  isGap: boolean;
  entries: number;
  tokenCounts: { inputTokens: number; outputTokens: number; cacheCreationInputTokens: number; cacheReadInputTokens: number };
  totalTokens: number;
  costUSD: number;
  models: string[];
  burnRate: { tokensPerMinute: number; tokensPerMinuteForIndicator: number; costPerHour: number } | null;
  projection: { totalTokens: number; totalCost: number; remainingMinutes: number } | null;
}

interface ReportMeta { tz: string; since: string | null; until: string | null }
export interface PeriodReport extends ReportMeta {
  kind: 'daily' | 'weekly' | 'monthly';
  daily?: PeriodRow[];
  weekly?: PeriodRow[];
  monthly?: PeriodRow[];
  totals: TokenFigures;
}
export interface SessionReport extends ReportMeta { kind: 'session'; sessions: SessionRow[]; totals: TokenFigures }
export interface BlocksReport extends ReportMeta { kind: 'blocks'; blocks: BlockRow[]; totals: TokenFigures }
export type ReportData = PeriodReport | SessionReport | BlocksReport;

function figures(m: Metrics): TokenFigures {
  return {
    requests: m.requests,
    inputTokens: m.input_tokens,
    outputTokens: m.output_tokens,
    cacheCreationTokens: m.cache_creation_tokens,
    cacheReadTokens: m.cache_read_tokens,
    totalTokens: m.total_tokens,
    totalCost: roundCost(m.cost_usd),
  };
}

function parseReportDay(param: string, v: string | undefined): number | null {
  if (v === undefined || v === null || v === '') return null;
  const s = /^\d{8}$/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6)}` : v;
  const d = parseDayKey(s);
  if (d == null) throw new ReportParamError(param, `must be a date YYYY-MM-DD or YYYYMMDD (got ${JSON.stringify(String(v).slice(0, 40))})`);
  return d;
}

/** The report's time range: [start of since, start of the day after until) in tz. */
function reportRange(db: Database, opts: ReportOptions): { startMs: number; endMs: number; since: string | null; until: string | null } {
  if (!isValidTimeZone(opts.tz)) throw new ReportParamError('--tz', `must be an IANA time zone (got ${JSON.stringify(String(opts.tz).slice(0, 40))})`);
  const sinceDay = parseReportDay('--since', opts.sinceDay);
  const untilDay = parseReportDay('--until', opts.untilDay);
  let startMs: number;
  if (sinceDay != null) startMs = startOfLocalDay(sinceDay, opts.tz);
  else {
    const { earliestMs } = storeBounds(db);
    startMs = earliestMs == null ? 0 : zonedDayStart(earliestMs, opts.tz);
  }
  let endMs: number;
  if (untilDay != null) endMs = startOfLocalDay(untilDay + 1, opts.tz);
  else {
    // Through today, or through the latest stored request when it lies ahead of the clock.
    const { latestMs } = storeBounds(db);
    const lastDay = Math.max(localDayNumber(opts.nowMs, opts.tz), latestMs == null ? -Infinity : localDayNumber(latestMs, opts.tz));
    endMs = startOfLocalDay(lastDay + 1, opts.tz);
  }
  if (sinceDay != null && untilDay != null && sinceDay > untilDay) throw new ReportParamError('--since', 'must not be after --until');
  return {
    startMs, endMs,
    since: sinceDay == null ? null : dayNumberToKey(sinceDay),
    until: untilDay == null ? null : dayNumberToKey(untilDay),
  };
}

/** Per-key accumulation of metrics with a per-model breakdown. */
class Accumulator {
  readonly metrics: Metrics;
  readonly byModel = new Map<string, Metrics>();
  constructor(empty: Metrics) { this.metrics = empty; }
}

const zero = emptyMetrics;
const add = (into: Metrics, m: Metrics): void => { addMetrics(into, m); };

function accumulate(rows: { keys: string[]; metrics: Metrics }[], keyOf: (k: string) => string): Map<string, Accumulator> {
  const out = new Map<string, Accumulator>();
  for (const r of rows) {
    const key = keyOf(r.keys[0]);
    let acc = out.get(key);
    if (!acc) out.set(key, (acc = new Accumulator(zero())));
    add(acc.metrics, r.metrics);
    const model = r.keys[1];
    let mm = acc.byModel.get(model);
    if (!mm) acc.byModel.set(model, (mm = zero()));
    add(mm, r.metrics);
  }
  return out;
}

function breakdowns(acc: Accumulator): { modelsUsed: string[]; modelBreakdowns: ModelBreakdown[] } {
  const list = [...acc.byModel.entries()].sort((a, b) => b[1].cost_usd - a[1].cost_usd || (a[0] < b[0] ? -1 : 1));
  return {
    modelsUsed: list.map(([name]) => name).sort(),
    modelBreakdowns: list.map(([modelName, m]) => ({
      modelName, requests: m.requests, inputTokens: m.input_tokens, outputTokens: m.output_tokens,
      cacheCreationTokens: m.cache_creation_tokens, cacheReadTokens: m.cache_read_tokens, cost: roundCost(m.cost_usd),
    })),
  };
}

/** Monday of the week of a "YYYY-MM-DD" day (weeks start on Monday, like the this_week window). */
function weekKey(dayKey: string): string {
  const d = parseDayKey(dayKey)!;
  const weekday = (((d + 3) % 7) + 7) % 7; // 0 = Monday
  return dayNumberToKey(d - weekday);
}

function totalsOf(list: Iterable<Metrics>): Metrics {
  const t = zero();
  for (const m of list) add(t, m);
  return t;
}

/** Builds a report from the store. Throws ReportParamError for a bad --since/--until/--tz. */
export function buildReport(db: Database, kind: ReportKind, opts: ReportOptions): ReportData {
  if (!REPORT_KINDS.includes(kind)) throw new ReportParamError('kind', `must be one of ${REPORT_KINDS.join(', ')}`);
  const range = reportRange(db, opts);
  const meta: ReportMeta = { tz: opts.tz, since: range.since, until: range.until };
  const filter: QueryFilter = { source: 'all', project: null, models: null, executionMode: null, tz: opts.tz };

  if (kind === 'daily' || kind === 'weekly' || kind === 'monthly') {
    const rows = aggregateGroups(db, filter, range.startMs, range.endMs, ['day', 'model']);
    const keyOf = kind === 'daily' ? (k: string) => k : kind === 'weekly' ? weekKey : (k: string) => k.slice(0, 7);
    const acc = accumulate(rows, keyOf);
    const field = kind === 'daily' ? 'date' : kind === 'weekly' ? 'week' : 'month';
    const list: PeriodRow[] = [...acc.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([key, a]) => ({ [field]: key, ...figures(a.metrics), ...breakdowns(a) }));
    const totals = figures(totalsOf([...acc.values()].map((a) => a.metrics)));
    return { kind, ...meta, [kind]: list, totals } as PeriodReport;
  }

  if (kind === 'session') {
    const rows = aggregateGroups(db, filter, range.startMs, range.endMs, ['session', 'model']);
    const acc = accumulate(rows, (k) => k);
    const info = new Map<string, { title: string | null; project: string; first: number; last: number }>();
    const projectNames = new Map(loadProjects(db).map((p) => [p.id, p.name]));
    for (const r of selectAll<{ k: string; t: string | null; p: number | null; lo: number; hi: number }>(db,
      `SELECT s.session_key AS k, s.title AS t, s.project_id AS p, MIN(r.ts) AS lo, MAX(r.ts) AS hi
       FROM requests r JOIN sessions s ON s.id = r.session_id
       WHERE r.ts >= ? AND r.ts < ? GROUP BY r.session_id`, [range.startMs, range.endMs])) {
      info.set(String(r.k), { title: r.t == null ? null : String(r.t), project: r.p == null ? '' : projectNames.get(Number(r.p)) ?? '', first: r.lo, last: r.hi });
    }
    const sessions: SessionRow[] = [...acc.entries()]
      .sort((a, b) => b[1].metrics.cost_usd - a[1].metrics.cost_usd || (a[0] < b[0] ? -1 : 1))
      .map(([key, a]) => {
        const i = info.get(key);
        return {
          sessionId: key,
          title: i?.title ?? null,
          projectPath: i?.project ?? '',
          firstActivity: i ? new Date(i.first).toISOString() : '',
          lastActivity: i ? new Date(i.last).toISOString() : '',
          ...figures(a.metrics),
          ...breakdowns(a),
        };
      });
    return { kind, ...meta, sessions, totals: figures(totalsOf([...acc.values()].map((a) => a.metrics))) };
  }

  // blocks
  const blocks = loadBlocks(db, { sinceMs: range.startMs, untilMs: range.endMs, includeGaps: true });
  const active = activeBlock(blocks, opts.nowMs);
  const rows: BlockRow[] = blocks.map((b) => {
    const isActive = isBlockActive(b, opts.nowMs);
    let burn: BlockRow['burnRate'] = null;
    let projection: BlockRow['projection'] = null;
    if (isActive && b === active) {
      const rate = burnRate(db, opts.nowMs, b);
      if (rate) {
        burn = {
          tokensPerMinute: rate.tokensPerMinute,
          tokensPerMinuteForIndicator: rate.inputOutputTokensPerMinute,
          costPerHour: roundCost(rate.costPerHour),
        };
      }
      const p = projectBlock(b, rate, opts.nowMs);
      projection = { totalTokens: p.projectedTokens, totalCost: roundCost(p.projectedCostUsd), remainingMinutes: Math.round(p.remainingMinutes) };
    }
    const start = new Date(b.startMs).toISOString();
    return {
      id: b.isGap ? `gap-${start}` : start,
      startTime: start,
      endTime: new Date(b.endMs).toISOString(),
      actualEndTime: b.isGap ? null : new Date(b.actualEndMs).toISOString(),
      isActive,
      isGap: b.isGap,
      entries: b.requests,
      tokenCounts: {
        inputTokens: b.inputTokens, outputTokens: b.outputTokens,
        cacheCreationInputTokens: b.cacheCreationTokens, cacheReadInputTokens: b.cacheReadTokens,
      },
      totalTokens: b.totalTokens,
      costUSD: roundCost(b.costUsd),
      models: b.models,
      burnRate: burn,
      projection,
    };
  });
  const real = blocks.filter((b) => !b.isGap);
  const totals: TokenFigures = {
    requests: real.reduce((s, b) => s + b.requests, 0),
    inputTokens: real.reduce((s, b) => s + b.inputTokens, 0),
    outputTokens: real.reduce((s, b) => s + b.outputTokens, 0),
    cacheCreationTokens: real.reduce((s, b) => s + b.cacheCreationTokens, 0),
    cacheReadTokens: real.reduce((s, b) => s + b.cacheReadTokens, 0),
    totalTokens: real.reduce((s, b) => s + b.totalTokens, 0),
    totalCost: roundCost(real.reduce((s, b) => s + b.costUsd, 0)),
  };
  return { kind: 'blocks', ...meta, blocks: rows, totals };
}

// ---- text rendering ----

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const usdFmt = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const num = (n: number) => intFmt.format(n);
const usd = (n: number) => `$${usdFmt.format(n)}`;

/** "claude-sonnet-4-5-20250929" → "sonnet-4-5" (the table only; JSON keeps ids as written). */
export function shortModelName(id: string): string {
  return id.replace(/^claude-/, '').replace(/-\d{8}$/, '');
}

function localStamp(iso: string, tz: string): string {
  const w = wallClock(Date.parse(iso), tz);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}`;
}

function duration(ms: number): string {
  const mins = Math.max(0, Math.round(ms / 60_000));
  return `${Math.floor(mins / 60)}h ${String(mins % 60).padStart(2, '0')}m`;
}

/** Renders rows as aligned columns; `right` marks right-aligned (numeric) columns. */
function table(header: string[], right: boolean[], body: string[][], footer: string[] | null): string {
  const all = footer ? [header, ...body, footer] : [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const out = [line(header), rule, ...body.map(line)];
  if (footer) out.push(rule, line(footer));
  return out.join('\n');
}

const TOKEN_HEADERS = ['Input', 'Output', 'Cache Create', 'Cache Read', 'Total Tokens', 'Cost (USD)'];
const tokenCells = (f: TokenFigures) => [
  num(f.inputTokens), num(f.outputTokens), num(f.cacheCreationTokens), num(f.cacheReadTokens), num(f.totalTokens), usd(f.totalCost),
];
const models = (list: string[]) => [...new Set(list.map(shortModelName))].join(', ');

/** The report as an aligned text table with a totals row, numbers with thousands separators. */
export function renderReportTable(data: ReportData): string {
  const title = `${data.kind} report · ${data.tz}${data.since || data.until ? ` · ${data.since ?? '…'} to ${data.until ?? 'today'}` : ''}`;
  if (data.kind !== 'session' && data.kind !== 'blocks') {
    const rows = data.daily ?? data.weekly ?? data.monthly ?? [];
    if (rows.length === 0) return `${title}\nNo usage in this range.`;
    const first = data.kind === 'daily' ? 'Date' : data.kind === 'weekly' ? 'Week' : 'Month';
    const body = rows.map((r) => [r.date ?? r.week ?? r.month ?? '', models(r.modelsUsed), ...tokenCells(r)]);
    return `${title}\n${table([first, 'Models', ...TOKEN_HEADERS], [false, false, true, true, true, true, true, true], body,
      ['Total', '', ...tokenCells(data.totals)])}`;
  }
  if (data.kind === 'session') {
    if (data.sessions.length === 0) return `${title}\nNo usage in this range.`;
    const body = data.sessions.map((s) => [
      s.title ? `${s.title.slice(0, 40)} (${s.sessionId.slice(0, 8)})` : s.sessionId, s.projectPath, models(s.modelsUsed),
      ...tokenCells(s), localStamp(s.lastActivity, data.tz),
    ]);
    return `${title}\n${table(['Session', 'Project', 'Models', ...TOKEN_HEADERS, 'Last Activity'],
      [false, false, false, true, true, true, true, true, true, false], body,
      ['Total', '', '', ...tokenCells(data.totals), ''])}`;
  }
  if (data.blocks.length === 0) return `${title}\nNo usage in this range.`;
  const body: string[][] = [];
  for (const b of data.blocks) {
    if (b.isGap) {
      body.push([localStamp(b.startTime, data.tz), `(inactive ${duration(Date.parse(b.endTime) - Date.parse(b.startTime))})`, '', '', '', '']);
      continue;
    }
    const status = b.isActive ? 'ACTIVE' : duration(Date.parse(b.actualEndTime!) - Date.parse(b.startTime));
    body.push([localStamp(b.startTime, data.tz), status, models(b.models), num(b.entries), num(b.totalTokens), usd(b.costUSD)]);
    if (b.isActive && b.projection) {
      body.push(['', `REMAINING ${duration(b.projection.remainingMinutes * 60_000)}`, '', '', '', '']);
      body.push(['', 'PROJECTED', '', '', num(b.projection.totalTokens), usd(b.projection.totalCost)]);
    }
  }
  return `${title}\n${table(['Block Start', 'Duration/Status', 'Models', 'Requests', 'Total Tokens', 'Cost (USD)'],
    [false, false, false, true, true, true], body,
    ['Total', '', '', num(data.totals.requests), num(data.totals.totalTokens), usd(data.totals.totalCost)])}`;
}
