// The llm_costs_query surface shared by the command and the language-model tool: error mapping (the
// message always names the bad param), a short text summary of a result, and the panel filter that shows
// the same window. Pure: no `vscode` import.
import { QueryParamError, type QueryResult, type WindowName } from '../core/query/types';
import { formatDayKey } from '../core/query/windows';
import { RANGE_PRESETS, type PanelFilter, type RangePreset } from '../protocol';

function paramOf(e: unknown): string | null {
  if (e instanceof QueryParamError) return e.param;
  const p = (e as { param?: unknown } | null)?.param;
  return (e as { name?: unknown } | null)?.name === 'QueryParamError' && typeof p === 'string' ? p : null;
}

/**
 * The Error a command caller sees. A bad param keeps its message, which starts with the param name
 * ("window: must be one of …"), prefixed so it is clear which surface complained.
 */
export function toQueryCommandError(e: unknown): Error {
  const param = paramOf(e);
  if (param !== null) {
    const err = new Error(`llm_costs_query: invalid param "${param}" — ${(e as Error).message}`);
    (err as Error & { param?: string }).param = param;
    return err;
  }
  return e instanceof Error ? e : new Error(String(e));
}

/** The tool's text for a failed call: what was wrong and which param, so the model can retry. */
export function toolErrorText(e: unknown): string {
  const param = paramOf(e);
  if (param !== null) return `Error: invalid parameter "${param}": ${(e as Error).message}. Fix that parameter and call llm_costs_query again.`;
  return `Error: ${(e as Error)?.message ?? String(e)}`;
}

function usd(n: number): string {
  return `$${n.toFixed(2)}`;
}

function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

/** One or two sentences: the window, the totals, the top groups, the comparison. */
export function summarizeQueryResult(r: QueryResult): string {
  const t = r.totals;
  const parts = [
    `${r.window.label} (${r.window.start} → ${r.window.end}, ${r.window.tz}): ${usd(t.cost_usd)} over ${t.requests.toLocaleString('en-US')} ${t.requests === 1 ? 'request' : 'requests'}, ${compact(t.total_tokens)} tokens (input ${compact(t.input_tokens)}, output ${compact(t.output_tokens)}, cache writes ${compact(t.cache_creation_tokens)}, cache reads ${compact(t.cache_read_tokens)}).`,
  ];
  if (t.unpriced_requests > 0) parts.push(`${t.unpriced_requests} ${t.unpriced_requests === 1 ? 'request' : 'requests'} had no known price (counted at $0).`);
  if (r.groups && r.groups.length > 0) {
    const top = r.groups.slice(0, 5).map((g) => `${g.label || g.key} ${usd(g.cost_usd)}${Number.isFinite(g.share_of_cost) ? ` (${Math.round(g.share_of_cost * 100)}%)` : ''}`);
    parts.push(`Groups (${r.groups.length}): ${top.join(', ')}${r.groups.length > 5 ? ', …' : ''}.`);
  }
  if (r.previous) {
    const d = r.previous.delta_pct.cost_usd;
    parts.push(`Previous window: ${usd(r.previous.totals.cost_usd)}${d === null ? '' : ` (${d >= 0 ? '+' : ''}${d.toFixed(1)}% now)`}.`);
  }
  return parts.join(' ');
}

/** The panel filter that shows the same window as a query result (named presets where the panel has them). */
export function panelFilterForQuery(params: { window?: unknown; project?: unknown; models?: unknown; source?: unknown }, r: QueryResult): Partial<PanelFilter> {
  const filter: Partial<PanelFilter> = { tz: r.window.tz };
  const name = typeof params.window === 'string' ? (params.window as WindowName) : null;
  if (name && (RANGE_PRESETS as readonly string[]).includes(name)) {
    filter.range = name as RangePreset;
  } else {
    const startMs = Date.parse(r.window.start);
    const endMs = Date.parse(r.window.end);
    if (Number.isFinite(startMs) && Number.isFinite(endMs) && endMs > startMs) {
      filter.range = 'custom';
      filter.from = formatDayKey(startMs, r.window.tz);
      filter.until = formatDayKey(endMs - 1, r.window.tz);
    }
  }
  if (typeof params.project === 'string' && params.project) filter.project = params.project;
  if (params.source === 'claude_code' || params.source === 'internal' || params.source === 'all') filter.source = params.source;
  if (Array.isArray(params.models)) filter.models = params.models.filter((m): m is string => typeof m === 'string');
  return filter;
}

/** The JSON schema of the params: defined in core next to the validator; package.json is generated from it. */
export { QUERY_PARAMS_SCHEMA } from '../core/query/schema';
