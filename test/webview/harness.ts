// Runs the BUILT webview bundle (dist/webview/panel.js) in real headless Chromium inside a page that
// emulates a VS Code webview: the same strict CSP with a nonce, the --vscode-* theme variables of Dark
// Modern / Light Modern on <html>, the body theme classes, and a fake acquireVsCodeApi whose
// postMessage reaches a fake host in this process. The fake host validates every message with the
// real parseWebviewMessage, pairs requests and answers with the real LatestRequestRunner (as
// src/host/costsPanel.ts does) and answers with read models built by the real buildReadModel.
// `reload()` rebuilds the page as VS Code does after a tab switch (no retained context): the saved
// webview state survives, the host-side runner and filter stay.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { buildReadModel } from '../../src/core/query/readModel';
import type { ReadModelOptions } from '../../src/core/query/readModel';
import { DEFAULT_PANEL_FILTER, parseWebviewMessage, requestIdOfInvalid } from '../../src/protocol';
import { LatestRequestRunner, type PanelRun } from '../../src/host/panelRequests';
import type { HostToWebview, PanelFilter, WebviewToHost } from '../../src/protocol';
import type { Database } from '../../src/core/store/sqljs';

const ROOT = path.resolve(__dirname, '..', '..');
export const RESULTS_DIR = path.join(ROOT, 'test-results');
const NONCE = 'testNonce0123456789';

const COMMON_VARS: Record<string, string> = {
  '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
};

export const DARK_VARS: Record<string, string> = {
  ...COMMON_VARS,
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-sideBar-background': '#181818',
  '--vscode-widget-border': '#313131',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-contrastBorder': 'transparent',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-border': '#ffffff12',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-input-background': '#313131',
  '--vscode-input-foreground': '#cccccc',
  '--vscode-input-border': '#3c3c3c',
  '--vscode-dropdown-background': '#313131',
  '--vscode-dropdown-border': '#3c3c3c',
  '--vscode-dropdown-foreground': '#cccccc',
  '--vscode-settings-dropdownBackground': '#313131',
  '--vscode-settings-dropdownBorder': '#3c3c3c',
  '--vscode-settings-dropdownForeground': '#cccccc',
  '--vscode-settings-dropdownListBorder': '#454545',
  '--vscode-settings-textInputBackground': '#313131',
  '--vscode-settings-textInputBorder': '#3c3c3c',
  '--vscode-settings-textInputForeground': '#cccccc',
  '--vscode-list-activeSelectionBackground': '#04395e',
  '--vscode-list-activeSelectionForeground': '#ffffff',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-list-focusBackground': '#04395e',
  '--vscode-list-focusOutline': '#0078d4',
  '--vscode-list-highlightForeground': '#2aaaff',
  '--vscode-textLink-foreground': '#4daafc',
  '--vscode-textLink-activeForeground': '#4daafc',
  '--vscode-textBlockQuote-background': '#2b2b2b',
  '--vscode-textCodeBlock-background': '#2b2b2b',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-progressBar-background': '#0078d4',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-inputValidation-errorBackground': '#5a1d1d',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-inputValidation-infoBackground': '#063b49',
  '--vscode-inputValidation-infoBorder': '#007acc',
  '--vscode-inputValidation-warningBackground': '#352a05',
  '--vscode-inputValidation-warningBorder': '#b89500',
  '--vscode-charts-foreground': '#cccccc',
  '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
};

