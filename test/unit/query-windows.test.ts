import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatDayKey, formatHourKey, offsetSegments, parseDayKey, previousWindow, resolveWindow, startOfLocalDay,
  tzOffsetMs, wallTimeToInstant, zonedDayStart,
} from '../../src/core/query/windows';
import type { WindowName } from '../../src/core/query/types';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
function win(name: WindowName, tz: string, now: string, bounds = {}) {
  const w = resolveWindow(name, tz, at(now), bounds);
  return { start: iso(w.startMs), end: iso(w.endMs), label: w.label };
}

test('named windows in UTC at a fixed now (Sunday 2026-11-22 12:00Z)', () => {
  const now = '2026-11-22T12:00:00.000Z';
  assert.deepEqual(win('today', 'UTC', now), { start: '2026-11-22T00:00:00.000Z', end: '2026-11-23T00:00:00.000Z', label: 'today' });
  assert.deepEqual(win('yesterday', 'UTC', now), { start: '2026-11-21T00:00:00.000Z', end: '2026-11-22T00:00:00.000Z', label: 'yesterday' });
  assert.deepEqual(win('last_5h', 'UTC', now), { start: '2026-11-22T07:00:00.000Z', end: now, label: 'last_5h' });
  assert.deepEqual(win('last_24h', 'UTC', now), { start: '2026-11-21T12:00:00.000Z', end: now, label: 'last_24h' });
  assert.deepEqual(win('last_7d', 'UTC', now), { start: '2026-11-16T00:00:00.000Z', end: '2026-11-23T00:00:00.000Z', label: 'last_7d' });
  assert.deepEqual(win('last_30d', 'UTC', now), { start: '2026-10-24T00:00:00.000Z', end: '2026-11-23T00:00:00.000Z', label: 'last_30d' });
  // 2026-11-22 is a Sunday: the week started on Monday the 16th.
  assert.deepEqual(win('this_week', 'UTC', now), { start: '2026-11-16T00:00:00.000Z', end: '2026-11-23T00:00:00.000Z', label: 'this_week' });
  assert.deepEqual(win('this_month', 'UTC', now), { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', label: 'this_month' });
  assert.deepEqual(win('last_month', 'UTC', now), { start: '2026-10-01T00:00:00.000Z', end: '2026-11-01T00:00:00.000Z', label: 'last_month' });
});

test('this_week on a Monday starts that Monday', () => {
  assert.deepEqual(win('this_week', 'UTC', '2026-11-16T00:00:00.000Z').start, '2026-11-16T00:00:00.000Z');
  assert.deepEqual(win('this_week', 'Europe/Berlin', '2026-11-15T23:30:00.000Z').start, '2026-11-15T23:00:00.000Z');
});

test('all: from the earliest stored row floored to the hour, or epoch 0', () => {
  assert.deepEqual(win('all', 'UTC', '2026-11-22T12:30:00.000Z'), { start: '1970-01-01T00:00:00.000Z', end: '2026-11-22T13:00:00.000Z', label: 'all' });
  const w = win('all', 'UTC', '2026-11-22T12:30:00.000Z', { earliestMs: at('2026-01-05T08:45:00Z'), latestEndMs: at('2026-12-01T00:00:00Z') });
  assert.deepEqual(w, { start: '2026-01-05T08:00:00.000Z', end: '2026-12-01T00:00:00.000Z', label: 'all' });
});

test('America/New_York: the spring-forward day lasts 23 hours, the fall-back day 25', () => {
  // DST began 2026-03-08 at 02:00 EST (07:00Z) and ended 2026-11-01 at 02:00 EDT (06:00Z).
  assert.deepEqual(win('today', 'America/New_York', '2026-03-08T12:00:00.000Z'),
    { start: '2026-03-08T05:00:00.000Z', end: '2026-03-09T04:00:00.000Z', label: 'today' });
  assert.deepEqual(win('yesterday', 'America/New_York', '2026-03-09T12:00:00.000Z'),
    { start: '2026-03-08T05:00:00.000Z', end: '2026-03-09T04:00:00.000Z', label: 'yesterday' });
  assert.deepEqual(win('today', 'America/New_York', '2026-11-01T12:00:00.000Z'),
    { start: '2026-11-01T04:00:00.000Z', end: '2026-11-02T05:00:00.000Z', label: 'today' });
  // last_7d across the March change: starts at EST midnight, ends at EDT midnight.
  assert.deepEqual(win('last_7d', 'America/New_York', '2026-03-10T12:00:00.000Z'),
    { start: '2026-03-04T05:00:00.000Z', end: '2026-03-11T04:00:00.000Z', label: 'last_7d' });
  // this_month for March: EST at the start, EDT at the end.
  assert.deepEqual(win('this_month', 'America/New_York', '2026-03-20T12:00:00.000Z'),
    { start: '2026-03-01T05:00:00.000Z', end: '2026-04-01T04:00:00.000Z', label: 'this_month' });
});

test('month and year boundaries follow the local date, not UTC', () => {
  // 2026-03-01 03:00Z is still 2026-02-28 22:00 in New York.
  assert.deepEqual(win('this_month', 'America/New_York', '2026-03-01T03:00:00.000Z'),
    { start: '2026-02-01T05:00:00.000Z', end: '2026-03-01T05:00:00.000Z', label: 'this_month' });
  assert.deepEqual(win('last_month', 'America/New_York', '2026-01-15T12:00:00.000Z'),
    { start: '2025-12-01T05:00:00.000Z', end: '2026-01-01T05:00:00.000Z', label: 'last_month' });
  // 2026-12-31 23:30Z is already 2027-01-01 in Berlin.
  assert.deepEqual(win('last_month', 'Europe/Berlin', '2026-12-31T23:30:00.000Z'),
    { start: '2026-11-30T23:00:00.000Z', end: '2026-12-31T23:00:00.000Z', label: 'last_month' });
  assert.deepEqual(win('today', 'Asia/Kolkata', '2026-11-22T20:00:00.000Z'),
    { start: '2026-11-22T18:30:00.000Z', end: '2026-11-23T18:30:00.000Z', label: 'today' });
});

test('previous window: same length immediately before', () => {
  const w = resolveWindow('today', 'America/New_York', at('2026-11-01T12:00:00Z'));
  const p = previousWindow(w);
  assert.equal(p.endMs, w.startMs);
  assert.equal(w.endMs - w.startMs, 25 * 3_600_000);
  assert.equal(p.endMs - p.startMs, 25 * 3_600_000);
});

test('day and hour keys in a zone; the repeated fall-back hour has one key', () => {
  assert.equal(formatDayKey(at('2026-03-01T03:00:00Z'), 'America/New_York'), '2026-02-28');
  assert.equal(formatDayKey(at('2026-03-01T03:00:00Z'), 'UTC'), '2026-03-01');
  assert.equal(formatHourKey(at('2026-11-22T12:10:00Z'), 'Asia/Kolkata'), '2026-11-22T17');
  assert.equal(formatHourKey(at('2026-11-01T05:30:00Z'), 'America/New_York'), '2026-11-01T01');
  assert.equal(formatHourKey(at('2026-11-01T06:30:00Z'), 'America/New_York'), '2026-11-01T01');
  assert.equal(formatHourKey(at('2026-11-22T00:00:00Z'), 'UTC'), '2026-11-22T00');
});

test('zonedDayStart / startOfLocalDay, including a zone whose midnight is skipped', () => {
  assert.equal(iso(zonedDayStart(at('2026-03-08T20:00:00Z'), 'America/New_York')), '2026-03-08T05:00:00.000Z');
  assert.equal(iso(zonedDayStart(at('2026-11-22T18:29:59Z'), 'Asia/Kolkata')), '2026-11-21T18:30:00.000Z');
  // Chile moves 00:00 → 01:00 on 2026-09-06: that day starts at 01:00 -03 (04:00Z).
  const day = parseDayKey('2026-09-06')!;
  const start = startOfLocalDay(day, 'America/Santiago');
  assert.equal(formatDayKey(start, 'America/Santiago'), '2026-09-06');
  assert.equal(formatDayKey(start - 1, 'America/Santiago'), '2026-09-05');
  assert.equal(iso(start), '2026-09-06T04:00:00.000Z');
});

test('wall times: a gap shifts forward, an overlap takes the earlier instant', () => {
  assert.equal(iso(wallTimeToInstant(at('2026-03-08T02:30:00Z'), 'America/New_York')), '2026-03-08T07:30:00.000Z');
  assert.equal(iso(wallTimeToInstant(at('2026-11-01T01:30:00Z'), 'America/New_York')), '2026-11-01T05:30:00.000Z');
  assert.equal(iso(wallTimeToInstant(at('2026-06-01T09:15:00Z'), 'Asia/Kolkata')), '2026-06-01T03:45:00.000Z');
});

test('offset segments pin DST changes to the instant', () => {
  const segs = offsetSegments(at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), 'America/New_York');
  assert.deepEqual(segs.map((s) => [iso(s.startMs), iso(s.endMs), s.offsetMs / 3_600_000]), [
    ['2026-01-01T00:00:00.000Z', '2026-03-08T07:00:00.000Z', -5],
    ['2026-03-08T07:00:00.000Z', '2026-11-01T06:00:00.000Z', -4],
    ['2026-11-01T06:00:00.000Z', '2027-01-01T00:00:00.000Z', -5],
  ]);
  assert.equal(offsetSegments(0, at('2026-01-01T00:00:00Z'), 'UTC').length, 1);
  assert.equal(tzOffsetMs(at('2026-06-01T00:00:00Z'), 'Asia/Kolkata'), 5.5 * 3_600_000);
});

test('parseDayKey rejects impossible dates', () => {
  assert.equal(parseDayKey('2026-02-29'), null);
  assert.equal(parseDayKey('2026-13-01'), null);
  assert.equal(parseDayKey('2026-1-01'), null);
  assert.notEqual(parseDayKey('2028-02-29'), null);
});
