// The costs panel's webview in real headless Chromium (the built bundle), driven through its protocol
// by a fake host that validates every message and answers with real read models.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Database } from '../../src/core/store/sqljs';
import { buildReadModel } from '../../src/core/query/readModel';
import { launch, openPanel, shutdown } from './harness';
import type { PanelPage } from './harness';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESULTS_DIR } from './harness';
import {
  HOSTILE_FEATURE, HOSTILE_PROJECT, HOSTILE_PROVIDER, HOSTILE_TITLE, MODELS, NOW, OLLAMA_MODEL, bothSourcesStore, emptyStore, populatedStore,
} from './fixture';

let browser: Browser;
let db: Database;
let empty: Database;
let both: Database;

before(async () => {
  browser = await launch();
  db = await populatedStore();
  empty = await emptyStore();
  both = await bothSourcesStore();
});
after(async () => shutdown(browser));




test('populated panel in Dark and Light: cards, tables and the totals row match the read model; screenshots', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' }, readModelOptions: { budgets: { daily: 25, monthly: 400 } } });
  const model = buildReadModel(db, panel.filter, NOW, { budgets: { daily: 25, monthly: 400 } });
  assert.equal(await panel.text('kpi-cards .kpi-requests .value'), model.totals.requests.toLocaleString('en-US'));
  assert.match(await panel.text('kpi-cards .kpi-cost .value'), /^\$\d+\.\d\d$/);
  // The models table's totals row repeats the cards' request count.
  const totalRow = await panel.text('.models-table tfoot');
  assert.ok(totalRow.startsWith('Total'), totalRow);
  assert.ok(totalRow.includes(model.totals.requests.toLocaleString('en-US')), totalRow);
  assert.equal(await panel.page.locator('.models-table tbody tr').count(), model.models.rows.length);
  // Unpriced model flagged with the hint; insight line; budgets; every chart has a text alternative.
  assert.equal(await panel.page.locator('.models-table td .unpriced').count(), 1);
  assert.ok((await panel.text('.models-table .note')).includes('claudeCosts.priceOverrides'));
  assert.match(await panel.text('.insight'), /drives \d+\.\d % of output tokens \(this range\)/);
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
  panel.assertClean();
  await panel.page.context().close();
});

test('toolbar: range, custom dates, project, view and interval change the request sent', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' } });
  await panel.pick('range', 'Last 7 days');
  await panel.waitForAnswers(2);
  assert.equal(panel.lastOf('setFilter')?.filter.range, 'last_7d');
  assert.equal(await panel.text('.head h2'), 'Last 7 days');

  await panel.pick('project', 'billing-api');
  await panel.waitForAnswers(3);
  assert.equal(panel.lastOf('setFilter')?.filter.project, 'billing-api');
  assert.deepEqual(await panel.page.locator('.projects-table tbody td.first').allTextContents(), ['billing-api']);

  await panel.page.locator('costs-toolbar button.view-usage').click();
  await panel.waitForAnswers(4);
  assert.equal(panel.lastOf('setFilter')?.filter.view, 'usage');
  assert.equal(await panel.page.locator('costs-toolbar button.view-usage').getAttribute('aria-pressed'), 'true');

  await panel.pick('range', 'Custom');
  await panel.waitForAnswers(5);
  const custom = panel.lastOf('setFilter')!.filter;
  assert.equal(custom.range, 'custom');
  assert.ok(custom.from && custom.until && custom.from <= custom.until);
  await panel.page.locator('vscode-textfield.from input').fill('2026-03-01');
  await panel.page.locator('vscode-textfield.from input').dispatchEvent('change');
  await panel.waitForAnswers(6);
  assert.equal(panel.lastOf('setFilter')?.filter.from, '2026-03-01');

  await panel.pick('range', 'Today');
  await panel.waitForAnswers(7);
  await panel.page.locator('chart-card.chart-series button.interval-5m').click();
  await panel.waitForAnswers(8);
  assert.equal(panel.lastOf('setFilter')?.filter.interval, '5m');
  assert.equal(await panel.page.locator('chart-card.chart-series').count(), 1);
  panel.assertClean();
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
  assert.equal(await panel.text('kpi-cards .kpi-requests .value'), '0');
  assert.ok((await panel.text('chart-card.chart-daily-tokens .nothing')).length > 0, 'a chart with nothing to draw says so');
  await panel.screenshot('panel-no-rows-dark.png');
  await panel.setTheme('light');
  await panel.page.waitForTimeout(100);
  await panel.screenshot('panel-no-rows-light.png');
  const n = panel.answers;
  await panel.page.locator('vscode-button.reset-filters').click();
  await panel.waitForAnswers(n + 1);
  assert.equal(sent(), null);
  assert.equal(await panel.page.locator('.banner.no-rows').count(), 0);
  panel.assertClean();
  await panel.page.context().close();
});

