// The activity-bar view "Claude Costs" (a tree: native look, keyboard and screen-reader support for free).
// Thin: it asks the engine for a SideBarSummary (src/core/query/sideBar.ts) and turns it into localized
// rows. The branch comes from the built-in Git extension when it is there; the engine falls back to the
// branch the transcripts recorded last for the workspace's project.
import type * as vscode from 'vscode';
import type { EngineApi } from '../core/engine-api';
import { compactNumber, formatDuration, formatUsd } from '../core/limits/chip';
import type { SideBarFigures, SideBarSummary } from '../core/query/sideBar';

export const SIDE_BAR_VIEW_ID = 'claudeCosts.overview';
/** How often the countdown to the window's reset is repainted while the view is visible. */
const TICK_MS = 60_000;

interface Row {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon: string;
  children?: Row[];
  command?: vscode.Command;
}

/** The subset of the Git extension's API (`vscode.git`, version 1) the view reads. */
interface GitApi {
  repositories: Array<{ rootUri: vscode.Uri; state: { HEAD?: { name?: string }; onDidChange: vscode.Event<void> } }>;
  onDidOpenRepository: vscode.Event<unknown>;
}

export interface SideBarDeps {
  engine: Pick<EngineApi, 'sideBar'>;
  onDidChangeData: vscode.Event<unknown>;
  /** True once the engine has started (before that the view shows that it is reading). */
  started(): boolean;
  log: { warn(message: string): void };
}

function figures(t: (message: string, ...args: Array<string | number>) => string, f: SideBarFigures): string {
  return t('{0} · {1} tokens', formatUsd(f.costUsd), compactNumber(f.totalTokens));
}

/** The rows of a summary (exported for unit tests with a stubbed `l10n.t`). */
export function sideBarRows(s: SideBarSummary, t: (message: string, ...args: Array<string | number>) => string): Row[] {
  const rows: Row[] = [];
  const w = s.window;
  const windowBits: string[] = [];
  if (w.active) windowBits.push(t('{0} tokens', compactNumber(w.totalTokens)));
  if (w.limitHit) windowBits.push(t('limit hit'));
  else if (w.leftPct !== null) windowBits.push(w.estimate ? t('{0}% left (est.)', Math.round(w.leftPct)) : t('{0}% left', Math.round(w.leftPct)));
  if (w.resetsAtMs !== null && w.resetsAtMs > s.nowMs) windowBits.push(t('resets in {0}', formatDuration(w.resetsAtMs - s.nowMs)));
  rows.push({
    id: 'window',
    label: t('5-hour window'),
    description: windowBits.length ? windowBits.join(' · ') : t('no active window'),
    tooltip: w.active ? t('{0} · headroom: {1}', formatUsd(w.costUsd), w.headroomSource) : t('Headroom: {0}', w.headroomSource),
    icon: 'pulse',
  });
  rows.push({ id: 'today', label: t('Today'), description: figures(t, s.today), tooltip: t('{0} requests', s.today.requests), icon: 'calendar' });
  rows.push({ id: 'month', label: t('This month'), description: figures(t, s.thisMonth), tooltip: t('{0} requests', s.thisMonth.requests), icon: 'calendar' });
  if (s.workspace) {
    rows.push({
      id: 'workspace',
      label: t('Workspace: {0}', s.workspace.name),
      description: t('{0} this month · {1} all time', formatUsd(s.workspace.thisMonth.costUsd), formatUsd(s.workspace.allTime.costUsd)),
      tooltip: `${s.workspace.path}\n${t('This month')}: ${figures(t, s.workspace.thisMonth)}\n${t('All time')}: ${figures(t, s.workspace.allTime)}`,
      icon: 'root-folder',
      command: { title: t('Open Costs Panel'), command: 'claudeCosts.openPanel', arguments: [{ project: s.workspace.name }] },
    });
  } else {
    rows.push({ id: 'workspace', label: t('Workspace'), description: t('no Claude Code usage for this folder'), icon: 'root-folder' });
  }
  if (s.branch) {
    rows.push({
      id: 'branch',
      label: t('Branch: {0}', s.branch.name),
      description: figures(t, s.branch.allTime),
      tooltip: s.branch.source === 'git' ? t('Current branch (Git); all time') : t('Latest branch in the transcripts; all time'),
      icon: 'git-branch',
    });
  }
  rows.push({
    id: 'sessions',
    label: t('Latest sessions'),
    icon: 'history',
    children: s.sessions.map((x) => ({
      id: `session:${x.sessionKey}`,
      label: x.title ?? x.sessionKey.slice(0, 8),
      description: t('{0} · {1} ago', formatUsd(x.figures.costUsd), formatDuration(Math.max(0, s.nowMs - x.lastActivityMs))),
      tooltip: `${x.project} · ${x.sessionKey}\n${figures(t, x.figures)}`,
      icon: 'comment-discussion',
    })),
  });
  return rows;
}

