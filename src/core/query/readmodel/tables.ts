// The model, project and tool tables (costliest first), from the one pass's sums.
import type { Dictionaries } from './compileFilter';
import { modelFamily } from './families';
import { byCostThenTokens, nameOf, pct } from './figures';
import type { FactSums } from './fold';
import type { ModelRow, ProjectRow, ToolRow } from './types';

export const MAX_PROJECT_ROWS = 200;
export const MAX_TOOL_ROWS = 100;

/** Every model of the window (the model table is never cut). */
export function modelRows(sums: FactSums, dict: Dictionaries): ModelRow[] {
  const totals = sums.totals;
  return [...sums.byModel].map(([id, m]) => {
    const model = nameOf(dict.models, id);
    return {
      ...m, model, family: modelFamily(model), shareOfCost: pct(m.cost_usd, totals.cost_usd),
      shareOfTokens: pct(m.total_tokens, totals.total_tokens), unpriced: m.unpriced_requests > 0,
    };
  }).sort(byCostThenTokens);
}

export function projectRows(sums: FactSums, dict: Dictionaries): ProjectRow[] {
  const totals = sums.totals;
  return [...sums.byProject].map(([id, m]) => ({
    ...m, project: nameOf(dict.projects, id), shareOfCost: pct(m.cost_usd, totals.cost_usd), shareOfTokens: pct(m.total_tokens, totals.total_tokens),
  })).sort(byCostThenTokens);
}

/** By tool set (the tool names of a response's tool_use blocks; "(none)" for a response without). */
export function toolRows(sums: FactSums, dict: Dictionaries): ToolRow[] {
  const totals = sums.totals;
  return [...sums.byToolset].map(([id, m]) => {
    const set = nameOf(dict.toolsets, id);
    return { ...m, tool: set === '' ? '(none)' : set, shareOfCost: pct(m.cost_usd, totals.cost_usd), shareOfTokens: pct(m.total_tokens, totals.total_tokens) };
  }).sort(byCostThenTokens);
}