test('no data at all: what was scanned, Rescan and the roots setting; screenshots', async () => {
  for (const theme of ['dark', 'light'] as const) {
    const panel = await openPanel(browser, {
      db: empty, nowMs: NOW, theme, readModelOptions: { roots: ['/home/dev/.claude/projects', '/home/dev/.config/claude/projects'], files: 0 },
    });
    const section = await panel.text('section.no-data');
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
    panel.assertClean();
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
  assert.ok((await panel.text('.banner.info')).includes('Exported to'));
  panel.assertClean();
  await panel.page.context().close();
});

test('hostile project names and session titles render as text, never as HTML', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'all' } });
  const projects = await panel.page.locator('.projects-table tbody td.first').allTextContents();
  assert.ok(projects.includes(HOSTILE_PROJECT), 'the name is shown verbatim');
  await panel.page.locator('.sessions-table button.more').click();
  assert.ok((await panel.page.locator('.sessions-table tbody td.first').allTextContents()).some((t) => t.includes(HOSTILE_TITLE)));
  // Pick it in the project select too (the option label is text as well).
  await panel.pick('project', HOSTILE_PROJECT);
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
  panel.assertClean();
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
  panel.assertClean();
  await panel.page.context().close();
});

test('Refresh is disabled while a request is in flight; an error shows inline with a Retry', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW });
  panel.delayMs = 1500;
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
  assert.ok((await panel.text('.banner.error')).includes('the store is busy'));
  assert.equal(await panel.page.locator('kpi-cards').count(), 1, 'the last figures stay on screen');
  await panel.page.locator('vscode-button.retry').click();
  await panel.waitForAnswers(3);
  assert.equal(await panel.page.locator('.banner.error').count(), 0);
  assert.equal(panel.received.filter((m) => m.type === 'refresh').length, 3);
  panel.assertClean();
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
  again.assertClean();
  await again.page.context().close();
});

test('the first open shows a loading state, never a blank panel', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, delayMs: 800 }, undefined, false);
  await panel.page.locator('costs-app .loading').waitFor();
  assert.ok((await panel.text('costs-app .loading')).includes('Loading Claude Code costs'));
  await panel.waitForAnswers(1);
  assert.equal(await panel.page.locator('costs-app .loading').count(), 0);
  assert.equal(await panel.page.locator('kpi-cards').count(), 1);
  panel.assertClean();
  await panel.page.context().close();
});

test('short range in the Usage view: the time series with its interval selector; screenshot', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_24h', view: 'usage', interval: '1h' } });
  assert.equal(await panel.page.locator('chart-card.chart-series').count(), 1);
  assert.equal(await panel.page.locator('chart-card.chart-series button.interval-1h').getAttribute('aria-pressed'), 'true');
  assert.equal(await panel.text('chart-card.chart-models .sub'), 'share of tokens');
  await panel.screenshot('panel-last24h-usage-dark.png');
  panel.assertClean();
  await panel.page.context().close();
});

test('High Contrast and a narrow editor column: still laid out and readable; screenshots', async () => {
  const hc = await openPanel(browser, { db, nowMs: NOW, theme: 'high-contrast', filter: { range: 'last_30d' } });
  assert.equal(await hc.page.locator('kpi-cards .card').count(), 4);
  await hc.screenshot('panel-populated-high-contrast.png');
  hc.assertClean();
  await hc.page.context().close();
  const narrow = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_7d' } }, { width: 640, height: 900 });
  // Nothing spills sideways: the page is as wide as the viewport (tables scroll inside their card).
  const overflow = await narrow.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as number;
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  await narrow.screenshot('panel-narrow-dark.png');
  narrow.assertClean();
  await narrow.page.context().close();
});

// ---------------------------------------------------------------------------------------------
// The second source: your own API-call logs (issue 7)

/** Elements created from strings (an <img src=x|y>, an <svg onload>, a <script> with alert) anywhere, shadow roots included. */
const injectedCount = (p: PanelPage) => p.page.evaluate(`(() => {
  const all = [];
  const walk = (root) => root.querySelectorAll('*').forEach((el) => { all.push(el); if (el.shadowRoot) walk(el.shadowRoot); });
  walk(document);
  return all.filter((el) => (el.tagName === 'IMG' && ['x', 'y'].includes(el.getAttribute('src')))
    || (el.tagName.toLowerCase() === 'svg' && el.hasAttribute('onload'))
    || (el.tagName === 'SCRIPT' && (el.textContent || '').includes('alert'))).length;
})()`) as Promise<number>;

