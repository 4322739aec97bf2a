// The user's own API-call logs as a source (issue 7): parse a line, find the files, scan them, and read
// back the latest rate-limit observations.
export { parseApiLogLine, parseTimeValue } from './parse';
export type { ApiLogLineContext } from './parse';
export { apiLogTarget, expandApiLogPaths, expandHome } from './paths';
export type { ApiLogTarget, ApiLogPathOptions } from './paths';
export { ApiLogScanner, latestRateLimits, defaultProjectOf, defaultSessionOf, usageEventOf, NO_RESET_FRESH_MS } from './scanner';
export type { ApiLogScanOptions, LatestRateLimit, LatestRateLimitReading } from './scanner';
export { RATE_LIMIT_KINDS } from './types';
export type { ApiCall, ParsedApiLogLine, RateLimitKind, RateLimitObservation, RateLimitReading } from './types';
