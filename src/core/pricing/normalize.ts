// Model-id normalisation (reference transcripts-and-pricing.md §8).
//
// `message.model` is written as the provider returned it: first-party ids (dated up to the 4.5
// generation, undated from 4.6 on), Bedrock ids (`us.anthropic.claude-…-v1:0`, ARNs), Vertex ids
// (`claude-…@20250929`), and client-side decorations like `[1m]`. Every form of one model maps to a
// single canonical id, the key of the price table (§9.1). Unknown ids still come back normalised
// (lower-cased, decorations stripped); the caller decides that they have no price.

/** Region / routing prefixes that Bedrock puts before `anthropic.` (cross-region inference profiles). */
const REGION_PREFIX = /^(?:us|eu|apac|global|jp|au|ca|us-gov)\./;
/** Bedrock / "mantle" vendor prefix. */
const VENDOR_PREFIX = /^anthropic\./;
/** Client-only context-window suffix, e.g. `claude-sonnet-4-6[1m]`. */
const CONTEXT_SUFFIX = /\[[^\]]*\]$/;
/** Bedrock version suffix: `-v1`, `-v1:0`, `-v2:0`, provisioned-throughput variants `-v1:0:200k`. */
const BEDROCK_VERSION_SUFFIX = /-v\d+(?::\d+)?(?::\d+k)?$/;
/** Vertex snapshot suffix `@20250929` (and `@latest`, `@001`-style tags). */
const VERTEX_SNAPSHOT_SUFFIX = /@[0-9a-z._-]+$/;
/** First-party snapshot date `-20250929`. */
const DATE_SUFFIX = /-\d{8}$/;
/** The moving `-latest` alias of the 3.x generation. */
const LATEST_SUFFIX = /-latest$/;

/** Short names that denote the same model as a canonical id. */
const ALIASES: Readonly<Record<string, string>> = {
  'claude-sonnet-4': 'claude-sonnet-4-0',
  'claude-opus-4': 'claude-opus-4-0',
  // Old "generation first" spellings some gateways use for the 4.x models.
  'claude-4-sonnet': 'claude-sonnet-4-0',
  'claude-4-opus': 'claude-opus-4-0',
  'claude-4-1-opus': 'claude-opus-4-1',
  'claude-4-5-sonnet': 'claude-sonnet-4-5',
  'claude-4-5-haiku': 'claude-haiku-4-5',
  'claude-4-5-opus': 'claude-opus-4-5',
};

/**
 * Canonical id for a `message.model` string. Pure and cheap; safe to call per line.
 *
 * Steps: trim + lower-case; keep the last path segment (ARNs, `anthropic/…`, Vertex resource
 * names); strip the `[1m]`-style suffix; strip region and `anthropic.` prefixes; turn `4.5` into
 * `4-5`; strip Bedrock `-vN[:M]`, Vertex `@…`, `-YYYYMMDD` and `-latest` suffixes (repeatedly, since
 * they combine, e.g. Vertex `claude-3-5-sonnet-v2@20241022`); apply aliases.
 */
export function normalizeModelId(model: string): string {
  const cached = cache.get(model);
  if (cached !== undefined) return cached;
  const id = computeCanonicalId(model);
  // A transcript corpus has a handful of distinct ids; the cap only guards against pathological input.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(model, id);
  return id;
}

const CACHE_LIMIT = 1000;
const cache = new Map<string, string>();

function computeCanonicalId(model: string): string {
  let id = String(model).trim().toLowerCase();
  const slash = id.lastIndexOf('/');
  if (slash >= 0) id = id.slice(slash + 1);
  id = id.replace(CONTEXT_SUFFIX, '');
  id = id.replace(REGION_PREFIX, '').replace(VENDOR_PREFIX, '');
  // `claude-sonnet-4.5` → `claude-sonnet-4-5` (dots only between digits, so Bedrock prefixes are gone first).
  id = id.replace(/(\d)\.(\d)/g, '$1-$2');
  for (;;) {
    const stripped = id
      .replace(BEDROCK_VERSION_SUFFIX, '')
      .replace(VERTEX_SNAPSHOT_SUFFIX, '')
      .replace(DATE_SUFFIX, '')
      .replace(LATEST_SUFFIX, '');
    if (stripped === id) break;
    id = stripped;
  }
  return ALIASES[id] ?? id;
}
