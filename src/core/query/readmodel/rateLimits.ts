// The rate-limits section: the latest observation per model from API logs, as the panel shows it.
import type { Database } from '../../store/sqljs';
import { latestRateLimits } from '../../limits/apiRateLimits';
import type { ModelRateLimit, RateLimitKindName, RateLimitReadingView, RateLimitSummary } from './types';

const RATE_FIELDS: Array<[RateLimitKindName, 'requests' | 'inputTokens' | 'outputTokens' | 'tokens']> = [
  ['requests', 'requests'], ['input_tokens', 'inputTokens'], ['output_tokens', 'outputTokens'], ['tokens', 'tokens'],
];

/** The latest rate-limit observation per model, as the panel shows it (percentages 0..100). */
export function rateLimitSummary(db: Database, nowMs: number): RateLimitSummary {
  const latest = latestRateLimits(db, nowMs);
  const models: ModelRateLimit[] = latest.map((m) => {
    const readings: RateLimitReadingView[] = [];
    for (const [kind, field] of RATE_FIELDS) {
      const r = m[field];
      if (!r) continue;
      const known = !r.stale && r.limit !== null && r.remaining !== null && r.limit > 0;
      readings.push({
        kind, limit: r.limit, remaining: r.remaining, resetMs: r.resetMs, observedMs: r.ts, stale: r.stale,
        headroomPct: known ? Math.max(0, Math.min(100, (r.remaining! / r.limit!) * 100)) : null,
      });
    }
    return {
      model: m.model, provider: m.provider, observedMs: m.ts, stale: m.stale,
      headroomPct: m.headroom === null ? null : m.headroom * 100, tightest: m.tightest, readings,
    };
  });
  let tightest: RateLimitSummary['tightest'] = null;
  for (const m of models) {
    if (m.headroomPct === null || m.tightest === null) continue;
    if (!tightest || m.headroomPct < tightest.headroomPct) {
      const r = m.readings.find((x) => x.kind === m.tightest);
      tightest = { model: m.model, kind: m.tightest, headroomPct: m.headroomPct, resetMs: r?.resetMs ?? null };
    }
  }
  return { models, tightest };
}
