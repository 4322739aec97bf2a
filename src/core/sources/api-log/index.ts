// The user's own API-call logs as a source (issue 7): parse a line, find the files, scan them. Their
// rate-limit observations are read back by src/core/limits/apiRateLimits.ts.
export { parseApiLogLine, parseTimeValue } from './parse';
export type { ApiLogLineContext } from './parse';
export { apiLogTarget, expandApiLogPaths, expandHome } from './paths';
export type { ApiLogTarget, ApiLogPathOptions } from './paths';
export { ApiLogScanner, defaultProjectOf, defaultSessionOf, usageEventOf } from './scanner';
export type { ApiLogScanOptions } from './scanner';
export { RATE_LIMIT_FIELDS, RATE_LIMIT_KINDS } from './types';
export type { ApiCall, ParsedApiLogLine, RateLimitKind, RateLimitObservation, RateLimitReading } from './types';
