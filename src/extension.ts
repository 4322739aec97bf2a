// Composition root: wires the core (in a worker thread) to the VS Code surfaces. activate does no scanning
// and no I/O beyond creating the output channel, the chip and the registrations (≤ 30 ms); the worker and
// the first scan start on a timer after it returns.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineApi } from './core/engine-api';
import { registerCommands } from './host/commands';
import { registerCostsPanel } from './host/costsPanel';
import { EngineClient } from './host/engineClient';
import { registerQueryTool } from './host/lmTool';
import { channelLogger, engineOptionsFrom, HostRuntime } from './host/runtime';
import { readSettings } from './host/settings';
import { migrateNullSettings } from './host/settingsMigration';
import { SideBarView } from './host/sideBarView';
import { ChipController } from './host/statusBar';

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
  const chip = new ChipController(vscode, settings);
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