export const LIGHT_VARS: Record<string, string> = {
  ...COMMON_VARS,
  '--vscode-foreground': '#3b3b3b',
  '--vscode-descriptionForeground': '#717171',
  '--vscode-editor-background': '#ffffff',
  '--vscode-editor-foreground': '#3b3b3b',
  '--vscode-editorWidget-background': '#f8f8f8',
  '--vscode-sideBar-background': '#f8f8f8',
  '--vscode-widget-border': '#e5e5e5',
  '--vscode-panel-border': '#e5e5e5',
  '--vscode-focusBorder': '#005fb8',
  '--vscode-contrastBorder': 'transparent',
  '--vscode-button-background': '#005fb8',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#0258a8',
  '--vscode-button-border': '#0000001a',
  '--vscode-button-secondaryBackground': '#e5e5e5',
  '--vscode-button-secondaryForeground': '#3b3b3b',
  '--vscode-button-secondaryHoverBackground': '#cccccc',
  '--vscode-input-background': '#ffffff',
  '--vscode-input-foreground': '#3b3b3b',
  '--vscode-input-border': '#cecece',
  '--vscode-dropdown-background': '#ffffff',
  '--vscode-dropdown-border': '#cecece',
  '--vscode-dropdown-foreground': '#3b3b3b',
  '--vscode-settings-dropdownBackground': '#ffffff',
  '--vscode-settings-dropdownBorder': '#cecece',
  '--vscode-settings-dropdownForeground': '#3b3b3b',
  '--vscode-settings-dropdownListBorder': '#c8c8c8',
  '--vscode-settings-textInputBackground': '#ffffff',
  '--vscode-settings-textInputBorder': '#cecece',
  '--vscode-settings-textInputForeground': '#3b3b3b',
  '--vscode-list-activeSelectionBackground': '#e8e8e8',
  '--vscode-list-activeSelectionForeground': '#000000',
  '--vscode-list-hoverBackground': '#f2f2f2',
  '--vscode-list-focusBackground': '#e8e8e8',
  '--vscode-list-focusOutline': '#005fb8',
  '--vscode-list-highlightForeground': '#0066bf',
  '--vscode-textLink-foreground': '#005fb8',
  '--vscode-textLink-activeForeground': '#005fb8',
  '--vscode-textBlockQuote-background': '#f8f8f8',
  '--vscode-textCodeBlock-background': '#f0f0f0',
  '--vscode-badge-background': '#cccccc',
  '--vscode-badge-foreground': '#3b3b3b',
  '--vscode-progressBar-background': '#005fb8',
  '--vscode-editorWarning-foreground': '#bf8803',
  '--vscode-inputValidation-errorBackground': '#f2dede',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-inputValidation-infoBackground': '#d6ecf2',
  '--vscode-inputValidation-infoBorder': '#007acc',
  '--vscode-inputValidation-warningBackground': '#f6f5d2',
  '--vscode-inputValidation-warningBorder': '#b89500',
  '--vscode-charts-foreground': '#616161',
  '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-yellow': '#bf8803',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#388a34',
  '--vscode-charts-purple': '#652d90',
};

/** Dark High Contrast: black background, contrast borders, no fills to lean on. */
export const HC_VARS: Record<string, string> = {
  ...DARK_VARS,
  '--vscode-foreground': '#ffffff',
  '--vscode-descriptionForeground': '#ffffffb3',
  '--vscode-editor-background': '#000000',
  '--vscode-editorWidget-background': '#0c141f',
  '--vscode-sideBar-background': '#000000',
  '--vscode-widget-border': '#6fc3df',
  '--vscode-panel-border': '#6fc3df',
  '--vscode-contrastBorder': '#6fc3df',
  '--vscode-contrastActiveBorder': '#f38518',
  '--vscode-focusBorder': '#f38518',
  '--vscode-button-background': '#000000',
  '--vscode-button-border': '#6fc3df',
  '--vscode-button-secondaryBackground': '#000000',
  '--vscode-button-secondaryForeground': '#ffffff',
  '--vscode-input-background': '#000000',
  '--vscode-list-hoverBackground': '#000000',
  '--vscode-list-focusOutline': '#f38518',
  '--vscode-textLink-foreground': '#21a6ff',
  '--vscode-charts-foreground': '#ffffff',
  '--vscode-charts-lines': 'rgba(255, 255, 255, 0.5)',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-green': '#89d185',
};

export type ThemeName = 'dark' | 'light' | 'high-contrast';

function themeCss(theme: ThemeName): string {
  const vars = theme === 'dark' ? DARK_VARS : theme === 'light' ? LIGHT_VARS : HC_VARS;
  return `:root { ${Object.entries(vars).map(([k, v]) => `${k}: ${v};`).join(' ')} }`;
}

function pageHtml(theme: ThemeName, savedState: unknown): string {
  // The same CSP the host writes (webview.cspSource → 'self' here).
  const csp = `default-src 'none'; script-src 'nonce-${NONCE}'; style-src 'self' 'nonce-${NONCE}'; font-src 'self'; img-src 'self' data:; connect-src 'none'`;
  return `<!DOCTYPE html>
<html lang="en"><head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style nonce="${NONCE}" id="theme-vars">${themeCss(theme)}</style>
<link rel="stylesheet" href="/dist/webview/codicon.css" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="/media/panel.css">
<script nonce="${NONCE}">
  window.__sent = [];
  window.__state = ${JSON.stringify(savedState ?? null)};
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => { window.__sent.push(JSON.parse(JSON.stringify(m))); window.__toHost(JSON.stringify(m)); },
    getState: () => window.__state,
    setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); window.__saveState(JSON.stringify(s)); },
  });
</script>
</head>
<body class="vscode-${theme}" data-vscode-theme-kind="vscode-${theme}" data-vscode-theme-id="${theme === 'dark' ? 'Dark Modern' : theme === 'light' ? 'Light Modern' : 'Dark High Contrast'}">
<costs-app><p class="boot-loading" role="status">Loading Claude Code costs…</p></costs-app>
<script type="module" nonce="${NONCE}" src="/dist/webview/panel.js"></script>
</body></html>`;
}

