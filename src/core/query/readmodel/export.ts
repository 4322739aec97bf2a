// Export of the current view (the panel's Export CSV / JSON, written by the host). Figures are the
// read model's own: nothing is recomputed.
import type { Metrics } from '../../types';
import type { CallFigures, PanelReadModel } from './types';

/** A CSV cell: quoted when needed; a leading = + - @ is neutralised so spreadsheets do not run it. */
function csvCell(v: string | number | boolean | null): string {
  if (v === null) return '';
  let s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6)) : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const METRIC_COLUMNS = ['requests', 'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'total_tokens', 'cost_usd'] as const;

/**
 * The current view as CSV: one section per table (daily, models, projects, tools, branches, sessions), each
 * with a header row and a totals row, separated by a blank line. Figures are the read model's own.
 */
export function readModelToCsv(model: PanelReadModel): string {
  const lines: string[] = [];
  const section = (title: string, keyCols: string[], rows: (string | number | boolean | null)[][], totals: Metrics | null) => {
    if (lines.length) lines.push('');
    lines.push(csvCell(`# ${title}`));
    lines.push([...keyCols, ...METRIC_COLUMNS].map(csvCell).join(','));
    for (const r of rows) lines.push(r.map(csvCell).join(','));
    if (totals) lines.push([...keyCols.map((_, i) => (i === 0 ? 'Total' : '')), ...METRIC_COLUMNS.map((k) => totals[k])].map(csvCell).join(','));
  };
  const metricCells = (m: Metrics) => METRIC_COLUMNS.map((k) => m[k]);
  const f = model.filter;
  lines.push(csvCell(`# Claude Code Costs export: ${model.window.label} from ${new Date(model.window.startMs).toISOString()} to ${new Date(model.window.endMs).toISOString()} in ${model.window.tz}`));
  lines.push(csvCell(`# filter: source=${f.source} project=${f.project ?? 'all'} models=${f.models === null ? 'all' : f.models.join('|') || 'none'}${f.provider ? ` provider=${f.provider}` : ''}${f.branch ? ` branch=${f.branch}` : ''}; generated ${model.generatedAt}`));
  if (model.freeCalls.hidden && model.freeCalls.requests > 0) lines.push(csvCell(`# ${model.freeCalls.requests} local/free calls left out (Cost view)`));
  section('Daily', ['day'], model.daily.map((d) => [d.day, ...metricCells(d)]), model.totals);
  section('Models', ['model', 'unpriced'], model.models.rows.map((r) => [r.model, r.unpriced, ...metricCells(r)]), model.totals);
  section('Projects', ['project'], model.projects.rows.map((r) => [r.project, ...metricCells(r)]), model.totals);
  section('Tools', ['tools'], model.tools.rows.map((r) => [r.tool, ...metricCells(r)]), model.totals);
  section('Branches', ['project', 'branch'], model.branches.rows.map((r) => [r.project, r.branch, ...metricCells(r)]), model.totals);
  if (model.sources.internalAvailable) {
    const outcome = (c: CallFigures | null) => [c?.successPct ?? null, c?.avgDurationMs ?? null, c?.tokensPerSecond ?? null];
    const outcomeCols = ['success_pct', 'avg_duration_ms', 'tokens_per_second'];
    section('Providers', ['provider', ...outcomeCols], model.providers.rows.map((r) => [r.provider, ...outcome(r.calls), ...metricCells(r)]), model.totals);
    section('Features', ['feature', ...outcomeCols], model.features.rows.map((r) => [r.feature, ...outcome(r.calls), ...metricCells(r)]), model.totals);
  }
  section('Sessions', ['session', 'title', 'project', 'models', 'first', 'last'], model.sessions.rows.map((r) => [
    r.sessionKey, r.title, r.project, r.models.join(' '), new Date(r.firstMs).toISOString(), new Date(r.lastMs).toISOString(), ...metricCells(r),
  ]), null);
  return lines.join('\n') + '\n';
}

/** The current view as JSON (the read model itself, which is already plain data). */
export function readModelToJson(model: PanelReadModel): string {
  return JSON.stringify(model, null, 2) + '\n';
}