export class SideBarView implements vscode.TreeDataProvider<Row>, vscode.Disposable {
  private readonly changed: vscode.EventEmitter<Row | undefined>;
  readonly onDidChangeTreeData: vscode.Event<Row | undefined>;
  private readonly view: vscode.TreeView<Row>;
  private readonly disposables: vscode.Disposable[] = [];
  private rows: Row[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private git: GitApi | null = null;
  private refreshing: Promise<void> | null = null;
  private again = false;

  constructor(private readonly api: typeof vscode, private readonly deps: SideBarDeps) {
    this.changed = new api.EventEmitter<Row | undefined>();
    this.onDidChangeTreeData = this.changed.event;
    this.view = api.window.createTreeView(SIDE_BAR_VIEW_ID, { treeDataProvider: this });
    this.disposables.push(
      this.view,
      this.changed,
      deps.onDidChangeData(() => this.refresh()),
      this.view.onDidChangeVisibility((e) => this.onVisibility(e.visible)),
      api.workspace.onDidChangeWorkspaceFolders(() => this.refresh()),
    );
    void this.connectGit();
    this.onVisibility(this.view.visible);
  }

  private onVisibility(visible: boolean): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!visible) return;
    this.refresh();
    this.timer = setInterval(() => this.refresh(), TICK_MS);
  }

  /** The built-in Git extension, when enabled: its branch, and a repaint when HEAD moves. */
  private async connectGit(): Promise<void> {
    try {
      const ext = this.api.extensions.getExtension<{ getAPI(version: 1): GitApi }>('vscode.git');
      if (!ext) return;
      const exports = ext.isActive ? ext.exports : await ext.activate();
      this.git = exports.getAPI(1);
      const watched = new Set<unknown>();
      const watchAll = () => {
        for (const repo of this.git?.repositories ?? []) {
          if (watched.has(repo)) continue;
          watched.add(repo);
          this.disposables.push(repo.state.onDidChange(() => this.refresh()));
        }
      };
      watchAll();
      this.disposables.push(this.git.onDidOpenRepository(() => {
        watchAll();
        this.refresh();
      }));
      this.refresh();
    } catch (e) {
      this.deps.log.warn(`Git extension unavailable for the side bar: ${(e as Error).message}`);
    }
  }

  private gitBranch(folders: readonly vscode.WorkspaceFolder[]): string | null {
    if (!this.git) return null;
    for (const folder of folders) {
      const repo = this.git.repositories.find((r) => folder.uri.fsPath === r.rootUri.fsPath || folder.uri.fsPath.startsWith(r.rootUri.fsPath + '/'));
      const name = repo?.state.HEAD?.name;
      if (name) return name;
    }
    return null;
  }

  /** Re-reads the figures (coalesced: at most one request in flight, one queued). */
  refresh(): void {
    if (!this.view.visible) return;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = this.load().finally(() => {
      this.refreshing = null;
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    });
  }

  /** Resolves when the current refresh (if any) has painted (tests). */
  async settled(): Promise<void> {
    while (this.refreshing) await this.refreshing;
  }

  private async load(): Promise<void> {
    const t = this.api.l10n.t;
    if (!this.deps.started()) {
      this.view.message = t('Reading Claude Code transcripts…');
      return;
    }
    const folders = this.api.workspace.workspaceFolders ?? [];
    try {
      const summary = await this.deps.engine.sideBar({
        workspaceFolders: folders.filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
        gitBranch: this.gitBranch(folders),
      });
      this.rows = sideBarRows(summary, t);
      this.view.message = undefined;
      this.changed.fire(undefined);
    } catch (e) {
      this.deps.log.warn(`Side bar: ${(e as Error).message}`);
      this.view.message = t('Could not read the figures: {0}', (e as Error).message);
    }
  }

  getTreeItem(row: Row): vscode.TreeItem {
    const api = this.api;
    const item = new api.TreeItem(row.label, row.children ? api.TreeItemCollapsibleState.Expanded : api.TreeItemCollapsibleState.None);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.iconPath = new api.ThemeIcon(row.icon);
    item.command = row.command;
    item.accessibilityInformation = { label: row.description ? `${row.label}: ${row.description}` : row.label };
    return item;
  }

  getChildren(row?: Row): Row[] {
    return row ? row.children ?? [] : this.rows;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
