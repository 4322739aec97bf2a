// The Branches table and the branch filter in real headless Chromium against real read models: the
// table lists project · branch rows ("(no branch)" included) whose totals row repeats the cards, the
// filter bar narrows the page to one branch, and a click on a row filters to that project and branch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Database } from '../../src/core/store/sqljs';
import { buildReadModel } from '../../src/core/query/readModel';
import { NO_BRANCH_FILTER } from '../../src/protocol';
import { launch, openPanel, shutdown } from './harness';
import { NOW, populatedStore } from './fixture';

let browser: Browser;
let db: Database;

before(async () => {
  browser = await launch();
  db = await populatedStore();
});
after(async () => shutdown(browser));


test('Branches table: one row per project and branch, totals = the cards; the filter bar and a row click narrow the page', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' } });
  const model = buildReadModel(db, panel.filter, NOW);
  assert.ok(model.branches.rows.length > 3);
  const shown = Math.min(12, model.branches.rows.length);
  assert.equal(await panel.page.locator('.branches-table tbody tr').count(), shown);
  const total = await panel.text('.branches-table tfoot');
  assert.ok(total.startsWith('Total') && total.includes(model.totals.requests.toLocaleString('en-US')), total);
  if (model.branches.rows.length > 12) await panel.page.locator('.branches-table button.more').click();
  assert.ok((await panel.text('.branches-table tbody')).includes(NO_BRANCH_FILTER), 'requests without a branch are listed');

  // The filter bar: pick a branch, every row of the table is on it and the cards shrink.
  await panel.page.locator('vscode-single-select.branch').click();
  await panel.page.locator('vscode-single-select.branch li[role="option"]', { hasText: 'feature/checkout' }).first().click();
  await panel.waitForIdle();
  assert.equal(panel.filter.branch, 'feature/checkout');
  const onBranch = buildReadModel(db, panel.filter, NOW);
  assert.ok(onBranch.totals.requests > 0 && onBranch.totals.requests < model.totals.requests);
  assert.equal(await panel.text('kpi-cards .kpi-requests .value'), onBranch.totals.requests.toLocaleString('en-US'));
  const branchCells = await panel.page.locator('.branches-table tbody tr td:nth-child(2)').allTextContents();
  assert.ok(branchCells.length > 0 && branchCells.every((c) => c.trim() === 'feature/checkout'), branchCells.join('|'));

  // A row click: project and branch of that row (the drill-down's "filter to this branch").
  await panel.page.locator('vscode-single-select.branch').click();
  await panel.page.locator('vscode-single-select.branch li[role="option"]', { hasText: 'All branches' }).first().click();
  await panel.waitForIdle();
  const row = panel.page.locator('.branches-table tbody tr').first();
  const [project, branch] = (await row.locator('td').allTextContents()).map((c) => c.trim());
  await row.click();
  await panel.waitForIdle();
  assert.equal(panel.filter.project, project);
  assert.equal(panel.filter.branch, branch === NO_BRANCH_FILTER ? NO_BRANCH_FILTER : branch);
  const narrowed = buildReadModel(db, panel.filter, NOW);
  assert.equal(narrowed.branches.rows.length, 1);
  assert.equal(await panel.page.locator('.branches-table tbody tr').count(), 1);
  assert.equal(await panel.text('kpi-cards .kpi-requests .value'), narrowed.totals.requests.toLocaleString('en-US'));
  await panel.screenshot('panel-branches-filtered-dark.png');

  // Keyboard: Enter on a focused row does the same; Reset filters clears the branch too.
  await panel.page.locator('vscode-single-select.branch').click();
  await panel.page.locator('vscode-single-select.branch li[role="option"]', { hasText: 'All branches' }).first().click();
  await panel.page.locator('vscode-single-select.project').click();
  await panel.page.locator('vscode-single-select.project li[role="option"]', { hasText: 'All projects' }).first().click();
  await panel.waitForIdle();
  await panel.page.locator('.branches-table tbody tr').nth(1).focus();
  await panel.page.keyboard.press('Enter');
  await panel.waitForIdle();
  assert.notEqual(panel.filter.branch, null);
  assert.notEqual(panel.filter.project, null);
  panel.assertClean();
  await panel.page.context().close();
});
