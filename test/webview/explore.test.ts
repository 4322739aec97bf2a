// Exploring the charts in real headless Chromium under the panel's CSP (the built bundle): zoom and pan
// (wheel, drag, keys, Reset zoom), drill-downs from a day bar, a model row, a project row and a session
// row with Back and Alt+Left, and the unusual-spending marker, insight line and session mark.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Database } from '../../src/core/store/sqljs';
import { buildReadModel } from '../../src/core/query/readModel';
import { launch, openPanel, shutdown } from './harness';
import type { PanelPage } from './harness';
import { NOW, SPIKE_DAY, SPIKE_SESSION, populatedStore, spikeStore } from './fixture';

let browser: Browser;
let db: Database;
let spiky: Database;

before(async () => {
  browser = await launch();
  db = await populatedStore();
  spiky = await spikeStore();
});
after(async () => shutdown(browser));


/** The x axis span a chart card draws (category indices; undefined = the whole series). */
async function xSpan(p: PanelPage, card: string): Promise<{ min: number; max: number; count: number; zoomed: boolean }> {
  return p.page.locator(`chart-card.${card}`).evaluate((el) => {
    const c = (el as unknown as { chartInstance: { scales: { x: { min: number; max: number } }; data: { labels: unknown[] } } }).chartInstance;
    return { min: c.scales.x.min, max: c.scales.x.max, count: c.data.labels.length, zoomed: !!(el as unknown as { zoomController: { view: unknown } }).zoomController.view };
  });
}

/** The page position of category `index`'s bar in a day chart (its middle, half way up the plot). */
async function barPoint(p: PanelPage, card: string, index: number): Promise<{ x: number; y: number }> {
  const local = await p.page.locator(`chart-card.${card}`).evaluate((el, i) => {
    const c = (el as unknown as { chartInstance: { scales: { x: { getPixelForValue(v: number): number } }; chartArea: { top: number; bottom: number } } }).chartInstance;
    return { x: c.scales.x.getPixelForValue(i), y: c.chartArea.bottom - 4 };
  }, index);
  const box = (await p.page.locator(`chart-card.${card} canvas`).boundingBox())!;
  return { x: box.x + local.x, y: box.y + local.y };
}

