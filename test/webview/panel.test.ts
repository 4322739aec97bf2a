// The costs panel's webview in real headless Chromium (the built bundle), driven through its protocol
// by a fake host that validates every message and answers with real read models.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Database } from '../../src/core/store/sqljs';
import { buildReadModel } from '../../src/core/query/readModel';
import { launch, openPanel, shutdown } from './harness';
import type { PanelPage } from './harness';
import { HOSTILE_PROJECT, HOSTILE_TITLE, MODELS, NOW, emptyStore, populatedStore } from './fixture';

let browser: Browser;
let db: Database;
let empty: Database;

before(async () => {
  browser = await launch();
  db = await populatedStore();
  empty = await emptyStore();
});
after(async () => shutdown(browser));

const clean = (p: PanelPage) => {
  assert.deepEqual(p.consoleErrors, [], 'no console errors or warnings (CSP violations included)');
  assert.deepEqual(p.invalid, [], 'every message the webview sent passed parseWebviewMessage');
  assert.deepEqual(p.dialogs, [], 'no dialog opened');
};

const text = async (p: PanelPage, selector: string) => ((await p.page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

async function pick(p: PanelPage, selectClass: string, optionLabel: string): Promise<void> {
  // A real user interaction with vscode-single-select: open it, click the option in its list.
  await p.page.locator(`vscode-single-select.${selectClass}`).click();
  await p.page.locator(`vscode-single-select.${selectClass} li[role="option"]`, { hasText: optionLabel }).first().click();
}

test('populated panel in Dark and Light: cards, tables and the totals row match the read model; screenshots', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' }, readModelOptions: { budgets: { daily: 25, monthly: 400 } } });
  const model = buildReadModel(db, panel.filter, NOW, { budgets: { daily: 25, monthly: 400 } });
  assert.equal(await text(panel, 'kpi-cards .kpi-requests .value'), model.totals.requests.toLocaleString('en-US'));
  assert.match(await text(panel, 'kpi-cards .kpi-cost .value'), /^\$\d+\.\d\d$/);
  // The models table's totals row repeats the cards' request count.
  const totalRow = await text(panel, '.models-table tfoot');
  assert.ok(totalRow.startsWith('Total'), totalRow);
  assert.ok(totalRow.includes(model.totals.requests.toLocaleString('en-US')), totalRow);
  assert.equal(await panel.page.locator('.models-table tbody tr').count(), model.models.rows.length);
  // Unpriced model flagged with the hint; insight line; budgets; every chart has a text alternative.
  assert.equal(await panel.page.locator('.models-table td .unpriced').count(), 1);
  assert.ok((await text(panel, '.models-table .note')).includes('claudeCosts.priceOverrides'));
  assert.match(await text(panel, '.insight'), /drives \d+\.\d % of output tokens \(this range\)/);
  assert.equal(await panel.page.locator('budget-bars .budget').count(), 2);
  for (const cls of ['chart-daily-tokens', 'chart-daily-cost', 'chart-split', 'chart-models']) {
    const label = await panel.page.locator(`chart-card.${cls} canvas`).getAttribute('aria-label');
    assert.ok(label && label.length > 10, `${cls} has an aria-label`);
  }
  // Sessions are paged; "Show all" lists the rest, and the active session carries the dot.
  assert.equal(await panel.page.locator('.sessions-table tbody tr').count(), 15);
  await panel.page.locator('.sessions-table button.more').click();
  assert.equal(await panel.page.locator('.sessions-table tbody tr').count(), model.sessions.rows.length);
  assert.equal(await panel.page.locator('.sessions-table .dot:not(.idle)').count(), 1);
  await panel.page.locator('.sessions-table button.more').click();
  await panel.screenshot('panel-populated-dark.png');

  // Live re-theme: the body class mutation repaints the canvases with the new variables.
  const before = await panel.page.locator('chart-card.chart-daily-cost canvas').evaluate((c: HTMLCanvasElement) => c.toDataURL());
  await panel.setTheme('light');
  await panel.page.waitForTimeout(150);
  const afterTheme = await panel.page.locator('chart-card.chart-daily-cost canvas').evaluate((c: HTMLCanvasElement) => c.toDataURL());
  assert.notEqual(afterTheme, before, 'the chart was redrawn for the light theme');
  await panel.screenshot('panel-populated-light.png');
  clean(panel);
  await panel.page.context().close();
});

test('toolbar: range, custom dates, project, view and interval change the request sent', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' } });
  await pick(panel, 'range', 'Last 7 days');
  await panel.waitForAnswers(2);
  assert.equal(panel.lastOf('setFilter')?.filter.range, 'last_7d');
  assert.equal(await text(panel, '.head h2'), 'Last 7 days');

  await pick(panel, 'project', 'billing-api');
  await panel.waitForAnswers(3);
  assert.equal(panel.lastOf('setFilter')?.filter.project, 'billing-api');
  assert.deepEqual(await panel.page.locator('.projects-table tbody td.first').allTextContents(), ['billing-api']);

  await panel.page.locator('costs-toolbar button.view-usage').click();
  await panel.waitForAnswers(4);
  assert.equal(panel.lastOf('setFilter')?.filter.view, 'usage');
  assert.equal(await panel.page.locator('costs-toolbar button.view-usage').getAttribute('aria-pressed'), 'true');

  await pick(panel, 'range', 'Custom');
  await panel.waitForAnswers(5);
  const custom = panel.lastOf('setFilter')!.filter;
  assert.equal(custom.range, 'custom');
  assert.ok(custom.from && custom.until && custom.from <= custom.until);
  await panel.page.locator('vscode-textfield.from input').fill('2026-03-01');
  await panel.page.locator('vscode-textfield.from input').dispatchEvent('change');
  await panel.waitForAnswers(6);
  assert.equal(panel.lastOf('setFilter')?.filter.from, '2026-03-01');

  await pick(panel, 'range', 'Today');
  await panel.waitForAnswers(7);
  await panel.page.locator('chart-card.chart-series button.interval-5m').click();
  await panel.waitForAnswers(8);
  assert.equal(panel.lastOf('setFilter')?.filter.interval, '5m');
  assert.equal(await panel.page.locator('chart-card.chart-series').count(), 1);
  clean(panel);
  await panel.page.context().close();
});

