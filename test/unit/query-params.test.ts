import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateQueryParams } from '../../src/core/query/params';
import { QueryParamError } from '../../src/core/query/types';
import { defaultTimeZone } from '../../src/core/query/windows';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function rejects(input: unknown, key: string, messagePart?: RegExp) {
  assert.throws(() => validateQueryParams(input, NOW), (e: unknown) => {
    assert.ok(e instanceof QueryParamError, `expected QueryParamError, got ${String(e)}`);
    assert.equal(e.param, key);
    assert.ok(e.message.startsWith(`${key}: `), e.message);
    if (messagePart) assert.match(e.message, messagePart);
    return true;
  });
}

test('defaults: last_30d, group none, source all, limit 50, machine tz', () => {
  for (const input of [undefined, {}]) {
    const q = validateQueryParams(input, NOW);
    assert.equal(q.label, 'last_30d');
    assert.equal(q.groupBy, 'none');
    assert.equal(q.source, 'all');
    assert.equal(q.limit, 50);
    assert.equal(q.tz, defaultTimeZone());
    assert.equal(q.models, null);
    assert.equal(q.project, null);
    assert.equal(q.executionMode, null);
    assert.equal(q.compare, false);
  }
});

test('every valid value is accepted', () => {
  const q = validateQueryParams({
    window: 'last_7d', group_by: 'tool', source: 'internal', project: '  repo ', models: 'a, b,a',
    execution_mode: 'local', compare: true, tz: 'Asia/Kolkata', limit: 10000,
  }, NOW);
  assert.deepEqual(
    { g: q.groupBy, s: q.source, p: q.project, m: q.models, e: q.executionMode, c: q.compare, tz: q.tz, l: q.limit },
    { g: 'tool', s: 'internal', p: 'repo', m: ['a', 'b'], e: 'local', c: true, tz: 'Asia/Kolkata', l: 10000 },
  );
  assert.equal(iso(q.startMs), '2026-11-15T18:30:00.000Z');
  assert.equal(validateQueryParams({ tz: 'utc' }, NOW).tz, 'UTC');
  // null values count as missing
  assert.equal(validateQueryParams({ group_by: null, limit: null }, NOW).limit, 50);
});

test('models trichotomy: missing → all, [] or "" → none, list or "a,b" → those', () => {
  assert.equal(validateQueryParams({}, NOW).models, null);
  assert.equal(validateQueryParams({ models: null }, NOW).models, null);
  assert.deepEqual(validateQueryParams({ models: [] }, NOW).models, []);
  assert.deepEqual(validateQueryParams({ models: '' }, NOW).models, []);
  assert.deepEqual(validateQueryParams({ models: 'a,b' }, NOW).models, ['a', 'b']);
  assert.deepEqual(validateQueryParams({ models: ['a', 'b'] }, NOW).models, ['a', 'b']);
});

test('start_date / end_date are inclusive local days', () => {
  const q = validateQueryParams({ start_date: '2026-03-07', end_date: '2026-03-08', tz: 'America/New_York' }, NOW);
  assert.equal(iso(q.startMs), '2026-03-07T05:00:00.000Z');
  assert.equal(iso(q.endMs), '2026-03-09T04:00:00.000Z');
  assert.equal(q.label, '2026-03-07..2026-03-08');
  // start_date alone runs through today
  const s = validateQueryParams({ start_date: '2026-11-20', tz: 'UTC' }, NOW);
  assert.equal(iso(s.endMs), '2026-11-23T00:00:00.000Z');
  assert.equal(s.label, '2026-11-20..2026-11-22');
  // end_date alone starts at the earliest stored row's day (epoch 0 without rows)
  const e = validateQueryParams({ end_date: '2026-11-01', tz: 'UTC' }, NOW, () => ({ earliestMs: Date.parse('2026-10-03T15:00:00Z'), latestMs: NOW }));
  assert.equal(iso(e.startMs), '2026-10-03T00:00:00.000Z');
  assert.equal(iso(e.endMs), '2026-11-02T00:00:00.000Z');
  assert.equal(e.label, '2026-10-03..2026-11-01');
  assert.equal(validateQueryParams({ end_date: '2026-11-01', tz: 'UTC' }, NOW).startMs, 0);
});

