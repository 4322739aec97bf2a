// The Branches table: the window's requests by project and git branch ("(no branch)" for requests that
// recorded none), from the page's one pass over the facts (rollup_hour carries the branch since schema 7).
// Every request of the window is in exactly one row, so the rows sum to the window's totals
// (test/unit/readmodel-branches.test.ts).
import type { Metrics } from '../../types';
import type { Dictionaries } from './compileFilter';
import { byCostThenTokens, nameOf, pct } from './figures';
import { NO_BRANCH_FILTER } from './filterState';
import type { FactSums } from './fold';
import type { BranchRow } from './types';

export const MAX_BRANCH_ROWS = 200;

/** One row per (project, branch) with requests in the window, costliest first. */
export function branchRows(sums: FactSums, dict: Dictionaries, totals: Metrics): BranchRow[] {
  const rows: BranchRow[] = [];
  for (const [project, branches] of sums.byBranch) {
    for (const [branch, acc] of branches) {
      const m = acc.metrics();
      rows.push({
        ...m,
        project: nameOf(dict.projects, project),
        branch: branch < 0 ? NO_BRANCH_FILTER : nameOf(dict.branches, branch),
        noBranch: branch < 0,
        shareOfCost: pct(m.cost_usd, totals.cost_usd),
        shareOfTokens: pct(m.total_tokens, totals.total_tokens),
      });
    }
  }
  return rows.sort(byCostThenTokens);
}