test('model chips: click toggles, Alt/Shift-click solos, family pill toggles its group, Reset; all off = zero rows', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'all' } });
  const chip = (id: string) => panel.page.locator(`model-chips button.chip[data-model="${id}"]`);
  const sent = () => panel.lastOf('setFilter')!.filter.models;

  await chip(MODELS[0]).click();
  await panel.waitForAnswers(2);
  assert.deepEqual(new Set(sent()), new Set(MODELS.filter((m) => m !== MODELS[0])));
  assert.equal(await chip(MODELS[0]).getAttribute('aria-pressed'), 'false');
  assert.equal(await panel.page.locator('model-chips button.reset').count(), 1);

  await chip(MODELS[1]).click({ modifiers: ['Alt'] });
  await panel.waitForAnswers(3);
  assert.deepEqual(sent(), [MODELS[1]]);
  assert.deepEqual(await panel.page.locator('.models-table tbody td.first').allTextContents(), [MODELS[1]]);

  await chip(MODELS[2]).click({ modifiers: ['Shift'] });
  await panel.waitForAnswers(4);
  assert.deepEqual(sent(), [MODELS[2]]);

  // Family pill: Opus is off → on (adds the whole group).
  await panel.page.locator('model-chips button.pill', { hasText: 'Opus' }).click();
  await panel.waitForAnswers(5);
  assert.deepEqual(new Set(sent()), new Set([MODELS[0], MODELS[2]]));

  await panel.page.locator('model-chips button.reset').click();
  await panel.waitForAnswers(6);
  assert.equal(sent(), null);
  assert.equal(await panel.page.locator('model-chips button.reset').count(), 0);

  // Every chip off: models [] → zero rows, the no-rows state with its Reset button, zeros in the cards.
  for (const id of MODELS) {
    const n = panel.answers;
    await chip(id).click();
    await panel.waitForAnswers(n + 1);
  }
  assert.deepEqual(sent(), []);
  assert.equal(await panel.page.locator('.banner.no-rows').count(), 1);
  assert.equal(await text(panel, 'kpi-cards .kpi-requests .value'), '0');
  assert.ok((await text(panel, 'chart-card.chart-daily-tokens .nothing')).length > 0, 'a chart with nothing to draw says so');
  await panel.screenshot('panel-no-rows-dark.png');
  await panel.setTheme('light');
  await panel.page.waitForTimeout(100);
  await panel.screenshot('panel-no-rows-light.png');
  const n = panel.answers;
  await panel.page.locator('vscode-button.reset-filters').click();
  await panel.waitForAnswers(n + 1);
  assert.equal(sent(), null);
  assert.equal(await panel.page.locator('.banner.no-rows').count(), 0);
  clean(panel);
  await panel.page.context().close();
});

