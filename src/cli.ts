// claude-costs: the headless CLI over the same core as the extension (design.md "CLI").
import * as fs from 'node:fs';
import { Engine, defaultCliDbPath } from './core/engine';
import type { ScanSummary } from './core/engine-api';
import { QueryParamError } from './core/query/types';
import { buildReport, renderReportTable, type ReportKind } from './core/query/report';
import { validatePriceOverrides } from './core/pricing';
import { DEFAULT_PLAN_PRICES, PLAN_SETTINGS, detectPlanOffline, type PlanSetting } from './core/limits/plan';
import { computePlanValue, describePlanValue, resolvePlan } from './core/query/planValue';
import type { Logger } from './core/types';

const USAGE = `Usage:
  claude-costs scan   [--config-dir DIR]... [--db FILE]
  claude-costs query  [--config-dir DIR]... [--db FILE] [--params JSON] [--now ISO] [--no-scan]
  claude-costs status [--config-dir DIR]... [--db FILE] [--now ISO] [--json] [--no-scan]
  claude-costs report daily|weekly|monthly|session|blocks [--json] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--tz ZONE] [--now ISO]
  claude-costs report value [--json] [--month YYYY-MM] [--plan auto|pro|max5|max20|custom|api] [--tz ZONE] [--now ISO]
Common: --price-overrides FILE (JSON map model → rates per 1M tokens), --verbose,
  --api-log PATH_OR_GLOB (repeatable; your own API-call logs, see docs/api-logs.md)`;

/** A problem with what the user typed: printed as one line, exit code 2. */
class UsageError extends Error {}

interface CliArgs {
  command: string;
  positional: string[];
  configDirs: string[];
  apiLogs: string[];
  db: string | null;
  params: string | null;
  now: number | null;
  json: boolean;
  noScan: boolean;
  since: string | null;
  until: string | null;
  tz: string | null;
  priceOverrides: string | null;
  verbose: boolean;
  month: string | null;
  plan: string | null;
}

const VALUE_FLAGS = new Set(['--config-dir', '--api-log', '--db', '--params', '--now', '--since', '--until', '--tz', '--price-overrides', '--month', '--plan']);

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = {
    command: '', positional: [], configDirs: [], apiLogs: [], db: null, params: null, now: null, json: false,
    noScan: false, since: null, until: null, tz: null, priceOverrides: null, verbose: false, month: null, plan: null,
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inlineValue: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inlineValue = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if (VALUE_FLAGS.has(a)) {
      const v = inlineValue ?? argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      switch (a) {
        case '--config-dir': args.configDirs.push(v); break;
        case '--api-log': args.apiLogs.push(v); break;
        case '--db': args.db = v; break;
        case '--params': args.params = v; break;
        case '--now': {
          const t = Date.parse(v);
          if (!Number.isFinite(t)) throw new UsageError(`--now: not an ISO date-time: ${v}`);
          args.now = t;
          break;
        }
        case '--since': args.since = v; break;
        case '--until': args.until = v; break;
        case '--tz': args.tz = v; break;
        case '--price-overrides': args.priceOverrides = v; break;
        case '--month': args.month = v; break;
        case '--plan': args.plan = v; break;
      }
    } else if (a === '--json') args.json = true;
    else if (a === '--no-scan') args.noScan = true;
    else if (a === '--verbose') args.verbose = true;
    else if (a === '--help' || a === '-h') args.command = 'help';
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else if (!args.command) args.command = a;
    else args.positional.push(a);
  }
  return args;
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

