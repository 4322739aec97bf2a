// The latest rate-limit observations of the user's API logs, read back from the store: per model the
// newest reading of each kind, whether it still means anything (before its reset), and the tightest
// headroom. The API-log scanner writes them (rate_limit_observations); the chip and the panel read them here.
import { selectAll, type Database } from '../store/sqljs';
import { RATE_LIMIT_FIELDS } from '../sources/api-log/types';
import type { RateLimitKind, RateLimitReading } from '../sources/api-log/types';

/** The most recent rate-limit reading of one kind, with whether it is still meaningful. */
export interface LatestRateLimitReading extends RateLimitReading {
  /** When the call that saw it was made. */
  ts: number;
  /** Past its reset (or older than a minute when no reset was logged): history, not headroom. */
  stale: boolean;
}

/** Per model: the most recent observation of each kind (requests, input/output tokens, tokens). */
export interface LatestRateLimit {
  model: string;
  provider: string | null;
  /** The newest of its readings. */
  ts: number;
  requests?: LatestRateLimitReading;
  inputTokens?: LatestRateLimitReading;
  outputTokens?: LatestRateLimitReading;
  tokens?: LatestRateLimitReading;
  /** True when every reading is stale. */
  stale: boolean;
  /** remaining / limit of the most restrictive fresh reading (0..1), null when none is fresh and known. */
  headroom: number | null;
  /** The kind of that reading. */
  tightest: RateLimitKind | null;
}

/** A reading without a logged reset counts as current for this long (API rate limits refill per minute). */
export const NO_RESET_FRESH_MS = 60_000;

/** The latest rate-limit observations per model, most restrictive first (stale ones last). */
export function latestRateLimits(db: Database, nowMs: number): LatestRateLimit[] {
  const rows = selectAll<{ model: string; provider: string | null; ts: number; kind: RateLimitKind; limit_value: number | null; remaining: number | null; reset_at: number | null }>(
    db,
    `SELECT o.model, o.provider, o.ts, o.kind, o.limit_value, o.remaining, o.reset_at
     FROM rate_limit_observations o
     JOIN (SELECT model, kind, max(ts) AS ts FROM rate_limit_observations GROUP BY model, kind) l
       ON l.model = o.model AND l.kind = o.kind AND l.ts = o.ts
     ORDER BY o.id`,
  );
  const byModel = new Map<string, LatestRateLimit>();
  for (const r of rows) {
    let m = byModel.get(r.model);
    if (!m) {
      m = { model: r.model, provider: r.provider, ts: r.ts, stale: true, headroom: null, tightest: null };
      byModel.set(r.model, m);
    }
    if (r.ts >= m.ts) {
      m.ts = r.ts;
      m.provider = r.provider ?? m.provider;
    }
    const field = RATE_LIMIT_FIELDS.find(([k]) => k === r.kind)?.[1];
    if (!field) continue;
    const stale = r.reset_at !== null ? nowMs > r.reset_at : nowMs > r.ts + NO_RESET_FRESH_MS;
    // Rows later in id order win a tie on ts (the last line written).
    m[field] = { limit: r.limit_value, remaining: r.remaining, resetMs: r.reset_at, ts: r.ts, stale };
  }
  for (const m of byModel.values()) {
    for (const [kind, field] of RATE_LIMIT_FIELDS) {
      const r = m[field];
      if (!r) continue;
      if (!r.stale) m.stale = false;
      if (r.stale || r.limit === null || r.remaining === null || r.limit <= 0) continue;
      const h = Math.max(0, Math.min(1, r.remaining / r.limit));
      if (m.headroom === null || h < m.headroom) {
        m.headroom = h;
        m.tightest = kind;
      }
    }
  }
  return [...byModel.values()].sort((a, b) => {
    if (a.stale !== b.stale) return a.stale ? 1 : -1;
    return (a.headroom ?? 2) - (b.headroom ?? 2) || a.model.localeCompare(b.model);
  });
}
