// The costs panel's host side: one WebviewPanel (`claudeCosts.panel`), a strict CSP with a nonce,
// validated messages, a read model per filter state, pushes after rescans, export through a save
// dialog, and a serializer so the panel (and its filter) survives a window reload. Requests and answers
// are paired per webview instance by LatestRequestRunner (panelRequests.ts): only the newest one runs.
// The host computes nothing itself: every figure comes from the engine's read model.
import * as crypto from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineApi } from '../core/engine-api';
import { readModelToCsv, readModelToJson } from '../core/query/readModel';
import { budgetsFor } from '../core/query/readmodel/budgets';
import {
  DEFAULT_PANEL_FILTER, mergePanelFilter, parsePanelFilter, parseWebviewMessage, requestIdOfInvalid,
} from '../protocol';
import { isCancellation } from './engineClient';
import { LatestRequestRunner, type PanelRun } from './panelRequests';
import type {
  BudgetLimits, ExportFormat, HostToWebview, PanelFilter, PanelReadModel, PanelWebviewState, SettingsTarget,
} from '../protocol';

export const PANEL_VIEW_TYPE = 'claudeCosts.panel';
export const PANEL_TITLE = 'Claude Code Costs';
const FILTER_STATE_KEY = 'claudeCosts.panel.filter';
/** Rescans arrive in bursts while Claude Code writes; one refresh per burst is enough. */
const DATA_CHANGE_DEBOUNCE_MS = 400;

export interface CostsPanelDeps {
  engine: EngineApi;
  onDidChangeData: vscode.Event<unknown>;
  log: vscode.LogOutputChannel;
  rescan: () => Promise<void>;
}

export interface CostsPanelHandle {
  open(filter?: Partial<PanelFilter>): void;
  dispose(): void;
}

export function budgetLimitsFromSettings(): BudgetLimits {
  const cfg = vscode.workspace.getConfiguration('claudeCosts');
  const num = (key: string) => {
    const v = cfg.get<unknown>(key);
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
  };
  return { daily: num('budget.daily'), monthly: num('budget.monthly') };
}

function nonce(): string {
  return crypto.randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** The page shell: CSP, stylesheets and the bundle from dist/webview and media only; a loading text so it is never blank. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const n = nonce();
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${n}'`,
    `style-src ${webview.cspSource} 'nonce-${n}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview', 'codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${asset('media', 'panel.css')}">
<title>${PANEL_TITLE}</title>
</head>
<body>
<costs-app><p class="boot-loading" role="status">Loading Claude Code costs…</p></costs-app>
<script type="module" nonce="${n}" src="${asset('dist', 'webview', 'panel.js')}"></script>
</body>
</html>`;
}

const SETTINGS_QUERY: Record<SettingsTarget, string> = {
  roots: 'claudeCosts.roots',
  budget: 'claudeCosts.budget',
  all: 'claudeCosts',
};