test('custom window: ISO instants, dates in tz, wall times in tz', () => {
  const a = validateQueryParams({ window: { start: '2026-11-01T10:00:00Z', end: '2026-11-01T12:30:00+01:00' } }, NOW);
  assert.equal(iso(a.startMs), '2026-11-01T10:00:00.000Z');
  assert.equal(iso(a.endMs), '2026-11-01T11:30:00.000Z');
  assert.equal(a.label, 'custom');
  const b = validateQueryParams({ window: { start: '2026-11-01', end: '2026-11-02T06:00' }, tz: 'Asia/Kolkata' }, NOW);
  assert.equal(iso(b.startMs), '2026-10-31T18:30:00.000Z');
  assert.equal(iso(b.endMs), '2026-11-02T00:30:00.000Z');
});

test('unknown keys and bad values name the key', () => {
  rejects({ windo: 'today' }, 'windo', /unknown parameter/);
  rejects({ window: 'last_year' }, 'window', /must be one of today, yesterday/);
  rejects({ window: 5 }, 'window');
  rejects({ window: ['today'] }, 'window');
  rejects({ window: { start: '2026-11-01' } }, 'window', /end must be/);
  rejects({ window: { start: 'yesterday', end: '2026-11-02' } }, 'window', /start must be/);
  rejects({ window: { start: '2026-11-02', end: '2026-11-01' } }, 'window', /before end/);
  rejects({ window: { start: '2026-11-01', end: '2026-11-02', tz: 'UTC' } }, 'window', /unknown key/);
  rejects({ window: { start: '2026-11-01T25:00Z', end: '2026-11-02' } }, 'window');
  rejects({ group_by: 'week' }, 'group_by', /must be one of none, project, model, session, day, hour, tool, source/);
  rejects({ group_by: ['day'] }, 'group_by');
  rejects({ source: 'cloud' }, 'source', /all, claude_code, internal/);
  rejects({ execution_mode: 'remote' }, 'execution_mode', /cloud, local/);
  rejects({ project: 42 }, 'project');
  rejects({ models: 7 }, 'models');
  rejects({ models: ['a', 3] }, 'models');
  rejects({ compare: 'yes' }, 'compare');
  rejects({ compare: 1 }, 'compare');
  rejects({ tz: 'Mars/Olympus' }, 'tz', /IANA/);
  rejects({ tz: 3 }, 'tz');
  rejects({ limit: 0 }, 'limit');
  rejects({ limit: 10001 }, 'limit');
  rejects({ limit: 2.5 }, 'limit');
  rejects({ limit: '5' }, 'limit');
  rejects({ start_date: '2026-02-30' }, 'start_date', /YYYY-MM-DD/);
  rejects({ end_date: '20261101' }, 'end_date');
  rejects({ start_date: '2026-11-05', end_date: '2026-11-01' }, 'start_date', /after end_date/);
  rejects({ start_date: '2027-01-01', tz: 'UTC' }, 'start_date', /today/);
});

test('window with start_date or end_date is an error naming both keys (never a silent choice)', () => {
  rejects({ window: 'today', start_date: '2026-03-07' }, 'window', /start_date/);
  rejects({ window: 'all', end_date: '2026-03-07' }, 'window', /end_date/);
  rejects({ window: { start: '2026-11-01', end: '2026-11-02' }, start_date: '2026-03-07', end_date: '2026-03-08' }, 'window', /start_date/);
  // null counts as missing, so a caller clearing one of them is fine
  assert.equal(validateQueryParams({ window: null, start_date: '2026-11-20', tz: 'UTC' }, NOW).label, '2026-11-20..2026-11-22');
  assert.equal(validateQueryParams({ window: 'today', start_date: null, end_date: null }, NOW).label, 'today');
});

test('params must be an object: null, a JSON string, an array or a number is rejected', () => {
  rejects(null, 'params', /got null/);
  rejects('{"window":"today"}', 'params');
  rejects(['today'], 'params');
  rejects(3, 'params');
});

test('injection strings are rejected or kept as plain values', () => {
  const evil = "'; DROP TABLE requests; --";
  for (const key of ['window', 'group_by', 'source', 'execution_mode', 'tz', 'start_date', 'end_date']) rejects({ [key]: evil }, key);
  rejects({ [evil]: 1 }, evil);
  assert.equal(validateQueryParams({ project: evil }, NOW).project, evil);
  assert.deepEqual(validateQueryParams({ models: [evil] }, NOW).models, [evil]);
});
