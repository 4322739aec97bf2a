// The extension as a user meets it: the packaged .vsix installed into a real VS Code (code-server),
// driven through headless Chromium. Expected figures come from the core engine run in this process on
// the same transcripts, so the surfaces are checked against the one source of truth, not hard-coded.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/core/engine';
import { compactNumber, formatUsd } from '../../src/core/limits/chip';
import type { StatusResult } from '../../src/core/limits/status';
import { DEFAULT_PANEL_FILTER, type PanelFilter, type PanelReadModel } from '../../src/protocol';
import { full, usd } from '../../webview/format';
import {
  appendResponse,
  makeCorpus,
  packageExtension,
  startCodeServer,
  SuiteRun,
  suiteNow,
  Workbench,
  type CodeServer,
} from './harness';

const EXTENSION_ID = 'claude-code-costs.claude-code-costs';
/** Status-bar entries are rendered with the id `<extension id>.<item id>`. */
const CHIP_ID = `${EXTENSION_ID}.claudeCosts.chip`;

let configDir: string;
/** The suite's now (suiteNow): the corpus ends there, the engine the chip is compared with answers at it. */
let now: number;
let server: CodeServer | undefined;
let workbench: Workbench | undefined;
const run = new SuiteRun('ui');

/**
 * Asks an engine over the same transcripts (the one source of truth), scanned and answering at the suite's now.
 * The windows the UI shows are whole hours and local days, so the minutes the suite runs on the VS Code under
 * test's clock do not move them.
 */
async function withEngine<T>(ask: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await Engine.open({ dbPath: null, configDirs: [configDir], env: {}, homeDir: os.tmpdir() });
  try {
    await engine.scan({ nowMs: now });
    return await ask(engine);
  } finally {
    await engine.close();
  }
}

/** What the engine says the chip's leading figure must be: window input + output tokens, or today's cost when idle. */
function expectedStatus(): Promise<StatusResult> {
  return withEngine((engine) => engine.status(now));
}

/** The engine's read model for a panel filter. */
function engineModel(filter: Partial<PanelFilter>): Promise<PanelReadModel> {
  return withEngine((engine) => engine.readModel({ ...DEFAULT_PANEL_FILTER, ...filter }, now));
}

function leadingFigure(status: StatusResult): string {
  return status.activeBlock ? compactNumber(status.activeBlock.limitTokens) : `${formatUsd(status.today.costUsd)} today`;
}

/** The chip's first segment ("1.2M" or "$3.40 today"); the codicon renders as an empty glyph. */
async function chipLeadingFigure(): Promise<string> {
  const text = await workbench!.statusBarText(CHIP_ID);
  return text.split('·')[0].trim();
}

async function waitForChip(expected: string, timeoutMs: number): Promise<{ ms: number; last: string }> {
  const started = performance.now();
  let last = '';
  while (performance.now() - started < timeoutMs) {
    last = await chipLeadingFigure().catch(() => '');
    if (last === expected) return { ms: performance.now() - started, last };
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ms: performance.now() - started, last };
}

