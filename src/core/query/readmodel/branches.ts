// The Branches table: the window's requests by project and git branch ("(no branch)" for requests that
// recorded none). rollup_hour carries no branch, so this one section reads `requests` through its ts
// index, one GROUP BY per part of the filter (the parts are disjoint). Every request of the window is in
// exactly one row, so the rows sum to the window's totals (test/unit/readmodel-branches.test.ts).
import type { Metrics } from '../../types';
import type { Database } from '../../store/sqljs';
import { selectAll } from '../../store/sqljs';
import { addMetrics, emptyMetrics, metricSelectSql, metricsFromRow } from '../metrics';
import type { CompiledFilter, Dictionaries } from './compileFilter';
import { byCostThenTokens, nameOf, pct } from './figures';
import { NO_BRANCH_FILTER } from './filterState';
import type { BranchRow } from './types';

export const MAX_BRANCH_ROWS = 200;

/** One row per (project, branch) with requests in [startMs, endMs), costliest first. */
export function branchRows(
  db: Database, f: CompiledFilter, window: { startMs: number; endMs: number }, dict: Dictionaries, totals: Metrics,
): BranchRow[] {
  if (f.empty || window.endMs <= window.startMs) return [];
  const sums = new Map<string, { project: number; branch: number | null; m: Metrics }>();
  for (const part of f.parts) {
    const where = ['ts >= ?', 'ts < ?', ...part.where].join(' AND ');
    const rows = selectAll<Record<string, number | null>>(db,
      `SELECT project_id AS p, branch_id AS b, ${metricSelectSql('requests')} FROM requests WHERE ${where} GROUP BY project_id, branch_id`,
      [window.startMs, window.endMs, ...part.params]);
    for (const r of rows) {
      const project = Number(r.p);
      const branch = r.b === null ? null : Number(r.b);
      const key = `${project}:${branch ?? ''}`;
      let s = sums.get(key);
      if (!s) sums.set(key, (s = { project, branch, m: emptyMetrics() }));
      addMetrics(s.m, metricsFromRow(r));
    }
  }
  return [...sums.values()].map(({ project, branch, m }) => ({
    ...m,
    project: nameOf(dict.projects, project),
    branch: branch === null ? NO_BRANCH_FILTER : nameOf(dict.branches, branch),
    noBranch: branch === null,
    shareOfCost: pct(m.cost_usd, totals.cost_usd),
    shareOfTokens: pct(m.total_tokens, totals.total_tokens),
  })).sort(byCostThenTokens);
}
