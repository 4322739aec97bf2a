// Which Claude Code version and which models were current on a given date, and what each
// writer version puts on disk (reference §1, §3, §4, §6, §8, §9.5). Dates are approximate but
// ordered consistently: a model never appears before its release, a field never before its writer.

import type { Rng } from './prng';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type Version = readonly [number, number, number];

const ms = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

/** Release anchors; the patch number is interpolated between anchors of the same major.minor. */
const VERSION_ANCHORS: ReadonlyArray<readonly [number, Version]> = [
  [ms('2025-05-22'), [1, 0, 1]],
  [ms('2025-06-18'), [1, 0, 30]],
  [ms('2025-07-02'), [1, 0, 41]],
  [ms('2025-08-20'), [1, 0, 88]],
  [ms('2025-08-30'), [1, 0, 98]],
  [ms('2025-09-26'), [1, 0, 128]],
  [ms('2025-09-29'), [2, 0, 0]],
  [ms('2026-01-06'), [2, 0, 76]],
  [ms('2026-01-07'), [2, 1, 0]],
  [ms('2026-02-01'), [2, 1, 29]],
  [ms('2026-04-08'), [2, 1, 97]],
  [ms('2026-06-06'), [2, 1, 138]],
  [ms('2026-07-31'), [2, 1, 218]],
  [ms('2026-11-20'), [2, 1, 330]],
];

export function versionAt(t: number): Version {
  const first = VERSION_ANCHORS[0];
  if (t <= first[0]) return first[1];
  for (let i = 0; i < VERSION_ANCHORS.length - 1; i++) {
    const [t0, v0] = VERSION_ANCHORS[i];
    const [t1, v1] = VERSION_ANCHORS[i + 1];
    if (t >= t1) continue;
    if (v0[0] !== v1[0] || v0[1] !== v1[1]) return v0;
    const patch = v0[2] + Math.floor(((t - t0) / (t1 - t0)) * (v1[2] - v0[2]));
    return [v0[0], v0[1], patch];
  }
  return VERSION_ANCHORS[VERSION_ANCHORS.length - 1][1];
}

export function parseVersion(s: string): Version {
  const [a, b, c] = s.split('.').map((x) => Number(x));
  return [a, b, c];
}

export function versionString(v: Version): string {
  return `${v[0]}.${v[1]}.${v[2]}`;
}

/** a >= b */
export function atLeast(a: Version, b: Version): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

export type UsageShape = 'basic' | 'breakdown' | 'final';
export type SubagentLayout = 'inline' | 'flat' | 'nested';
export type LimitTextStyle = 'legacy-epoch' | 'v1-bullet' | 'v1-session' | 'v2' | 'v21';

/** What a writer version puts on disk. */
export interface Era {
  version: string;
  v: Version;
  /** Usage object shape (§4.3). */
  usageShape: UsageShape;
  /** ≥2.1.97: every block line carries the final usage. Before: placeholders, final at most on the last block. */
  finalOnAllBlocks: boolean;
  /** ≥2.1.97: `parentUuid,isSidechain,message,…,userType,entrypoint,cwd,…` instead of envelope-first. */
  newKeyOrder: boolean;
  hasGitBranch: boolean;
  layout: SubagentLayout;
  /** Nested subagent ids: "a"+16 hex from ~2.1.100, "a"+6 hex before. */
  longAgentIds: boolean;
  hasMetaSidecar: boolean;
  hasFileHistory: boolean;
  has21Rows: boolean; // turn_duration, ai-title, last-prompt, stop_details, forkedFrom
  hasProgressRows: boolean;
  hasCostState: boolean;
  hasCompactBoundary: boolean;
  hasWarmupAgents: boolean;
  limitStyle: LimitTextStyle;
  /** message.id: "msg_01…" up to ~2.1.14x (2.1.138 lines still show it), "msg_011C…" later. */
  modernIds: boolean;
}

