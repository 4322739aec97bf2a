// The Limits section in real headless Chromium: plan value, the 5-hour block timeline (limit hit, gaps,
// the active block and its reset), official windows with provenance, the local 7-day fallback, cache
// economics; keyboard navigation of the timeline; screenshots in Dark and Light.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Database } from '../../src/core/store/sqljs';
import { buildReadModel } from '../../src/core/query/readModel';
import { parseStatuslineJson } from '../../src/core/limits/readings';
import type { StatusOptions } from '../../src/core/limits/status';
import { insertRequests } from '../unit/helpers/store-fixture';
import { launch, openPanel, shutdown, RESULTS_DIR } from './harness';
import type { PanelPage, ThemeName } from './harness';
import { NOW, populatedStore } from './fixture';

let browser: Browser;
let db: Database;
const MIN = 60_000;

before(async () => {
  browser = await launch();
  db = await populatedStore();
  // An active block around now, with a limit message written into a transcript earlier in the range.
  insertRequests(db, [
    { ts: NOW - 50 * MIN, model: 'claude-opus-4-6', input: 4_000, output: 30_000, cacheRead: 200_000, cost: 2.4, cacheSavings: 0.9, project: 'shop-frontend' },
    { ts: NOW - 5 * MIN, model: 'claude-opus-4-6', input: 2_000, output: 12_000, cacheCreation: 8_000, cacheCreation1h: 8_000, cost: 1.1, cacheWritePremium: 0.04, project: 'shop-frontend' },
  ]);
  const hitAt = NOW - 2 * 86_400_000;
  db.run('INSERT INTO limit_events (event_key, session_key, ts, limit_type, resets_at, text) VALUES (?, ?, ?, ?, ?, ?)', [
    'webview-hit', 's', hitAt, 'five_hour', hitAt + 2 * 3_600_000, "You've hit your session limit · resets 4pm (UTC)",
  ]);
  insertRequests(db, [{ ts: hitAt - 10 * MIN, model: 'claude-opus-4-6', input: 9_000, output: 60_000, cost: 3 }]);
});
after(async () => shutdown(browser));

const STATUSLINE: StatusOptions = {
  plan: 'max20',
  statusline: parseStatuslineJson(JSON.stringify({
    rate_limits: {
      five_hour: { used_percentage: 64, resets_at: (NOW + 3 * 3_600_000) / 1000 },
      seven_day: { used_percentage: 41, resets_at: (NOW + 3 * 86_400_000) / 1000 },
      seven_day_opus: { used_percentage: 83, resets_at: (NOW + 3 * 86_400_000) / 1000 },
    },
  }), NOW - 4 * MIN),
};


async function shot(p: PanelPage, name: string): Promise<void> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  await p.page.locator('limits-section').screenshot({ path: path.join(RESULTS_DIR, name) });
}

for (const theme of ['dark', 'light'] as ThemeName[]) {
  test(`official windows (${theme}): plan value, blocks with a limit hit and the active block, weekly and per-model weekly; screenshot`, async () => {
    const filter = { range: 'last_7d' as const, tz: 'UTC' };
    const panel = await openPanel(browser, { db, nowMs: NOW, theme, filter, readModelOptions: { status: STATUSLINE } });
    const model = buildReadModel(db, { ...panel.filter }, NOW, { status: STATUSLINE });
    const l = model.limits;
    assert.match(await panel.text('limits-section .plan-value'), /^Max 20x: \$[\d,.]+ of API usage in 2026-03, [\d.]+× its \$200 price \(plan from settings\)\.$/);
    const blocks = panel.page.locator('limits-section .block');
    assert.equal(await blocks.count(), l.timeline.blocks.filter((b) => !b.isGap).length);
    assert.equal(await panel.page.locator('limits-section .gap').count(), l.timeline.blocks.filter((b) => b.isGap).length);
    assert.ok(l.timeline.blocks.some((b) => b.isGap), 'the fixture has idle stretches');
    assert.equal(await panel.page.locator('limits-section .block.active').count(), 1);
    assert.equal(await panel.page.locator('limits-section .block.hit').count(), 1);
    assert.match(await panel.text('limits-section .active-line'), /resets in 3 h 0 min ?\(Claude Code statusline\)/);
    const windows = await panel.page.locator('limits-section .window').evaluateAll((els) => els.map((e) => e.getAttribute('data-window')));
    assert.deepEqual(windows, ['five_hour', 'seven_day', 'seven_day_opus', 'local-7d']);
    assert.match(await panel.text('limits-section [data-window="seven_day_opus"]'), /Weekly Opus ?83 % used .*official · Claude Code statusline · 4 min ago/);
    assert.match(await panel.text('limits-section .hits-list'), /5-hour .*You've hit your session limit/);
    assert.equal(await panel.page.locator('limits-section .cache-table tbody tr').count(), l.cache.byModel.length);
    if (theme === 'dark') {
      // Keyboard: one tab stop on the active block; arrows move, the detail line follows.
      const active = panel.page.locator('limits-section .block.active');
      await active.focus();
      const before = await panel.text('limits-section .detail');
      assert.match(before, /^Active block/);
      await panel.page.keyboard.press('ArrowLeft');
      const moved = await panel.text('limits-section .detail');
      assert.notEqual(moved, before);
      assert.match(moved, /^Block /);
      await panel.page.keyboard.press('End');
      assert.equal(await panel.text('limits-section .detail'), before);
      assert.equal(await panel.page.locator('limits-section .block[tabindex="0"]').count(), 1, 'roving tabindex: one tab stop');
    }
    await shot(panel, `limits-official-${theme}.png`);
    panel.assertClean();
    await panel.page.context().close();
  });

  test(`local fallback (${theme}): no official source, the rolling 7 days labelled local; screenshot`, async () => {
    const panel = await openPanel(browser, { db, nowMs: NOW, theme, filter: { range: 'last_7d', tz: 'UTC' }, readModelOptions: { status: { plan: 'auto' } } });
    assert.equal(await panel.page.locator('limits-section .window.official').count(), 0);
    const local = await panel.text('limits-section [data-window="local-7d"]');
    assert.match(local, /Last 7 days ?local .* no official weekly figure/);
    assert.match(await panel.text('limits-section .plan-value'), /Set claudeCosts\.plan/);
    assert.match(await panel.text('limits-section .active-line'), /\(local block \(first request \+ 5 h\)\)/);
    await shot(panel, `limits-local-${theme}.png`);
    panel.assertClean();
    await panel.page.context().close();
  });
}
