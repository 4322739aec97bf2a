// Drives the code-server workbench in headless Chromium (Debian's /usr/bin/chromium via playwright-core).
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { requireSystemPackages, type CodeServer } from './codeServer';
import { docsDir, resultsDir } from './paths';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface OpenOptions {
  /** Extra query parameters for the workbench URL (e.g. the test payload). */
  query?: Record<string, string>;
  /** Called before navigation, e.g. to expose codeAutomationExit. */
  beforeNavigate?: (page: Page) => Promise<void>;
  viewport?: { width: number; height: number };
}

export class Workbench {
  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    readonly server: CodeServer,
    /** Console lines of the workbench page, kept for failure reports. */
    readonly consoleLines: string[],
  ) {}

  static async open(server: CodeServer, options: OpenOptions = {}): Promise<Workbench> {
    requireSystemPackages({ forInstall: false, forBrowser: true });
    // Chromium's crash database and caches follow HOME/XDG: keep them in a throw-away dir as well.
    const browserHome = mkdtempSync(path.join(os.tmpdir(), 'ccc-chromium-'));
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...process.env, HOME: browserHome, XDG_CONFIG_HOME: path.join(browserHome, '.config'), XDG_CACHE_HOME: path.join(browserHome, '.cache') },
    });
    browser.on('disconnected', () => rmSync(browserHome, { recursive: true, force: true }));
    try {
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
      const page = await context.newPage();
      const consoleLines: string[] = [];
      page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
      page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
      await options.beforeNavigate?.(page);
      // Generous bounds: on a loaded shared machine the first workbench load can take over 30 s.
      await page.goto(server.workbenchUrl(options.query), { timeout: 120_000 });
      await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
      return new Workbench(browser, page, server, consoleLines);
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  /** Runs a command by its palette title (e.g. "Claude Costs: Open Costs Panel") through F1. */
  /**
   * `opensQuickPick`: the command shows its own quick pick right away, so the palette's input never hides;
   * wait for that pick (its placeholder) instead.
   */
  async runCommand(title: string, opts: { opensQuickPick?: string } = {}): Promise<void> {
    // Keys go to the focused element: when a webview holds focus, F1 would go to its iframe. The middle
    // of the status bar is empty, so clicking it moves focus to the workbench without side effects.
    await this.focusWorkbench();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    // Fuzzy ranking may put a similar command first: pick the row whose label is exactly the title.
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: new RegExp(`^${escapeRegExp(title)}`) });
    await row.first().waitFor({ timeout: 15_000 });
    await row.first().click();
    if (opts.opensQuickPick) await this.page.locator(`.quick-input-widget input[placeholder="${opts.opensQuickPick}"]`).waitFor({ state: 'visible' });
    else await input.waitFor({ state: 'hidden' });
  }

  /** Moves keyboard focus out of any webview into the workbench. */
  async focusWorkbench(): Promise<void> {
    const bar = this.page.locator('.part.statusbar');
    const box = await bar.boundingBox();
    await bar.click({ position: { x: Math.round((box?.width ?? 800) / 2), y: Math.round((box?.height ?? 22) / 2) } });
  }

  /** Dismisses every notification toast (before a screenshot). */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** The status-bar entry with this id (`<publisher>.<name>.<itemId>`), or the first whose text matches. */
  statusBarItem(match: string | RegExp) {
    return typeof match === 'string'
      ? this.page.locator(`.statusbar-item[id="${match}"]`)
      : this.page.locator('.statusbar-item').filter({ hasText: match }).first();
  }

  /** The visible text of a status-bar entry, after waiting for it to appear. */
  async statusBarText(match: string | RegExp, timeoutMs = 30_000): Promise<string> {
    const item = this.statusBarItem(match);
    await item.waitFor({ timeout: timeoutMs });
    return (await item.innerText()).trim();
  }

  /**
   * The content frame of the extension's webview: an iframe (the host page, filtered on extensionId)
   * holding another iframe (#active-frame, the extension's HTML).
   */
  webviewFrame(extensionId: string): FrameLocator {
    return this.page
      .frameLocator(`iframe.webview.ready[src*="extensionId=${encodeURIComponent(extensionId)}"]`)
      .first()
      .frameLocator('#active-frame');
  }

  /**
   * Saves a PNG to test-results/<name>.png. A README picture (`forReadme`) is also copied to
   * docs/<name>.png when UPDATE_SCREENSHOTS=1. Returns the test-results path.
   */
  async screenshot(
    name: string,
    options: { clip?: { x: number; y: number; width: number; height: number }; forReadme?: boolean } = {},
  ): Promise<string> {
    mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${name}.png`);
    await this.page.screenshot({ path: file, clip: options.clip });
    if (options.forReadme && process.env.UPDATE_SCREENSHOTS === '1') {
      mkdirSync(docsDir, { recursive: true });
      copyFileSync(file, path.join(docsDir, `${name}.png`));
    }
    return file;
  }

  /** On failure: a screenshot, the workbench console and the server log under test-results/<name>-*. */
  async saveFailureArtifacts(name: string): Promise<void> {
    mkdirSync(resultsDir, { recursive: true });
    try {
      await this.page.screenshot({ path: path.join(resultsDir, `${name}-failure.png`) });
    } catch {
      // the page may be gone; the logs still help
    }
    writeFileSync(path.join(resultsDir, `${name}-console.log`), this.consoleLines.join('\n'));
    copyServerLog(this.server, name);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** Copies the server log and VS Code's own logs (extension host, output channels) into test-results/. */
export function copyServerLog(server: CodeServer, name: string): void {
  mkdirSync(resultsDir, { recursive: true });
  try {
    copyFileSync(server.logPath, path.join(resultsDir, `${name}-server.log`));
  } catch {
    // no log written yet
  }
  const logs = path.join(server.userDataDir, 'logs');
  if (existsSync(logs)) cpSync(logs, path.join(resultsDir, `${name}-vscode-logs`), { recursive: true });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
