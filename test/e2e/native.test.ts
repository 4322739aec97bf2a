// The extension as a native VS Code citizen, in a real VS Code (code-server) with the packaged .vsix:
// the activity-bar view in Dark and Light, the walkthrough, the Limits section (official windows from the
// demo's statusline sample, a limit hit, then the local fallback) in Dark and Light, the chip past 95 %
// of a custom plan, and the side bar and panel in German (`--locale de`). Every screenshot is taken after
// asserting what it shows; expected figures come from the core engine on the same transcripts.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/core/engine';
import { compactNumber, formatUsd } from '../../src/core/limits/chip';
import { DEFAULT_PANEL_FILTER, type PanelReadModel } from '../../src/protocol';
import { full } from '../../webview/format';
import { languagePackStub, makeCorpus, pollUntil, registerLanguagePack, packageExtension, resultsDir, startCodeServer, SuiteRun, suiteNow, Workbench, writeWorkspaceSession, type CodeServer } from './harness';

const EXTENSION_ID = 'claude-code-costs.claude-code-costs';
const CHIP_ID = `${EXTENSION_ID}.claudeCosts.chip`;
const BRANCH = 'feature/side-bar';
const DE = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.de.json'), 'utf8')) as Record<string, string>;

let configDir: string;
let workspace: string;
let vsix: string;
let server: CodeServer | undefined;
let workbench: Workbench | undefined;
/** The suite's one reading of the wall clock, which the VS Code under test shares. */
let now: number;
const run = new SuiteRun('native');
/** The custom plan limit (input+output tokens per 5-hour window) that puts the active window past 95 %. */
let customLimit = 0;

async function withEngine<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await Engine.open({ dbPath: null, configDirs: [configDir], env: {}, homeDir: os.tmpdir() });
  try {
    await engine.scan();
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/**
 * (Re)starts VS Code with these settings and opens the workbench. Settings are seeded, not edited live:
 * code-server here does not pick up a rewritten settings file.
 */
async function restart(settings: Record<string, unknown>, locale?: string): Promise<void> {
  await workbench?.close();
  await server?.stop();
  workbench = undefined;
  server = await startCodeServer({
    configDir, vsixPath: vsix, folder: workspace, locale,
    // VS Code switches to a locale only with a language pack for it: a stand-in that translates nothing of VS Code.
    extraVsixPaths: locale === 'de' ? [languagePackStub('de', 'Deutsch')] : [],
    beforeStart: locale === 'de' ? (dirs) => registerLanguagePack(dirs, 'de', 'Deutsch') : undefined,
    extraSettings: { 'workbench.colorTheme': 'Default Dark Modern', ...settings },
  });
  workbench = await Workbench.open(server, { viewport: { width: 1400, height: 900 } });
  // The extension is up once its chip is there (before that, its commands may not be in the palette yet).
  await workbench.statusBarText(CHIP_ID, 60_000);
}

/** Picks a colour theme the way a user does: Preferences: Color Theme, then the theme's row. */
async function setTheme(theme: 'dark' | 'light'): Promise<void> {
  const name = theme === 'dark' ? 'Dark Modern' : 'Light Modern';
  const page = workbench!.page;
  await workbench!.focusWorkbench();
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill('>Preferences: Color Theme');
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^Preferences: Color Theme/ }).first().click();
  await page.waitForTimeout(300);
  await input.fill(name);
  await workbench!.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: new RegExp(`^${name}`) }).first().click();
  const cls = theme === 'dark' ? 'vs-dark' : 'vs';
  const classes = await until(() => workbench!.page.locator('.monaco-workbench').first().getAttribute('class').then((c) => (c ?? '').split(' ')), (c) => c.includes(cls));
  assert.ok(classes.includes(cls), `theme ${theme} not applied: ${classes.join(' ')}`);
  await workbench!.page.waitForTimeout(300);
}

const until = <T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> => pollUntil(read, ok, timeoutMs);

