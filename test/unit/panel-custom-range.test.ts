// Custom ranges are validated where they enter (the webview's date fields and the host's message check):
// real calendar dates, not before 2020, not after tomorrow (in the zone furthest ahead) at the host's clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_PANEL_FILTER, EARLIEST_CUSTOM_DAY, customDayProblem, latestCustomDay, parsePanelFilter, parseWebviewMessage, requestIdOfInvalid,
} from '../../src/protocol';

const NOW = Date.parse('2026-12-03T09:00:00Z');
const custom = (from: string, until: string) => ({ ...DEFAULT_PANEL_FILTER, range: 'custom', from, until });

test('customDayProblem: format, calendar, lower and upper bounds', () => {
  assert.equal(customDayProblem('2026-11-01', NOW), null);
  assert.equal(customDayProblem('2024-02-29', NOW), null, 'a leap day is a date');
  assert.match(customDayProblem('2025-02-29', NOW)!, /not a calendar date/);
  assert.match(customDayProblem('2026-04-31', NOW)!, /not a calendar date/);
  assert.match(customDayProblem('0001-01-01', NOW)!, /not be before 2020-01-01/, 'one stray keystroke in the year');
  assert.match(customDayProblem('2019-12-31', NOW)!, /not be before/);
  assert.equal(customDayProblem(EARLIEST_CUSTOM_DAY, NOW), null);
  assert.equal(latestCustomDay(NOW), '2026-12-05');
  assert.equal(customDayProblem('2026-12-05', NOW), null);
  assert.match(customDayProblem('2026-12-06', NOW)!, /not be after 2026-12-05/);
  assert.match(customDayProblem('9999-01-01', NOW)!, /not be after/);
  assert.equal(customDayProblem('9999-01-01'), null, 'without a clock only the lower bound applies');
  assert.match(customDayProblem('2026-1-1', NOW)!, /YYYY-MM-DD/);
  assert.match(customDayProblem(20261101, NOW)!, /YYYY-MM-DD/);
});

test('the host refuses a custom range outside the bounds and names the field', () => {
  const early = parseWebviewMessage({ type: 'setFilter', requestId: 4, filter: custom('0001-01-01', '2026-11-30') }, NOW);
  assert.ok('error' in early);
  assert.equal(early.error, 'filter.from: must not be before 2020-01-01');
  const late = parseWebviewMessage({ type: 'setFilter', requestId: 5, filter: custom('2026-11-01', '2030-01-01') }, NOW);
  assert.ok('error' in late);
  assert.match(late.error, /^filter\.until: must not be after 2026-12-05$/);
  assert.ok('error' in parsePanelFilter(custom('2026-02-30', '2026-03-01')));
  // The invalid request's id is still readable, so the host can answer it with the error.
  assert.equal(requestIdOfInvalid({ type: 'setFilter', requestId: 4, filter: custom('0001-01-01', '2026-11-30') }), 4);
  assert.equal(requestIdOfInvalid({ type: 'setFilter', requestId: -1 }), null);
  assert.equal(requestIdOfInvalid('nope'), null);
  const ok = parseWebviewMessage({ type: 'setFilter', requestId: 6, filter: custom('2026-11-01', '2026-12-04') }, NOW);
  assert.ok(!('error' in ok));
});