test('zoom and pan on a day chart: the wheel zooms, a drag pans, keys step, Reset zoom shows all; CSP clean', async () => {
  const p = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' } });
  const card = 'chart-daily-cost';
  const full = await xSpan(p, card);
  assert.equal(full.zoomed, false);
  assert.equal(await p.page.locator(`chart-card.${card} vscode-button.reset-zoom`).count(), 0);
  // Wheel up over the middle: fewer days shown, the Reset zoom button appears.
  const mid = await barPoint(p, card, Math.floor(full.count / 2));
  await p.page.mouse.move(mid.x, mid.y);
  for (let i = 0; i < 4; i++) await p.page.mouse.wheel(0, -100);
  const zoomed = await xSpan(p, card);
  assert.ok(zoomed.zoomed && zoomed.max - zoomed.min < full.count - 1, `zoomed to ${zoomed.min}..${zoomed.max} of ${full.count}`);
  assert.ok(zoomed.min > 0 || zoomed.max < full.count - 1);
  assert.equal(await p.page.locator(`chart-card.${card} vscode-button.reset-zoom`).count(), 1);
  // Drag to the right: the view pans towards earlier days; the release is not taken for a click (no drill).
  const sentBefore = p.received.filter((m) => m.type === 'setFilter').length;
  await p.page.mouse.move(mid.x, mid.y);
  await p.page.mouse.down();
  for (let dx = 20; dx <= 160; dx += 20) await p.page.mouse.move(mid.x + dx, mid.y);
  await p.page.mouse.up();
  const panned = await xSpan(p, card);
  assert.ok(panned.min < zoomed.min, `panned from ${zoomed.min} to ${panned.min}`);
  assert.equal(panned.max - panned.min, zoomed.max - zoomed.min, 'a pan keeps the span');
  assert.equal(p.received.filter((m) => m.type === 'setFilter').length, sentBefore, 'a drag is not a drill-down');
  // Keys on the focused chart: → pans later, − zooms out, + in, 0 resets.
  await p.page.locator(`chart-card.${card} canvas`).focus();
  await p.page.keyboard.press('ArrowRight');
  const right = await xSpan(p, card);
  assert.ok(right.min > panned.min);
  await p.page.keyboard.press('+');
  const inner = await xSpan(p, card);
  assert.ok(inner.max - inner.min < right.max - right.min);
  await p.page.keyboard.press('0');
  assert.equal((await xSpan(p, card)).zoomed, false);
  // Zoom again with keys, then the Reset zoom button.
  await p.page.keyboard.press('+');
  await p.page.keyboard.press('+');
  assert.equal((await xSpan(p, card)).zoomed, true);
  await p.page.locator(`chart-card.${card} vscode-button.reset-zoom`).click();
  const reset = await xSpan(p, card);
  assert.equal(reset.zoomed, false);
  assert.equal(await p.page.locator(`chart-card.${card} vscode-button.reset-zoom`).count(), 0);
  // A trackpad pinch (a wheel with ctrlKey) zooms; so do two touch pointers moving apart.
  await p.page.mouse.move(mid.x, mid.y);
  await p.page.keyboard.down('Control');
  await p.page.mouse.wheel(0, -40);
  await p.page.keyboard.up('Control');
  assert.equal((await xSpan(p, card)).zoomed, true, 'ctrl+wheel (pinch) zooms');
  await p.page.locator(`chart-card.${card} vscode-button.reset-zoom`).click();
  // Two touch pointers 20 px apart move to 240 px apart (no named helpers in the page: the bundler's
  // helper for function names does not exist there).
  const steps: [number, string, number][] = [[1, 'pointerdown', -10], [2, 'pointerdown', 10]];
  for (let d = 20; d <= 120; d += 20) steps.push([1, 'pointermove', -d], [2, 'pointermove', d]);
  steps.push([1, 'pointerup', -120], [2, 'pointerup', 120]);
  await p.page.locator(`chart-card.${card} canvas`).evaluate((canvas, { x, steps: list }) => {
    const r = canvas.getBoundingClientRect();
    for (const [id, type, dx] of list) {
      canvas.dispatchEvent(new PointerEvent(type, {
        pointerId: id, pointerType: 'touch', isPrimary: id === 1, button: type === 'pointermove' ? -1 : 0, bubbles: true, clientX: x + dx, clientY: r.top + r.height / 2,
      }));
    }
  }, { x: mid.x, steps });
  const pinched = await xSpan(p, card);
  assert.ok(pinched.zoomed && pinched.max - pinched.min < full.count - 1, `pinched to ${pinched.min}..${pinched.max}`);
  await p.page.locator(`chart-card.${card} vscode-button.reset-zoom`).click();
  // The tokens chart and the activity series zoom too.
  const tokens = await barPoint(p, 'chart-daily-tokens', 10);
  await p.page.mouse.move(tokens.x, tokens.y);
  await p.page.mouse.wheel(0, -100);
  assert.equal((await xSpan(p, 'chart-daily-tokens')).zoomed, true);
  p.assertClean();
  await p.page.context().close();
});

