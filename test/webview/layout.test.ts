// The panel at the width it really gets: a 1400 px window with the side bar open leaves the editor about
// 1,050 px. Tables keep cost and share on screen without scrolling sideways (names give way with an
// ellipsis); the active session's dot is visible; the tokens-per-day tooltip says what the day cost.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Database } from '../../src/core/store/sqljs';
import { buildReadModel } from '../../src/core/query/readModel';
import { launch, openPanel, shutdown } from './harness';
import { NOW, bothSourcesStore, populatedStore } from './fixture';

let browser: Browser;
let db: Database;
let both: Database;

before(async () => {
  browser = await launch();
  db = await populatedStore();
  both = await bothSourcesStore();
});
after(async () => shutdown(browser));

/** Per table: how far it would scroll sideways, and whether its last header cell is inside the card. */
const tableFit = (page: import('playwright-core').Page) => page.evaluate(`(() => {
  const app = document.querySelector('costs-app').shadowRoot;
  return [...app.querySelectorAll('section.table-card')].map((card) => {
    const table = card.querySelector('data-table').shadowRoot;
    const scroll = table.querySelector('.scroll');
    const heads = [...table.querySelectorAll('thead th')];
    const last = heads.at(-1).getBoundingClientRect();
    const box = scroll.getBoundingClientRect();
    return { table: card.className.replace('card table-card ', ''), overflow: scroll.scrollWidth - scroll.clientWidth,
      lastHeader: heads.at(-1).textContent.trim(), lastInside: last.right <= box.right + 1 };
  });
})()`) as Promise<{ table: string; overflow: number; lastHeader: string; lastInside: boolean }[]>;

for (const [name, store] of [['Claude Code only', () => db], ['both sources', () => both]] as const) {
  test(`1,050 px editor (1400 px window, side bar open), ${name}: no table scrolls sideways; cost and share stay visible; screenshot`, async () => {
    const panel = await openPanel(browser, { db: store(), nowMs: NOW, filter: { range: 'last_30d' } }, { width: 1050, height: 900 });
    const fits = await tableFit(panel.page);
    assert.ok(fits.length >= 4, JSON.stringify(fits));
    for (const f of fits) {
      assert.ok(f.overflow <= 0, `${f.table} scrolls sideways by ${f.overflow}px`);
      assert.ok(f.lastInside, `${f.table}: its last column (${f.lastHeader}) is cut off`);
    }
    // A long session title gives way with an ellipsis; its full text is in the tooltip.
    const cell = panel.page.locator('.sessions-table tbody td.first').first();
    assert.ok(((await cell.getAttribute('title')) ?? '').length > 0);
    await panel.screenshot(`tables-1050px-${name === 'both sources' ? 'both' : 'claude-code'}.png`);
    assert.deepEqual(panel.consoleErrors, []);
    await panel.page.context().close();
  });
}

test('the active session shows a visible green dot, announced as active', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'today' } });
  const model = buildReadModel(db, panel.filter, NOW);
  assert.ok(model.sessions.rows.some((r) => r.active), 'the fixture has a running session');
  const dot = panel.page.locator('.sessions-table tbody span.dot:not(.idle)').first();
  await dot.waitFor();
  const look = await dot.evaluate((el) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return { w: r.width, h: r.height, bg: s.backgroundColor, label: el.getAttribute('aria-label'), role: el.getAttribute('role') };
  });
  assert.equal(look.w, 8);
  assert.equal(look.h, 8);
  assert.notEqual(look.bg, 'rgba(0, 0, 0, 0)', 'not transparent');
  assert.equal(look.bg, 'rgb(137, 209, 133)', 'the theme\'s charts green');
  assert.deepEqual([look.role, look.label], ['img', 'active']);
  // Model-family squares in the models table are drawn too (same shadow-root cause).
  const square = await panel.page.locator('.models-table tbody span.family').first().evaluate((el) => el.getBoundingClientRect().width);
  assert.equal(square, 8);
  await panel.page.context().close();
});

test('tokens-per-day tooltip: the day\'s total and its cost, readable in the Light theme; screenshot', async () => {
  const panel = await openPanel(browser, { db, nowMs: NOW, theme: 'light', filter: { range: 'last_7d' } });
  const model = buildReadModel(db, panel.filter, NOW);
  const busiest = model.daily.reduce((a, d, i) => (d.total_tokens > model.daily[a].total_tokens ? i : a), 0);
  const canvas = panel.page.locator('chart-card.chart-daily-tokens canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  // Hover the busiest day's bar through Chart.js's own geometry.
  const point = await panel.page.locator('chart-card.chart-daily-tokens').evaluate((el, i) => {
    const chart = (el as unknown as { chart: { getDatasetMeta(n: number): { data: { x: number; y: number }[] } } }).chart;
    const bar = chart.getDatasetMeta(3).data[i];
    return { x: bar.x, y: bar.y + 4 };
  }, busiest);
  await panel.page.mouse.move(box.x + point.x, box.y + point.y);
  await panel.page.waitForTimeout(100);
  const tip = await panel.page.locator('chart-card.chart-daily-tokens').evaluate((el) => {
    const chart = (el as unknown as { chart: { tooltip: { opacity: number; footer: string[]; options: { footerColor: string; backgroundColor: string } } } }).chart;
    return { opacity: chart.tooltip.opacity, footer: chart.tooltip.footer, footerColor: chart.tooltip.options.footerColor, bg: chart.tooltip.options.backgroundColor };
  });
  const day = model.daily[busiest];
  assert.equal(tip.opacity, 1, 'the tooltip is shown');
  assert.equal(tip.footer.length, 2);
  assert.match(tip.footer[0], /^Total: [\d.]+[KM]? tokens$/);
  assert.equal(tip.footer[1], `Cost: $${day.cost_usd.toFixed(2)} (${day.requests.toLocaleString('en-US')} requests)`);
  assert.equal(tip.footerColor, '#3b3b3b', 'the theme foreground, not Chart.js\'s white');
  await panel.page.locator('chart-card.chart-daily-tokens').screenshot({ path: `${process.cwd()}/test-results/tokens-tooltip-light.png` });
  await panel.page.context().close();
});
