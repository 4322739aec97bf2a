// The one source of the llm_costs_query params: the JSON schema the language-model tool declares
// (package.json is generated from it by scripts/manifest.ts and a test fails when they differ) and the
// value sets the validator (params.ts) checks against. Change a param here, then `npm run sync-manifest`.
import { GROUP_BYS, WINDOW_NAMES } from './types';

export const SOURCES = ['all', 'claude_code', 'internal'] as const;
export const EXECUTION_MODES = ['cloud', 'local'] as const;
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 10_000;
export const MAX_PROJECT_LENGTH = 500;
const DAY_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

export const QUERY_PARAMS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    window: {
      description: 'Time window (default last_30d). A name, or {start, end} ISO-8601 instants. Not together with start_date/end_date.',
      anyOf: [
        { type: 'string', enum: [...WINDOW_NAMES] },
        {
          type: 'object', required: ['start', 'end'], additionalProperties: false,
          properties: { start: { type: 'string', description: 'ISO-8601 start (inclusive)' }, end: { type: 'string', description: 'ISO-8601 end (exclusive)' } },
        },
      ],
    },
    start_date: { type: 'string', pattern: DAY_PATTERN, description: 'YYYY-MM-DD, inclusive, in tz (instead of window; alone: through today)' },
    end_date: { type: 'string', pattern: DAY_PATTERN, description: 'YYYY-MM-DD, inclusive, in tz (instead of window; alone: from the first stored day)' },
    group_by: { type: 'string', enum: [...GROUP_BYS], description: 'Split the totals into groups (default none); provider and feature come from your own API logs; branch is the git branch Claude Code recorded ("(no branch)" when none); session groups also carry the session context-window fill (context_tokens, context_window, context_pct, peak_context_tokens, peak_context_pct, compactions)' },
    source: { type: 'string', enum: [...SOURCES], description: 'Claude Code transcripts, your own API logs, or both (default all)' },
    project: { type: 'string', maxLength: MAX_PROJECT_LENGTH, description: 'Substring of the project\'s name or repository path' },
    models: {
      description: 'Only these model ids as written in transcripts: an array or a comma-separated string. Missing = all models; [] or "" = none.',
      anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }],
    },
    execution_mode: { type: 'string', enum: [...EXECUTION_MODES], description: 'Only meaningful for internal API logs' },
    compare: { type: 'boolean', description: 'Also return the previous window of equal length with per-metric delta %' },
    anomalies: {
      type: 'boolean',
      description: 'Also return unusual spending in the window: days costing ≥ 3× the median of the previous 28 active days (and sessions ≥ 4× the median of the previous 50), far outside their usual spread',
    },
    tz: { type: 'string', description: 'IANA time zone for day/hour boundaries (default: the machine zone)' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, description: `Max groups returned (default ${DEFAULT_LIMIT}), sorted by cost` },
  },
} as const;

export type QueryParamKey = keyof typeof QUERY_PARAMS_SCHEMA.properties;

/** Every key the validator accepts: exactly the schema's properties. */
export const QUERY_PARAM_KEYS = Object.keys(QUERY_PARAMS_SCHEMA.properties) as readonly QueryParamKey[];
