// Unusual spending: the robust baseline arithmetic on hand-computed cases, and a generated corpus with one
// injected spike day that must be flagged while (almost) no ordinary day is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCorpus } from '../../bench/corpus/generate';
import { main } from '../../src/cli';
import {
  DAY_THRESHOLDS, type DayAnomaly, baselineOf, describeDayAnomaly, flagDays, flagSessions, judge, median,
} from '../../src/core/query/anomalies';
import { dayNumberToKey, localDayNumber, parseDayKey } from '../../src/core/query/windows';
import { assistantLine, writeLines } from './helpers/lines';

test('median and MAD of a history', () => {
  assert.equal(median([]), 0);
  assert.equal(median([5]), 5);
  assert.equal(median([4, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  // values 1..9: median 5, deviations 4,3,2,1,0,1,2,3,4 → MAD 2
  assert.deepEqual(baselineOf([1, 2, 3, 4, 5, 6, 7, 8, 9]), { medianUsd: 5, madUsd: 2, history: 9 });
});

test('a day is flagged only with enough history, a high ratio, a high robust z and a real amount', () => {
  const usual = [6, 7, 6.5, 6.6, 7.2, 5.9, 6.6, 6.8]; // median 6.6, MAD 0.3
  const b = baselineOf(usual);
  assert.equal(b.medianUsd, 6.6);
  assert.ok(Math.abs(b.madUsd - 0.3) < 1e-9);
  const spike = judge(41, usual, DAY_THRESHOLDS);
  assert.equal(spike.flagged, true);
  assert.ok(Math.abs(spike.ratio - 41 / 6.6) < 1e-9);
  assert.ok(Math.abs(spike.score - (41 - 6.6) / (1.4826 * 0.3)) < 1e-9);
  // 2.5× is not enough (ratio 3 required), even though the z-score is huge.
  assert.equal(judge(16.5, usual, DAY_THRESHOLDS).flagged, false);
  // Too little history: 6 earlier active days < 7.
  assert.equal(judge(41, usual.slice(0, 6), DAY_THRESHOLDS).flagged, false);
  // A tiny user: 10× of $0.05 is $0.50, below the $1 floor.
  assert.equal(judge(0.5, [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05], DAY_THRESHOLDS).flagged, false);
  // A noisy history: 3.2× the median but within its spread (MAD 4 → σ≈5.9, z≈2.5).
  const noisy = [1, 2, 5, 9, 13, 5, 1, 5, 9];
  const v = judge(16, noisy, DAY_THRESHOLDS);
  assert.equal(v.ratio, 16 / 5);
  assert.equal(v.flagged, false);
});

test('no spread in the history: any real jump above it is infinitely far out', () => {
  const flat = [2, 2, 2, 2, 2, 2, 2];
  const v = judge(8, flat, DAY_THRESHOLDS);
  assert.equal(v.score, Infinity);
  assert.equal(v.flagged, true);
  assert.equal(judge(2, flat, DAY_THRESHOLDS).flagged, false);
});

test('the baseline looks back over the last 28 active days only; zero days are not part of it', () => {
  const first = parseDayKey('2026-01-01')!;
  const costs: number[] = [];
  // 30 days at $100, then 56 days alternating $5 and $0, then a $20 day.
  for (let i = 0; i < 30; i++) costs.push(100);
  for (let i = 0; i < 56; i++) costs.push(i % 2 === 0 ? 5 : 0);
  costs.push(20);
  const days = costs.map((costUsd, i) => ({ day: dayNumberToKey(first + i), costUsd }));
  const flagged = flagDays(days);
  // The $5 days after the $100 era are low, never high; only the final $20 day is flagged: 4× the $5 median of the
  // previous 28 active days (all $5 by then, MAD 0).
  assert.deepEqual(flagged.map((d) => [d.day, d.cost_usd, d.baseline_usd, d.ratio]), [[dayNumberToKey(first + 86), 20, 5, 4]]);
});

test('sessions are judged against the sessions that started before them', () => {
  const sessions = Array.from({ length: 12 }, (_, i) => ({ session: `s${i}`, label: `S${i}`, startMs: i * 1000, costUsd: 1 + (i % 3) * 0.5 }));
  sessions.push({ session: 'loop', label: 'Runaway loop', startMs: 20_000, costUsd: 30 });
  const flagged = flagSessions(sessions);
  assert.deepEqual(flagged.map((s) => [s.session, s.cost_usd, s.baseline_usd, s.ratio]), [['loop', 30, 1.5, 20]]);
});

test('the sentence the panel shows', () => {
  assert.equal(describeDayAnomaly({ day: '2026-12-03', cost_usd: 41, baseline_usd: 6.6, ratio: 6.21 }, '2026-12-03'), 'Today: $41.00, 6.2× your usual $6.60');
  assert.equal(describeDayAnomaly({ day: '2026-12-01', cost_usd: 41, baseline_usd: 6.6, ratio: 6.21 }, '2026-12-03'), '2026-12-01: $41.00, 6.2× your usual $6.60');
});

// ---- a generated corpus with one injected spike day, through the CLI ----

let dir: string;
let root: string;
const SPIKE_DAY = '2026-11-12';
const SPIKE_SESSION = '5b1f0000-0000-4000-8000-00000000a11c';
const NOW_ISO = '2026-11-20T18:00:00Z';

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-anomaly-'));
  root = path.join(dir, 'claude');
  await generateCorpus({ outDir: root, targetBytes: 8 * 1024 * 1024, seed: 11, withEdgeCases: false, days: 60 });
  // A runaway agent loop on one day: 400 Opus responses with large cache writes and reads.
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const minute = String(i % 60).padStart(2, '0');
    const hour = String(9 + Math.floor(i / 60)).padStart(2, '0');
    lines.push(assistantLine({
      messageId: `msg_01SPIKE${String(i).padStart(17, '0')}`, sessionId: SPIKE_SESSION,
      model: 'claude-opus-4-6', timestamp: `${SPIKE_DAY}T${hour}:${minute}:00.000Z`, cwd: '/home/dev/shop',
      input: 5, output: 4_000, cacheCreation: 60_000, cacheRead: 400_000,
    }));
  }
  const spikeDir = path.join(root, 'projects', '-home-dev-shop');
  fs.mkdirSync(spikeDir, { recursive: true });
  writeLines(path.join(spikeDir, `${SPIKE_SESSION}.jsonl`), lines);
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main([...argv, '--config-dir', root, '--db', path.join(dir, 'usage.sqlite'), '--now', NOW_ISO], (s) => (out += s));
  return { code, out };
}

test('report anomalies --json on a generated corpus with one injected spike day: that day is flagged, and almost no other', async () => {
  const r = await cli(['report', 'anomalies', '--json', '--tz', 'UTC']);
  assert.equal(r.code, 0);
  const flagged = JSON.parse(r.out) as DayAnomaly[];
  const days = flagged.map((d) => d.day);
  assert.ok(days.includes(SPIKE_DAY), `spike day flagged (flagged: ${days.join(', ')})`);
  assert.deepEqual(Object.keys(flagged[0]), ['day', 'cost_usd', 'baseline_usd', 'ratio']);
  const spike = flagged.find((d) => d.day === SPIKE_DAY)!;
  assert.ok(spike.ratio >= 3 && spike.cost_usd > spike.baseline_usd * 3);
  // The spike day's cost is `report daily`'s figure for that day, to the micro-dollar.
  const daily = JSON.parse((await cli(['report', 'daily', '--json', '--tz', 'UTC', '--no-scan'])).out) as { daily: { date: string; totalCost: number }[] };
  assert.equal(spike.cost_usd, daily.daily.find((d) => d.date === SPIKE_DAY)!.totalCost);
  const active = daily.daily.filter((d) => d.totalCost > 0).length;
  assert.ok(days.length <= 1 + Math.ceil(active * 0.05), `${days.length} of ${active} active days flagged`);
  // --since after the spike: not listed; the text report names the runaway session.
  const later = JSON.parse((await cli(['report', 'anomalies', '--json', '--tz', 'UTC', '--since', '2026-11-13', '--no-scan'])).out) as DayAnomaly[];
  assert.ok(!later.some((d) => d.day === SPIKE_DAY));
  const text = (await cli(['report', 'anomalies', '--tz', 'UTC', '--no-scan'])).out;
  assert.match(text, new RegExp(`${SPIKE_DAY}\\s+\\$\\d`));
});

test('report anomalies: a bad --since or --tz is a one-line error, exit 2', async () => {
  const writeErr = process.stderr.write.bind(process.stderr);
  (process.stderr as { write: unknown }).write = () => true;
  try {
    assert.equal((await cli(['report', 'anomalies', '--since', '2026-13-40', '--no-scan'])).code, 2);
    assert.equal((await cli(['report', 'anomalies', '--tz', 'Mars/Olympus', '--no-scan'])).code, 2);
  } finally {
    (process.stderr as { write: unknown }).write = writeErr;
  }
});

test('llm_costs_query with anomalies: true lists the window\'s flagged days with a sentence; a bad value is an error naming it', async () => {
  const inWindow = JSON.parse((await cli(['query', '--no-scan', '--params', JSON.stringify({ start_date: '2026-11-10', end_date: '2026-11-14', tz: 'UTC', anomalies: true })])).out);
  assert.deepEqual(inWindow.anomalies.days.map((d: { day: string }) => d.day), [SPIKE_DAY]);
  assert.match(inWindow.anomalies.days[0].explanation, /^2026-11-12: \$\d+\.\d\d, \d+\.\d× your usual \$\d+\.\d\d$/);
  assert.ok(inWindow.anomalies.sessions.some((s: { session: string }) => s.session === SPIKE_SESSION));
  const outside = JSON.parse((await cli(['query', '--no-scan', '--params', JSON.stringify({ start_date: '2026-11-13', end_date: '2026-11-14', tz: 'UTC', anomalies: true })])).out);
  assert.deepEqual(outside.anomalies.days, []);
  const without = JSON.parse((await cli(['query', '--no-scan', '--params', JSON.stringify({ window: 'all', tz: 'UTC' })])).out);
  assert.equal(without.anomalies, undefined);
  const writeErr = process.stderr.write.bind(process.stderr);
  let err = '';
  (process.stderr as { write: unknown }).write = (c: string) => ((err += c), true);
  try {
    assert.equal((await cli(['query', '--no-scan', '--params', '{"anomalies":"yes"}'])).code, 2);
  } finally {
    (process.stderr as { write: unknown }).write = writeErr;
  }
  assert.match(err, /anomalies/);
});

test('a window\'s unusual days and sessions read from short stretches equal the answer from all of history (heavy, light and filtered histories)', async () => {
  const { createStore, insertRequests, prng } = await import('./helpers/store-fixture');
  const { anomaliesInWindow, dayCosts, describeDayAnomaly, flagDays, flagSessions, sessionCosts } = await import('../../src/core/query/anomalies');
  const { buildReadModel } = await import('../../src/core/query/readmodel/build');
  const { DEFAULT_PANEL_FILTER } = await import('../../src/core/query/readmodel/filterState');
  const HOUR = 3_600_000;
  const end = Date.UTC(2026, 10, 20, 18);
  /** The reference: every day and session of history judged, then the window's kept. */
  const fromAllHistory = (db: Parameters<typeof dayCosts>[0], filter: Parameters<typeof dayCosts>[1], startMs: number, endMs: number) => {
    const horizon = endMs - 1;
    const firstDay = dayNumberToKey(localDayNumber(startMs, filter.tz));
    const lastDay = dayNumberToKey(localDayNumber(horizon, filter.tz));
    return {
      days: flagDays(dayCosts(db, filter, horizon).filter((d) => d.day <= lastDay)).filter((d) => d.day >= firstDay)
        .map(({ verdict: _v, ...d }) => ({ ...d, explanation: describeDayAnomaly(d) })),
      sessions: flagSessions(sessionCosts(db, filter, horizon)).filter((s) => { const t = Date.parse(s.started_at); return t >= startMs && t < endMs; }),
    };
  };
  for (const [label, sessionsPerDay, days] of [['heavy', 12, 120], ['light', 1, 60], ['sparse', 0.3, 200]] as const) {
    const rnd = prng(label.length * 7919);
    const rows = [];
    let n = 0;
    for (let d = days; d >= 0; d--) {
      const count = Math.floor(sessionsPerDay + rnd());
      for (let s = 0; s < count; s++) {
        const start = end - d * 24 * HOUR + Math.floor(rnd() * 20 * HOUR) - 22 * HOUR;
        const spike = rnd() < 0.03 ? 40 : 1;
        for (let r = 0; r < 5; r++) {
          rows.push({
            ts: start + r * 7 * 60_000, session: `${label}-${n}`, cost: spike * (0.2 + rnd()), model: rnd() < 0.5 ? 'claude-opus-4-6' : 'claude-sonnet-4-5',
            project: rnd() < 0.5 ? 'shop' : 'blog', input: 10, output: 100,
          });
        }
        n++;
      }
    }
    const db = await createStore();
    insertRequests(db, rows);
    for (const filter of [
      { source: 'all' as const, project: null, models: null, executionMode: null, tz: 'UTC' },
      { source: 'all' as const, project: null, models: ['claude-opus-4-6'], executionMode: null, tz: 'America/New_York' },
      { source: 'claude_code' as const, project: 'shop', models: null, executionMode: null, tz: 'Asia/Kolkata' },
    ]) {
      for (const windowDays of [7, 30]) {
        const startMs = end - windowDays * 24 * HOUR;
        const endMs = end + 1;
        const got = anomaliesInWindow(db, filter, startMs, endMs);
        const want = fromAllHistory(db, filter, startMs, endMs);
        assert.deepEqual(got.days, want.days, `${label} ${JSON.stringify(filter)} ${windowDays} d: days`);
        assert.deepEqual(got.sessions, want.sessions, `${label} ${JSON.stringify(filter)} ${windowDays} d: sessions`);
        if (label === 'heavy' && filter.models === null && windowDays === 30) assert.ok(got.sessions.length + got.days.length > 0, 'the heavy history has something unusual to compare');
      }
      // The panel hands its own per-session sums of the window to the same computation (a filter of source and
      // models only): the same answer.
      if (filter.project === null) {
        const rm = buildReadModel(db, { ...DEFAULT_PANEL_FILTER, range: 'last_30d', tz: filter.tz, source: filter.source, models: filter.models, view: 'usage' }, end);
        assert.deepEqual(rm.anomalies, fromAllHistory(db, filter, rm.window.startMs, Math.min(rm.window.endMs, end + 1)), `${label} ${JSON.stringify(filter)}: the panel's`);
      }
    }
  }
});
