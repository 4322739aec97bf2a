// A real VS Code (code-server 4.100.3 = VS Code 1.100.3, the last one on Node 20) for end-to-end
// tests and `npm start`. It is installed offline from the npm registry into .vscode-test/ following
// /work/shared/reference/real-vscode.md, once; later runs reuse it (a marker file holds the version).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, symlinkSync, createWriteStream, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheDir } from './paths';

export const CODE_SERVER_VERSION = '4.100.3';
/** The VS Code that code-server release bundles (engines.vscode must not exceed it). */
export const VSCODE_VERSION = '1.100.3';
const installRoot = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
/** The unpacked npm package; its entry point is out/node/entry.js. */
export const codeServerDir = path.join(installRoot, 'package');
const entry = path.join(codeServerDir, 'out', 'node', 'entry.js');
const marker = path.join(installRoot, '.installed');

/** The native modules of code-server's bundled VS Code that must be compiled for this Node. */
const VSCODE_NATIVE_MODULES = ['@parcel/watcher', '@vscode/spdlog', '@vscode/deviceid', 'kerberos', 'native-watchdog', 'node-pty'];

function log(message: string): void {
  process.stderr.write(`[code-server] ${message}\n`);
}

/** Fails with the apt command to run when a system package the harness needs is missing. */
export function requireSystemPackages(which: { forInstall: boolean; forBrowser: boolean }): void {
  const missing: string[] = [];
  if (which.forBrowser && !existsSync('/usr/bin/chromium')) missing.push('chromium');
  if (which.forInstall) {
    if (!onPath('rg')) missing.push('ripgrep');
    // kerberos (a native module of VS Code) compiles against the Kerberos headers.
    if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  }
  if (missing.length > 0) {
    throw new Error(
      `Missing system package(s): ${missing.join(', ')}. Install them with:\n` +
        `  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\n` +
        `(bash .ci/run does this automatically when run as root.)`,
    );
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, command)));
}

