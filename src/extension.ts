// Composition root: wires the core (in a worker thread) to the VS Code surfaces. activate does no scanning
// and no I/O beyond creating the output channel, the chip and the registrations (≤ 30 ms); the worker and
// the first scan start on a timer after it returns.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineApi } from './core/engine-api';
import { registerCommands } from './host/commands';
import { BudgetAlerts } from './host/budgetAlerts';
import { ANOMALY_SETTING, AnomalyAlerts } from './host/anomalyAlerts';
import { budgetLimitsFromSettings, registerCostsPanel } from './host/costsPanel';
import { EngineClient } from './host/engineClient';
import { registerQueryTool } from './host/lmTool';
import { channelLogger, engineOptionsFrom, HostRuntime } from './host/runtime';
import { readSettings } from './host/settings';
import { migrateNullSettings } from './host/settingsMigration';
import { SideBarView } from './host/sideBarView';
import { ChipController, workspaceOf } from './host/statusBar';
import type { ChipWorkspace } from './core/limits/chip';

/** What the extension exports (the end-to-end tests read it). */
export interface ClaudeCostsApi {
  engine: EngineApi;
  /** Resolves when the first scan has finished and the chip shows figures. */
  firstScanDone: Promise<void>;
  /** The chip's current text. */
  chipText(): string;
  /** Rescans now and repaints the chip. */
  refresh(): Promise<void>;
}

let runtime: HostRuntime | undefined;
let engine: EngineClient | undefined;

export function activate(context: vscode.ExtensionContext): ClaudeCostsApi {
  const channel = vscode.window.createOutputChannel('Claude Code Costs', { log: true });
  const log = channelLogger(channel);
  const settings = () => readSettings((key) => vscode.workspace.getConfiguration('claudeCosts').get(key));

  engine = new EngineClient({
    workerPath: path.join(__dirname, 'engineWorker.js'),
    engineOptions: () => engineOptionsFrom(settings(), context.globalStorageUri.fsPath, log),
    log,
  });
  // Computed on the first paint (it may look at the disk for the repository root), again when folders change.
  let workspace: ChipWorkspace | null = null;
  const chip = new ChipController(vscode, settings, () => (workspace ??= workspaceOf(vscode)));
  const rt = new HostRuntime(vscode, context, engine, chip, settings, log);
  runtime = rt;

  const panel = registerCostsPanel(context, {
    engine,
    onDidChangeData: engine.onDidChangeData,
    log: channel,
    rescan: async () => {
      await rt.scanWithProgress({ full: false, title: 'Claude Costs: rescanning transcripts' });
    },
  });

  const budgetAlerts = new BudgetAlerts({
    engine,
    limits: budgetLimitsFromSettings,
    enabled: () => vscode.workspace.getConfiguration('claudeCosts').get<boolean>('budget.notifications', true) !== false,
    state: context.globalState,
    notify: (message, ...actions) => vscode.window.showWarningMessage(message, ...actions),
    openPanel: () => panel.open(),
    log,
    localize: (message, ...args) => vscode.l10n.t(message, ...args),
  });
  void rt.firstScanDone.then(() => budgetAlerts.check(), () => undefined);
  const anomalyAlerts = new AnomalyAlerts({
    engine,
    enabled: () => vscode.workspace.getConfiguration('claudeCosts').get<boolean>(ANOMALY_SETTING, true) !== false,
    disable: () => vscode.workspace.getConfiguration('claudeCosts').update(ANOMALY_SETTING, false, vscode.ConfigurationTarget.Global),
    state: context.globalState,
    notify: (message, ...actions) => vscode.window.showWarningMessage(message, ...actions),
    openPanel: () => panel.open({ range: 'today' }),
    log,
    localize: (message, ...args) => vscode.l10n.t(message, ...args),
  });
  void rt.firstScanDone.then(() => anomalyAlerts.check(), () => undefined);
  const client = engine;
  const sideBar = new SideBarView(vscode, {
    engine: client,
    onDidChangeData: client.onDidChangeData,
    started: () => client.started,
    log,
  });

  context.subscriptions.push(
    channel,
    chip,
    sideBar,
    rt,
    panel,
    budgetAlerts,
    anomalyAlerts,
    engine.onDidChangeData(() => budgetAlerts.schedule()),
    engine.onDidChangeData(() => anomalyAlerts.schedule()),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('claudeCosts.budget')) budgetAlerts.schedule(); }),
    ...registerCommands(vscode, {
      engine,
      openPanel: (filter) => panel.open(filter),
      scanWithProgress: (opts) => rt.scanWithProgress(opts),
      capturePaths: () => rt.capturePaths(),
      onCaptureChanged: () => rt.onCaptureChanged(),
      log: channel,
    }),
    registerQueryTool(vscode, engine),
    vscode.workspace.onDidChangeConfiguration((e) => void rt.onSettingsChanged(e)),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      workspace = null;
      chip.applySettings();
    }),
  );

  void rt.firstScanDone.then(() => sideBar.refresh(), () => sideBar.refresh());

  // Everything heavy (worker start, sql.js load, the first scan) runs after activate has returned.
  const startTimer = setTimeout(() => {
    void rt.startup();
    void migrateNullSettings(vscode.workspace.getConfiguration('claudeCosts')).then(
      (changed) => { if (changed.length) log.info(`Settings: removed null values now meaning 0 (none): ${changed.join(', ')}`); },
      (e) => log.warn(`Settings: could not migrate null values: ${(e as Error).message}`),
    );
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(startTimer) });

  return {
    engine: client,
    firstScanDone: rt.firstScanDone,
    chipText: () => chip.text,
    refresh: async () => {
      await client.scan();
      await rt.refreshStatus();
      sideBar.refresh();
      await sideBar.settled();
    },
  };
}

/** Persists the DB and stops the worker (VS Code waits for the returned promise). */
export async function deactivate(): Promise<void> {
  runtime?.dispose();
  runtime = undefined;
  const e = engine;
  engine = undefined;
  if (e) await e.close();
}
