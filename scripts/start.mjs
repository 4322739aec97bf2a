// npm start — builds and packages the extension, then opens it in a real VS Code for a person to use:
//   * the desktop `code` when it is on PATH (the working tree as extensionDevelopmentPath), or
//   * code-server 4.100.3 (= VS Code 1.100.3) on http://localhost:PORT, installed once into .vscode-test/.
// It reads your own Claude Code transcripts (CLAUDE_CONFIG_DIR, ~/.claude, ~/.config/claude). When there
// are none it generates a demo corpus (~5 MB, ending now) into .vscode-test/demo-corpus and says so in
// this log and in the panel.
//
// Options: --port N (default 8123; 0 = any free port), --browser (code-server even when `code` exists).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { require as tsxRequire } from 'tsx/cjs/api';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const demoDir = path.join(root, '.vscode-test', 'demo-corpus');
const argv = process.argv.slice(2);
const portArg = argv.indexOf('--port');
const port = portArg >= 0 ? Number(argv[portArg + 1]) : Number(process.env.PORT ?? 8123);
const forceBrowser = argv.includes('--browser');

const say = (message) => console.log(`[start] ${message}`);

/** Claude config roots that hold at least one transcript, in the order Claude Code and ccusage look. */
function findTranscriptRoots() {
  const home = os.homedir();
  const candidates = [
    ...(process.env.CLAUDE_CONFIG_DIR ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    path.join(process.env.XDG_CONFIG_HOME || path.join(home, '.config'), 'claude'),
    path.join(home, '.claude'),
  ];
  return [...new Set(candidates.map((c) => path.resolve(c)))].filter((dir) => hasTranscript(path.join(dir, 'projects')));
}

function hasTranscript(dir, depth = 0) {
  if (depth > 4 || !existsSync(dir)) return false;
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.jsonl')) return true;
      if (entry.isDirectory() && hasTranscript(path.join(dir, entry.name), depth + 1)) return true;
    }
  } catch {
    // unreadable: not a usable root
  }
  return false;
}

/**
 * The demo corpus, regenerated when older than an hour so that "today" and the 5-hour window have data.
 * Returns true when it was (re)generated.
 */
async function ensureDemoCorpus() {
  const truthFile = path.join(demoDir, 'truth.json');
  if (existsSync(truthFile) && Date.now() - statSync(truthFile).mtimeMs < 3_600_000) return false;
  say(`generating the demo corpus (~5 MB of synthetic transcripts ending now) into ${path.relative(root, demoDir)}/ …`);
  const { generateCorpus } = tsxRequire('../bench/corpus/generate.ts', import.meta.url);
  const truth = await generateCorpus({ outDir: demoDir, targetBytes: 5_000_000, seed: 42, endDate: new Date() });
  say(`demo corpus: ${truth.uniqueRequests.toLocaleString('en-US')} requests over ${truth.days} days, ${(truth.bytes / 1e6).toFixed(1)} MB`);
  return true;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function onPath(command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, command)));
}

const ownRoots = findTranscriptRoots();
const demo = ownRoots.length === 0;
// The demo gets a profile of its own: the extension keeps history forever, so demo rows must never land
// in a database that also holds real usage (and they are dropped whenever the demo is regenerated).
const stateDir = path.join(root, '.vscode-test', demo ? 'start-demo' : 'start');
if (demo) {
  say('No Claude Code transcripts found (looked in CLAUDE_CONFIG_DIR, ~/.config/claude/projects, ~/.claude/projects).');
  if (await ensureDemoCorpus()) rmSync(stateDir, { recursive: true, force: true });
  say('DEMO MODE: the extension shows a generated demo corpus, not your usage. Use Claude Code, then run npm start again.');
} else {
  say(`reading your transcripts from: ${ownRoots.join(', ')}`);
}
const roots = demo ? [demoDir] : ownRoots;
const extensionSettings = { 'claudeCosts.roots': roots, ...(demo ? { 'claudeCosts.demoMode': true } : {}) };

say('building and packaging …');
run(process.execPath, ['scripts/package.mjs', '--out', path.join(root, '.vscode-test', 'start.vsix')]);

if (onPath('code') && !forceBrowser) {
  // Desktop VS Code: a window with the working tree loaded as the extension under development. With your
  // own transcripts it uses your normal profile (the extension finds them itself). The demo runs in a
  // separate profile (--user-data-dir) whose settings point at the demo corpus, so its rows never reach
  // your own database.
  const args = ['--new-window', `--extensionDevelopmentPath=${root}`];
  if (demo) {
    const userData = path.join(stateDir, 'desktop-user-data');
    mkdirSync(path.join(userData, 'User'), { recursive: true });
    writeFileSync(
      path.join(userData, 'User', 'settings.json'),
      JSON.stringify({ ...extensionSettings, 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none' }, null, 2),
    );
    args.unshift('--user-data-dir', userData);
  }
  say(`opening VS Code with the extension under development${demo ? ' (separate demo profile)' : ''} …`);
  const child = spawn('code', [...args, root], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const { startCodeServer, CODE_SERVER_VERSION, VSCODE_VERSION } = tsxRequire('../test/e2e/harness/index.ts', import.meta.url);
  say(onPath('code') ? 'using code-server (--browser)' : `no desktop \`code\` on PATH: using code-server ${CODE_SERVER_VERSION} (installed once into .vscode-test/)`);
  mkdirSync(stateDir, { recursive: true });
  // A persistent profile under .vscode-test/start: the extension's database (its history) survives restarts.
  const server = await startCodeServer({
    configDir: demo ? demoDir : undefined,
    roots,
    extraSettings: demo ? { 'claudeCosts.demoMode': true } : {},
    vsixPath: path.join(root, '.vscode-test', 'start.vsix'),
    folder: root,
    port,
    stateDir,
    isolateHome: demo,
  });
  const url = server.workbenchUrl();
  console.log('');
  say(`VS Code ${VSCODE_VERSION} (code-server ${CODE_SERVER_VERSION}) is ready: ${url}`);
  say('open it in a browser: the chip sits in the status bar (hover it for details); run');
  say('"Claude Costs: Open Costs Panel" from the command palette (F1). Ctrl-C stops the server.');
  if (demo) say(`DEMO MODE: figures come from ${path.relative(root, demoDir)}/, not from your own usage.`);
  const stop = async () => {
    say('stopping …');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