function run(command: string, args: string[], cwd: string, logFile: string, extraEnv: NodeJS.ProcessEnv = {}): void {
  writeFileSync(logFile, `\n$ (${cwd}) ${command} ${args.join(' ')}\n`, { flag: 'a' });
  try {
    const output = execFileSync(command, args, {
      cwd,
      env: { ...process.env, npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
    writeFileSync(logFile, output, { flag: 'a' });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer; message: string };
    writeFileSync(logFile, Buffer.concat([e.stdout ?? Buffer.alloc(0), e.stderr ?? Buffer.alloc(0)]), { flag: 'a' });
    throw new Error(`code-server install step failed: ${command} ${args.join(' ')} (in ${cwd}); see ${logFile}\n${e.message}`, { cause: error });
  }
}

/** npm 11 runs a dependency's build scripts only when the project's package.json allows them. */
function allowInstallScripts(projectDir: string, packages: string[]): void {
  const manifestPath = path.join(projectDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { allowScripts?: Record<string, boolean> };
  manifest.allowScripts = { ...manifest.allowScripts, ...Object.fromEntries(packages.map((name) => [name, true])) };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
}

/**
 * Installs code-server into .vscode-test/ unless the cached install is complete, then checks it runs.
 * Returns the path of its entry script (run it with `node`). Takes about a minute the first time.
 */
export function ensureCodeServer(): string {
  if (isInstalled()) return entry;
  requireSystemPackages({ forInstall: true, forBrowser: false });
  // Test files may run in parallel processes: one installs, the others wait for its marker.
  mkdirSync(cacheDir, { recursive: true });
  const lock = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}.lock`);
  const waitStarted = performance.now();
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      if (isInstalled()) return entry;
      // A lock whose installer is gone (crashed) is stale; so is any lock after ten minutes of waiting.
      if (!installerAlive(lock) || performance.now() - waitStarted > 10 * 60_000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    if (!isInstalled()) install();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return entry;
}

/** Whether the process that took `lock` still runs (true while it has not written its pid yet). */
function installerAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    return existsSync(lock); // just taken, pid not written yet; or released meanwhile (then: try to take it)
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isInstalled(): boolean {
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === CODE_SERVER_VERSION && existsSync(entry);
}

function install(): void {
  const started = performance.now();
  log(`installing ${CODE_SERVER_VERSION} into ${installRoot} (once; cached afterwards)`);
  rmSync(installRoot, { recursive: true, force: true });
  mkdirSync(installRoot, { recursive: true });
  const logFile = path.join(installRoot, 'install.log');
  writeFileSync(logFile, '');

  // A plain `npm install code-server` cannot work here: npm 11 blocks install scripts, and the
  // postinstall would download ripgrep from GitHub. So unpack the package and do its steps by hand.
  run('npm', ['pack', `code-server@${CODE_SERVER_VERSION}`, '--pack-destination', installRoot], installRoot, logFile);
  const tarball = readdirSync(installRoot).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack produced no tarball in ${installRoot}; see ${logFile}`);
  run('tar', ['xzf', tarball], installRoot, logFile);
  rmSync(path.join(installRoot, tarball));

  const install = ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save'];
  run('npm', install, codeServerDir, logFile);
  allowInstallScripts(codeServerDir, ['argon2']);
  run('npm', ['rebuild', 'argon2'], codeServerDir, logFile);

  const vscodeDir = path.join(codeServerDir, 'lib', 'vscode');
  run('npm', install, vscodeDir, logFile);
  try {
    allowInstallScripts(vscodeDir, VSCODE_NATIVE_MODULES);
    run('npm', ['rebuild', ...VSCODE_NATIVE_MODULES], vscodeDir, logFile);
  } catch (error) {
    // node-pty's postinstall (a compile_commands.json step) fails harmlessly once pty.node is built.
    if (!existsSync(path.join(vscodeDir, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'))) throw error;
  }
  // @vscode/ripgrep would download rg from GitHub; Debian's ripgrep does the same job.
  const rgBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  rmSync(path.join(rgBin, 'rg'), { force: true });
  symlinkSync(execFileSync('sh', ['-c', 'command -v rg']).toString().trim(), path.join(rgBin, 'rg'));
  // The desktop build reads node_modules through an asar name; the postinstall links it.
  rmSync(path.join(vscodeDir, 'node_modules.asar'), { force: true });
  symlinkSync('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  run('npm', install, path.join(vscodeDir, 'extensions'), logFile);

  // Its own config file and HOME: without them even --version writes ~/.config/code-server/config.yaml.
  const scratchHome = mkdtempSync(path.join(os.tmpdir(), 'ccc-version-'));
  const version = execFileSync(process.execPath, [entry, '--config', path.join(scratchHome, 'config.yaml'), '--version'], {
    env: { ...process.env, HOME: scratchHome, XDG_CONFIG_HOME: scratchHome, XDG_DATA_HOME: scratchHome },
  }).toString();
  rmSync(scratchHome, { recursive: true, force: true });
  const versionLine = version.split('\n').find((line) => line.startsWith(CODE_SERVER_VERSION));
  if (!versionLine) throw new Error(`code-server --version printed ${JSON.stringify(version)}, expected ${CODE_SERVER_VERSION}`);
  writeFileSync(marker, CODE_SERVER_VERSION + '\n');
  log(`installed in ${((performance.now() - started) / 1000).toFixed(0)} s: ${versionLine}`);
}

export interface StartOptions {
  /**
   * The transcript root for tests (a Claude config dir with projects/ inside): set as CLAUDE_CONFIG_DIR
   * in the server's environment and as the claudeCosts.roots setting.
   */
  configDir?: string;
  /** The claudeCosts.roots setting when it differs from [configDir] (npm start: the user's own roots). */
  roots?: string[];
  /** Merged into the seeded user settings. */
  extraSettings?: Record<string, unknown>;
  /** A packaged extension to install before starting; omit for payload (extensionDevelopmentPath) runs. */
  vsixPath?: string;
  /** Further packaged extensions to install (e.g. a language pack). */
  extraVsixPaths?: string[];
  /** Runs after the extensions are installed, before the server starts (e.g. to register a language pack). */
  beforeStart?: (dirs: { userDataDir: string; extensionsDir: string }) => void;
  /** The folder opened in the workbench; defaults to an empty temp folder. */
  folder?: string;
  /** A fixed port (npm start); by default a free loopback port is chosen. */
  port?: number;
  /**
   * A persistent state dir (npm start keeps its settings and the extension's DB across runs). By default
   * a throw-away temp dir that stop() removes.
   */
  stateDir?: string;
  /**
   * Point HOME and the XDG dirs into the state dir so nothing touches the real user's files (default).
   * npm start turns this off: a person's own VS Code would see their real home too.
   */
  isolateHome?: boolean;
  /** Where the server log goes; defaults to server.log in the state dir. */
  logPath?: string;
  /** VS Code's display language (`--locale`, e.g. "de"); the extension's l10n bundle follows it. */
  locale?: string;
}

export interface CodeServer {
  /** http://localhost:PORT (localhost, not 127.0.0.1: webviews use service workers, which need a secure context). */
  url: string;
  port: number;
  folder: string;
  userDataDir: string;
  extensionsDir: string;
  logPath: string;
  /** The workbench URL with the folder opened, optionally with extra query parameters. */
  workbenchUrl(query?: Record<string, string>): string;
  /** Stops the server and everything it spawned (the whole process group), then removes the temp dirs. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test that crashes still must not leave a server behind.
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Starts a throw-away code-server whose only transcript root is `configDir`, and waits until it serves. */
export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const entryScript = ensureCodeServer();
  const temp = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'ccc-e2e-'));
  const userDataDir = path.join(temp, 'user-data');
  const extensionsDir = path.join(temp, 'extensions');
  const home = path.join(temp, 'home');
  const folder = options.folder ?? path.join(temp, 'workspace');
  for (const dir of [path.join(userDataDir, 'User'), extensionsDir, home, folder]) mkdirSync(dir, { recursive: true });
  const roots = options.roots ?? (options.configDir ? [options.configDir] : undefined);
  const settings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'telemetry.telemetryLevel': 'off',
    ...(roots ? { 'claudeCosts.roots': roots } : {}),
    ...options.extraSettings,
  };
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const configFile = path.join(temp, 'config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const logPath = options.logPath ?? path.join(temp, 'server.log');
  writeFileSync(logPath, '');

  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.isolateHome !== false) {
    // HOME and the XDG dirs point into the temp dir so neither code-server nor the extension ever
    // touches the real user's files (~/.claude, ~/.config, ~/.local/share).
    Object.assign(env, {
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
    });
  }
  if (options.configDir) env.CLAUDE_CONFIG_DIR = options.configDir;
  delete env.VSCODE_IPC_HOOK_CLI;
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--config', configFile];

  for (const vsix of [...(options.vsixPath ? [options.vsixPath] : []), ...(options.extraVsixPaths ?? [])]) {
    // --force: a persistent profile (npm start) already holds an older build of the same version.
    const out = execFileSync(process.execPath, [entryScript, ...common, '--install-extension', vsix, '--force'], { env, stdio: 'pipe' }).toString();
    writeFileSync(logPath, out, { flag: 'a' });
    if (!/successfully installed/i.test(out)) throw new Error(`Installing ${vsix} failed:\n${out}`);
  }

  options.beforeStart?.({ userDataDir, extensionsDir });

  const args = [
    entryScript,
    ...common,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${options.port ?? 0}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...(options.locale ? ['--locale', options.locale] : []),
    folder,
  ];
  const logStream = createWriteStream(logPath, { flags: 'a' });
  // detached: the server gets its own process group, so stop() can end its extension hosts too.
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.stdout!.pipe(logStream, { end: false });
  child.stderr!.pipe(logStream, { end: false });

  const stop = async (): Promise<void> => {
    killGroup(child, 'SIGTERM');
    const exited = await Promise.race([
      new Promise<boolean>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(true) : child.once('exit', () => resolve(true)))),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000)),
    ]);
    if (!exited) killGroup(child, 'SIGKILL');
    // Extension hosts may linger a moment after the server; the group kill reaches them too.
    killGroup(child, 'SIGKILL');
    running.delete(child);
    logStream.end();
    if (!options.stateDir) rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s; log: ${logPath}\n${seen.slice(-2000)}`)), 60_000);
      const onData = (chunk: Buffer): void => {
        seen += chunk.toString();
        const match = /HTTP server listening on https?:\/\/[^:]+:(\d+)/.exec(seen);
        if (match) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited with ${code} before listening; log: ${logPath}\n${seen.slice(-2000)}`));
      });
    });
    const url = `http://localhost:${port}`;
    await waitForHealthz(url);
    return {
      url,
      port,
      folder,
      userDataDir,
      extensionsDir,
      logPath,
      workbenchUrl: (query = {}) => `${url}/?${new URLSearchParams({ folder, ...query }).toString()}`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForHealthz(url: string): Promise<void> {
  const started = performance.now();
  for (;;) {
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not yet
    }
    if (performance.now() - started > 30_000) throw new Error(`code-server at ${url} never answered /healthz`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
