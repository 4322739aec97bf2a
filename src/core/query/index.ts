// The query module's public surface: llm_costs_query, windows and time zones, reports, metric helpers.
export { runQuery, runValidatedQuery, aggregateGroups, rollupAnswersExactly, storeBounds } from './run';
export type { AggregateRow, GroupDim, QueryFilter, RunOptions, TableChoice } from './run';
export { validateQueryParams, QUERY_PARAM_KEYS, DEFAULT_LIMIT, MAX_LIMIT } from './params';
export type { StoreBounds, StoreBoundsProvider } from './params';
export { QUERY_PARAMS_SCHEMA, SOURCES, EXECUTION_MODES } from './schema';
export type { QueryParamKey } from './schema';
export { parseParamsJson, firstDuplicateKey } from './paramsJson';
export {
  resolveWindow, previousWindow, formatDayKey, formatHourKey, zonedDayStart, startOfLocalDay, parseDayKey,
  dayNumberToKey, localDayNumber, isValidTimeZone, defaultTimeZone, tzOffsetMs, offsetSegments, wallClock,
  wallTimeToInstant, HOUR_MS, DAY_MS,
} from './windows';
export type { ResolvedWindow, OffsetSegment } from './windows';
export { buildReport, renderReportTable, shortModelName, ReportParamError, REPORT_KINDS } from './report';
export type {
  ReportData, ReportKind, ReportOptions, PeriodReport, SessionReport, BlocksReport, PeriodRow, SessionRow, BlockRow,
  TokenFigures, ModelBreakdown,
} from './report';
export {
  METRIC_KEYS, emptyMetrics, addMetrics, sumMetrics, roundCost, roundedMetrics, metricSelectSql, metricsFromRow, deltaPct,
  emptyOutcome, addOutcome, outcomeSelectSql, outcomeFromRow, callStats,
} from './metrics';
export type { OutcomeSums } from './metrics';
export * from './types';
