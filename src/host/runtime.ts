// The host's moving parts after activation: first scan (spinner, notification only past 2 s), live
// updates (watcher + polling), the chip refresh, headroom inputs (statusline capture, opt-in OAuth),
// notifications, and reacting to settings. extension.ts creates it; nothing here runs during activate.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { ScanSummary } from '../core/engine-api';
import { decideNotifications, EMPTY_NOTIFY_STATE, type NotifyState } from '../core/limits/notify';
import type { SessionContext } from '../core/limits/context';
import { decideContextNotifications, EMPTY_CONTEXT_NOTIFY_STATE, type ContextNotifyState } from '../core/limits/contextChip';
import { validatePriceOverrides, type PriceOverrides } from '../core/pricing';
import type { Logger } from '../core/types';
import type { ChipController } from './statusBar';
import type { EngineClient } from './engineClient';
import { HeadroomInputs } from './headroomInputs';
import { OAuthUsagePoller } from './oauthUsage';
import type { Settings } from './settings';
import { CAPTURE_FILE_NAME, captureFilePath, claudeSettingsPath, isCaptureInstalled, type CapturePaths } from './statuslineCapture';
import { RescanScheduler, TranscriptWatcher } from './watcher';
import type { WorkerEngineOptions } from './workerProtocol';

const FIRST_SCAN_NOTIFICATION_DELAY_MS = 2000;
const STATUS_REFRESH_MS = 30_000;
const NOTIFY_STATE_KEY = 'claudeCosts.notifyState';
const CONTEXT_NOTIFY_STATE_KEY = 'claudeCosts.contextNotifyState';

/** The Logger the core writes to: the LogOutputChannel, with repeated identical warnings muted for 10 min. */
export function channelLogger(channel: vscode.LogOutputChannel): Logger {
  const lastWarn = new Map<string, number>();
  return {
    info: (m) => channel.info(m),
    warn: (m) => {
      const now = Date.now();
      if (now - (lastWarn.get(m) ?? 0) < 600_000) return;
      lastWarn.set(m, now);
      channel.warn(m);
    },
    error: (m) => channel.error(m),
    debug: (m) => channel.debug(m),
  };
}

export function describeScan(s: ScanSummary): string {
  const mb = (s.bytesRead / 1e6).toFixed(s.bytesRead >= 1e7 ? 0 : 2);
  return (
    `Scan: ${s.files} files (${s.filesRead} read, ${mb} MB, ${s.lines} lines), ${s.newRequests} new requests, ` +
    `${s.updatedRequests} updated, ${s.duplicateLines} duplicate lines, ${s.badLines} bad lines skipped, ` +
    `${s.newLimitEvents} limit events, in ${Math.round(s.ms)} ms`
  );
}

export function engineOptionsFrom(settings: Settings, globalStoragePath: string, log: Logger): WorkerEngineOptions {
  let priceOverrides: PriceOverrides | undefined;
  if (Object.keys(settings.priceOverrides).length > 0) {
    try {
      priceOverrides = validatePriceOverrides(settings.priceOverrides);
    } catch (e) {
      log.error(`claudeCosts.priceOverrides ignored: ${(e as Error).message}`);
    }
  }
  return {
    dbPath: path.join(globalStoragePath, 'usage.sqlite'),
    configDirs: settings.roots.length ? settings.roots : undefined,
    priceOverrides,
    apiLogPaths: settings.apiLogPaths.length ? settings.apiLogPaths : undefined,
    demoMode: settings.demoMode,
  };
}

