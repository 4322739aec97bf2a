// The status-bar chip: copies a ChipView (computed in core, src/core/limits/chip.ts) onto one
// StatusBarItem. Click → the costs panel. The tooltip trusts only our own command links.
import type * as vscode from 'vscode';
import type { StatusResult } from '../core/limits/status';
import { CHIP_TOOLTIP_COMMANDS, chipView, type ChipWorkspace } from '../core/limits/chip';
import type { Settings } from './settings';
import { canonicalProject } from '../core/sources/claude-code/project';

/**
 * This window's workspace for the chip: each local folder's canonical project (the repository root with
 * worktrees collapsed, the same identity sessions are stored under) and the folder itself.
 */
export function workspaceOf(api: typeof vscode): ChipWorkspace {
  const paths = new Set<string>();
  for (const f of api.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme !== 'file') continue;
    paths.add(f.uri.fsPath);
    paths.add(canonicalProject(f.uri.fsPath, '').path);
  }
  return { projectPaths: [...paths] };
}

export const CHIP_ID = 'claudeCosts.chip';
export const CHIP_NAME = 'Claude Code Costs';

export class ChipController implements vscode.Disposable {
  private item: vscode.StatusBarItem;
  private alignment: 'left' | 'right';
  private last: StatusResult | null = null;
  private lastText = '';

  constructor(
    private readonly api: typeof vscode,
    private readonly settings: () => Settings,
    /** This window's workspace (its folders' canonical project paths): whose session's context the chip shows. */
    private readonly workspace: () => ChipWorkspace = () => ({ projectPaths: [] }),
  ) {
    this.alignment = settings().chip.alignment;
    this.item = this.create();
    this.showScanning();
  }

  private create(): vscode.StatusBarItem {
    const align = this.alignment === 'right' ? this.api.StatusBarAlignment.Right : this.api.StatusBarAlignment.Left;
    const item = this.api.window.createStatusBarItem(CHIP_ID, align, this.alignment === 'right' ? 100 : -100);
    item.name = CHIP_NAME;
    item.command = { title: this.api.l10n.t('Open Costs Panel'), command: 'claudeCosts.openPanel' };
    item.show();
    return item;
  }

  /** The chip's current text (the e2e tests and the extension's exports read it). */
  get text(): string {
    return this.item.text;
  }

  /** Settings changed: move the item if its side changed, then re-render. */
  applySettings(): void {
    const alignment = this.settings().chip.alignment;
    if (alignment !== this.alignment) {
      this.alignment = alignment;
      this.item.dispose();
      this.item = this.create();
    }
    if (this.last) this.update(this.last);
  }

  showScanning(detail = this.api.l10n.t('Reading Claude Code transcripts…')): void {
    this.item.text = '$(sync~spin) Claude Costs';
    this.item.tooltip = detail;
    this.item.backgroundColor = undefined;
    this.item.color = undefined;
    this.item.accessibilityInformation = { label: `Claude Code Costs: ${detail}`, role: 'button' };
  }

  /** Ends the spinner without new figures (e.g. the scan failed): back to the last known chip. */
  stopScanning(): void {
    if (this.last) this.update(this.last);
    else {
      this.item.text = '$(pulse) Claude Costs';
      this.item.tooltip = this.api.l10n.t('No Claude Code usage read yet.');
    }
  }

  showError(message: string): void {
    this.item.text = '$(warning) Claude Costs';
    this.item.tooltip = `Claude Code Costs: ${message}`;
    this.item.backgroundColor = undefined;
    this.item.accessibilityInformation = { label: `Claude Code Costs error: ${message}`, role: 'button' };
  }

  update(status: StatusResult): void {
    this.last = status;
    const s = this.settings().chip;
    // The chip's messages are literals in core/limits/chip.ts (scripts/l10n.ts reads them there); this only forwards.
    const view = chipView(status, s, this.workspace(), (message, ...args) => this.api.l10n['t'](message, ...args));
    this.item.text = view.text;
    this.lastText = view.text;
    const md = new this.api.MarkdownString(view.tooltipMarkdown, true);
    md.isTrusted = { enabledCommands: [...CHIP_TOOLTIP_COMMANDS] };
    this.item.tooltip = md;
    this.item.backgroundColor =
      view.color === 'error'
        ? new this.api.ThemeColor('statusBarItem.errorBackground')
        : view.color === 'warning'
          ? new this.api.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    // Stale figures: dimmed text, never a coloured background.
    this.item.color = view.dimmed ? new this.api.ThemeColor('disabledForeground') : undefined;
    this.item.accessibilityInformation = { label: view.accessibilityLabel, role: 'button' };
  }

  get lastStatus(): StatusResult | null {
    return this.last;
  }

  dispose(): void {
    this.item.dispose();
  }
}
