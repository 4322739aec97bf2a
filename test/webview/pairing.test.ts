// Requests and answers between the panel's webview and its host, in real Chromium. The fake host pairs
// them with the real LatestRequestRunner (as src/host/costsPanel.ts does). A tab switch or a reopen
// rebuilds the page (no retained context): its request ids start over, and the figures must still follow
// every filter change afterwards. Custom dates are checked before anything is sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Database } from '../../src/core/store/sqljs';
import { buildReadModel } from '../../src/core/query/readModel';
import type { PanelFilter } from '../../src/protocol';
import { launch, openPanel, shutdown } from './harness';
import type { PanelPage } from './harness';
import { NOW, populatedStore } from './fixture';

let browser: Browser;
let db: Database;

before(async () => {
  browser = await launch();
  db = await populatedStore();
});
after(async () => shutdown(browser));



/** The cards show the figures of the host's model for `filter` (not of an older one). */
async function assertFiguresOf(p: PanelPage, filter: PanelFilter, heading: string): Promise<void> {
  await p.waitForIdle();
  const model = buildReadModel(db, filter, NOW);
  assert.equal(await p.text('.head h2'), heading);
  assert.equal(await p.text('kpi-cards .kpi-requests .value'), model.totals.requests.toLocaleString('en-US'), `requests of ${filter.range}`);
  assert.equal(p.lastOf('setFilter')?.filter.range, filter.range);
}

test('five range changes, a tab switch, more changes, a reopen: the figures follow every change; screenshots', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' }, delayMs: 50 });
  // The engine is busy while the range changes five times: request 1 is building, 2–4 are superseded.
  panel.hold();
  for (const label of ['Last 7 days', 'Today', 'This month', 'Yesterday', 'All time']) await panel.pick('range', label);
  panel.release();
  await assertFiguresOf(panel, panel.filter, 'All time');
  assert.equal(panel.filter.range, 'all');
  const sent = panel.received.filter((m) => m.type === 'setFilter').length;
  assert.equal(sent, 5);
  assert.equal(panel.builds, 3, 'ready, request 1 (building when 2 came, its answer dropped), request 5; 2–4 never started');

  // Switch to another tab and back: VS Code rebuilds the page from its saved state; its ids start at 1.
  await panel.reload();
  assert.equal(await panel.text('.head h2'), 'All time', 'the rebuilt page restored its filter');
  await panel.pick('range', 'Last 7 days');
  await assertFiguresOf(panel, panel.filter, 'Last 7 days');
  assert.equal(panel.lastOf('setFilter')?.requestId, 1, 'the rebuilt page numbers its requests from 1 again');
  await panel.pick('project', 'billing-api');
  await assertFiguresOf(panel, panel.filter, 'Last 7 days');
  assert.deepEqual(await panel.page.locator('.projects-table tbody td.first').allTextContents(), ['billing-api']);
  await panel.screenshot('pairing-after-tab-switch-and-filter.png');

  // Close and reopen (a second rebuild), then a burst again with a refresh in the middle.
  await panel.reload();
  await panel.pick('range', 'Today');
  await panel.page.locator('vscode-button.refresh').click({ force: true });
  await panel.pick('range', 'Last 30 days');
  await assertFiguresOf(panel, panel.filter, 'Last 30 days');
  assert.equal(await panel.page.locator('vscode-button.refresh').getAttribute('disabled'), null, 'Refresh is enabled again');
  assert.equal(await panel.page.locator('vscode-progress-bar.progress').count(), 0, 'no loading bar left running');
  assert.deepEqual(panel.invalid, []);
  assert.deepEqual(panel.consoleErrors, []);
  await panel.page.context().close();
});

test('an answer to an older request is ignored; a push after the last request is taken', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' } });
  await panel.pick('range', 'Last 7 days');
  await panel.waitForAnswers(2);
  const week = buildReadModel(db, panel.filter, NOW);
  const month = buildReadModel(db, { ...panel.filter, range: 'last_30d' }, NOW);
  assert.notEqual(week.totals.requests, month.totals.requests);
  // A late answer for a request the page has since replaced (id 0 < 1): not shown.
  await panel.post({ type: 'readModel', requestId: 0, model: month });
  await panel.post({ type: 'readModel', requestId: null, model: month });
  await panel.page.waitForTimeout(100);
  assert.equal(await panel.text('kpi-cards .kpi-requests .value'), week.totals.requests.toLocaleString('en-US'));
  // A push that covers request 1 (new data for the same filter): shown.
  const fresher = { ...week, kpis: { ...week.kpis, requests: { ...week.kpis.requests, value: week.kpis.requests.value + 1 } } };
  await panel.post({ type: 'readModel', requestId: 1, model: fresher });
  await panel.page.waitForTimeout(100);
  assert.equal(await panel.text('kpi-cards .kpi-requests .value'), (week.totals.requests + 1).toLocaleString('en-US'));
  await panel.page.context().close();
});

test('custom dates: year 0001, Feb 30 or a future date are refused in the page and never sent; the host refuses them too', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' } });
  await panel.pick('range', 'Custom');
  await panel.waitForAnswers(2);
  const sentBefore = panel.received.filter((m) => m.type === 'setFilter').length;
  const from = panel.page.locator('vscode-textfield.from input');
  for (const [value, why] of [['0001-03-01', /From: must not be before 2020-01-01/], ['2031-01-01', /From: must not be after 2026-03-20/]] as const) {
    await from.fill(value);
    await from.dispatchEvent('change');
    await panel.page.locator('costs-toolbar .date-error').waitFor();
    assert.match(await panel.text('costs-toolbar .date-error'), why);
    assert.equal(await panel.page.locator('vscode-textfield.from').getAttribute('invalid'), '');
  }
  assert.equal(panel.received.filter((m) => m.type === 'setFilter').length, sentBefore, 'nothing was sent');
  await panel.screenshot('custom-range-refused.png');
  // A valid date clears the message and is sent.
  await from.fill('2026-03-01');
  await from.dispatchEvent('change');
  await panel.waitForAnswers(3);
  assert.equal(await panel.page.locator('costs-toolbar .date-error').count(), 0);
  assert.equal(panel.lastOf('setFilter')?.filter.from, '2026-03-01');

  // A page that sends one anyway gets an error answer for that request (never a panel loading forever).
  await panel.page.evaluate(() => (window as unknown as { __toHost: (raw: string) => void }).__toHost(JSON.stringify({
    type: 'setFilter', requestId: 9, filter: { range: 'custom', from: '0001-01-01', until: '2026-03-01', tz: 'UTC', source: 'all', project: null, models: null, provider: null, view: 'cost', interval: '15m' },
  })));
  await panel.page.locator('.banner.error').waitFor();
  assert.match(await panel.text('.banner.error'), /Invalid request: filter\.from: must not be before 2020-01-01/);
  assert.deepEqual(panel.invalid, ['filter.from: must not be before 2020-01-01']);
  await panel.page.context().close();
});
