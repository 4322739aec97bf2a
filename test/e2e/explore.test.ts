// Exploring the charts in a real VS Code (code-server): the packaged extension on a generated corpus
// ending now, plus a runaway agent loop injected into today. Checks and screenshots: the flagged day
// (marker, insight line, the once-a-day notification), a zoomed chart, a drill-down from a day bar and
// Back. Expected figures come from the engine run in this process on the same transcripts.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/core/engine';
import { DEFAULT_PANEL_FILTER, type PanelReadModel } from '../../src/protocol';
import { assistantLine, writeLines } from '../unit/helpers/lines';
import { makeCorpus, packageExtension, startCodeServer, SuiteRun, suiteNow, Workbench, type CodeServer } from './harness';

const EXTENSION_ID = 'claude-code-costs.claude-code-costs';
const SPIKE_SESSION = '5b1f0000-0000-4000-8000-00000000e18e';

let configDir: string;
let server: CodeServer | undefined;
let workbench: Workbench | undefined;
/** The suite's one reading of the wall clock, which the VS Code under test shares. */
let now: number;
const run = new SuiteRun('explore');

/** 30 Opus responses with large cache writes and reads, in the hours before now (today, in UTC). */
function injectSpike(dir: string, nowMs: number): void {
  const lines: string[] = [];
  const startMs = Math.max(Date.parse(new Date(nowMs).toISOString().slice(0, 10)) + 60_000, nowMs - 3 * 3_600_000);
  for (let i = 0; i < 30; i++) {
    lines.push(assistantLine({
      messageId: `msg_01E2ESPIKE${String(i).padStart(14, '0')}`, sessionId: SPIKE_SESSION, model: 'claude-opus-4-6',
      timestamp: new Date(startMs + i * Math.floor((nowMs - 120_000 - startMs) / 30)).toISOString(), cwd: '/home/dev/shop',
      input: 5, output: 2_000, cacheCreation: 20_000, cacheRead: 200_000,
    }));
  }
  const projectDir = path.join(dir, 'projects', '-home-dev-shop');
  mkdirSync(projectDir, { recursive: true });
  writeLines(path.join(projectDir, `${SPIKE_SESSION}.jsonl`), lines);
}

async function engineModel(nowMs: number): Promise<PanelReadModel> {
  const engine = await Engine.open({ dbPath: null, configDirs: [configDir], env: {}, homeDir: os.tmpdir() });
  try {
    await engine.scan();
    return await engine.readModel({ ...DEFAULT_PANEL_FILTER, tz: 'UTC' }, nowMs);
  } finally {
    await engine.close();
  }
}

describe('exploring the charts in a real VS Code', { timeout: 480_000 }, () => {
  before(async () => {
    configDir = mkdtempSync(path.join(os.tmpdir(), 'ccc-explore-corpus-'));
    now = suiteNow();
    await makeCorpus(configDir, { targetBytes: 1_500_000, endMs: now });
    injectSpike(configDir, now);
    server = await startCodeServer({
      configDir,
      vsixPath: packageExtension(),
      extraSettings: { 'workbench.colorTheme': 'Default Dark Modern' },
    });
    workbench = await Workbench.open(server, { viewport: { width: 1400, height: 900 } });
  });

  after(() => run.finish(workbench, server, [configDir]));

  const step = run.step;

  const frame = () => workbench!.webviewFrame(EXTENSION_ID);

  step('today\'s spike: the notification, the marked day and the insight line; screenshots', async () => {
    const model = await engineModel(now);
    const today = model.spend.today.period;
    const flagged = model.anomalies.days.find((d) => d.day === today);
    assert.ok(flagged, `the engine flags today (${JSON.stringify(model.anomalies.days)})`);
    // The once-a-day notification, after the first scan.
    const toast = workbench!.page.locator('.notification-toast', { hasText: 'unusual spending today' });
    await toast.first().waitFor({ timeout: 60_000 });
    await workbench!.screenshot('explore-notification');
    await workbench!.clearNotifications();
    await workbench!.runCommand('Claude Costs: Open Costs Panel');
    const line = frame().locator('.insight.unusual');
    await line.waitFor({ timeout: 60_000 });
    const text = (await line.innerText()).replace(/\s+/g, ' ');
    assert.ok(text.includes(`Today: $${flagged.cost_usd.toFixed(2)}, ${flagged.ratio.toFixed(1)}× your usual $${flagged.baseline_usd.toFixed(2)}`), text);
    const marked = ((await frame().locator('chart-card.chart-daily-cost canvas').getAttribute('data-unusual-days')) ?? '').split(' ');
    assert.deepEqual(marked, model.anomalies.days.map((d) => d.day), 'every flagged day of the range is marked');
    assert.ok(marked.includes(today));
    await frame().locator('chart-card.chart-daily-cost').scrollIntoViewIfNeeded();
    await workbench!.screenshot('explore-flagged-day');
  });

  step('wheel over the cost chart zooms; Reset zoom shows every day; screenshot of the zoomed chart', async () => {
    const canvas = frame().locator('chart-card.chart-daily-cost canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await workbench!.page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
    for (let i = 0; i < 4; i++) await workbench!.page.mouse.wheel(0, -100);
    const reset = frame().locator('chart-card.chart-daily-cost vscode-button.reset-zoom');
    await reset.waitFor({ timeout: 10_000 });
    const span = await frame().locator('chart-card.chart-daily-cost').evaluate((el) => {
      const c = (el as unknown as { chartInstance: { scales: { x: { min: number; max: number } }; data: { labels: unknown[] } } }).chartInstance;
      return { min: c.scales.x.min, max: c.scales.x.max, count: c.data.labels.length };
    });
    assert.ok(span.max - span.min < span.count - 1, JSON.stringify(span));
    await workbench!.screenshot('explore-zoomed-chart');
    await reset.click();
    await reset.waitFor({ state: 'detached', timeout: 10_000 });
  });

  step('a click on today\'s bar drills into the day at 15 min; Back returns; screenshots', async () => {
    await frame().locator('chart-card.chart-daily-cost canvas').scrollIntoViewIfNeeded();
    const point = await frame().locator('chart-card.chart-daily-cost').evaluate((el) => {
      const c = (el as unknown as { chartInstance: { scales: { x: { getPixelForValue(v: number): number } }; data: { labels: unknown[] }; chartArea: { bottom: number } } }).chartInstance;
      return { x: c.scales.x.getPixelForValue(c.data.labels.length - 1), y: c.chartArea.bottom - 3 };
    });
    const box = (await frame().locator('chart-card.chart-daily-cost canvas').boundingBox())!;
    await workbench!.page.mouse.click(box.x + point.x, box.y + point.y);
    const series = frame().locator('chart-card.chart-series');
    await series.waitFor({ timeout: 30_000 });
    assert.match((await series.getAttribute('subheading')) ?? '', /15 min/);
    await frame().locator('costs-toolbar vscode-button.back').waitFor();
    await frame().locator('costs-toolbar').scrollIntoViewIfNeeded();
    await workbench!.screenshot('explore-drilled-day');
    await frame().locator('chart-card.chart-series').scrollIntoViewIfNeeded();
    await workbench!.screenshot('explore-drilled-day-series');
    await frame().locator('costs-toolbar vscode-button.back').click();
    await frame().locator('costs-toolbar vscode-button.back').waitFor({ state: 'detached', timeout: 30_000 });
    await frame().locator('chart-card.chart-series').waitFor({ state: 'detached', timeout: 30_000 });
    await frame().locator('.head').scrollIntoViewIfNeeded();
    await workbench!.screenshot('explore-back');
  });
});