test('both sources, All: the source control is live; cloud · local, call success, by provider / feature, the scatter; screenshot', async () => {
  // Claude Code only: the source control stays off, no provider select, no rate-limit chip.
  const ccOnly = await openPanel(browser, { db, nowMs: NOW });
  assert.equal(await ccOnly.page.locator('vscode-single-select.source').getAttribute('disabled'), '');
  assert.equal(await ccOnly.page.locator('vscode-single-select.provider').count(), 0);
  assert.equal(await ccOnly.page.locator('rate-limit-chip button.chip').count(), 0);
  assert.equal(await ccOnly.page.locator('.providers-table').count(), 0);
  ccOnly.assertClean();
  await ccOnly.page.context().close();

  const panel = await openPanel(browser, { db: both, nowMs: NOW, filter: { range: 'last_30d', view: 'usage' } });
  const model = buildReadModel(both, panel.filter, NOW);
  assert.equal(await panel.page.locator('vscode-single-select.source').getAttribute('disabled'), null, 'the source control is live');
  assert.equal(await panel.text('kpi-cards .kpi-requests .value'), model.totals.requests.toLocaleString('en-US'));
  assert.equal(await panel.text('kpi-cards .exec-split'),
    `cloud ${model.kpis.cloud.requests.toLocaleString('en-US')} · local ${model.kpis.local.requests.toLocaleString('en-US')}`);
  assert.ok(model.kpis.local.requests > 0);
  assert.match(await panel.text('kpi-cards .kpi-calls .value'), /^\d+\.\d %$/);
  assert.ok((await panel.text('kpi-cards .kpi-calls')).includes(`${(model.calls!.outcomeCalls - model.calls!.successes)} failed of ${model.calls!.outcomeCalls.toLocaleString('en-US')} calls`));
  assert.equal(await panel.page.locator('kpi-cards .card').count(), 5);
  // By provider / by feature: one row each, the totals row = the cards, bars in the share cells.
  assert.deepEqual((await panel.page.locator('.providers-table tbody td.first').allTextContents()).sort(), model.providers.rows.map((r) => r.provider).sort());
  assert.ok((await panel.text('.providers-table tfoot')).includes(model.totals.requests.toLocaleString('en-US')));
  assert.equal(await panel.page.locator('.features-table tbody tr').count(), model.features.rows.length);
  assert.equal(await panel.page.locator('.features-table tbody td.bar-cell .bar').count(), model.features.rows.length);
  const scatterLabel = await panel.page.locator('chart-card.chart-scatter canvas').getAttribute('aria-label');
  assert.ok(scatterLabel?.startsWith(`Duration against output tokens for ${model.scatter!.calls} timed API calls`), scatterLabel ?? '');
  assert.equal(await panel.page.locator('.free-note').count(), 0, 'nothing is hidden in the Usage view');
  await panel.screenshot('panel-api-logs-all-dark.png');

  // The source control drives the request.
  await panel.pick('source', 'API logs');
  await panel.waitForAnswers(2);
  assert.equal(panel.lastOf('setFilter')?.filter.source, 'internal');
  const api = buildReadModel(both, panel.filter, NOW);
  assert.equal(await panel.text('kpi-cards .kpi-requests .value'), api.totals.requests.toLocaleString('en-US'));
  assert.ok(!(await panel.page.locator('.providers-table tbody td.first').allTextContents()).includes('anthropic') || api.providers.rows.some((r) => r.provider === 'anthropic'));
  await panel.pick('source', 'Claude Code');
  await panel.waitForAnswers(3);
  assert.equal(panel.lastOf('setFilter')?.filter.source, 'claude_code');
  assert.equal(await panel.page.locator('chart-card.chart-scatter').count(), 0, 'no timed calls, no scatter');
  assert.equal(await panel.page.locator('kpi-cards .kpi-calls').count(), 0);
  panel.assertClean();
  await panel.page.context().close();
});

