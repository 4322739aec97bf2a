// The panel read model at a given number of stored requests.
//   build — fills a fresh DB with N synthetic requests through the real Ingestor (dedup, pricing,
//           rollups: the same path a scan takes) and persists it like the engine does (export + atomic
//           write), reporting the build time, the persist time and the file size;
//   time  — opens that DB with the Engine in a fresh process and times readModel for "last 30 days, all
//           filters off" (first call, then repeated calls), plus query({window:'last_30d'}) and status(),
//           and one persist of the loaded DB (export + atomic write) to a scratch file.
//
//   node readmodel.js build <requests> <dbPath> <nowMs>
//   node readmodel.js time <dbPath> <nowMs> <iterations> <emptyConfigRoot> [persistScratchFile]
import { Engine } from '../../src/core/engine';
import * as fs from 'node:fs';
import { openDatabase, persistDatabase, setMeta } from '../../src/core/store/db';
import { priceTableFingerprint } from '../../src/core/pricing';
import { Ingestor, type IngestRecord } from '../../src/core/store/ingest';
import { silentLogger } from '../../src/core/types';
import { DEFAULT_PANEL_FILTER, type PanelFilter } from '../../src/protocol';
import { Rng } from '../corpus/prng';
import { PROBE_PREFIX } from '../measure';

const DAY_MS = 86_400_000;
/** The synthetic history: a heavy user's half year, so "last 30 days" holds about a sixth of the rows. */
export const SYNTHETIC_SPAN_DAYS = 180;
const REQUESTS_PER_SESSION = 180;

const MODELS: ReadonlyArray<readonly [string, number]> = [
  ['claude-sonnet-4-6', 45], ['claude-opus-4-6', 20], ['claude-haiku-4-5-20251001', 15], ['claude-opus-5', 12], ['claude-sonnet-5', 8],
];
const TOOLSETS: readonly string[][] = [[], ['Read'], ['Edit'], ['Bash'], ['Grep', 'Read'], ['Write'], ['Task'], ['WebSearch'], ['Bash', 'Read'], ['Glob'], ['TodoWrite'], ['mcp__github__get_issue']];

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** N deterministic requests in sessions of ~180, spread over SYNTHETIC_SPAN_DAYS before nowMs. */
export function* syntheticRecords(count: number, nowMs: number, seed = 1): Generator<IngestRecord> {
  const rng = new Rng(seed);
  const sessions = Math.max(1, Math.ceil(count / REQUESTS_PER_SESSION));
  let made = 0;
  for (let s = 0; s < sessions && made < count; s++) {
    // Sessions in time order; each lasts a few hours, one request every ~40 s.
    const start = nowMs - SYNTHETIC_SPAN_DAYS * DAY_MS + Math.floor(((s + rng.next()) / sessions) * (SYNTHETIC_SPAN_DAYS * DAY_MS - 6 * 3_600_000));
    const sessionId = rng.uuid();
    const project = rng.int(0, 24);
    const projectName = `project-${String(project).padStart(2, '0')}`;
    const model = rng.weighted(MODELS);
    const n = Math.min(REQUESTS_PER_SESSION, count - made);
    let ts = start;
    for (let i = 0; i < n; i++, made++) {
      ts += rng.int(5, 75) * 1000;
      const cacheRead = rng.int(10_000, 180_000);
      const cacheCreation = rng.chance(0.3) ? rng.int(500, 20_000) : 0;
      const sidechain = rng.chance(0.1);
      yield {
        event: {
          messageId: `msg_01SYN${made.toString(36).padStart(16, '0')}`,
          requestId: `req_011CSYN${made.toString(36).padStart(14, '0')}`,
          sessionId, cwd: `/home/dev/${projectName}`, gitBranch: made % 5 === 0 ? 'feature/x' : 'main', isSidechain: sidechain, agentId: sidechain ? `a${rng.hex(16)}` : null,
          model: sidechain ? 'claude-haiku-4-5-20251001' : model, timestampMs: ts,
          usage: {
            inputTokens: rng.int(1, 60), outputTokens: rng.int(20, 4000), cacheCreationTokens: cacheCreation,
            cacheCreation1hTokens: cacheCreation, cacheReadTokens: cacheRead, webSearchRequests: rng.chance(0.01) ? 1 : 0,
            speed: 'standard', inferenceGeo: 'not_available', serviceTier: 'standard',
          },
          hasSpeed: true, version: '2.1.140', tools: rng.pick(TOOLSETS), placeholder: false, forked: false,
        },
        source: 'claude_code', executionMode: 'cloud', projectName, projectPath: `/home/dev/${projectName}`, fileId: null,
      };
    }
  }
}

