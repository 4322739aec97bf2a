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

const WINDOW_DESCRIPTIONS: Record<string, string> = {
  today: 'since midnight',
  yesterday: 'the whole of yesterday',
  last_5h: 'the last 5 hours',
  last_24h: 'the last 24 hours',
  last_7d: 'the last 7 days',
  last_30d: 'the last 30 days (default)',
  this_week: 'since Monday',
  this_month: 'since the 1st',
  last_month: 'the previous calendar month',
  all: 'everything stored',
};

/** The palette flow: pick a window and a grouping, show the JSON, offer the panel on the same filter. */
async function queryFromPalette(api: typeof vscode, deps: CommandDeps): Promise<QueryResult | undefined> {
  const windowPick = await api.window.showQuickPick(
    WINDOW_NAMES.map((w) => ({ label: w, description: WINDOW_DESCRIPTIONS[w] })),
    { title: 'llm_costs_query: window', placeHolder: 'Time window' },
  );
  if (!windowPick) return undefined;
  const groupPick = await api.window.showQuickPick(
    GROUP_BYS.map((g) => ({ label: g, description: g === 'none' ? 'totals only (default)' : `one row per ${g}` })),
    { title: 'llm_costs_query: group_by', placeHolder: 'Group the totals by' },
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
  void api.window.showInformationMessage(summarizeQueryResult(result), 'Open in Costs Panel').then((choice) => {
    if (choice) deps.openPanel(panelFilterForQuery(params, result));
  });
  return result;
}

export function registerCommands(api: typeof vscode, deps: CommandDeps): vscode.Disposable[] {
  const { commands, window } = api;
  return [
    commands.registerCommand(COMMAND_IDS.query, async (params?: unknown) => {
      if (params === undefined) return queryFromPalette(api, deps);
      try {
        return await deps.engine.query(params);
      } catch (e) {
        throw toQueryCommandError(e);
      }
    }),

    commands.registerCommand(COMMAND_IDS.rescan, () => deps.scanWithProgress({ full: false, title: 'Claude Costs: rescanning transcripts' })),

    commands.registerCommand(COMMAND_IDS.rebuild, async () => {
      const go = 'Re-read All Transcripts';
      const choice = await window.showWarningMessage(
        'Re-read every Claude Code transcript from the start?',
        {
          modal: true,
          detail:
            'This forgets how far each transcript was read and reads all of them again (a minute or more on a large history). ' +
            'Nothing is deleted: requests already stored stay, including those whose transcripts Claude Code has since cleaned up, ' +
            'and lines read again are de-duplicated, never counted twice.',
        },
        go,
      );
      if (choice !== go) return undefined;
      return deps.scanWithProgress({ full: true, title: 'Claude Costs: re-reading all transcripts' });
    }),

    commands.registerCommand(COMMAND_IDS.openPanel, (filter?: Partial<PanelFilter>) => deps.openPanel(filter)),

    commands.registerCommand(COMMAND_IDS.installCapture, async () => {
      const paths = deps.capturePaths();
      const go = 'Install';
      const choice = await window.showInformationMessage(
        'Capture Claude Code\'s official rate-limit figures?',
        {
          modal: true,
          detail:
            `This sets "statusLine" in ${paths.settingsPath} to a small script that saves the status JSON Claude Code passes it ` +
            `(it carries the 5-hour and weekly usage %) to ${paths.captureDir}, then runs your current statusLine command, if any, ` +
            'with the same input so your status line looks the same. A backup of settings.json is written first; ' +
            '"Claude Costs: Remove Statusline Capture" puts the previous statusLine back. It works when you run `claude` in a terminal ' +
            '(the VS Code Claude Code panel does not run status lines).',
        },
        go,
      );
      if (choice !== go) return;
      try {
        const r = installStatuslineCapture(paths);
        if (r.kind === 'already_installed') {
          void window.showInformationMessage('The statusline capture is already installed.');
          return;
        }
        deps.log.info(`Statusline capture installed in ${paths.settingsPath}${r.backupPath ? ` (backup: ${r.backupPath})` : ''}${r.chainedTo ? `; chained to: ${r.chainedTo}` : ''}.`);
        void window.showInformationMessage(
          `Statusline capture installed${r.chainedTo ? ' (your previous statusLine still runs)' : ''}. Figures appear after Claude Code's next response in a terminal session.`,
        );
        deps.onCaptureChanged();
      } catch (e) {
        void window.showErrorMessage(`Could not install the statusline capture: ${(e as Error).message}`);
      }
    }),

    commands.registerCommand(COMMAND_IDS.removeCapture, () => {
      const paths = deps.capturePaths();
      try {
        const r = removeStatuslineCapture(paths);
        if (r.kind === 'not_installed') void window.showInformationMessage('The statusline capture is not installed.');
        else if (r.kind === 'changed_by_user') void window.showWarningMessage(r.message);
        else {
          deps.log.info(`Statusline capture removed from ${paths.settingsPath} (${r.restored}).`);
          void window.showInformationMessage('Statusline capture removed; your previous statusLine setting is back.');
        }
        deps.onCaptureChanged();
      } catch (e) {
        void window.showErrorMessage(`Could not remove the statusline capture: ${(e as Error).message}`);
      }
    }),
  ];
}
