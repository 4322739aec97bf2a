// A small stand-in for the `vscode` module, enough to activate the extension in plain Node: it records
// what the extension registers (commands, tool, status bar item, watchers, messages) and lets a test
// fire watcher events and answer quick picks. Installed with a Module._load hook.
import Module from 'node:module';
import * as path from 'node:path';

type Listener<T> = (e: T) => unknown;

class EventEmitter<T> {
  private ls = new Set<Listener<T>>();
  event = (l: Listener<T>) => {
    this.ls.add(l);
    return { dispose: () => this.ls.delete(l) };
  };
  fire(e: T) {
    for (const l of [...this.ls]) l(e);
  }
  dispose() {
    this.ls.clear();
  }
}

class Uri {
  constructor(public readonly fsPath: string) {}
  static file(p: string) {
    return new Uri(p);
  }
  static joinPath(u: Uri, ...parts: string[]) {
    return new Uri(path.join(u.fsPath, ...parts));
  }
  get path() {
    return this.fsPath;
  }
  toString() {
    return `file://${this.fsPath}`;
  }
}

class ThemeColor {
  constructor(public readonly id: string) {}
}

class MarkdownString {
  isTrusted: unknown = false;
  constructor(public value = '', public supportThemeIcons = false) {}
}

class RelativePattern {
  constructor(public readonly base: Uri, public readonly pattern: string) {}
}

class LanguageModelTextPart {
  constructor(public value: string) {}
}
class LanguageModelToolResult {
  constructor(public content: unknown[]) {}
}

class CancellationError extends Error {
  constructor() {
    super('Canceled');
    this.name = 'Canceled';
  }
}

/** vscode.CancellationTokenSource: a token whose cancel() fires onCancellationRequested once. */
class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = {
    isCancellationRequested: false,
    onCancellationRequested: this.emitter.event,
  };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

export interface StubStatusBarItem {
  id: string;
  alignment: number;
  priority: number;
  text: string;
  name?: string;
  tooltip?: unknown;
  command?: unknown;
  backgroundColor?: ThemeColor;
  color?: ThemeColor;
  accessibilityInformation?: { label: string };
  visible: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}

export interface StubWatcher {
  base: string;
  pattern: string;
  create: EventEmitter<Uri>;
  change: EventEmitter<Uri>;
  del: EventEmitter<Uri>;
  disposed: boolean;
}