export async function buildDb(count: number, dbPath: string, nowMs: number) {
  const { db } = await openDatabase(null, silentLogger);
  const t = process.hrtime.bigint();
  db.run('BEGIN');
  const ingestor = new Ingestor(db);
  let batch: IngestRecord[] = [];
  let inserted = 0;
  for (const rec of syntheticRecords(count, nowMs)) {
    batch.push(rec);
    if (batch.length === 5000) {
      inserted += ingestor.apply(batch).inserted;
      batch = [];
    }
  }
  if (batch.length) inserted += ingestor.apply(batch).inserted;
  ingestor.refreshRollups();
  ingestor.dispose();
  // What Engine.open checks: without it every open would re-price all rows first.
  setMeta(db, 'price_fingerprint', priceTableFingerprint(undefined));
  db.run('COMMIT');
  const buildMs = ms(t);
  if (inserted !== count) throw new Error(`built ${inserted} requests, expected ${count}`);
  const persisted = persistDatabase(db, dbPath);
  db.close();
  return { requests: inserted, buildMs, persistMs: persisted.ms, dbBytes: persisted.bytes };
}

export async function timeReadModel(dbPath: string, nowMs: number, iterations: number, emptyRoot: string, scratch?: string) {
  const filter: PanelFilter = { ...DEFAULT_PANEL_FILTER, tz: 'UTC' };
  let t = process.hrtime.bigint();
  const engine = await Engine.open({ dbPath, configDirs: [emptyRoot], persistDebounceMs: 3_600_000 });
  const openMs = ms(t);
  t = process.hrtime.bigint();
  const first = await engine.readModel(filter, nowMs);
  const firstMs = ms(t);
  const readModelMs: number[] = [];
  const queryMs: number[] = [];
  const statusMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    t = process.hrtime.bigint();
    await engine.readModel(filter, nowMs);
    readModelMs.push(ms(t));
    t = process.hrtime.bigint();
    await engine.query({ window: 'last_30d', tz: 'UTC' }, nowMs);
    queryMs.push(ms(t));
    t = process.hrtime.bigint();
    await engine.status(nowMs);
    statusMs.push(ms(t));
  }
  let persistMs: number | null = null;
  let persistBytes: number | null = null;
  if (scratch) {
    const p = await engine.withDatabase((db) => persistDatabase(db, scratch));
    persistMs = p.ms;
    persistBytes = p.bytes;
    fs.rmSync(scratch, { force: true });
  }
  return { openMs, firstMs, readModelMs, queryMs, statusMs, requestsInWindow: first.totals.requests, persistMs, persistBytes };
}

if (require.main === module) {
  const [mode, ...rest] = process.argv.slice(2);
  let work: Promise<object>;
  if (mode === 'build' && rest.length === 3) work = buildDb(Number(rest[0]), rest[1], Number(rest[2]));
  else if (mode === 'time' && (rest.length === 4 || rest.length === 5)) work = timeReadModel(rest[0], Number(rest[1]), Number(rest[2]), rest[3], rest[4]);
  else {
    console.error('usage: readmodel.js build <requests> <dbPath> <nowMs> | time <dbPath> <nowMs> <iterations> <emptyConfigRoot> [persistScratchFile]');
    process.exit(2);
  }
  work.then(
    (r) => {
      process.stdout.write(`${PROBE_PREFIX}${JSON.stringify({ ...r, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
      process.exit(0); // skip close(): nothing to persist, and the lock file goes with the temp folder
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.stack : String(e));
      process.exit(1);
    },
  );
}
