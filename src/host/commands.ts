// The palette commands (category "Claude Costs"). Thin: each asks the engine or a host helper and shows
// the outcome; no modal dialogs for routine events (only before a full re-read and before editing
// Claude Code's settings.json).
import type * as vscode from 'vscode';
import type { EngineApi, ScanSummary } from '../core/engine-api';
import { GROUP_BYS, WINDOW_NAMES, type QueryResult } from '../core/query/types';
import type { PanelFilter } from '../protocol';
import { panelFilterForQuery, summarizeQueryResult, toQueryCommandError } from './querySurface';
import { installStatuslineCapture, removeStatuslineCapture, type CapturePaths } from './statuslineCapture';

export const COMMAND_IDS = {
  query: 'llm_costs_query',
  rescan: 'claudeCosts.rescan',
  rebuild: 'claudeCosts.rebuild',
  openPanel: 'claudeCosts.openPanel',
  installCapture: 'claudeCosts.installStatuslineCapture',
  removeCapture: 'claudeCosts.removeStatuslineCapture',
} as const;

export interface CommandDeps {
  engine: EngineApi;
  openPanel(filter?: Partial<PanelFilter>): void;
  /** Runs a scan with a progress notification; resolves undefined when it failed (already reported). */
  scanWithProgress(opts: { full: boolean; title: string }): Promise<ScanSummary | undefined>;
  capturePaths(): CapturePaths;
  /** The capture was installed or removed: re-read it and refresh the chip. */
  onCaptureChanged(): void;
  log: vscode.LogOutputChannel;
}

function windowDescriptions(t: typeof vscode.l10n.t): Record<string, string> {
  return {
    today: t('since midnight'),
    yesterday: t('the whole of yesterday'),
    last_5h: t('the last 5 hours'),
    last_24h: t('the last 24 hours'),
    last_7d: t('the last 7 days'),
    last_30d: t('the last 30 days (default)'),
    this_week: t('since Monday'),
    this_month: t('since the 1st'),
    last_month: t('the previous calendar month'),
    all: t('everything stored'),
  };
}

/** The palette flow: pick a window and a grouping, show the JSON, offer the panel on the same filter. */
async function queryFromPalette(api: typeof vscode, deps: CommandDeps): Promise<QueryResult | undefined> {
  const descriptions = windowDescriptions(api.l10n.t);
  const windowPick = await api.window.showQuickPick(
    WINDOW_NAMES.map((w) => ({ label: w, description: descriptions[w] })),
    { title: api.l10n.t('llm_costs_query: window'), placeHolder: api.l10n.t('Time window') },
  );
  if (!windowPick) return undefined;
  const groupPick = await api.window.showQuickPick(
    GROUP_BYS.map((g) => ({ label: g, description: g === 'none' ? api.l10n.t('totals only (default)') : api.l10n.t('one row per {0}', g) })),
    { title: api.l10n.t('llm_costs_query: group_by'), placeHolder: api.l10n.t('Group the totals by') },
  );
  if (!groupPick) return undefined;
  const params = { window: windowPick.label, group_by: groupPick.label };
  let result: QueryResult;
  try {
    result = await deps.engine.query(params);
  } catch (e) {
    const err = toQueryCommandError(e);
    void api.window.showErrorMessage(err.message);
    return undefined;
  }
  const content = `${JSON.stringify({ params, result }, null, 2)}\n`;
  const doc = await api.workspace.openTextDocument({ language: 'json', content });
  await api.window.showTextDocument(doc, { preview: false });
  void api.window.showInformationMessage(summarizeQueryResult(result), api.l10n.t('Open in Costs Panel')).then((choice) => {
    if (choice) deps.openPanel(panelFilterForQuery(params, result));
  });
  return result;
}

export function registerCommands(api: typeof vscode, deps: CommandDeps): vscode.Disposable[] {
  const { commands, window } = api;
  const t = api.l10n.t;
  return [
    commands.registerCommand(COMMAND_IDS.query, async (params?: unknown) => {
      if (params === undefined) return queryFromPalette(api, deps);
      try {
        return await deps.engine.query(params);
      } catch (e) {
        throw toQueryCommandError(e);
      }
    }),

    commands.registerCommand(COMMAND_IDS.rescan, () => deps.scanWithProgress({ full: false, title: t('Claude Costs: rescanning transcripts') })),

    commands.registerCommand(COMMAND_IDS.rebuild, async () => {
      const go = t('Re-read All Transcripts');
      const choice = await window.showWarningMessage(
        t('Re-read every Claude Code transcript from the start?'),
        {
          modal: true,
          detail: t(
            'This forgets how far each transcript was read and reads all of them again (a minute or more on a large history). ' +
            'Nothing is deleted: requests already stored stay, including those whose transcripts Claude Code has since cleaned up, ' +
            'and lines read again are de-duplicated, never counted twice.'),
        },
        go,
      );
      if (choice !== go) return undefined;
      return deps.scanWithProgress({ full: true, title: t('Claude Costs: re-reading all transcripts') });
    }),

    commands.registerCommand(COMMAND_IDS.openPanel, (filter?: Partial<PanelFilter>) => deps.openPanel(filter)),

    commands.registerCommand(COMMAND_IDS.installCapture, async () => {
      const paths = deps.capturePaths();
      const go = t('Install');
      const choice = await window.showInformationMessage(
        t('Capture Claude Code\'s official rate-limit figures?'),
        {
          modal: true,
          detail: t(
            'This sets "statusLine" in {0} to a small script that saves the status JSON Claude Code passes it ' +
            '(it carries the 5-hour and weekly usage %) to {1}, then runs your current statusLine command, if any, ' +
            'with the same input so your status line looks the same. A backup of settings.json is written first; ' +
            '"Claude Costs: Remove Statusline Capture" puts the previous statusLine back. It works when you run `claude` in a terminal ' +
            '(the VS Code Claude Code panel does not run status lines).', paths.settingsPath, paths.captureDir),
        },
        go,
      );
      if (choice !== go) return;
      try {
        const r = installStatuslineCapture(paths);
        if (r.kind === 'already_installed') {
          void window.showInformationMessage(t('The statusline capture is already installed.'));
          return;
        }
        deps.log.info(`Statusline capture installed in ${paths.settingsPath}${r.backupPath ? ` (backup: ${r.backupPath})` : ''}${r.chainedTo ? `; chained to: ${r.chainedTo}` : ''}.`);
        void window.showInformationMessage(
          r.chainedTo
            ? t('Statusline capture installed (your previous statusLine still runs). Figures appear after Claude Code\'s next response in a terminal session.')
            : t('Statusline capture installed. Figures appear after Claude Code\'s next response in a terminal session.'),
        );
        deps.onCaptureChanged();
      } catch (e) {
        void window.showErrorMessage(t('Could not install the statusline capture: {0}', (e as Error).message));
      }
    }),

    commands.registerCommand(COMMAND_IDS.removeCapture, () => {
      const paths = deps.capturePaths();
      try {
        const r = removeStatuslineCapture(paths);
        if (r.kind === 'not_installed') void window.showInformationMessage(t('The statusline capture is not installed.'));
        else if (r.kind === 'changed_by_user') void window.showWarningMessage(r.message);
        else {
          deps.log.info(`Statusline capture removed from ${paths.settingsPath} (${r.restored}).`);
          void window.showInformationMessage(t('Statusline capture removed; your previous statusLine setting is back.'));
        }
        deps.onCaptureChanged();
      } catch (e) {
        void window.showErrorMessage(t('Could not remove the statusline capture: {0}', (e as Error).message));
      }
    }),
  ];
}
