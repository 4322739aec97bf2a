// claude-costs: the headless CLI over the same core as the extension (design.md "CLI").
// Arguments are parsed by node:util parseArgs against one option table; each command lists the options
// it takes and runs from the COMMANDS table, so a new command is one entry.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs as parseNodeArgs } from 'node:util';
import { Engine, defaultCliDbPath } from './core/engine';
import type { ScanSummary } from './core/engine-api';
import { QueryParamError } from './core/query/types';
import { parseParamsJson } from './core/query/paramsJson';
import { buildReport, renderReportTable, REPORT_KINDS, type ReportKind } from './core/query/report';
import { anomalyReportOptions, clipAnomalies, renderAnomalyTable } from './core/query/anomalies';
import { validatePriceOverrides } from './core/pricing';
import { DEFAULT_PLAN_PRICES, PLAN_SETTINGS, detectPlanOffline, type PlanSetting } from './core/limits/plan';
import { computePlanValue, describePlanValue, resolvePlan } from './core/query/planValue';
import type { Logger } from './core/types';
import { runWatch } from './cli-watch';

/** A problem with what the user typed: printed as one line, exit code 2. */
export class UsageError extends Error {}

interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Placeholder of the value in the usage text. */
  value?: string;
  help: string;
}

/** Every option of every command; which command takes which is in COMMANDS. */
const OPTIONS = {
  'config-dir': { type: 'string', multiple: true, value: 'DIR', help: 'Claude Code config folder to read (repeatable; replaces discovery)' },
  'api-log': { type: 'string', multiple: true, value: 'PATH_OR_GLOB', help: 'your own API-call logs (repeatable; see docs/api-logs.md)' },
  db: { type: 'string', value: 'FILE', help: 'the database (default under $XDG_DATA_HOME/claude-code-costs)' },
  'price-overrides': { type: 'string', value: 'FILE', help: 'JSON map model → rates per 1M tokens' },
  params: { type: 'string', value: 'JSON', help: 'llm_costs_query params as a JSON object' },
  now: { type: 'string', value: 'ISO', help: 'pin the clock (reproducible output)' },
  since: { type: 'string', value: 'YYYY-MM-DD', help: 'first day of a report' },
  until: { type: 'string', value: 'YYYY-MM-DD', help: 'last day of a report' },
  tz: { type: 'string', value: 'ZONE', help: 'IANA time zone of a report\'s days' },
  month: { type: 'string', value: 'YYYY-MM', help: 'month of `report value` (default: this month)' },
  plan: { type: 'string', value: 'NAME', help: `plan of \`report value\`: ${PLAN_SETTINGS.join('|')} (default auto: detected)` },
  json: { type: 'boolean', help: 'machine-readable output' },
  'no-scan': { type: 'boolean', help: 'answer from the database without reading new transcript lines' },
  verbose: { type: 'boolean', help: 'log what the engine does to stderr' },
  help: { type: 'boolean', short: 'h', help: 'this text' },
} as const satisfies Record<string, OptionSpec>;

