// The whole llm_costs_query answer: the figures (run.ts) plus, when asked, the window's unusual spending
// (anomalies.ts, which itself reads through run.ts — hence this module above both).
import type { Database } from '../store/sqljs';
import { anomaliesInWindow } from './anomalies';
import { validateQueryParams } from './params';
import { runValidatedQuery, storeBounds } from './run';
import type { QueryResult } from './types';

export function answerQuery(db: Database, input: unknown, nowMs: number): QueryResult {
  const q = validateQueryParams(input, nowMs, () => storeBounds(db));
  const result = runValidatedQuery(db, q);
  if (q.anomalies) result.anomalies = anomaliesInWindow(db, q, q.startMs, q.endMs);
  return result;
}
