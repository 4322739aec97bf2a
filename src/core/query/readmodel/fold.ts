// The one pass over the window's fact rows that feeds every section of the page (cards, daily
// series, heatmap, model / project / tool / session tables), so they all agree by construction.
import type { Metrics } from '../../types';
import { emptyCacheSums, type CacheSums } from '../cacheEconomics';
import { EXECUTION_MODE_IDS, SOURCE_IDS } from '../../store/schema';
import type { Database } from '../../store/sqljs';
import { DAY_MS, HOUR_MS } from '../windows';
import type { CompiledFilter } from './compileFilter';
import {
  Acc, F_BRANCH, F_CR, F_CW, F_CW1H, F_COST, F_EXEC, F_HOUR, F_INPUT, F_MODEL, F_OUTPUT, F_PREMIUM, F_PROJECT, F_REQUESTS, F_SAVINGS, F_SESSION, F_SIDECHAIN,
  F_SOURCE, F_TOOLSET, offsetLookup, scanFacts,
} from './facts';

export interface SessionAcc { acc: Acc; project: number; models: Set<number>; firstHour: number; lastHour: number; sub: number }

/** [weekday 0 = Monday … 6 = Sunday][hour 0..23] in tz. */
export interface HeatGrids { tokens: number[][]; cost: number[][]; requests: number[][] }

export interface FactSums {
  /** Main-thread and subagent (sidechain) rows. */
  main: Acc;
  sub: Acc;
  claudeCode: Acc;
  cloud: Acc;
  local: Acc;
  /** By local day number in tz. */
  byDay: Map<number, { main: Acc; sub: Acc }>;
  /** By model / project / toolset id. */
  byModel: Map<number, Metrics>;
  byProject: Map<number, Metrics>;
  byToolset: Map<number, Metrics>;
  bySession: Map<number, SessionAcc>;
  /** By project id, then git branch id (−1: none recorded). */
  byBranch: Map<number, Map<number, Acc>>;
  /** Cache economics sums by model id (with byModel's cache tokens: the Limits section's cache figures). */
  cacheByModel: Map<number, CacheSums>;
  heat: HeatGrids;
  totals: Metrics;
}

function grid(): number[][] {
  return Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
}

/** Folds every fact row of [startMs, endMs) matching the filter into the page's running sums. */
export function foldFacts(db: Database, compiled: CompiledFilter, startMs: number, endMs: number, exactTimes: boolean, tz: string): FactSums {
  const main = new Acc();
  const sub = new Acc();
  const claudeCodeAcc = new Acc();
  const cloudAcc = new Acc();
  const localAcc = new Acc();
  const byDay = new Map<number, { main: Acc; sub: Acc }>();
  const byModelAcc = new Map<number, Acc>();
  const byProjectAcc = new Map<number, Acc>();
  const byToolsetAcc = new Map<number, Acc>();
  const bySession = new Map<number, SessionAcc>();
  const byBranch = new Map<number, Map<number, Acc>>();
  const cacheByModel = new Map<number, CacheSums>();
  const heat = { tokens: grid(), cost: grid(), requests: grid() };
  const offsetAt = offsetLookup(startMs, endMs, tz);
  const accOf = (map: Map<number, Acc>, key: number) => {
    let a = map.get(key);
    if (!a) map.set(key, (a = new Acc()));
    return a;
  };

  scanFacts(db, compiled, startMs, endMs, exactTimes, (row) => {
    const timeMs = row[F_HOUR] as number;
    const isSub = row[F_SIDECHAIN] === 1;
    (isSub ? sub : main).addRow(row);
    if (row[F_SOURCE] === SOURCE_IDS.claude_code) claudeCodeAcc.addRow(row);
    (row[F_EXEC] === EXECUTION_MODE_IDS.local ? localAcc : cloudAcc).addRow(row);
    const local = timeMs + offsetAt(timeMs);
    const day = Math.floor(local / DAY_MS);
    const weekday = (((day + 3) % 7) + 7) % 7;
    const hour = Math.floor((local - day * DAY_MS) / HOUR_MS);
    let d = byDay.get(day);
    if (!d) byDay.set(day, (d = { main: new Acc(), sub: new Acc() }));
    (isSub ? d.sub : d.main).addRow(row);
    const tokens = (row[F_INPUT] as number) + (row[F_OUTPUT] as number) + (row[F_CW] as number) + (row[F_CR] as number);
    heat.tokens[weekday][hour] += tokens;
    heat.cost[weekday][hour] += row[F_COST] as number;
    heat.requests[weekday][hour] += row[F_REQUESTS] as number;
    const modelId = row[F_MODEL] as number;
    accOf(byModelAcc, modelId).addRow(row);
    let cache = cacheByModel.get(modelId);
    if (!cache) cacheByModel.set(modelId, (cache = emptyCacheSums()));
    cache.cache_creation_1h_tokens += row[F_CW1H] as number;
    cache.cache_savings_e10 += row[F_SAVINGS] as number;
    cache.cache_write_premium_e10 += row[F_PREMIUM] as number;
    const projectId = row[F_PROJECT] as number;
    accOf(byProjectAcc, projectId).addRow(row);
    let branches = byBranch.get(projectId);
    if (!branches) byBranch.set(projectId, (branches = new Map()));
    accOf(branches, row[F_BRANCH] as number).addRow(row);
    accOf(byToolsetAcc, row[F_TOOLSET] as number).addRow(row);
    const sid = row[F_SESSION] as number;
    const hourFloor = Math.floor(timeMs / HOUR_MS) * HOUR_MS;
    let s = bySession.get(sid);
    if (!s) {
      bySession.set(sid, (s = { acc: new Acc(), project: row[F_PROJECT] as number, models: new Set(), firstHour: hourFloor, lastHour: hourFloor, sub: 0 }));
    }
    s.acc.addRow(row);
    s.models.add(modelId);
    if (hourFloor < s.firstHour) s.firstHour = hourFloor;
    if (hourFloor > s.lastHour) s.lastHour = hourFloor;
    if (isSub) s.sub += row[F_REQUESTS] as number;
  });
  const totalAcc = new Acc();
  totalAcc.addAcc(main);
  totalAcc.addAcc(sub);
  const toMetrics = (map: Map<number, Acc>) => new Map([...map].map(([k, a]) => [k, a.metrics()] as [number, Metrics]));
  return {
    main, sub, claudeCode: claudeCodeAcc, cloud: cloudAcc, local: localAcc, byDay,
    byModel: toMetrics(byModelAcc), byProject: toMetrics(byProjectAcc), byToolset: toMetrics(byToolsetAcc),
    bySession, byBranch, cacheByModel, heat, totals: totalAcc.metrics(),
  };
}