type OptionName = keyof typeof OPTIONS;
const optionSpec = (name: OptionName): OptionSpec => OPTIONS[name];
type OptionValues = {
  [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean
    : (typeof OPTIONS)[K] extends { multiple: true } ? string[] : string;
};

export interface CliArgs {
  command: string;
  positional: string[];
  options: OptionValues;
  /** --now as epoch ms, when given. */
  now: number | null;
}

/** Options every engine command takes. */
const ENGINE_OPTIONS: readonly OptionName[] = ['config-dir', 'api-log', 'db', 'price-overrides', 'verbose'];

interface CommandContext {
  args: CliArgs;
  out: (s: string) => void;
  /** Opens the engine on the common options (closed by main when the command returns). */
  openEngine(): Promise<Engine>;
  /** --now, else the process clock. */
  now(): number;
}

interface CliCommand {
  /** What follows the command name in the usage text (positionals). */
  operands?: string;
  options: readonly OptionName[];
  run(ctx: CommandContext): Promise<void>;
}

function reportRunner(kind: ReportKind) {
  return async (ctx: CommandContext, engine: Engine): Promise<void> => {
    const { options } = ctx.args;
    const tz = options.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    const data = await engine.withDatabase((db) =>
      buildReport(db, kind, { sinceDay: options.since, untilDay: options.until, tz, nowMs: ctx.now() }),
    );
    ctx.out(options.json ? `${JSON.stringify(data, null, 2)}\n` : `${renderReportTable(data)}\n`);
  };
}

/** `report value`: the month's API-equivalent cost against the plan's list price, and what caching saved. */
async function reportValue(ctx: CommandContext, engine: Engine): Promise<void> {
  const { options } = ctx.args;
  const setting = (options.plan ?? 'auto') as PlanSetting;
  if (!PLAN_SETTINGS.includes(setting)) throw new UsageError(`--plan: expected one of ${PLAN_SETTINGS.join(', ')}`);
  const detected = setting === 'auto' ? detectPlanOffline({ configDirs: options['config-dir'] }) : null;
  const tz = options.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const value = await engine.withDatabase((db) =>
    computePlanValue(db, { month: options.month, tz, nowMs: ctx.now(), plan: resolvePlan(setting, detected, DEFAULT_PLAN_PRICES) }),
  );
  const text = `${describePlanValue(value)}\nPrompt caching in ${value.month}: reads saved $${value.cache_savings_usd.toFixed(2)}, ` +
    `writes cost $${value.cache_write_premium_usd.toFixed(2)} above plain input.`;
  ctx.out(`${options.json ? JSON.stringify(value, null, 2) : text}\n`);
}

/** `report anomalies`: unusual days (and sessions); --json prints the flagged days as an array. */
async function anomalyReport(ctx: CommandContext, engine: Engine): Promise<void> {
  const { options } = ctx.args;
  const opts = anomalyReportOptions({ tz: options.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone, since: options.since, until: options.until });
  const report = clipAnomalies(await engine.anomalies({ tz: opts.tz, since: opts.since }, ctx.now()), opts.until);
  ctx.out(options.json ? `${JSON.stringify(report.days, null, 2)}\n` : `${renderAnomalyTable(report)}\n`);
}

/** `report <kind>`: one runner per kind (a new report is one entry). */
const REPORTS: Record<string, (ctx: CommandContext, engine: Engine) => Promise<void>> = {
  ...Object.fromEntries(REPORT_KINDS.map((kind) => [kind, reportRunner(kind)])),
  value: reportValue,
  anomalies: anomalyReport,
};
/** Options only some reports take. */
const REPORT_ONLY_OPTIONS: Record<string, readonly string[]> = { month: ['value'], plan: ['value'], since: [...REPORT_KINDS, 'anomalies'], until: [...REPORT_KINDS, 'anomalies'] };

async function scannedEngine(ctx: CommandContext, always = false): Promise<{ engine: Engine; summary: ScanSummary | null }> {
  const engine = await ctx.openEngine();
  const summary = always || !ctx.args.options['no-scan'] ? await engine.scan() : null;
  return { engine, summary };
}

const COMMANDS: Record<string, CliCommand> = {
  scan: {
    options: [...ENGINE_OPTIONS, 'json'],
    async run(ctx) {
      const { summary } = await scannedEngine(ctx, true);
      ctx.out(`${ctx.args.options.json ? JSON.stringify(summary, null, 2) : formatScan(summary!)}\n`);
    },
  },
  query: {
    options: [...ENGINE_OPTIONS, 'params', 'now', 'no-scan'],
    async run(ctx) {
      const text = ctx.args.options.params;
      // Parsed before the engine opens, so a typo costs no scan.
      const params = text === undefined ? undefined : parseParamsJson(text, '--params');
      const { engine } = await scannedEngine(ctx);
      ctx.out(`${JSON.stringify(await engine.query(params, ctx.now()), null, 2)}\n`);
    },
  },
  status: {
    options: [...ENGINE_OPTIONS, 'now', 'json', 'no-scan'],
    async run(ctx) {
      const { engine } = await scannedEngine(ctx);
      // Same inputs as the chip, less the statusline capture (it lives in VS Code's storage).
      engine.setStatusOptions({ detectedPlan: detectPlanOffline({ configDirs: ctx.args.options['config-dir'] }) });
      const status = await engine.status(ctx.now());
      ctx.out(ctx.args.options.json ? `${JSON.stringify(status, null, 2)}\n` : `${(await import('./core/limits/chip')).renderStatusText(status)}\n`);
    },
  },
  watch: {
    options: [...ENGINE_OPTIONS, 'json', 'now'],
    async run(ctx) {
      // Long-running: one line per change (src/cli-watch.ts); SIGINT/SIGTERM end it and main's finally saves.
      const engine = await ctx.openEngine();
      engine.setStatusOptions({ detectedPlan: detectPlanOffline({ configDirs: ctx.args.options['config-dir'] }) });
      const stop = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await runWatch({ engine, json: ctx.args.options.json ?? false, nowMs: ctx.args.now, out: ctx.out, stop });
    },
  },
  report: {
    operands: Object.keys(REPORTS).join('|'),
    options: [...ENGINE_OPTIONS, 'json', 'since', 'until', 'tz', 'now', 'no-scan', 'month', 'plan'],
    async run(ctx) {
      const kind = ctx.args.positional[0];
      const runReport = kind === undefined ? undefined : REPORTS[kind];
      if (!runReport || ctx.args.positional.length > 1) throw new UsageError(`report: expected one of ${Object.keys(REPORTS).join(', ')}`);
      for (const [name, kinds] of Object.entries(REPORT_ONLY_OPTIONS)) {
        if (ctx.args.options[name as OptionName] !== undefined && !kinds.includes(kind as never)) throw new UsageError(`report ${kind}: --${name} does not apply`);
      }
      const { engine } = await scannedEngine(ctx);
      await runReport(ctx, engine);
    },
  },
};

function usageText(): string {
  const lines = ['Usage:'];
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  for (const [name, cmd] of Object.entries(COMMANDS)) {
    const opts = cmd.options.filter((o) => o !== 'verbose').map((o) => {
      const spec = optionSpec(o);
      return `[--${o}${spec.value ? ` ${spec.value}` : ''}]${spec.multiple ? '...' : ''}`;
    });
    lines.push(`  claude-costs ${name.padEnd(width)} ${cmd.operands ? `${cmd.operands} ` : ''}${opts.join(' ')}`);
  }
  lines.push('Options:');
  const rows = (Object.keys(OPTIONS) as OptionName[]).map((name) => {
    const s = optionSpec(name);
    return [`${s.short ? `-${s.short}, ` : ''}--${name}${s.value ? ` ${s.value}` : ''}`, s.help];
  });
  const left = Math.max(...rows.map(([l]) => l.length));
  for (const [l, help] of rows) lines.push(`  ${l.padEnd(left)}  ${help}`);
  return lines.join('\n');
}

/** The command line as typed → command, positionals, options. Bad input → UsageError (one line). */
export function parseArgs(argv: string[]): CliArgs {
  let parsed: ReturnType<typeof parseNodeArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; tokens: true; strict: true }>>;
  try {
    parsed = parseNodeArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    // node's messages are good but some run on with a hint over several lines: keep the first.
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  const options = parsed.values as OptionValues;
  const [command = '', ...positional] = parsed.positionals;
  if (options.help) return { command: 'help', positional: [], options, now: null };

  // A single-valued option given twice would silently keep the last value.
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name) && !optionSpec(token.name as OptionName).multiple) throw new UsageError(`--${token.name} given more than once`);
    seen.add(token.name);
  }
  const spec = COMMANDS[command];
  if (spec) {
    for (const name of seen) {
      if (!spec.options.includes(name as OptionName)) throw new UsageError(`${command}: --${name} does not apply (see --help)`);
    }
  }
  let now: number | null = null;
  if (options.now !== undefined) {
    now = Date.parse(options.now);
    if (!Number.isFinite(now)) throw new UsageError(`--now: not an ISO date-time: ${options.now}`);
  }
  return { command, positional, options, now };
}