test('provider filter: picking a provider scopes the model chips to it and clears the model selection', async () => {
  const panel = await openPanel(browser, { db: both, nowMs: NOW, filter: { range: 'all', view: 'usage', models: ['claude-opus-4-6'] } });
  assert.equal(await panel.page.locator('model-chips button.chip[aria-pressed="true"]').count(), 1);
  await panel.pick('provider', 'ollama');
  await panel.waitForAnswers(2);
  const sent = panel.lastOf('setFilter')!.filter;
  assert.equal(sent.provider, 'ollama');
  assert.equal(sent.models, null, 'the model selection starts over');
  assert.deepEqual(await panel.page.locator('model-chips button.chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-model'))), [OLLAMA_MODEL]);
  assert.equal(await panel.page.locator('model-chips button.chip[aria-pressed="true"]').count(), 1);
  assert.deepEqual(await panel.page.locator('.providers-table tbody td.first').allTextContents(), ['ollama']);
  // Back to all providers: every model again; Reset filters clears the provider too.
  await panel.pick('provider', 'openai');
  await panel.waitForAnswers(3);
  assert.deepEqual(await panel.page.locator('model-chips button.chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-model'))), ['gpt-4o-mini']);
  await panel.page.locator('model-chips button.chip[data-model="gpt-4o-mini"]').click();
  await panel.waitForAnswers(4);
  assert.deepEqual(panel.lastOf('setFilter')!.filter.models, []);
  await panel.page.locator('vscode-button.reset-filters').click();
  await panel.waitForAnswers(5);
  const reset = panel.lastOf('setFilter')!.filter;
  assert.equal(reset.provider, null);
  assert.equal(reset.models, null);
  assert.ok(await panel.page.locator('model-chips button.chip').count() > 5);
  panel.assertClean();
  await panel.page.context().close();
});

test('Cost view, API logs only: local/free calls are left out and a line says how many; screenshot', async () => {
  const panel = await openPanel(browser, { db: both, nowMs: NOW, filter: { range: 'last_30d', view: 'cost', source: 'internal' } });
  const model = buildReadModel(both, panel.filter, NOW);
  assert.ok(model.freeCalls.hidden && model.freeCalls.requests > 0);
  assert.ok((await panel.text('.free-note')).startsWith(`${model.freeCalls.requests} local/free calls hidden in the Cost view`));
  assert.equal(await panel.text('kpi-cards .kpi-requests .value'), model.totals.requests.toLocaleString('en-US'));
  assert.ok((await panel.text('kpi-cards .exec-split')).endsWith(`local ${model.freeCalls.requests} hidden`));
  assert.ok(!(await panel.page.locator('.providers-table tbody td.first').allTextContents()).includes('ollama'));
  assert.ok(!(await panel.page.locator('.models-table tbody td.first').allTextContents()).includes(OLLAMA_MODEL));
  assert.equal(await panel.page.locator('kpi-cards .kpi-split').count(), 0, 'API logs have no subagents');
  await panel.screenshot('panel-api-logs-cost-dark.png');
  await panel.page.locator('.free-note button.show-usage').click();
  await panel.waitForAnswers(2);
  assert.equal(panel.lastOf('setFilter')?.filter.view, 'usage');
  assert.equal(await panel.page.locator('.free-note').count(), 0);
  assert.ok((await panel.page.locator('.providers-table tbody td.first').allTextContents()).includes('ollama'));
  // Only free calls match (Ollama in the Cost view): the no-rows banner says why.
  await panel.pick('provider', 'ollama');
  await panel.waitForAnswers(3);
  await panel.page.locator('costs-toolbar button.view-cost').click();
  await panel.waitForAnswers(4);
  assert.ok((await panel.text('.banner.no-rows')).includes('Only local/free calls match'));
  panel.assertClean();
  await panel.page.context().close();
});