export function createVscodeStub(config: Record<string, unknown> = {}) {
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const tools = new Map<string, { invoke: (o: unknown, t: unknown) => unknown; prepareInvocation?: (o: unknown, t: unknown) => unknown }>();
  const statusBarItems: StubStatusBarItem[] = [];
  const treeViews: { id: string; treeDataProvider: unknown; visible: boolean }[] = [];
  const watchers: StubWatcher[] = [];
  const messages: { level: string; text: string; items: unknown[] }[] = [];
  const logLines: string[] = [];
  const openedDocuments: { language?: string; content?: string }[] = [];
  const progressTitles: string[] = [];
  const configChange = new EventEmitter<{ affectsConfiguration(k: string): boolean }>();
  const quickPickAnswers: string[] = [];
  const messageAnswers: (string | undefined)[] = [];

  const message = (level: string) => (text: string, ...items: unknown[]) => {
    messages.push({ level, text, items });
    return Promise.resolve(messageAnswers.shift());
  };
  const log = (level: string) => (m: string) => void logLines.push(`${level} ${m}`);

  const vscode = {
    EventEmitter,
    Uri,
    ThemeColor,
    MarkdownString,
    RelativePattern,
    LanguageModelTextPart,
    LanguageModelToolResult,
    CancellationError,
    CancellationTokenSource,
    StatusBarAlignment: { Left: 1, Right: 2 },
    TreeItem: class {
      description?: string;
      tooltip?: unknown;
      iconPath?: unknown;
      command?: unknown;
      contextValue?: string;
      constructor(public label: string, public collapsibleState = 0) {}
    },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ThemeIcon: class { constructor(public id: string, public color?: unknown) {} },
    extensions: { getExtension: () => undefined },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ViewColumn: { Active: -1, One: 1 },
    ConfigurationTarget: { Global: 1, Workspace: 2 },
    Disposable: class {
      constructor(private fn: () => void) {}
      dispose() {
        this.fn();
      }
    },
    commands: {
      registerCommand(id: string, fn: (...args: unknown[]) => unknown) {
        if (commands.has(id)) throw new Error(`command ${id} already registered`);
        commands.set(id, fn);
        return { dispose: () => commands.delete(id) };
      },
      async executeCommand(id: string, ...args: unknown[]) {
        const fn = commands.get(id);
        if (!fn) throw new Error(`command '${id}' not found`);
        return fn(...args);
      },
    },
    lm: {
      registerTool(name: string, tool: { invoke: (o: unknown, t: unknown) => unknown }) {
        tools.set(name, tool);
        return { dispose: () => tools.delete(name) };
      },
    },
    window: {
      state: { focused: true },
      onDidChangeWindowState: new EventEmitter<unknown>().event,
      createOutputChannel(_name: string, _opts?: unknown) {
        return { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug'), trace: log('trace'), appendLine: log('line'), dispose() {} };
      },
      createStatusBarItem(id: string, alignment = 1, priority = 0): StubStatusBarItem {
        const item: StubStatusBarItem = {
          id, alignment, priority, text: '', visible: false,
          show() { item.visible = true; },
          hide() { item.visible = false; },
          dispose() { item.visible = false; },
        };
        statusBarItems.push(item);
        return item;
      },
      showInformationMessage: message('info'),
      showWarningMessage: message('warning'),
      showErrorMessage: message('error'),
      setStatusBarMessage: (text: string) => {
        messages.push({ level: 'statusbar', text, items: [] });
        return { dispose() {} };
      },
      async showQuickPick(items: { label: string }[]) {
        const want = quickPickAnswers.shift();
        return items.find((i) => i.label === want);
      },
      async withProgress<T>(opts: { title?: string }, task: (p: { report(v: unknown): void }, token: unknown) => Promise<T>) {
        progressTitles.push(opts.title ?? '');
        return task({ report() {} }, { isCancellationRequested: false });
      },
      async showTextDocument(doc: unknown) {
        return doc;
      },
      createTreeView(id: string, opts: { treeDataProvider: unknown }) {
        const visibility = new EventEmitter<{ visible: boolean }>();
        const view = { id, treeDataProvider: opts.treeDataProvider, visible: false, onDidChangeVisibility: visibility.event, dispose() {} };
        treeViews.push(view);
        return view;
      },
      registerWebviewPanelSerializer() {
        return { dispose() {} };
      },
      createWebviewPanel() {
        throw new Error('webview panels are not available in the stub');
      },
    },
    workspace: {
      workspaceFolders: undefined,
      getConfiguration(section?: string) {
        return {
          get(key: string, def?: unknown) {
            const full = section ? `${section}.${key}` : key;
            return full in config ? config[full] : def;
          },
          update(key: string, value: unknown) {
            config[section ? `${section}.${key}` : key] = value;
            return Promise.resolve();
          },
        };
      },
      onDidChangeConfiguration: configChange.event,
      onDidChangeWorkspaceFolders: new EventEmitter<unknown>().event,
      createFileSystemWatcher(pattern: RelativePattern) {
        const w: StubWatcher = { base: pattern.base.fsPath, pattern: pattern.pattern, create: new EventEmitter(), change: new EventEmitter(), del: new EventEmitter(), disposed: false };
        watchers.push(w);
        return { onDidCreate: w.create.event, onDidChange: w.change.event, onDidDelete: w.del.event, dispose: () => void (w.disposed = true) };
      },
      async openTextDocument(opts: { language?: string; content?: string }) {
        openedDocuments.push(opts);
        return opts;
      },
      fs: { writeFile: async () => undefined },
    },
  };
  return { vscode, treeViews, commands, tools, statusBarItems, watchers, messages, logLines, openedDocuments, progressTitles, configChange, quickPickAnswers, messageAnswers, config };
}

export type VscodeStub = ReturnType<typeof createVscodeStub>;

/** Makes `require('vscode')` return the stub; returns the uninstaller. */
export function installVscodeStub(stub: VscodeStub): () => void {
  const mod = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = mod._load;
  mod._load = function (request: string, parent: unknown, isMain: boolean) {
    if (request === 'vscode') return stub.vscode;
    return original.call(this, request, parent, isMain);
  };
  return () => {
    mod._load = original;
  };
}

/** An ExtensionContext good enough for activate(). */
export function fakeContext(storageDir: string) {
  const state = new Map<string, unknown>();
  const memento = {
    get: (k: string, d?: unknown) => (state.has(k) ? state.get(k) : d),
    update: (k: string, v: unknown) => {
      state.set(k, v);
      return Promise.resolve();
    },
    keys: () => [...state.keys()],
  };
  return {
    subscriptions: [] as { dispose(): unknown }[],
    globalStorageUri: Uri.file(storageDir),
    extensionUri: Uri.file(path.resolve(__dirname, '../../..')),
    extensionPath: path.resolve(__dirname, '../../..'),
    globalState: memento,
    workspaceState: memento,
    extensionMode: 3,
  };
}