/** The side bar's tree rows as "label description" lines. */
async function sideBarRows(): Promise<string[]> {
  // A row's label and description render as adjacent spans: compare them without white space.
  const texts = await workbench!.page.locator('.part.sidebar .monaco-list-row').allInnerTexts();
  return texts.map((t) => t.replace(/\s+/g, ''));
}

async function openSideBar(): Promise<void> {
  await workbench!.page.locator('.part.activitybar .action-item a.action-label[aria-label^="Claude Costs"]').first().click();
  await workbench!.page.locator('.part.sidebar .monaco-list-row').first().waitFor({ timeout: 30_000 });
  // Wider than the default 300 px, so the rows' figures are not cut off in the screenshots.
  const box = await workbench!.page.locator('.part.sidebar').boundingBox();
  if (box && box.width < 400) {
    const page = workbench!.page;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width - 1, y);
    await page.mouse.down();
    await page.mouse.move(box.x + 480, y, { steps: 5 });
    await page.mouse.up();
  }
}

async function shotOf(locator: { screenshot(o: { path: string }): Promise<unknown> }, name: string): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  await locator.screenshot({ path: path.join(resultsDir, `${name}.png`) });
}

describe('native citizen in a real VS Code: side bar, walkthrough, Limits, chip > 95 %, German', { timeout: 600_000 }, () => {
  before(async () => {
    configDir = mkdtempSync(path.join(os.tmpdir(), 'ccc-native-corpus-'));
    now = suiteNow();
    await makeCorpus(configDir, { targetBytes: 1_000_000, seed: 7, endMs: now });
    // The folder VS Code opens: a git repository on BRANCH with a session of its own, so the side bar has
    // this workspace's and this branch's figures.
    workspace = path.join(mkdtempSync(path.join(os.tmpdir(), 'ccc-native-ws-')), 'shop-app');
    mkdirSync(workspace, { recursive: true });
    execFileSync('git', ['init', '-q', '-b', BRANCH], { cwd: workspace });
    writeWorkspaceSession(configDir, { cwd: workspace, gitBranch: BRANCH, responses: 8, endMs: now - 60_000 });
    vsix = packageExtension();
    await restart({ 'claudeCosts.demoMode': true });
  });

  after(() => run.finish(workbench, server, [configDir, path.dirname(workspace)]));

  const step = run.step;

  step('the Claude Costs side bar shows this workspace, this branch, today and the month as the engine computes them (Dark, Light)', async () => {
    const summary = await withEngine((e) => e.sideBar({ workspaceFolders: [workspace], gitBranch: BRANCH }, now));
    assert.ok(summary.workspace && summary.branch, 'the workspace has usage on its branch');
    await openSideBar();
    const expected = {
      today: `Today ${formatUsd(summary.today.costUsd)} · ${compactNumber(summary.today.totalTokens)} tokens`,
      workspace: `Workspace: ${summary.workspace.name} ${formatUsd(summary.workspace.thisMonth.costUsd)} this month · ${formatUsd(summary.workspace.allTime.costUsd)} all time`,
      branch: `Branch: ${BRANCH} ${formatUsd(summary.branch.allTime.costUsd)} · ${compactNumber(summary.branch.allTime.totalTokens)} tokens`,
    };
    for (const k of Object.keys(expected) as (keyof typeof expected)[]) expected[k] = expected[k].replace(/\s+/g, '');
    const rows = await until(sideBarRows, (r) => Object.values(expected).every((e) => r.includes(e)));
    for (const e of Object.values(expected)) assert.ok(rows.includes(e), `side bar lacks "${e}":\n${rows.join('\n')}`);
    for (const label of ['5-hourwindow', 'Thismonth', 'Latestsessions']) assert.ok(rows.some((r) => r.startsWith(label)), rows.join('\n'));
    // The view's title actions: refresh, open panel, query.
    const actions = await workbench!.page.locator('.part.sidebar .title-actions .action-label').evaluateAll((a) => a.map((x) => x.getAttribute('aria-label') ?? ''));
    assert.ok(actions.length >= 2, `view/title actions: ${actions.join(', ')}`);
    await workbench!.clearNotifications();
    await workbench!.screenshot('sidebar-dark');
    await setTheme('light');
    assert.deepEqual(await sideBarRows(), rows);
    await workbench!.screenshot('sidebar-light');
  });

  step('the walkthrough opens from the Welcome page with its four steps', async () => {
    const page = workbench!.page;
    await workbench!.focusWorkbench();
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.fill('>Welcome: Open Walkthrough');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^Welcome: Open Walkthrough/ }).first().click();
    await input.fill('Claude Code Costs');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Get Started with Claude Code Costs' }).first().click();
    const container = page.locator('.gettingStartedContainer');
    await container.waitFor({ timeout: 20_000 });
    const nls = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.nls.json'), 'utf8')) as Record<string, string>;
    for (const key of ['walkthrough.title', 'walkthrough.privacy.title', 'walkthrough.statusline.title', 'walkthrough.panel.title', 'walkthrough.chat.title']) {
      await container.getByText(nls[key], { exact: true }).first().waitFor({ timeout: 10_000 });
    }
    await workbench!.clearNotifications();
    await page.waitForTimeout(500);
    await workbench!.screenshot('walkthrough');
    await workbench!.runCommand('View: Close All Editors');
  });

  /** The Limits section of the open panel, after it shows the engine's figures for the default filter. */
  async function limitsSection(): Promise<{ model: PanelReadModel; section: ReturnType<ReturnType<Workbench['webviewFrame']>['locator']> }> {
    const model = await withEngine((e) => e.readModel({ ...DEFAULT_PANEL_FILTER }, now));
    const frame = workbench!.webviewFrame(EXTENSION_ID);
    const section = frame.locator('limits-section');
    await section.waitFor({ timeout: 30_000 });
    await until(() => frame.locator('.kpi-requests .value').first().innerText().catch(() => ''), (v) => v === full(model.kpis.requests.value));
    await workbench!.clearNotifications();
    await section.scrollIntoViewIfNeeded();
    return { model, section };
  }

  step('the Limits section: blocks with a limit hit, the active block, official weekly windows from the demo statusline sample (Light, Dark)', async () => {
    await workbench!.runCommand('Claude Costs: Open Costs Panel');
    const { model, section } = await limitsSection();
    const blocks = model.limits.timeline.blocks;
    assert.ok(blocks.some((b) => b.limitHits > 0), 'the corpus has a limit hit in the last 30 days');
    assert.equal(await section.locator('.block').count(), blocks.filter((b) => !b.isGap).length);
    assert.equal(await section.locator('.block.hit').count(), blocks.filter((b) => !b.isGap && b.limitHits > 0).length);
    assert.equal(await section.locator('.block.active').count(), 1);
    // The sample capture: 5-hour 62 %, weekly 38 %, weekly Opus 71 %, from the statusline.
    const official = async (id: string) => (await section.locator(`.window.official[data-window="${id}"]`).innerText()).replace(/\s+/g, ' ');
    assert.match(await until(() => official('seven_day').catch(() => ''), (t) => t.includes('38')), /38 % used .*official · Claude Code statusline/);
    assert.match(await official('seven_day_opus'), /71 % used/);
    assert.match(await official('five_hour'), /62 % used/);
    assert.ok((await section.locator('.hits-list li').count()) > 0, 'the limit hits are listed');
    await shotOf(section, 'limits-official-light');
    await setTheme('dark');
    await shotOf(section, 'limits-official-dark');
  });

  step('the Limits section without an official source: the rolling 7 days labelled local (Dark, Light)', async () => {
    // No demo sample, and a custom plan whose limit the active window fills to about 97 % (the chip step).
    const base = await withEngine((e) => e.status(now));
    assert.ok(base.activeBlock, 'the corpus ends now: a 5-hour window is active');
    customLimit = Math.ceil(base.activeBlock.limitTokens / 0.97);
    await restart({ 'claudeCosts.plan': 'custom', 'claudeCosts.customPlanTokenLimit': customLimit });
    await workbench!.runCommand('Claude Costs: Open Costs Panel');
    const { section } = await limitsSection();
    assert.equal(await section.locator('.window.official').count(), 0, 'no official window without a capture');
    const local = (await section.locator('[data-window="local-7d"]').innerText()).replace(/\s+/g, ' ');
    assert.match(local, /Last 7 days ?local .*no official weekly figure/i);
    await shotOf(section, 'limits-local-dark');
    await setTheme('light');
    await shotOf(section, 'limits-local-light');
    await workbench!.runCommand('View: Close All Editors');
  });

  step('the chip past 95 % of a custom plan: error colour, and the tooltip says so', async () => {
    await setTheme('dark');
    const limit = customLimit;
    const expected = await withEngine((e) => {
      e.setStatusOptions({ plan: 'custom', customTokenLimit: limit });
      return e.status(now);
    });
    const usedPct = expected.headroom.usedPct!;
    assert.ok(usedPct > 95 && usedPct < 100, `used ${usedPct} %`);
    const chip = workbench!.statusBarItem(CHIP_ID);
    const cls = await until(() => chip.getAttribute('class').then((c) => c ?? ''), (c) => c.includes('error-kind'));
    assert.ok(cls.includes('error-kind'), `chip classes: ${cls}`);
    await workbench!.clearNotifications();
    await chip.hover();
    const hover = workbench!.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Headroom' }).first();
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    const text = (await hover.innerText()).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`Headroom: ${Math.round(usedPct)}\\s?% used`), text);
    assert.match(text, /custom limit \(setting\)/, text);
    assert.match(text, /error at 95/, text);
    const [hoverBox, chipBox] = [await hover.boundingBox(), await chip.boundingBox()];
    assert.ok(hoverBox && chipBox);
    const x = Math.max(0, Math.min(hoverBox.x, chipBox.x) - 24);
    const y = Math.max(0, hoverBox.y - 24);
    const right = Math.min(1400, Math.max(hoverBox.x + hoverBox.width, chipBox.x + chipBox.width) + 24);
    await workbench!.screenshot('chip-over-95pct', { clip: { x, y, width: right - x, height: Math.min(900, chipBox.y + chipBox.height + 4) - y } });
    await workbench!.page.mouse.move(700, 300);
  });

  step('in German (--locale de): the side bar and the panel speak German', async () => {
    await restart({ 'claudeCosts.demoMode': true }, 'de');
    await openSideBar();
    const rows = await until(sideBarRows, (r) => r.some((x) => x.startsWith(DE['Today'].replace(/\s+/g, ''))));
    for (const key of ['5-hour window', 'Today', 'This month', 'Latest sessions']) {
      const de = DE[key].replace(/\s+/g, '');
      assert.ok(rows.some((r) => r.startsWith(de)), `side bar lacks "${DE[key]}" (${key}):\n${rows.join('\n')}`);
    }
    assert.ok(rows.some((r) => r.startsWith(`Branch:${BRANCH}`)), rows.join('\n'));
    await workbench!.clearNotifications().catch(() => undefined);
    await workbench!.screenshot('sidebar-de');
    // The workspace row opens the panel filtered to this project.
    await workbench!.page.locator('.part.sidebar .monaco-list-row').filter({ hasText: /shop-app/ }).first().click();
    const frame = workbench!.webviewFrame(EXTENSION_ID);
    await frame.locator('.kpi-requests .value').first().waitFor({ timeout: 30_000 });
    // Locators reach into the components' shadow roots (innerText of the app would not).
    for (const key of ['Range', 'Project', 'Branch', 'Tokens per day', 'Cost per day', 'Branches', 'Limits and value']) {
      assert.ok(await frame.getByText(DE[key], { exact: true }).count() > 0, `panel lacks "${DE[key]}" (${key})`);
    }
    assert.equal(await frame.getByText('Tokens per day', { exact: true }).count(), 0, 'no English heading left');
    await workbench!.screenshot('panel-de');
    await frame.locator('.branches-table').scrollIntoViewIfNeeded();
    await workbench!.screenshot('panel-de-tables');
  });
});