let server: http.Server | null = null;
let baseUrl = '';
const pages = new Map<string, string>();

async function ensureServer(): Promise<string> {
  if (server) return baseUrl;
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/favicon.ico') { res.writeHead(204); res.end(); return; } // a webview asks for none
    const page = pages.get(url.pathname);
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page);
      return;
    }
    // Only the two folders the real panel allows (localResourceRoots).
    const rel = path.normalize(url.pathname).replace(/^\/+/, '');
    if (!rel.startsWith('dist/webview/') && !rel.startsWith('media/')) {
      res.writeHead(404);
      res.end();
      return;
    }
    const file = path.join(ROOT, rel);
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); res.end(); return; }
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.ttf') ? 'font/ttf' : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type });
      res.end(data);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return baseUrl;
}

export async function launch(): Promise<Browser> {
  if (!fs.existsSync(path.join(ROOT, 'dist/webview/panel.js'))) throw new Error('dist/webview/panel.js missing: run node scripts/build.mjs first');
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install the Debian package "chromium" (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function shutdown(browser: Browser | null): Promise<void> {
  await browser?.close();
  if (server) {
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
  }
}

export interface FakeHostOptions {
  db: Database;
  nowMs: number;
  theme?: ThemeName;
  filter?: Partial<PanelFilter>;
  savedState?: unknown;
  readModelOptions?: ReadModelOptions;
  /** Delay before answering setFilter / refresh (to observe the in-flight state). */
  delayMs?: number;
  /** Answer the next read-model request with an error. */
  failNext?: boolean;
}

/** One emulated panel: the page plus the fake host's record of what it received. */
export class PanelPage {
  readonly received: WebviewToHost[] = [];
  readonly invalid: string[] = [];
  readonly consoleErrors: string[] = [];
  readonly dialogs: string[] = [];
  filter: PanelFilter;
  delayMs: number;
  failNext: boolean;
  /** What the page last stored with setState (VS Code keeps it across rebuilds of the webview). */
  savedState: unknown;
  /** Page loads so far (1 + reloads). */
  instances = 0;
  route = '';
  private answered = 0;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  private readonly runner = new LatestRequestRunner((run) => this.answer(run), (e) => this.consoleErrors.push(`host: ${String(e)}`));

  constructor(readonly page: Page, private readonly opts: FakeHostOptions) {
    this.filter = { ...DEFAULT_PANEL_FILTER, tz: 'UTC', ...opts.filter };
    this.delayMs = opts.delayMs ?? 0;
    this.failNext = opts.failNext ?? false;
    this.savedState = opts.savedState ?? null;
  }

  /** The first element's text, whitespace collapsed. */
  async text(selector: string): Promise<string> {
    return ((await this.page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  /** A real user interaction with a vscode-single-select: open it, click the option in its list. */
  async pick(selectClass: string, optionLabel: string): Promise<void> {
    await this.page.locator(`vscode-single-select.${selectClass}`).click();
    await this.page.locator(`vscode-single-select.${selectClass} li[role="option"]`, { hasText: optionLabel }).first().click();
  }

  /** Nothing went wrong on the page: no console error or warning (CSP violations included), no invalid message, no dialog. */
  assertClean(): void {
    assert.deepEqual(this.consoleErrors, [], 'no console errors or warnings (CSP violations included)');
    assert.deepEqual(this.invalid, [], 'every message the webview sent passed parseWebviewMessage');
    assert.deepEqual(this.dialogs, [], 'no dialog opened');
  }

  /** From now on builds wait (the engine is busy) until `release()`. */
  hold(): void {
    this.gate = new Promise((resolve) => { this.openGate = resolve; });
  }

  release(): void {
    this.openGate?.();
    this.gate = null;
  }

  /** Builds started by the host's runner (superseded requests never start). */
  get builds(): number { return this.runner.started; }

  async post(msg: HostToWebview): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), msg as unknown as Record<string, unknown>);
  }

  /** One run of the host's runner (the engine's build is `delayMs` long, then the real read model). */
  private async answer(run: PanelRun): Promise<void> {
    const { requestId } = run;
    const filter = this.filter;
    await this.post({ type: 'loading', requestId });
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.gate) await this.gate;
    if (!run.current()) return;
    if (this.failNext) {
      this.failNext = false;
      await this.post({ type: 'error', requestId, message: 'Could not load the figures: the store is busy' });
      return;
    }
    const model = buildReadModel(this.opts.db, filter, this.opts.nowMs, this.opts.readModelOptions);
    await this.post({ type: 'readModel', requestId, model });
    this.answered++;
  }

  /** What the fake host does for each message (the same routing as src/host/costsPanel.ts). */
  async onMessage(raw: string): Promise<void> {
    const parsed = JSON.parse(raw) as unknown;
    const msg = parseWebviewMessage(parsed, this.opts.nowMs);
    if ('error' in msg) {
      this.invalid.push(msg.error);
      const requestId = requestIdOfInvalid(parsed);
      if (requestId !== null && this.runner.supersede(requestId)) await this.post({ type: 'error', requestId, message: `Invalid request: ${msg.error}` });
      return;
    }
    this.received.push(msg);
    if (msg.type === 'ready') {
      this.runner.reset();
      this.runner.submit(null);
    } else if (msg.type === 'rescan') this.runner.submit(null);
    else if (msg.type === 'setFilter') { this.filter = msg.filter; this.runner.submit(msg.requestId); }
    else if (msg.type === 'refresh') this.runner.submit(msg.requestId);
  }

  /**
   * The webview is rebuilt as after a tab switch or a reopen (retainContextWhenHidden is off): a fresh
   * page with the state it saved; the host keeps its runner and filter. Waits for the new page's first model.
   */
  async reload(): Promise<void> {
    const before = this.answered;
    pages.set(this.route, pageHtml(this.opts.theme ?? 'dark', this.savedState));
    await this.page.reload();
    this.instances++;
    await this.waitForAnswers(before + 1);
  }

  /** Waits until the page shows no loading bar and Refresh is enabled. */
  async waitForIdle(timeoutMs = 10_000): Promise<void> {
    await this.page.locator('costs-app vscode-progress-bar.progress').waitFor({ state: 'detached', timeout: timeoutMs });
    await this.page.locator('costs-toolbar vscode-button.refresh:not([disabled])').waitFor({ timeout: timeoutMs });
  }

  /** Waits until the host has answered `n` read models in total. */
  async waitForAnswers(n: number, timeoutMs = 10_000): Promise<void> {
    // The monotonic clock: this is a timeout, not a date (read models are built at opts.nowMs).
    const t0 = performance.now();
    while (this.answered < n) {
      if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${n} read models (got ${this.answered})`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Let lit render the last one.
    await this.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }

  get answers(): number { return this.answered; }

  lastOf<T extends WebviewToHost['type']>(type: T): Extract<WebviewToHost, { type: T }> | undefined {
    return [...this.received].reverse().find((m) => m.type === type) as Extract<WebviewToHost, { type: T }> | undefined;
  }

  async setTheme(theme: ThemeName): Promise<void> {
    await this.page.evaluate(({ css, theme: t }) => {
      document.getElementById('theme-vars')!.textContent = css;
      document.body.className = `vscode-${t}`;
      document.body.dataset.vscodeThemeKind = `vscode-${t}`;
    }, { css: themeCss(theme), theme });
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, name);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }
}

/** Opens the emulated panel and waits for the first read model. */
export async function openPanel(
  browser: Browser, opts: FakeHostOptions, viewport = { width: 1280, height: 900 }, waitForFirstModel = true,
): Promise<PanelPage> {
  const base = await ensureServer();
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const panel = new PanelPage(page, opts);
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') panel.consoleErrors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => panel.consoleErrors.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => { panel.dialogs.push(d.message()); void d.dismiss(); });
  await page.exposeFunction('__toHost', (raw: string) => panel.onMessage(raw));
  await page.exposeFunction('__saveState', (raw: string) => { panel.savedState = JSON.parse(raw); });
  const route = `/panel-${Math.random().toString(36).slice(2)}.html`;
  panel.route = route;
  pages.set(route, pageHtml(opts.theme ?? 'dark', opts.savedState));
  await page.goto(base + route);
  panel.instances = 1;
  if (waitForFirstModel) await panel.waitForAnswers(1);
  return panel;
}