export class HostRuntime implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly watcher: TranscriptWatcher;
  private readonly scheduler: RescanScheduler;
  private readonly headroom: HeadroomInputs;
  private readonly oauth: OAuthUsagePoller;
  private refreshTimer: NodeJS.Timeout | undefined;
  private captureWatch: vscode.Disposable | undefined;
  private roots: string[] = [];
  private disposed = false;
  private problemShown = new Set<string>();
  private firstScanResolve!: () => void;
  /**
   * False until the statusline capture and the plan are read (after the first scan): the chip shows the
   * figures at once, but a headroom notification then would be judged on the estimate alone (e.g. "255 %
   * used" while the official reading says 38 %).
   */
  private headroomInputsReady = false;
  /** Resolves when the first scan finished (or failed) and the chip shows figures. */
  readonly firstScanDone: Promise<void> = new Promise((r) => (this.firstScanResolve = r));

  constructor(
    private readonly api: typeof vscode,
    private readonly context: vscode.ExtensionContext,
    private readonly engine: EngineClient,
    private readonly chip: ChipController,
    private readonly settings: () => Settings,
    private readonly log: Logger,
  ) {
    this.watcher = new TranscriptWatcher(api, (filePath) => this.scheduler.notifyChange(filePath));
    this.scheduler = new RescanScheduler((paths) => this.incrementalScan(paths));
    this.headroom = new HeadroomInputs(captureFilePath(this.captureDir));
    this.oauth = new OAuthUsagePoller({
      isEnabled: () => this.settings().useOAuthUsageEndpoint,
      isFocused: () => this.api.window.state.focused,
      configDirs: () => this.configDirs(),
      claudeCodeVersion: () => this.headroom.statusline?.version ?? null,
      pollMs: () => this.settings().oauthPollMs,
      log,
      onSnapshot: (s) => {
        this.headroom.oauth = s;
        void this.pushStatusOptions().then(() => this.refreshStatus());
      },
      onProblem: (m) => this.showProblemOnce(m),
    });
    this.disposables.push(
      this.watcher,
      this.engine.onDidChangeData(() => void this.refreshStatus()),
      this.api.window.onDidChangeWindowState(() => this.oauth.onFocusChanged()),
    );
  }

  get captureDir(): string {
    return path.join(this.context.globalStorageUri.fsPath, 'statusline');
  }

  /**
   * The statusline capture to read: ours, except in demo mode, where the generated corpus carries a sample
   * capture (statusline.json beside its projects/ folder) so the official windows show without an account.
   */
  private captureFile(): string {
    if (this.settings().demoMode) {
      for (const root of this.roots) {
        const sample = path.join(path.dirname(root), CAPTURE_FILE_NAME);
        if (fs.existsSync(sample)) return sample;
      }
    }
    return captureFilePath(this.captureDir);
  }

  /**
   * Reads (and watches) the capture file the settings name: ours, or the demo's sample. Called at startup
   * and again when demo mode or the roots change, so turning the demo off drops its sample's windows.
   */
  private attachCapture(): void {
    this.captureWatch?.dispose();
    this.headroom.captureFile = this.captureFile();
    this.headroom.refreshCapture();
    // The folder must exist for the watcher to attach; the capture script writes into it later.
    fs.mkdirSync(this.captureDir, { recursive: true });
    this.captureWatch = this.watcher.watchFile(this.headroom.captureFile, () => this.onCaptureChanged());
  }

  capturePaths(): CapturePaths {
    return { settingsPath: claudeSettingsPath(), captureDir: this.captureDir };
  }

  private configDirs(): string[] {
    return this.roots.map((r) => path.dirname(r));
  }

  /** Called once, after activate returned. */
  async startup(): Promise<void> {
    try {
      this.chip.showScanning();
      let reporter: ((done: number, total: number) => void) | undefined;
      // A cold start publishes the chip once the current 5-hour window is read, then reads the rest of the
      // history; the engine answers the chip and the panel meanwhile (the panel says how far it is).
      const scan = this.engine.scan({ onProgress: (done, total) => reporter?.(done, total), onFirstStatus: () => undefined });
      const timer = setTimeout(() => {
        void this.api.window.withProgress(
          { location: this.api.ProgressLocation.Notification, title: this.api.l10n.t('Claude Costs: reading Claude Code transcripts (first scan)') },
          (progress) => {
            let last = 0;
            reporter = (done, total) => {
              const pct = total > 0 ? (done / total) * 100 : 0;
              progress.report({ increment: Math.max(0, pct - last), message: `${done} of ${total} files` });
              last = pct;
            };
            return scan.then(() => undefined, () => undefined);
          },
        );
      }, FIRST_SCAN_NOTIFICATION_DELAY_MS);
      try {
        const summary = await scan;
        this.log.info(describeScan(summary));
        if (summary.roots.length === 0) this.log.warn('No Claude Code transcripts folder found yet (looked for <config dir>/projects); watching for it. Set claudeCosts.roots to point elsewhere.');
        this.onRoots(summary.roots);
      } finally {
        clearTimeout(timer);
      }
      const info = this.engine.lastInfo;
      if (info?.movedAside) void this.api.window.showWarningMessage(`Claude Costs: the stored database was unreadable (${info.movedAside.reason}); it was moved to ${info.movedAside.path} and a new one is being built from the transcripts.`);
    } catch (e) {
      const msg = (e as Error).message;
      this.log.error(`First scan failed: ${msg}`);
      this.chip.showError(msg);
    }
    // Headroom inputs are set up even when the first scan failed: later scans (the poll) may succeed.
    try {
      this.headroom.detectPlan(this.roots, undefined, this.settings().useOAuthUsageEndpoint);
      this.attachCapture();
      this.updateCaptureContext();
      await this.pushStatusOptions();
    } catch (e) {
      this.log.warn(`Headroom inputs: ${(e as Error).message}`);
    }
    try {
      this.headroomInputsReady = true;
      await this.refreshStatus();
    } finally {
      this.firstScanResolve();
    }
    if (this.disposed) return;
    this.scheduler.start();
    let ticks = 0;
    this.refreshTimer = setInterval(() => {
      // The countdown moves every minute; the plan (a new login) rarely: re-detect it every 10 minutes.
      if (++ticks % 20 === 0 && this.redetectPlan()) void this.pushStatusOptions().then(() => this.refreshStatus());
      else void this.refreshStatus();
    }, STATUS_REFRESH_MS);
    if (this.settings().useOAuthUsageEndpoint) this.oauth.start();
  }

  /** Re-reads the plan fields; true when the detected plan changed. */
  private redetectPlan(): boolean {
    const before = this.headroom.detectedPlan?.plan ?? null;
    this.headroom.detectPlan(this.roots, undefined, this.settings().useOAuthUsageEndpoint);
    return (this.headroom.detectedPlan?.plan ?? null) !== before;
  }

  private onRoots(roots: string[]): void {
    if (roots.join('\n') === this.roots.join('\n')) return;
    this.roots = roots;
    this.watcher.setRoots(roots);
    this.log.info(`Watching ${roots.length ? roots.join(', ') : 'no transcript folder yet'}.`);
  }

  /** A scan triggered by file events (only those files) or the poll (everything): quiet unless it found something. */
  private async incrementalScan(paths: string[] | null): Promise<void> {
    try {
      const summary = await this.engine.scan(paths ? { paths } : {});
      if (summary.filesRead > 0 || summary.errors.length > 0) this.log.info(describeScan(summary));
      for (const err of summary.errors) this.log.warn(err);
      this.onRoots(summary.roots);
    } catch (e) {
      this.log.error(`Rescan failed: ${(e as Error).message}`);
    }
    // The poll also notices a capture written while file events were not delivered.
    if (this.headroom.refreshCapture()) await this.pushStatusOptions().then(() => this.refreshStatus());
  }

  /** The rescan / rebuild commands: a progress notification, a summary in the log and the status bar. */
  async scanWithProgress(opts: { full: boolean; title: string }): Promise<ScanSummary | undefined> {
    try {
      const summary = await this.api.window.withProgress(
        { location: this.api.ProgressLocation.Notification, title: opts.title },
        (progress) => {
          let last = 0;
          return this.engine.scan({
            full: opts.full,
            onProgress: (done, total) => {
              const pct = total > 0 ? (done / total) * 100 : 0;
              progress.report({ increment: Math.max(0, pct - last), message: `${done} of ${total} files` });
              last = pct;
            },
          });
        },
      );
      this.log.info(describeScan(summary));
      this.onRoots(summary.roots);
      this.api.window.setStatusBarMessage(`Claude Costs: ${summary.newRequests} new ${summary.newRequests === 1 ? 'request' : 'requests'}, ${summary.files} files in ${Math.round(summary.ms)} ms`, 4000);
      await this.refreshStatus();
      return summary;
    } catch (e) {
      const msg = (e as Error).message;
      this.log.error(`Scan failed: ${msg}`);
      void this.api.window.showErrorMessage(`Claude Costs: scan failed: ${msg}`);
      return undefined;
    }
  }

  onCaptureChanged(): void {
    this.updateCaptureContext();
    if (this.headroom.refreshCapture()) void this.pushStatusOptions().then(() => this.refreshStatus());
  }

  /** The palette offers "Install" or "Remove" capture, whichever applies (context key for package.json menus). */
  private updateCaptureContext(): void {
    const installed = isCaptureInstalled(this.capturePaths());
    void Promise.resolve(this.api.commands.executeCommand('setContext', 'claudeCosts.captureInstalled', installed)).catch(() => undefined);
  }

  private pushStatusOptions(): Promise<void> {
    return this.engine.setStatusOptions(this.headroom.build(this.settings())).catch((e) => this.log.warn(`Status options: ${(e as Error).message}`));
  }

  /** Asks the engine for the status and paints the chip; raises threshold notifications. */
  async refreshStatus(): Promise<void> {
    if (this.disposed || !this.engine.started) return;
    try {
      const status = await this.engine.status();
      this.chip.update(status);
      if (!this.headroomInputsReady) return;
      const s = this.settings();
      const prev = this.context.globalState.get<NotifyState>(NOTIFY_STATE_KEY) ?? EMPTY_NOTIFY_STATE;
      const { toasts, state } = decideNotifications(status, prev, s.notifications);
      if (toasts.length > 0 || Object.keys(state.sent).length !== Object.keys(prev.sent).length) {
        await this.context.globalState.update(NOTIFY_STATE_KEY, state);
      }
      for (const t of toasts) {
        const show = t.severity === 'error' ? this.api.window.showErrorMessage : this.api.window.showWarningMessage;
        const open = this.api.l10n.t('Open Costs Panel');
        const turnOff = this.api.l10n.t('Turn Off These Notifications');
        void show(t.message, open, turnOff).then((choice) => {
          if (choice === open) void this.api.commands.executeCommand('claudeCosts.openPanel');
          else if (choice === turnOff) {
            void this.api.workspace.getConfiguration('claudeCosts').update('notifications.enabled', false, this.api.ConfigurationTarget.Global);
          }
        });
      }
      await this.notifyContext(status.sessions ?? [], status.nowMs);
    } catch (e) {
      this.log.warn(`Status refresh failed: ${(e as Error).message}`);
    }
  }

  /** Once per session: its context window crossed the context error threshold. */
  private async notifyContext(sessions: SessionContext[], nowMs: number): Promise<void> {
    const s = this.settings();
    const prev = this.context.globalState.get<ContextNotifyState>(CONTEXT_NOTIFY_STATE_KEY) ?? EMPTY_CONTEXT_NOTIFY_STATE;
    const { toasts, state } = decideContextNotifications(sessions, prev, { enabled: s.context.notify, errorPct: s.chip.contextErrorPct ?? 85 }, nowMs);
    if (toasts.length > 0 || Object.keys(state.sent).length !== Object.keys(prev.sent).length) {
      await this.context.globalState.update(CONTEXT_NOTIFY_STATE_KEY, state);
    }
    for (const t of toasts) {
      void this.api.window.showWarningMessage(t.message, 'Open Costs Panel', 'Turn Off Context Notifications').then((choice) => {
        if (choice === 'Open Costs Panel') void this.api.commands.executeCommand('claudeCosts.openPanel');
        else if (choice === 'Turn Off Context Notifications') {
          void this.api.workspace.getConfiguration('claudeCosts').update('context.notify', false, this.api.ConfigurationTarget.Global);
        }
      });
    }
  }

  private showProblemOnce(message: string): void {
    this.log.warn(message);
    if (this.problemShown.has(message)) return;
    this.problemShown.add(message);
    void this.api.window.showWarningMessage(`Claude Costs: ${message}`);
  }

  /** Settings changed. Engine inputs → restart the engine and rescan; the rest → re-render. */
  async onSettingsChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
    const engineKeys = ['claudeCosts.roots', 'claudeCosts.priceOverrides', 'claudeCosts.apiLogs.paths', 'claudeCosts.demoMode'];
    if (engineKeys.some((k) => e.affectsConfiguration(k))) {
      this.log.info('Settings changed: reopening the engine and rescanning.');
      try {
        await this.engine.restart();
        await this.incrementalScan(null);
        this.headroom.detectPlan(this.roots, undefined, this.settings().useOAuthUsageEndpoint);
        this.attachCapture();
      } catch (err) {
        this.log.error(`Reopening the engine failed: ${(err as Error).message}`);
      }
    }
    if (e.affectsConfiguration('claudeCosts.headroom.useOAuthUsageEndpoint')) {
      if (this.settings().useOAuthUsageEndpoint) this.oauth.start();
      else {
        this.oauth.stop();
        this.headroom.oauth = null;
      }
    }
    if (e.affectsConfiguration('claudeCosts')) {
      this.chip.applySettings();
      await this.pushStatusOptions();
      await this.refreshStatus();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.scheduler.dispose();
    this.oauth.stop();
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.captureWatch?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