test('no data at all: what was scanned, Rescan and the roots setting; screenshots', async () => {
  for (const theme of ['dark', 'light'] as const) {
    const panel = await openPanel(browser, {
      db: empty, nowMs: NOW, theme, readModelOptions: { roots: ['/home/dev/.claude/projects', '/home/dev/.config/claude/projects'], files: 0 },
    });
    const section = await text(panel, 'section.no-data');
    assert.ok(section.includes('No Claude Code usage found yet'));
    assert.ok(section.includes('/home/dev/.claude/projects') && section.includes('/home/dev/.config/claude/projects'));
    assert.equal(await panel.page.locator('kpi-cards').count(), 0);
    await panel.screenshot(`panel-no-data-${theme}.png`);
    await panel.page.locator('vscode-button.rescan').click();
    await panel.waitForAnswers(2);
    assert.ok(panel.received.some((m) => m.type === 'rescan'));
    await panel.page.locator('button.open-roots').click();
    await panel.page.waitForTimeout(50);
    assert.deepEqual(panel.lastOf('openSettings'), { type: 'openSettings', target: 'roots' });
    clean(panel);
    await panel.page.context().close();
  }
});

test('export: the CSV and JSON buttons send the export request', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW });
  await panel.page.locator('vscode-button.export-csv').click();
  await panel.page.locator('vscode-button.export-json').click();
  await panel.page.waitForTimeout(50);
  assert.deepEqual(panel.received.filter((m) => m.type === 'export'), [{ type: 'export', format: 'csv' }, { type: 'export', format: 'json' }]);
  await panel.post({ type: 'notice', message: 'Exported to claude-costs-last_30d-2026-03-18.csv' });
  assert.ok((await text(panel, '.banner.info')).includes('Exported to'));
  clean(panel);
  await panel.page.context().close();
});

test('hostile project names and session titles render as text, never as HTML', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'all' } });
  const projects = await panel.page.locator('.projects-table tbody td.first').allTextContents();
  assert.ok(projects.includes(HOSTILE_PROJECT), 'the name is shown verbatim');
  await panel.page.locator('.sessions-table button.more').click();
  assert.ok((await panel.page.locator('.sessions-table tbody td.first').allTextContents()).some((t) => t.includes(HOSTILE_TITLE)));
  // Pick it in the project select too (the option label is text as well).
  await pick(panel, 'project', HOSTILE_PROJECT);
  await panel.waitForAnswers(2);
  assert.equal(panel.lastOf('setFilter')?.filter.project, HOSTILE_PROJECT);
  // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
  const injected = await panel.page.evaluate(`(() => {
    const all = [];
    const walk = (root) => root.querySelectorAll('*').forEach((el) => { all.push(el); if (el.shadowRoot) walk(el.shadowRoot); });
    walk(document);
    return all.filter((el) => (el.tagName === 'IMG' && el.getAttribute('src') === 'x') || (el.tagName === 'SCRIPT' && (el.textContent || '').includes('alert'))).length;
  })()`) as number;
  assert.equal(injected, 0, 'no element was created from the strings');
  clean(panel);
  await panel.page.context().close();
});

test('tables: keyboard navigation with arrows / Home / End and sorting from the header', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'all' } });
  const rows = panel.page.locator('.tools-table tbody tr');
  const count = await rows.count();
  assert.ok(count >= 5);
  await rows.first().focus();
  await panel.page.keyboard.press('ArrowDown');
  const focusedIndex = () => panel.page.locator('.tools-table data-table').evaluate((el) => {
    const trs = Array.from(el.shadowRoot!.querySelectorAll("tbody tr"));
    return trs.indexOf(el.shadowRoot!.activeElement as HTMLTableRowElement);
  });
  assert.equal(await focusedIndex(), 1);
  await panel.page.keyboard.press('End');
  assert.equal(await focusedIndex(), count - 1);
  await panel.page.keyboard.press('Home');
  assert.equal(await focusedIndex(), 0);
  // Roving tabindex: exactly one row is in the tab order.
  assert.equal(await panel.page.locator('.tools-table tbody tr[tabindex="0"]').count(), 1);

  const header = panel.page.locator('.tools-table th', { hasText: 'Requests' });
  await header.locator('button').focus();
  await panel.page.keyboard.press('Enter');
  assert.equal(await header.getAttribute('aria-sort'), 'descending');
  const values = (await panel.page.locator('.tools-table tbody tr td:nth-child(2)').allTextContents()).map((v) => Number(v.replace(/,/g, '')));
  assert.deepEqual(values, [...values].sort((a, b) => b - a));
  await panel.page.keyboard.press('Enter');
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  clean(panel);
  await panel.page.context().close();
});