/** Registers the panel, its serializer and the data-change pushes. extension.ts calls it once. */
export function registerCostsPanel(context: vscode.ExtensionContext, deps: CostsPanelDeps): CostsPanelHandle {
  const { engine, log } = deps;
  const disposables: vscode.Disposable[] = [];
  let panel: vscode.WebviewPanel | undefined;
  let panelDisposables: vscode.Disposable[] = [];
  let lastModel: PanelReadModel | undefined;
  let runner: LatestRequestRunner | undefined;
  let debounce: NodeJS.Timeout | undefined;

  const storedFilter = (): PanelFilter => {
    const parsed = parsePanelFilter(context.workspaceState.get<unknown>(FILTER_STATE_KEY));
    return 'error' in parsed ? { ...DEFAULT_PANEL_FILTER } : parsed;
  };
  let filter: PanelFilter = storedFilter();

  const setFilter = (next: PanelFilter) => {
    filter = next;
    void context.workspaceState.update(FILTER_STATE_KEY, next);
  };

  const post = (msg: HostToWebview) => {
    if (panel) void panel.webview.postMessage(msg);
  };

  /** One run of the panel's runner: builds the model for the filter as it is now and posts it if still wanted. */
  const buildAndPost = async (run: PanelRun) => {
    if (!panel) return;
    const forFilter = filter;
    const { requestId } = run;
    post({ type: 'loading', requestId });
    const t0 = Date.now();
    try {
      const model = await engine.readModel(forFilter, Date.now(), { signal: run.signal });
      // The engine has no access to settings: budgets are applied here from the model's spend.
      model.budgets = budgetsFor(model.spend, budgetLimitsFromSettings());
      // A newer request (or a rebuilt webview) made this answer obsolete: the next run answers instead.
      if (!run.current()) return;
      lastModel = model;
      post({ type: 'readModel', requestId, model });
      log.debug(`panel: read model for ${forFilter.range} in ${Date.now() - t0} ms (${model.totals.requests} requests)`);
    } catch (err) {
      if (isCancellation(err) || !run.current()) {
        log.debug(`panel: dropped a superseded read model for ${forFilter.range}`);
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      log.error(`panel: read model failed: ${message}`);
      post({ type: 'error', requestId, message: `Could not load the figures: ${message}` });
    }
  };

  /** Asks for a model: `requestId` from the webview, null for a push (new data, a host-side filter change). */
  const sendModel = (requestId: number | null) => {
    if (!runner) return;
    if (!runner.submit(requestId)) log.warn(`panel: ignored request ${requestId}: not newer than the last one`);
  };

  const exportView = async (format: ExportFormat) => {
    const model = lastModel;
    if (!model) {
      post({ type: 'notice', message: 'Nothing to export yet.' });
      return;
    }
    const day = new Date().toISOString().slice(0, 10);
    const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(base, `claude-costs-${model.filter.range}-${day}.${format}`),
      filters: format === 'csv' ? { 'CSV': ['csv'] } : { 'JSON': ['json'] },
      saveLabel: `Export ${format.toUpperCase()}`,
      title: 'Export Claude Code costs',
    });
    if (!target) return;
    const text = format === 'csv' ? readModelToCsv(model) : readModelToJson(model);
    try {
      await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
      log.info(`panel: exported ${format} to ${target.fsPath}`);
      post({ type: 'notice', message: `Exported to ${path.basename(target.fsPath)}` });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error(`panel: export failed: ${message}`);
      void vscode.window.showErrorMessage(`Claude Code Costs: export failed: ${message}`);
    }
  };

  const onMessage = async (raw: unknown) => {
    const msg = parseWebviewMessage(raw, Date.now());
    if ('error' in msg) {
      log.warn(`panel: ignored an invalid message from the webview: ${msg.error}`);
      // A request the webview waits for gets its answer: the error, so it never loads forever.
      const requestId = requestIdOfInvalid(raw);
      if (requestId !== null && runner?.supersede(requestId)) post({ type: 'error', requestId, message: `Invalid request: ${msg.error}` });
      return;
    }
    switch (msg.type) {
      case 'ready':
        // A new webview instance (first open, tab switch back, reopen): its request ids start over.
        runner?.reset();
        sendModel(null);
        return;
      case 'setFilter':
        setFilter(msg.filter);
        sendModel(msg.requestId);
        return;
      case 'refresh':
        sendModel(msg.requestId);
        return;
      case 'export':
        await exportView(msg.format);
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS_QUERY[msg.target]);
        return;
      case 'rescan':
        post({ type: 'loading', requestId: runner?.currentRequestId ?? null });
        try {
          await deps.rescan();
        } catch (err) {
          log.error(`panel: rescan failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        sendModel(null);
        return;
    }
  };

  const adopt = (p: vscode.WebviewPanel) => {
    panel = p;
    const root = context.extensionUri;
    p.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')],
    };
    p.iconPath = vscode.Uri.joinPath(root, 'media', 'icon.png');
    p.webview.html = panelHtml(p.webview, root);
    const panelRunner = new LatestRequestRunner(buildAndPost, (e) => log.error(`panel: ${e instanceof Error ? e.message : String(e)}`));
    runner = panelRunner;
    panelDisposables = [
      { dispose: () => panelRunner.dispose() },
      p.webview.onDidReceiveMessage((m) => void onMessage(m)),
      p.onDidDispose(() => {
        for (const d of panelDisposables) d.dispose();
        panelDisposables = [];
        panel = undefined;
        runner = undefined;
        lastModel = undefined;
      }),
    ];
  };

  disposables.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(p: vscode.WebviewPanel, state: unknown) {
        const restored = parsePanelFilter((state as Partial<PanelWebviewState> | undefined)?.filter);
        if (!('error' in restored)) setFilter(restored);
        adopt(p);
      },
    }),
    deps.onDidChangeData(() => {
      if (!panel) return;
      if (debounce) clearTimeout(debounce);
      debounce = setTimeout(() => {
        debounce = undefined;
        // A hidden panel has no live webview (retainContextWhenHidden is off): it asks again on 'ready'.
        if (panel?.visible) sendModel(null);
      }, DATA_CHANGE_DEBOUNCE_MS);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (panel && runner && lastModel && e.affectsConfiguration('claudeCosts.budget')) {
        // A build in flight applies the new budgets itself; otherwise re-send the last model with them.
        if (runner.busy) return;
        lastModel.budgets = budgetsFor(lastModel.spend, budgetLimitsFromSettings());
        post({ type: 'readModel', requestId: runner.currentRequestId, model: lastModel });
      }
    }),
  );

  return {
    open(partial?: Partial<PanelFilter>) {
      if (partial) {
        const merged = mergePanelFilter(filter, partial);
        if ('error' in merged) log.warn(`panel: ignored the filter it was opened with: ${merged.error}`);
        else setFilter(merged);
      }
      if (panel) {
        panel.reveal();
        if (partial) sendModel(null);
        return;
      }
      adopt(vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, PANEL_TITLE, vscode.ViewColumn.Active, {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(context.extensionUri, 'media')],
      }));
    },
    dispose() {
      if (debounce) clearTimeout(debounce);
      panel?.dispose();
      for (const d of disposables) d.dispose();
    },
  };
}
