// Which `<config root>/projects` folders hold Claude Code transcripts (transcripts reference §1).
// Claude Code itself uses CLAUDE_CONFIG_DIR ?? ~/.claude; 1.0.28–1.0.31 wrote to $XDG_CONFIG_HOME/claude,
// so without the variable both are scanned, like ccusage does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../types';

export interface DiscoverRootsOptions {
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** Config dirs (or their projects/ folders) given by the user; when non-empty they replace discovery. */
  explicit?: string[];
  log?: Logger;
}

/** The `<root>/projects` folders to scan, in priority order, without two that resolve to the same folder. */
export function discoverRoots(opts: DiscoverRootsOptions): string[] {
  const { env, homeDir, log } = opts;
  const explicit = (opts.explicit ?? []).map((e) => e.trim()).filter((e) => e !== '');
  if (explicit.length > 0) return uniqueProjectDirs(explicit, homeDir, 'configured path', log);

  const fromEnv = (env.CLAUDE_CONFIG_DIR ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (fromEnv.length > 0) {
    const roots = uniqueProjectDirs(fromEnv, homeDir, 'CLAUDE_CONFIG_DIR entry', log);
    if (roots.length === 0) log?.warn(`No Claude Code projects/ folder found in CLAUDE_CONFIG_DIR (${env.CLAUDE_CONFIG_DIR}).`);
    return roots;
  }

  const xdgBase = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.trim() !== '' ? env.XDG_CONFIG_HOME.trim() : path.join(homeDir, '.config');
  const defaults = [path.join(homeDir, '.claude'), path.join(expandHome(xdgBase, homeDir), 'claude')];
  // The defaults are optional locations: a missing one is normal, so it is only a debug note.
  return uniqueProjectDirs(defaults, homeDir, 'default location', log, true);
}

function uniqueProjectDirs(entries: string[], homeDir: string, what: string, log: Logger | undefined, quiet = false): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const entry of entries) {
    const dir = projectsDirOf(path.resolve(expandHome(entry, homeDir)));
    if (dir === null) {
      const note = `Skipping ${what} ${entry}: no projects/ folder there.`;
      if (quiet) log?.debug?.(note);
      else log?.warn(note);
      continue;
    }
    const real = realpathOr(dir);
    if (seen.has(real)) continue;
    seen.add(real);
    result.push(dir);
  }
  return result;
}

/** `<entry>/projects` when it is a folder; an entry that already is a `projects` folder is taken as is. */
function projectsDirOf(entry: string): string | null {
  if (path.basename(entry) === 'projects' && isDirectory(entry)) return entry;
  const inside = path.join(entry, 'projects');
  return isDirectory(inside) ? inside : null;
}

function expandHome(p: string, homeDir: string): string {
  if (p === '~') return homeDir;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(homeDir, p.slice(2));
  return p;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