describe('Claude Code Costs in a real VS Code', { timeout: 420_000 }, () => {
  before(async () => {
    configDir = mkdtempSync(path.join(os.tmpdir(), 'ccc-ui-corpus-'));
    now = suiteNow();
    await makeCorpus(configDir, { targetBytes: 1_500_000, endMs: now });
    const vsix = packageExtension();
    server = await startCodeServer({
      configDir,
      vsixPath: vsix,
      extraSettings: { 'workbench.colorTheme': 'Default Dark Modern' },
    });
    workbench = await Workbench.open(server, { viewport: { width: 1400, height: 860 } });
  });

  after(() => run.finish(workbench, server, [configDir]));

  const step = run.step;

  step('the status-bar chip shows the figure the engine computes for the transcripts', async () => {
    const expected = leadingFigure(await expectedStatus());
    // The first scan runs after activation; give it time, then demand the exact figure.
    const { last } = await waitForChip(expected, 30_000);
    assert.equal(last, expected);
    await workbench!.screenshot('workbench');
  });

  step('appending one response to a transcript updates the chip within 2 s', async () => {
    const before = await expectedStatus();
    const beforeFigure = await chipLeadingFigure();
    assert.equal(beforeFigure, leadingFigure(before));
    // Large enough that the rounded figure must change (compactNumber keeps 2–3 significant digits).
    const cacheRead = Math.max(345_678, Math.ceil((before.activeBlock?.totalTokens ?? 0) * 0.2));
    const appended = appendResponse(configDir, now, { output_tokens: 2_345, cache_read_input_tokens: cacheRead });
    const startedAt = performance.now();
    let changedAfterMs = -1;
    let seen = beforeFigure;
    while (performance.now() - startedAt < 2_000) {
      seen = await chipLeadingFigure().catch(() => seen);
      if (seen !== beforeFigure) {
        changedAfterMs = performance.now() - startedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(changedAfterMs >= 0, `the chip still showed "${beforeFigure}" 2 s after the append`);
    console.log(`# chip updated ${changedAfterMs} ms after the append`);
    // And it shows exactly what the engine computes with the new response counted once.
    const after = await expectedStatus();
    assert.ok(after.activeBlock, 'the appended response (timestamp now) must open or extend the active window');
    assert.ok(after.activeBlock.totalTokens >= appended.totalTokens);
    const { last } = await waitForChip(compactNumber(after.activeBlock.totalTokens), 5_000);
    assert.equal(last, compactNumber(after.activeBlock.limitTokens));
    await workbench!.screenshot('workbench-active-window');
  });

  step('hovering the chip shows the window tooltip with the exact token total', async () => {
    const status = await expectedStatus();
    const chip = workbench!.statusBarItem(CHIP_ID);
    await chip.hover();
    const hover = workbench!.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Claude Code' }).first();
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await hover.innerText();
    if (status.activeBlock) {
      assert.match(text, /5-hour window/);
      assert.ok(text.includes(status.activeBlock.totalTokens.toLocaleString('en-US')), `tooltip lacks the total ${status.activeBlock.totalTokens}:\n${text}`);
    } else {
      assert.ok(text.includes(formatUsd(status.today.costUsd)), `tooltip lacks today's cost:\n${text}`);
    }
    // The README's chip picture: the tooltip above the chip, cropped to that corner.
    const [hoverBox, chipBox] = [await hover.boundingBox(), await chip.boundingBox()];
    assert.ok(hoverBox && chipBox);
    const x = Math.max(0, Math.min(hoverBox.x, chipBox.x) - 24);
    const y = Math.max(0, hoverBox.y - 24);
    const right = Math.min(1400, Math.max(hoverBox.x + hoverBox.width, chipBox.x + chipBox.width) + 24);
    await workbench!.screenshot('chip', { clip: { x, y, width: right - x, height: Math.min(860, chipBox.y + chipBox.height) - y }, forReadme: true });
    await workbench!.page.mouse.move(700, 300);
  });

  step('"Claude Costs: Open Costs Panel" opens the panel with the engine\'s figures', async () => {
    await workbench!.runCommand('Claude Costs: Open Costs Panel');
    const frame = workbench!.webviewFrame(EXTENSION_ID);
    // The panel opens on the default filter (last 30 days, all sources, projects and models).
    const model = await engineModel({});
    const card = (kind: string) => frame.locator(`.kpi-${kind} .value`).first();
    await card('requests').waitFor({ timeout: 30_000 });
    // The webview formats with webview/format.ts; the same functions format the expectation here.
    const expected = { requests: full(model.kpis.requests.value), cost: usd(model.kpis.cost.value), tokens: full(model.kpis.totalTokens.value) };
    const deadline = performance.now() + 15_000;
    let actual = { requests: '', cost: '', tokens: '' };
    while (performance.now() < deadline) {
      actual = {
        requests: (await card('requests').innerText()).trim(),
        cost: (await card('cost').innerText()).trim(),
        tokens: (await card('tokens').getAttribute('title')) ?? '',
      };
      if (JSON.stringify(actual) === JSON.stringify(expected)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(actual, expected);
    assert.ok(model.kpis.requests.value > 0, 'the corpus has requests in the last 30 days');
    await workbench!.clearNotifications();
    await workbench!.screenshot('panel', { forReadme: true });
  });

  step('changing the range in the panel changes the figures to the engine\'s for that range', async () => {
    const frame = workbench!.webviewFrame(EXTENSION_ID);
    const before = (await frame.locator('.kpi-requests .value').first().innerText()).trim();
    const model = await engineModel({ range: 'all' });
    // A real user interaction with the toolbar's range select: open it, click "All time".
    await frame.locator('vscode-single-select.range').click();
    await frame.locator('vscode-single-select.range li[role="option"]', { hasText: 'All time' }).first().click();
    const expected = full(model.kpis.requests.value);
    assert.notEqual(expected, before, 'the corpus has requests older than 30 days');
    const deadline = performance.now() + 15_000;
    let actual = before;
    while (performance.now() < deadline && actual !== expected) {
      actual = (await frame.locator('.kpi-requests .value').first().innerText()).trim();
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(actual, expected);
    assert.equal((await frame.locator('.kpi-cost .value').first().innerText()).trim(), usd(model.kpis.cost.value));
    await workbench!.screenshot('panel-all-time');
  });


  async function pickInPanel(selectClass: string, label: string): Promise<void> {
    const frame = workbench!.webviewFrame(EXTENSION_ID);
    await frame.locator(`vscode-single-select.${selectClass}`).click();
    await frame.locator(`vscode-single-select.${selectClass} li[role="option"]`, { hasText: label }).first().click();
  }

  /** Waits until the panel shows the engine's figures for `filter`, idle (no loading bar, Refresh enabled). */
  async function expectPanelFigures(filter: Partial<PanelFilter>, heading: string): Promise<PanelReadModel> {
    const model = await engineModel(filter);
    const frame = workbench!.webviewFrame(EXTENSION_ID);
    const expected = { heading, requests: full(model.kpis.requests.value), cost: usd(model.kpis.cost.value), busy: false };
    let actual = { heading: '', requests: '', cost: '', busy: true };
    const deadline = performance.now() + 20_000;
    while (performance.now() < deadline) {
      actual = await Promise.all([
        frame.locator('.head h2').first().innerText().catch(() => ''),
        frame.locator('.kpi-requests .value').first().innerText().catch(() => ''),
        frame.locator('.kpi-cost .value').first().innerText().catch(() => ''),
        frame.locator('vscode-progress-bar.progress, vscode-button.refresh[disabled]').count().catch(() => 1),
      ]).then(([h, r, c, b]) => ({ heading: h.trim(), requests: r.trim(), cost: c.trim(), busy: b > 0 }));
      if (JSON.stringify(actual) === JSON.stringify(expected)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(actual, expected);
    return model;
  }

  step('five range changes, a tab switch and back, a reopen, filter changes: the figures follow every change', async () => {
    for (const label of ['Last 7 days', 'Today', 'This month', 'Yesterday', 'Last 30 days']) await pickInPanel('range', label);
    const month = await expectPanelFigures({ range: 'last_30d' }, 'Last 30 days');
    const project = month.available.projects[0];
    assert.ok(project, 'the corpus has projects');

    // Another editor in front, then back to the panel: VS Code rebuilds the webview (no retained context).
    await workbench!.runCommand('File: New Untitled Text File');
    await workbench!.page.locator('.tabs-container .tab', { hasText: 'Claude Code Costs' }).first().click();
    await expectPanelFigures({ range: 'last_30d' }, 'Last 30 days');
    await pickInPanel('range', 'Last 7 days');
    await expectPanelFigures({ range: 'last_7d' }, 'Last 7 days');
    await pickInPanel('project', project);
    await expectPanelFigures({ range: 'last_7d', project }, 'Last 7 days');
    await workbench!.clearNotifications();
    await workbench!.screenshot('panel-after-tab-switch-and-filter');

    // Close the panel and open it again: it comes back with its filter and keeps answering.
    await workbench!.page.locator('.tabs-container .tab', { hasText: 'Claude Code Costs' }).first().click();
    await workbench!.runCommand('View: Close Editor');
    await workbench!.runCommand('Claude Costs: Open Costs Panel');
    await expectPanelFigures({ range: 'last_7d', project }, 'Last 7 days');
    await pickInPanel('range', 'All time');
    await expectPanelFigures({ range: 'all', project }, 'All time');
    await pickInPanel('project', 'All projects');
    await expectPanelFigures({ range: 'all' }, 'All time');
  });

  step('"This month" compares the same elapsed length, labelled; screenshot', async () => {
    await pickInPanel('range', 'This month');
    const model = await expectPanelFigures({ range: 'this_month' }, 'This month');
    const previous = model.window.previous!;
    const delta = workbench!.webviewFrame(EXTENSION_ID).locator('.kpi-cost .delta').first();
    assert.match((await delta.innerText()).trim(), new RegExp(`vs ${previous.label}$`));
    assert.equal(await delta.getAttribute('title'), `${previous.currentLabel} compared with ${previous.label} (the same elapsed length)`);
    await workbench!.screenshot('panel-this-month-fair-comparison');
  });

  step('at 1400 px with the side bar open the tables keep cost and share on screen (no sideways scroll); screenshot', async () => {
    assert.ok(await workbench!.page.locator('.part.sidebar').isVisible(), 'the side bar is open');
    await pickInPanel('range', 'Last 30 days');
    await expectPanelFigures({ range: 'last_30d' }, 'Last 30 days');
    const frame = workbench!.webviewFrame(EXTENSION_ID);
    const fits = await frame.locator('costs-app').evaluate((app) => [...app.shadowRoot!.querySelectorAll('section.table-card')].map((card) => {
      const scroll = card.querySelector('data-table')!.shadowRoot!.querySelector('.scroll')!;
      return { table: card.className, overflow: scroll.scrollWidth - scroll.clientWidth };
    }));
    assert.ok(fits.length >= 4);
    for (const f of fits) assert.ok(f.overflow <= 0, `${f.table} scrolls sideways by ${f.overflow}px`);
    await frame.locator('.sessions-table').scrollIntoViewIfNeeded();
    await workbench!.screenshot('panel-tables-1400px-sidebar');
  });

  step('"Claude Costs: Query Usage (llm_costs_query)" from the palette opens the JSON result', async () => {
    await workbench!.runCommand('Claude Costs: Query Usage (llm_costs_query)', { opensQuickPick: 'Time window' });
    const page = workbench!.page;
    // Two quick picks: the window, then the grouping (each found by its placeholder, so a keystroke can
    // never land in the previous one).
    for (const [placeholder, choice] of [['Time window', 'all'], ['Group the totals by', 'model']]) {
      const input = page.locator(`.quick-input-widget input[placeholder="${placeholder}"]`);
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(choice);
      // The row holds the label and its description; match the label alone, exactly.
      const label = page.locator('.label-name', { hasText: new RegExp(`^${choice}$`) });
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: label });
      await row.first().waitFor({ timeout: 10_000 });
      await row.first().click();
    }
    // The result opens as an untitled JSON editor; compare its totals with the engine's.
    const editor = page.locator('.editor-instance .view-lines').first();
    await editor.waitFor({ timeout: 15_000 });
    const requests = (await withEngine((engine) => engine.query({ window: 'all', group_by: 'model' }, now))).totals.requests;
    const deadline = performance.now() + 10_000;
    let text = '';
    while (performance.now() < deadline) {
      text = (await editor.innerText()).replace(/\u00a0/g, ' ');
      if (text.includes('"totals"') && text.includes(`"requests": ${requests}`)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(text.includes('"window": "all"') || text.includes('"group_by": "model"'), `no params in the editor:\n${text.slice(0, 400)}`);
    assert.ok(text.includes(`"requests": ${requests}`), `the editor lacks the total of ${requests} requests:\n${text.slice(0, 600)}`);
    await workbench!.screenshot('query-result');
  });

  step('"Claude Costs: Rescan Transcripts" shows its progress and finishes', async () => {
    await workbench!.clearNotifications();
    await workbench!.runCommand('Claude Costs: Rescan Transcripts');
    const page = workbench!.page;
    // A rescan of a small corpus takes milliseconds: its progress toast may already be gone, but the
    // status-bar summary it leaves ("Claude Costs: 0 new requests, 12 files in 9 ms") stays for 4 s.
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: /rescanning transcripts/i });
    const summary = page.locator('.statusbar-item').filter({ hasText: /Claude Costs: \d+ new requests?, \d+ files in \d+ ms/ });
    await toast.or(summary).first().waitFor({ state: 'visible', timeout: 10_000 });
    await summary.first().waitFor({ state: 'visible', timeout: 10_000 });
    await workbench!.screenshot('rescan-progress');
  });

});