function loadOverrides(file: string | null) {
  if (!file) return undefined;
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

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`claude-costs: ${(e as Error).message}\n`);
    return 2;
  }
  if (!args.command || args.command === 'help') {
    out(`${USAGE}\n`);
    return args.command === 'help' ? 0 : 2;
  }
  if (!['scan', 'query', 'status', 'report'].includes(args.command)) {
    process.stderr.write(`claude-costs: unknown command "${args.command}"\n${USAGE}\n`);
    return 2;
  }
  let engine: Engine | null = null;
  try {
    let params: unknown = undefined;
    if (args.params !== null) {
      try {
        params = JSON.parse(args.params);
      } catch (e) {
        throw new UsageError(`--params: not valid JSON (${(e as Error).message})`);
      }
    }
    const priceOverrides = loadOverrides(args.priceOverrides);
    engine = await Engine.open({
      dbPath: args.db ?? defaultCliDbPath(),
      configDirs: args.configDirs.length ? args.configDirs : undefined,
      apiLogPaths: args.apiLogs.length ? args.apiLogs : undefined,
      priceOverrides,
      log: stderrLogger(args.verbose),
      persistDebounceMs: 0,
      // For benchmarks: force or forbid the parse worker (default: auto, by the size of the read).
      parallelParse: (['auto', 'always', 'never'] as const).find((m) => m === process.env.CLAUDE_COSTS_PARALLEL_PARSE),
    });
    if (engine.movedAside) process.stderr.write(`claude-costs: the database was unusable (${engine.movedAside.reason}); moved to ${engine.movedAside.path} and rebuilt.\n`);
    const now = args.now ?? Date.now();
    const scanFirst = args.command === 'scan' || !args.noScan;
    let summary: ScanSummary | null = null;
    if (scanFirst) summary = await engine.scan();
    switch (args.command) {
      case 'scan':
        out(`${args.json ? JSON.stringify(summary, null, 2) : formatScan(summary!)}\n`);
        break;
      case 'query':
        out(`${JSON.stringify(await engine.query(params, now), null, 2)}\n`);
        break;
      case 'status': {
        // Same inputs as the chip, less the statusline capture (it lives in VS Code's storage).
        engine.setStatusOptions({ detectedPlan: detectPlanOffline({ configDirs: args.configDirs.length ? args.configDirs : undefined }) });
        const status = await engine.status(now);
        out(args.json ? `${JSON.stringify(status, null, 2)}\n` : `${(await import('./core/limits/status')).renderStatusText(status)}\n`);
        break;
      }
      case 'report': {
        if (args.positional[0] === 'value') {
          out(`${await reportValue(engine, args, now)}\n`);
          break;
        }
        const kind = args.positional[0] as ReportKind | undefined;
        if (!kind || !['daily', 'weekly', 'monthly', 'session', 'blocks'].includes(kind)) {
          throw new UsageError('report: expected one of daily, weekly, monthly, session, blocks, value');
        }
        const tz = args.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
        const data = await engine.withDatabase((db) =>
          buildReport(db, kind, { sinceDay: args.since ?? undefined, untilDay: args.until ?? undefined, tz, nowMs: now }),
        );
        out(args.json ? `${JSON.stringify(data, null, 2)}\n` : `${renderReportTable(data)}\n`);
        break;
      }
    }
    return 0;
  } catch (e) {
    const paramErrors = ['QueryParamError', 'ReportParamError', 'PlanValueParamError'];
    if (e instanceof UsageError || e instanceof QueryParamError || paramErrors.includes((e as Error).name)) {
      process.stderr.write(`claude-costs: ${(e as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`claude-costs: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  } finally {
    await engine?.close();
  }
}

/** `report value`: the month's API-equivalent cost against the plan's price (list prices; see claudeCosts.planPrices). */
async function reportValue(engine: Engine, args: CliArgs, now: number): Promise<string> {
  const setting = (args.plan ?? 'auto') as PlanSetting;
  if (!PLAN_SETTINGS.includes(setting)) throw new UsageError(`--plan: expected one of ${PLAN_SETTINGS.join(', ')}`);
  const detected = setting === 'auto' ? detectPlanOffline({ configDirs: args.configDirs.length ? args.configDirs : undefined }) : null;
  const tz = args.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const value = await engine.withDatabase((db) =>
    computePlanValue(db, { month: args.month ?? undefined, tz, nowMs: now, plan: resolvePlan(setting, detected, DEFAULT_PLAN_PRICES) }),
  );
  if (args.json) return JSON.stringify(value, null, 2);
  return [
    describePlanValue(value),
    `Prompt caching in ${value.month}: reads saved $${value.cache_savings_usd.toFixed(2)}, writes cost $${value.cache_write_premium_usd.toFixed(2)} above plain input.`,
  ].join('\n');
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