function stderrLogger(verbose: boolean): Logger {
  return {
    info: (m) => { if (verbose) process.stderr.write(`${m}\n`); },
    warn: (m) => { if (verbose) process.stderr.write(`warning: ${m}\n`); },
    error: (m) => process.stderr.write(`error: ${m}\n`),
  };
}

function formatScan(s: ScanSummary): string {
  const mb = (s.bytesRead / 1e6).toFixed(1);
  const lines = [
    `Scanned ${s.files} transcript files in ${s.roots.length} root(s) in ${s.ms.toFixed(0)} ms: read ${s.filesRead} file(s), ${mb} MB, ${s.lines} lines.`,
    `Requests: ${s.newRequests} new, ${s.updatedRequests} updated, ${s.duplicateLines} duplicate copies dropped; ${s.newLimitEvents} new limit events; ${s.badLines} malformed lines skipped.`,
  ];
  if (s.apiLogFiles !== undefined) lines.push(`API logs: ${s.apiLogFiles} file(s) matched the --api-log paths.`);
  for (const r of s.roots) lines.push(`  root: ${r}`);
  for (const e of s.errors.slice(0, 10)) lines.push(`  skipped: ${e}`);
  return lines.join('\n');
}

/**
 * An explicit --config-dir replaces discovery, so one that cannot be read would make every figure
 * silently zero: it must exist and hold a projects/ folder (or be one).
 */