test('Refresh is disabled while a request is in flight; an error shows inline with a Retry', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW });
  panel.delayMs = 600;
  await panel.page.locator('vscode-button.refresh').click();
  await panel.page.waitForTimeout(200);
  assert.equal(await panel.page.locator('vscode-button.refresh').getAttribute('disabled'), '');
  assert.equal(await panel.page.locator('vscode-progress-bar.progress').count(), 1);
  await panel.waitForAnswers(2);
  assert.equal(await panel.page.locator('vscode-button.refresh').getAttribute('disabled'), null);
  panel.delayMs = 0;

  panel.failNext = true;
  await panel.page.locator('vscode-button.refresh').click();
  await panel.page.locator('.banner.error').waitFor();
  assert.ok((await text(panel, '.banner.error')).includes('the store is busy'));
  assert.equal(await panel.page.locator('kpi-cards').count(), 1, 'the last figures stay on screen');
  await panel.page.locator('vscode-button.retry').click();
  await panel.waitForAnswers(3);
  assert.equal(await panel.page.locator('.banner.error').count(), 0);
  assert.equal(panel.received.filter((m) => m.type === 'refresh').length, 3);
  clean(panel);
  await panel.page.context().close();
});

test('the filter is kept in webview state and restored on reload', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW });
  await panel.page.locator('costs-toolbar button.view-usage').click();
  await panel.waitForAnswers(2);
  const state = await panel.page.evaluate(() => (window as unknown as { __state: unknown }).__state) as { filter: { view: string } };
  assert.equal(state.filter.view, 'usage');
  await panel.page.context().close();
  // A reloaded webview starts from its saved state (the host's serializer hands the same filter over).
  const again = await openPanel(browser, { db, nowMs: NOW, savedState: state, filter: state.filter as never });
  assert.equal(await again.page.locator('costs-toolbar button.view-usage').getAttribute('aria-pressed'), 'true');
  clean(again);
  await again.page.context().close();
});

test('the first open shows a loading state, never a blank panel', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, delayMs: 800 }, undefined, false);
  await panel.page.locator('costs-app .loading').waitFor();
  assert.ok((await text(panel, 'costs-app .loading')).includes('Loading Claude Code costs'));
  await panel.waitForAnswers(1);
  assert.equal(await panel.page.locator('costs-app .loading').count(), 0);
  assert.equal(await panel.page.locator('kpi-cards').count(), 1);
  clean(panel);
  await panel.page.context().close();
});

test('short range in the Usage view: the time series with its interval selector; screenshot', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_24h', view: 'usage', interval: '1h' } });
  assert.equal(await panel.page.locator('chart-card.chart-series').count(), 1);
  assert.equal(await panel.page.locator('chart-card.chart-series button.interval-1h').getAttribute('aria-pressed'), 'true');
  assert.equal(await text(panel, 'chart-card.chart-models .sub'), 'share of tokens');
  await panel.screenshot('panel-last24h-usage-dark.png');
  clean(panel);
  await panel.page.context().close();
});

test('High Contrast and a narrow editor column: still laid out and readable; screenshots', async () => {
  const hc = await openPanel(browser, { db, nowMs: NOW, theme: 'high-contrast', filter: { range: 'last_30d' } });
  assert.equal(await hc.page.locator('kpi-cards .card').count(), 4);
  await hc.screenshot('panel-populated-high-contrast.png');
  clean(hc);
  await hc.page.context().close();
  const narrow = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_7d' } }, { width: 640, height: 900 });
  // Nothing spills sideways: the page is as wide as the viewport (tables scroll inside their card).
  const overflow = await narrow.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as number;
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  await narrow.screenshot('panel-narrow-dark.png');
  clean(narrow);
  await narrow.page.context().close();
});
