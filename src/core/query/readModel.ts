// The costs panel's read model, built in the modules of ./readmodel/ (one per step or section; see
// ./readmodel/build.ts). This file is its public face for the engine, the host and the tests.
export { buildReadModel } from './readmodel/build';
export type { ReadModelOptions } from './readmodel/build';
export { readModelToCsv, readModelToJson } from './readmodel/export';
export { MAX_FEATURE_ROWS, MAX_PROVIDER_ROWS } from './readmodel/apiLogs';
export { ACTIVE_SESSION_MS, EXACT_SESSION_TIMES, MAX_SESSION_ROWS } from './readmodel/sessions';
export { MAX_PROJECT_ROWS, MAX_TOOL_ROWS } from './readmodel/tables';
export { SHORT_RANGE_MS } from './readmodel/timeSeries';