function checkConfigDirs(dirs: readonly string[]): void {
  for (const dir of dirs) {
    const abs = path.resolve(dir);
    if (!isDirectory(abs)) throw new UsageError(`--config-dir ${dir}: no such folder`);
    if (path.basename(abs) !== 'projects' && !isDirectory(path.join(abs, 'projects'))) {
      throw new UsageError(`--config-dir ${dir}: no projects/ folder there (expected a Claude Code config folder such as ~/.claude)`);
    }
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function loadOverrides(file: string | undefined) {
  if (file === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--price-overrides: cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return validatePriceOverrides(raw);
  } catch (e) {
    throw new UsageError(`--price-overrides: ${(e as Error).message}`);
  }
}

function isUsageProblem(e: unknown): boolean {
  const name = (e as Error | null)?.name;
  return e instanceof UsageError || e instanceof QueryParamError || name === 'QueryParamError' || name === 'ReportParamError' || name === 'PlanValueParamError';
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`claude-costs: ${(e as Error).message}\n`);
    return 2;
  }
  if (!args.command || args.command === 'help') {
    out(`${usageText()}\n`);
    return args.command === 'help' ? 0 : 2;
  }
  const command = COMMANDS[args.command];
  if (!command) {
    process.stderr.write(`claude-costs: unknown command "${args.command}" (commands: ${Object.keys(COMMANDS).join(', ')}; see --help)\n`);
    return 2;
  }
  let engine: Engine | null = null;
  const { options } = args;
  const ctx: CommandContext = {
    args,
    out,
    now: () => args.now ?? Date.now(),
    async openEngine() {
      if (engine) return engine;
      const configDirs = options['config-dir'] ?? [];
      checkConfigDirs(configDirs);
      const priceOverrides = loadOverrides(options['price-overrides']);
      engine = await Engine.open({
        dbPath: options.db ?? defaultCliDbPath(),
        configDirs: configDirs.length ? configDirs : undefined,
        apiLogPaths: options['api-log']?.length ? options['api-log'] : undefined,
        priceOverrides,
        log: stderrLogger(options.verbose ?? false),
        // watch is long-running: the engine's adaptive save schedule (rare, when quiet, and at exit).
        persistDebounceMs: args.command === 'watch' ? undefined : 0,
        // For benchmarks: force or forbid the parse worker (default: auto, by the size of the read).
        parallelParse: (['auto', 'always', 'never'] as const).find((m) => m === process.env.CLAUDE_COSTS_PARALLEL_PARSE),
        // Benchmarks compare 0, 1 and 2 parser threads.
        parserThreads: /^[0-4]$/.test(process.env.CLAUDE_COSTS_PARSER_THREADS ?? '') ? Number(process.env.CLAUDE_COSTS_PARSER_THREADS) : undefined,
      });
      if (engine.movedAside) process.stderr.write(`claude-costs: the database was unusable (${engine.movedAside.reason}); moved to ${engine.movedAside.path} and rebuilt.\n`);
      return engine;
    },
  };
  try {
    await command.run(ctx);
    return 0;
  } catch (e) {
    if (isUsageProblem(e)) {
      process.stderr.write(`claude-costs: ${(e as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`claude-costs: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  } finally {
    await (engine as Engine | null)?.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