test('drill-down: a day bar opens that day at 15 min; a model, project and session row filter; Back and Alt+Left return', async () => {
  const p = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' } });
  const model = buildReadModel(db, p.filter, NOW);
  const index = model.daily.findIndex((d, i) => i > 3 && d.cost_usd > 0);
  const day = model.daily[index].day;
  const before = p.answers;
  const pt = await barPoint(p, 'chart-daily-cost', index);
  await p.page.mouse.click(pt.x, pt.y);
  await p.waitForAnswers(before + 1);
  const drilled = p.lastOf('setFilter')!.filter;
  assert.deepEqual([drilled.range, drilled.from, drilled.until, drilled.interval], ['custom', day, day, '15m']);
  assert.equal(await p.page.locator('chart-card.chart-series').count(), 1, 'the activity series shows the day');
  assert.match((await p.page.locator('chart-card.chart-series').getAttribute('subheading')) ?? '', /15 min/);
  assert.equal(await p.page.locator('costs-toolbar vscode-button.back').count(), 1);
  assert.match((await p.page.locator('costs-toolbar .crumbs').textContent()) ?? '', new RegExp(day));
  // Alt+Left: back to the 30 days.
  await p.page.locator('costs-app').press('Alt+ArrowLeft');
  await p.waitForAnswers(before + 2);
  assert.equal(p.lastOf('setFilter')!.filter.range, 'last_30d');
  assert.equal(await p.page.locator('costs-toolbar vscode-button.back').count(), 0);

  // A model row, then a project row: two steps; Back undoes one at a time.
  const modelRow = p.page.locator('.models-table tbody tr').first();
  const modelName = model.models.rows.slice().sort((a, b) => b.cost_usd - a.cost_usd)[0].model;
  await modelRow.click();
  await p.waitForAnswers(before + 3);
  assert.deepEqual(p.lastOf('setFilter')!.filter.models, [modelName]);
  await p.page.locator('.projects-table tbody tr').first().focus();
  await p.page.keyboard.press('Enter');
  await p.waitForAnswers(before + 4);
  const twoSteps = p.lastOf('setFilter')!.filter;
  assert.ok(twoSteps.project, 'Enter on a project row filters to it');
  assert.deepEqual(twoSteps.models, [modelName], 'the model stays');
  await p.page.locator('costs-toolbar vscode-button.back').click();
  await p.waitForAnswers(before + 5);
  assert.equal(p.lastOf('setFilter')!.filter.project, null);
  assert.deepEqual(p.lastOf('setFilter')!.filter.models, [modelName]);
  await p.page.locator('costs-toolbar vscode-button.back').click();
  await p.waitForAnswers(before + 6);
  assert.equal(p.lastOf('setFilter')!.filter.models, null);

  // A session row: only that session's requests.
  await p.page.locator('.sessions-table tbody tr').first().click();
  await p.waitForAnswers(before + 7);
  const session = p.lastOf('setFilter')!.filter.session!;
  assert.ok(session);
  const one = buildReadModel(db, p.filter, NOW);
  assert.equal(one.sessions.rows.length, 1);
  assert.equal(one.sessions.rows[0].sessionKey, session);
  assert.equal(await p.page.locator('.sessions-table tbody tr').count(), 1);
  // The Back stack survives a rebuild of the webview (a tab switch).
  await p.reload();
  assert.equal(await p.page.locator('costs-toolbar vscode-button.back').count(), 1);
  const answered = p.answers;
  await p.page.locator('costs-app').press('Alt+ArrowLeft');
  await p.waitForAnswers(answered + 1);
  assert.equal(p.lastOf('setFilter')!.filter.session ?? null, null);
  p.assertClean();
  await p.page.context().close();
});

test('a model slice drills to that model', async () => {
  const p = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' } });
  const box = (await p.page.locator('chart-card.chart-models canvas').boundingBox())!;
  const arc = await p.page.locator('chart-card.chart-models').evaluate((el) => {
    const c = (el as unknown as { chartInstance: { getDatasetMeta(i: number): { data: { tooltipPosition(): { x: number; y: number } }[] }; data: { labels: string[] } } }).chartInstance;
    return { ...c.getDatasetMeta(0).data[0].tooltipPosition(), label: c.data.labels[0] };
  });
  const n = p.answers;
  await p.page.mouse.click(box.x + arc.x, box.y + arc.y);
  await p.waitForAnswers(n + 1);
  const models = p.lastOf('setFilter')!.filter.models!;
  assert.equal(models.length, 1);
  assert.ok(arc.label.startsWith(models[0]), `${arc.label} → ${models[0]}`);
  p.assertClean();
  await p.page.context().close();
});

