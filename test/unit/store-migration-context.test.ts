// Schema 4 (issue 17): a DB written by release 0.1.0 (test/fixtures/db-0.1.0) gains the context-fill tables,
// and session_context is backfilled from its stored requests: each Claude Code session's last main-thread
// response (its context and model) and its peak, exactly as recomputed from the rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getSqlJs, selectAll } from '../../src/core/store/sqljs';
import { migrateSchema, userVersion } from '../../src/core/store/migrations';
import { sessionFills } from '../../src/core/limits/context';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'db-0.1.0', 'usage.sqlite');

test('0.1.0 → schema 4: session_context equals the last and peak main-thread context of each session; no compaction invented', async () => {
  const SQL = await getSqlJs();
  const db = new SQL.Database(fs.readFileSync(FIXTURE));
  assert.equal(userVersion(db), 1);
  // What schema 1 holds, computed the slow obvious way before migrating.
  const expected = new Map<number, { last_ts: number; peak: number }>();
  for (const r of selectAll<{ session_id: number; ts: number; ctx: number }>(
    db, 'SELECT session_id, ts, input_tokens + cache_creation_tokens + cache_read_tokens AS ctx FROM requests WHERE source = 0 AND sidechain = 0',
  )) {
    const e = expected.get(r.session_id);
    if (!e) expected.set(r.session_id, { last_ts: r.ts, peak: r.ctx });
    else { e.last_ts = Math.max(e.last_ts, r.ts); e.peak = Math.max(e.peak, r.ctx); }
  }
  assert.ok(expected.size > 10, 'the fixture has Claude Code sessions');
  const result = migrateSchema(db);
  assert.ok(result.applied.includes(4));
  const stored = selectAll<{ session_id: number; last_ts: number; last_tokens: number; peak_tokens: number }>(db, 'SELECT session_id, last_ts, last_tokens, peak_tokens FROM session_context');
  assert.equal(stored.length, expected.size);
  for (const s of stored) {
    const e = expected.get(s.session_id)!;
    assert.equal(s.last_ts, e.last_ts);
    assert.equal(s.peak_tokens, e.peak);
    // The last response's context, read back from the migrated (compact) rows.
    const last = selectAll<{ ctx: number }>(db, 'SELECT input_tokens + cache_creation_tokens + cache_read_tokens AS ctx FROM requests WHERE session_id = ? AND ts = ? AND sidechain = 0', [s.session_id, s.last_ts]);
    assert.ok(last.some((r) => r.ctx === s.last_tokens));
  }
  assert.equal(selectAll(db, 'SELECT 1 FROM compactions').length, 0);
  const fills = sessionFills(db, stored.map((s) => s.session_id));
  assert.equal(fills.size, stored.length);
  for (const f of fills.values()) assert.ok(f.peak_pct >= (f.current_pct ?? 0) && [200_000, 1_000_000].includes(f.context_window));
  db.close();
});