export function eraFor(v: Version): Era {
  return {
    version: versionString(v),
    v,
    usageShape: atLeast(v, [2, 1, 97]) ? 'final' : atLeast(v, [1, 0, 89]) ? 'breakdown' : 'basic',
    finalOnAllBlocks: atLeast(v, [2, 1, 97]),
    newKeyOrder: atLeast(v, [2, 1, 97]),
    hasGitBranch: atLeast(v, [1, 0, 60]),
    layout: atLeast(v, [2, 1, 2]) ? 'nested' : atLeast(v, [2, 0, 0]) ? 'flat' : 'inline',
    longAgentIds: atLeast(v, [2, 1, 100]),
    hasMetaSidecar: atLeast(v, [2, 1, 170]),
    hasFileHistory: atLeast(v, [1, 0, 128]),
    has21Rows: atLeast(v, [2, 1, 0]),
    hasProgressRows: atLeast(v, [2, 1, 2]) && !atLeast(v, [2, 1, 177]),
    hasCostState: atLeast(v, [2, 1, 300]),
    hasCompactBoundary: atLeast(v, [2, 0, 0]),
    hasWarmupAgents: atLeast(v, [2, 0, 40]) && !atLeast(v, [2, 1, 0]),
    limitStyle: atLeast(v, [2, 1, 0])
      ? 'v21'
      : atLeast(v, [2, 0, 0])
        ? 'v2'
        : atLeast(v, [1, 0, 128])
          ? 'v1-session'
          : atLeast(v, [1, 0, 60])
            ? 'v1-bullet'
            : 'legacy-epoch',
    modernIds: atLeast(v, [2, 1, 150]),
  };
}

export const MODELS = {
  sonnet4: 'claude-sonnet-4-20250514',
  opus4: 'claude-opus-4-20250514',
  opus41: 'claude-opus-4-1-20250805',
  sonnet45: 'claude-sonnet-4-5-20250929',
  haiku45: 'claude-haiku-4-5-20251001',
  opus45: 'claude-opus-4-5-20251101',
  opus46: 'claude-opus-4-6',
  sonnet46: 'claude-sonnet-4-6',
  opus47: 'claude-opus-4-7',
  opus48: 'claude-opus-4-8',
  sonnet5: 'claude-sonnet-5',
  opus5: 'claude-opus-5',
  sonnet55: 'claude-sonnet-5-5',
  haiku55: 'claude-haiku-5-5',
  bedrockSonnet45: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  unknown: 'claude-unknown-9',
} as const;

/** Main-loop model mix by period (start date inclusive). */
const MAIN_MODEL_PERIODS: ReadonlyArray<readonly [number, ReadonlyArray<readonly [string, number]>]> = [
  [ms('2025-05-22'), [[MODELS.sonnet4, 70], [MODELS.opus4, 30]]],
  [ms('2025-08-05'), [[MODELS.sonnet4, 50], [MODELS.opus41, 50]]],
  [ms('2025-09-29'), [[MODELS.sonnet45, 75], [MODELS.opus41, 25]]],
  [ms('2025-11-24'), [[MODELS.opus45, 70], [MODELS.sonnet45, 30]]],
  [ms('2026-02-05'), [[MODELS.opus46, 75], [MODELS.sonnet45, 25]]],
  [ms('2026-02-17'), [[MODELS.opus46, 65], [MODELS.sonnet46, 35]]],
  [ms('2026-04-16'), [[MODELS.opus47, 60], [MODELS.sonnet46, 40]]],
  [ms('2026-05-20'), [[MODELS.opus48, 65], [MODELS.sonnet46, 35]]],
  [ms('2026-06-30'), [[MODELS.opus48, 45], [MODELS.sonnet5, 55]]],
  [ms('2026-08-12'), [[MODELS.opus5, 55], [MODELS.sonnet5, 45]]],
  [ms('2026-09-15'), [[MODELS.opus5, 50], [MODELS.sonnet55, 40], [MODELS.sonnet5, 10]]],
];

export function mainModelAt(t: number, rng: Rng): string {
  let mix = MAIN_MODEL_PERIODS[0][1];
  for (const [start, m] of MAIN_MODEL_PERIODS) if (t >= start) mix = m;
  return rng.weighted(mix);
}

/** Subagents run on Haiku once a current Haiku exists, else on the main model. */
export function subagentModelAt(t: number, mainModel: string, rng: Rng): string {
  if (t >= ms('2026-10-07')) return rng.chance(0.65) ? MODELS.haiku55 : mainModel;
  if (t >= ms('2025-10-15')) return rng.chance(0.6) ? MODELS.haiku45 : mainModel;
  return mainModel;
}

/** Subscription sessions write 1-hour cache entries from 2026 on, 5-minute ones in 2025 (§4.3). */
export function oneHourCacheAt(t: number): boolean {
  return t >= ms('2026-01-01');
}

/** Autocompact threshold (prompt tokens) for a model on a date: 1M-window models compact later. */
export function compactThresholdFor(model: string, t: number): number {
  const oneMillion =
    t >= ms('2026-03-13') && /opus-4-[6-9]|opus-5|sonnet-4-6|sonnet-5/.test(model);
  return oneMillion ? 320_000 : 155_000;
}

/** System prompt + tools size of the first request of a session, by era. */
export function systemPromptTokensAt(t: number, rng: Rng): number {
  return t < ms('2026-01-01') ? rng.int(14_000, 22_000) : rng.int(24_000, 38_000);
}

export function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}