test('unusual spending: the flagged day carries a marker and a red bar, the insight strip says it, the session is marked', async () => {
  const p = await openPanel(browser, { db: spiky, nowMs: NOW, filter: { range: 'last_30d' } });
  const model = buildReadModel(spiky, p.filter, NOW);
  assert.deepEqual(model.anomalies.days.map((d) => d.day), [SPIKE_DAY]);
  const a = model.anomalies.days[0];
  for (const card of ['chart-daily-cost', 'chart-daily-tokens']) {
    assert.equal(await p.page.locator(`chart-card.${card} canvas`).getAttribute('data-unusual-days'), SPIKE_DAY, `${card} marks the day`);
  }
  // The marker is drawn in the theme's red just above the bar.
  const index = model.daily.findIndex((d) => d.day === SPIKE_DAY);
  const pixel = await p.page.locator('chart-card.chart-daily-cost').evaluate((el, i) => {
    const c = (el as unknown as { chartInstance: { scales: { x: { getPixelForValue(v: number): number } }; getDatasetMeta(i: number): { data: { y: number }[] }; ctx: CanvasRenderingContext2D; currentDevicePixelRatio: number } }).chartInstance;
    const x = c.scales.x.getPixelForValue(i), y = c.getDatasetMeta(0).data[i].y - 7;
    const r = c.currentDevicePixelRatio;
    return Array.from(c.ctx.getImageData(Math.round(x * r), Math.round(y * r), 1, 1).data);
  }, index);
  assert.deepEqual(pixel.slice(0, 3), [0xf1, 0x4c, 0x4c], 'charts-red marker');
  const line = ((await p.page.locator('.insight.unusual').textContent()) ?? '').replace(/\s+/g, ' ');
  assert.ok(line.includes(`$${a.cost_usd.toFixed(2)}, ${a.ratio.toFixed(1)}× your usual $${a.baseline_usd.toFixed(2)}`), line);
  // The runaway session is marked in the sessions table.
  await p.page.locator('.sessions-table button.more').click().catch(() => undefined);
  const mark = p.page.locator('.sessions-table td .unusual');
  assert.equal(await mark.count(), 1);
  assert.match((await mark.getAttribute('title')) ?? '', /Unusual session/);
  assert.ok(model.anomalies.sessions.some((s) => s.session === SPIKE_SESSION));
  // "Show this day" drills into it.
  const n = p.answers;
  await p.page.locator('.insight.unusual button.show-unusual-day').click();
  await p.waitForAnswers(n + 1);
  assert.equal(p.lastOf('setFilter')!.filter.from, SPIKE_DAY);
  p.assertClean();
  await p.page.context().close();
});

test('a heatmap cell drills to that weekday and hour across the range, by click or by keys; Back returns', async () => {
  const p = await openPanel(browser, { db, nowMs: NOW, filter: { range: 'last_30d' } });
  const model = buildReadModel(db, p.filter, NOW);
  const peak = model.heatmap.peakCost!;
  const n = p.answers;
  await p.page.locator(`activity-heatmap td[data-cell="${peak.weekday}-${peak.hour}"]`).click();
  await p.waitForAnswers(n + 1);
  assert.deepEqual(p.lastOf('setFilter')!.filter.slot, { weekday: peak.weekday, hour: peak.hour });
  assert.equal(p.lastOf('setFilter')!.filter.range, 'last_30d', 'across the range');
  assert.equal(await p.page.locator('activity-heatmap td.picked').count(), 1);
  await p.page.locator('costs-toolbar vscode-button.back').click();
  await p.waitForAnswers(n + 2);
  assert.equal(p.lastOf('setFilter')!.filter.slot ?? null, null);
  // Keys: the tab stop starts on the busiest cell; → moves one hour later, Enter drills.
  await p.page.locator('activity-heatmap td[tabindex="0"]').focus();
  await p.page.keyboard.press('ArrowRight');
  await p.page.keyboard.press('Enter');
  await p.waitForAnswers(n + 3);
  assert.deepEqual(p.lastOf('setFilter')!.filter.slot, { weekday: peak.weekday, hour: Math.min(23, peak.hour + 1) });
  p.assertClean();
  await p.page.context().close();
});
