// What the store keeps for the context-window fill of sessions (issue 17): the compactions Claude Code
// recorded (compact_boundary rows) and, per session, the last and the peak context of its main thread.
// Both tables are small (one row per session / per compaction, integer ids only), so the chip and the
// panel read a session's fill without scanning `requests`.
//
// Context of one response = input + cache_creation + cache_read tokens of a billable, main-thread
// (non-sidechain) Claude Code request: the prompt the model saw. Output is not context until the next turn.
import type { CompactBoundary } from '../types';
import { SOURCE_IDS } from './schema';
import type { Database } from './sqljs';

/** The tables of schema 6 (src/core/store/migration-6-context-fill.ts, which also backfills session_context). */
export const CONTEXT_TABLES_SQL = `
-- One row per compact_boundary of a session's main thread. trigger: 0 unknown, 1 auto, 2 manual.
CREATE TABLE compactions (
  session_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  trigger INTEGER NOT NULL,
  pre_tokens INTEGER,
  post_tokens INTEGER,
  PRIMARY KEY (session_id, ts)
) WITHOUT ROWID;
CREATE INDEX compactions_ts ON compactions(ts);

-- Per session: the last main-thread request's context (tokens, model, time) and the session's peak.
CREATE TABLE session_context (
  session_id INTEGER PRIMARY KEY,
  last_ts INTEGER NOT NULL,
  last_tokens INTEGER NOT NULL,
  model_id INTEGER NOT NULL,
  peak_tokens INTEGER NOT NULL
);
`;

const TRIGGER_IDS = { auto: 1, manual: 2 } as const;
export const TRIGGER_NAMES: Record<number, 'auto' | 'manual' | null> = { 0: null, 1: 'auto', 2: 'manual' };

const CONTEXT_EXPR = 'input_tokens + cache_creation_tokens + cache_read_tokens';
const MAIN_THREAD = `source = ${SOURCE_IDS.claude_code} AND sidechain = 0`;

/**
 * Records one compaction of a session (`sessionRowId`: sessions.id). A subagent's own compaction is not the
 * session's and is ignored. Re-reading the same row adds nothing (key: session + time).
 */
export function recordCompaction(db: Database, sessionRowId: number, e: CompactBoundary): boolean {
  if (e.isSidechain) return false;
  const trigger = e.trigger === 'auto' || e.trigger === 'manual' ? TRIGGER_IDS[e.trigger] : 0;
  db.run(
    'INSERT OR IGNORE INTO compactions (session_id, ts, trigger, pre_tokens, post_tokens) VALUES (?, ?, ?, ?, ?)',
    [sessionRowId, e.timestampMs, trigger, e.preTokens, e.postTokens ?? null],
  );
  return db.getRowsModified() > 0;
}

/** Beyond this span a plain table scan beats walking the ts index (measured: ≈ 2× at 1M rows). */
const TABLE_SCAN_SPAN_MS = 31 * 24 * 3_600_000;

/**
 * Folds the main-thread requests with `fromMs <= ts < toMs` into session_context: a later request becomes the
 * session's last, a larger context its peak. Called after each scan for the hours the scan touched (all
 * of history on a cold scan), so the table always agrees with `requests`. One pass in JS: an SQL GROUP BY
 * needs a temporary B-tree per aggregate and was ≈ 3.7× slower at 1M rows (bench/probes/context.ts).
 */
export function refreshSessionContext(db: Database, fromMs: number, toMs: number): void {
  const scan = db.prepare(
    `SELECT session_id, ts, ${CONTEXT_EXPR}, model_id FROM requests ${toMs - fromMs > TABLE_SCAN_SPAN_MS ? 'NOT INDEXED' : ''}
      WHERE ts >= ? AND ts < ? AND ${MAIN_THREAD}`,
  );
  // session row id → [last ts, last tokens, last model id, peak tokens]
  const folded = new Map<number, [number, number, number, number]>();
  try {
    scan.bind([fromMs, toMs]);
    while (scan.step()) {
      const [sid, ts, tokens, model] = scan.get() as number[];
      const f = folded.get(sid);
      if (!f) folded.set(sid, [ts, tokens, model, tokens]);
      else {
        if (ts >= f[0]) {
          f[0] = ts;
          f[1] = tokens;
          f[2] = model;
        }
        if (tokens > f[3]) f[3] = tokens;
      }
    }
  } finally {
    scan.free();
  }
  if (folded.size === 0) return;
  // SET expressions see the row's old values: the later of old and new becomes last, the larger the peak.
  const upsert = db.prepare(
    `INSERT INTO session_context (session_id, last_ts, last_tokens, model_id, peak_tokens) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(session_id) DO UPDATE SET
       last_tokens = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last_tokens ELSE last_tokens END,
       model_id = CASE WHEN excluded.last_ts >= last_ts THEN excluded.model_id ELSE model_id END,
       last_ts = max(last_ts, excluded.last_ts),
       peak_tokens = max(peak_tokens, excluded.peak_tokens)`,
  );
  try {
    for (const [sid, f] of folded) upsert.run([sid, ...f]);
  } finally {
    upsert.free();
  }
}

/** The main-thread request context of one session row, as stored. */
export interface StoredSessionContext {
  sessionRowId: number;
  lastTs: number;
  lastTokens: number;
  model: string;
  peakTokens: number;
}

export interface StoredCompaction {
  sessionRowId: number;
  ts: number;
  trigger: 'auto' | 'manual' | null;
  preTokens: number | null;
  postTokens: number | null;
}