test('rate-limit chip: the tightest headroom, expanded by keyboard to the per-model list, stale shown as stale; screenshot', async () => {
  const panel = await openPanel(browser, { db: both, nowMs: NOW, filter: { range: 'last_7d' } });
  const chip = panel.page.locator('rate-limit-chip button.chip');
  assert.equal(await panel.text('rate-limit-chip button.chip'), 'Rate limit 15 % left ▾');
  assert.equal(await chip.getAttribute('aria-label'), 'Rate limits: 15 % left (claude-sonnet-4-5-20250929, output tokens)');
  assert.match((await chip.getAttribute('class')) ?? '', /\bwarn\b/);
  assert.equal(await chip.getAttribute('aria-expanded'), 'false');
  assert.equal(await panel.page.locator('rate-limit-chip #rate-limit-panel').isVisible(), false);
  await chip.focus();
  await panel.page.keyboard.press('Enter');
  assert.equal(await chip.getAttribute('aria-expanded'), 'true');
  assert.equal(await panel.page.locator('rate-limit-chip #rate-limit-panel').isVisible(), true);
  const rows = panel.page.locator('rate-limit-chip tbody tr');
  assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-model'))),
    ['claude-sonnet-4-5-20250929', 'gpt-4o-mini', 'claude-haiku-4-5-20251001', 'claude-opus-4-6']);
  const sonnet = (await rows.nth(0).textContent())!.replace(/\s+/g, ' ');
  assert.ok(sonnet.includes('15 % left') && sonnet.includes('1,200 / 8,000 resets in 40 s') && sonnet.includes('41 / 50'), sonnet);
  const opus = (await rows.nth(3).textContent())!.replace(/\s+/g, ' ');
  assert.ok(opus.includes('stale') && !opus.includes('% left'), `a stale observation is not headroom: ${opus}`);
  assert.ok((await rows.nth(1).textContent())!.includes('stale'), 'gpt-4o-mini tokens: past its reset');
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  await panel.page.screenshot({ path: path.join(RESULTS_DIR, 'panel-rate-limit-chip-dark.png'), clip: { x: 0, y: 0, width: 1280, height: 560 } });
  // Escape closes it and gives the focus back to the chip; Space opens it again; a click outside closes it.
  await panel.page.keyboard.press('Escape');
  assert.equal(await chip.getAttribute('aria-expanded'), 'false');
  assert.equal(await chip.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el), true);
  await panel.page.keyboard.press('Space');
  assert.equal(await chip.getAttribute('aria-expanded'), 'true');
  await panel.page.mouse.click(20, 820);
  assert.equal(await chip.getAttribute('aria-expanded'), 'false');
  panel.assertClean();
  await panel.page.context().close();
  // Ten minutes later every reset has passed: the chip says stale, it claims no headroom.
  const later = await openPanel(browser, { db: both, nowMs: NOW + 10 * 60_000 });
  assert.equal(await later.text('rate-limit-chip button.chip'), 'Rate limits stale ▾');
  later.assertClean();
  await later.page.context().close();
});

test('hostile provider and feature names render as text in the select, the tables and the chips', async () => {
  const panel = await openPanel(browser, { db: both, nowMs: NOW, filter: { range: 'all', view: 'usage' } });
  assert.ok((await panel.page.locator('.providers-table tbody td.first').allTextContents()).includes(HOSTILE_PROVIDER));
  assert.ok((await panel.page.locator('.features-table tbody td.first').allTextContents()).includes(HOSTILE_FEATURE));
  await panel.pick('provider', HOSTILE_PROVIDER);
  await panel.waitForAnswers(2);
  assert.equal(panel.lastOf('setFilter')?.filter.provider, HOSTILE_PROVIDER);
  assert.deepEqual(await panel.page.locator('.providers-table tbody td.first').allTextContents(), [HOSTILE_PROVIDER]);
  assert.deepEqual(await panel.page.locator('model-chips button.chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-model'))), ['evil-model']);
  await panel.page.locator('rate-limit-chip button.chip').click();
  assert.equal(await injectedCount(panel), 0, 'no element was created from the strings');
  panel.assertClean();
  await panel.page.context().close();
});

test('both sources in a narrow editor column: the toolbar wraps, the tables scroll inside their cards, the chip list fits', async () => {
  const narrow = await openPanel(browser, { db: both, nowMs: NOW, filter: { range: 'last_30d' } }, { width: 640, height: 900 });
  await narrow.page.locator('rate-limit-chip button.chip').click();
  const overflow = await narrow.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as number;
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  const box = await narrow.page.locator('rate-limit-chip #rate-limit-panel').boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 640, `the list stays on screen: ${JSON.stringify(box)}`);
  await narrow.screenshot('panel-api-logs-narrow-dark.png');
  narrow.assertClean();
  await narrow.page.context().close();
});

test('a cold start still reading history: the banner says how far (files read of all), gone once complete', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' }, readModelOptions: { history: { filesRead: 25, filesTotal: 1062 } } });
  try {
    await panel.page.locator('.banner.history').waitFor();
    await panel.screenshot('panel-history-banner.png');
    assert.equal(await panel.text('.banner.history'), 'Still reading history: 25 of 1,062 files');
    assert.equal(await panel.page.locator('.banner.history').getAttribute('role'), 'status');
    panel.assertClean();
  } finally {
    await panel.page.context().close();
  }
  const done = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' } });
  try {
    await done.page.locator('kpi-cards').waitFor();
    assert.equal(await done.page.locator('.banner.history').count(), 0);
  } finally {
    await done.page.context().close();
  }
});
