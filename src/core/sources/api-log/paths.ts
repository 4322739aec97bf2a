// Which files the setting `claudeCosts.apiLogs.paths` (CLI: --api-log) names: absolute paths or globs,
// `~` expanded. Globs are picomatch's (`*`, `?`, `**`, `[…]`, `{a,b}`); like shell globs, wildcards do not
// match names starting with a dot (a literal `.name` segment does). A directory names every `*.jsonl`
// file beneath it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { ListedFile } from '../files';

export interface ApiLogPathOptions {
  homeDir?: string;
  /** Base of relative paths (the CLI's working directory). */
  cwd?: string;
}

/** One configured path, resolved: the folder to look in and a test for the files under it. */
export interface ApiLogTarget {
  /** As configured. */
  raw: string;
  /** Absolute, `~` expanded, with `/` separators. */
  pattern: string;
  /** The deepest folder without glob characters (watch here). */
  baseDir: string;
  isGlob: boolean;
  /** The glob below baseDir (`**\/*.jsonl` for a folder). */
  relativeGlob: string;
  /** Does an absolute file path belong to this target? */
  matches(filePath: string): boolean;
}

/** Folders a `**` never descends into (huge, and never where call logs live). */
const PRUNED_DIRS = new Set(['node_modules', '.git']);
const MAX_DEPTH = 24;
/** `dot: false`: like shell globs, wildcards skip dot names; a literal `.name` segment still matches. */
const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: false };
/** A folder target names every `*.jsonl` file beneath it. */
const FOLDER_GLOB = '**/*.jsonl';

function toSlash(p: string): string {
  return p.split(path.sep).join('/');
}

export function expandHome(p: string, homeDir: string = os.homedir()): string {
  if (p === '~') return homeDir;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(homeDir, p.slice(2));
  return p;
}

/** Resolves one configured path into a target (pure; touches no file). */
export function apiLogTarget(raw: string, opts: ApiLogPathOptions = {}): ApiLogTarget {
  const abs = toSlash(path.resolve(opts.cwd ?? process.cwd(), expandHome(raw.trim(), opts.homeDir)));
  const scanned = picomatch.scan(abs);
  if (!scanned.isGlob) {
    // A file, or a folder meaning every .jsonl beneath it.
    const inFolder = picomatch(FOLDER_GLOB, GLOB_OPTIONS);
    return {
      raw, pattern: abs, baseDir: abs, isGlob: false, relativeGlob: FOLDER_GLOB,
      matches(filePath: string) {
        const f = toSlash(filePath);
        if (f === abs) return true;
        return f.startsWith(`${abs}/`) && inFolder(f.slice(abs.length + 1));
      },
    };
  }
  const baseDir = scanned.base || '/';
  const prefix = baseDir.endsWith('/') ? baseDir : `${baseDir}/`;
  const relativeGlob = abs.slice(prefix.length);
  const isMatch = picomatch(relativeGlob, GLOB_OPTIONS);
  return {
    raw, pattern: abs, baseDir, isGlob: true, relativeGlob,
    matches(filePath: string) {
      const f = toSlash(filePath);
      return f.startsWith(prefix) && isMatch(f.slice(prefix.length));
    },
  };
}

/** Can a file below the folder `relParts` (relative to the target's base) still match? Prunes the walk. */
function mayMatchBelow(relativeGlob: string, relParts: string[]): boolean {
  // `**` and braces (which may hold a `/`) can match at any depth: walk on (bounded by MAX_DEPTH).
  if (relativeGlob.includes('**') || relativeGlob.includes('{')) return true;
  const segments = relativeGlob.split('/');
  if (relParts.length >= segments.length) return false;
  return relParts.every((part, i) => picomatch.isMatch(part, segments[i]!, GLOB_OPTIONS));
}

function listed(p: string, st: fs.Stats): ListedFile {
  return { path: p, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino };
}

/**
 * The files the configured paths name now, each once (by path and by identity), sorted by path. Paths that do not exist (yet) are
 * not errors; unreadable folders are reported in `errors` and skipped.
 */
export async function expandApiLogPaths(raws: string[], opts: ApiLogPathOptions = {}): Promise<{ files: ListedFile[]; errors: string[] }> {
  const found = new Map<string, ListedFile>();
  const errors: string[] = [];
  for (const raw of raws) {
    if (!raw || raw.trim() === '') continue;
    const target = apiLogTarget(raw, opts);
    const base = path.normalize(target.baseDir);
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(base);
    } catch {
      continue; // not there (yet): a log that will be written later
    }
    if (st.isFile()) {
      if (target.matches(base)) found.set(base, listed(base, st));
      continue;
    }
    if (!st.isDirectory()) continue;
        const visited = new Set<string>();
    const walk = async (dir: string, relParts: string[]): Promise<void> => {
      if (relParts.length > MAX_DEPTH) return;
      let entries: fs.Dirent[];
      try {
        const dst = await fs.promises.stat(dir);
        const id = `${dst.dev}:${dst.ino}`;
        if (visited.has(id)) return; // a symlink loop
        visited.add(id);
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch (e) {
        errors.push(`${dir}: ${(e as Error).message}`);
        return;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        let fst: fs.Stats | null = null;
        if (entry.isSymbolicLink()) {
          try {
            fst = await fs.promises.stat(full);
            isDir = fst.isDirectory();
            isFile = fst.isFile();
          } catch {
            continue; // dangling link
          }
        }
        const parts = [...relParts, entry.name];
        if (isDir) {
          if (PRUNED_DIRS.has(entry.name) || !mayMatchBelow(target.relativeGlob, parts)) continue;
          if (entry.name.startsWith('.') && !target.relativeGlob.split('/').some((g) => g.startsWith('.'))) continue; // ~/.cache & co.
          await walk(full, parts);
        } else if (isFile && target.matches(full) && !found.has(full)) {
          try {
            found.set(full, listed(full, fst ?? (await fs.promises.stat(full))));
          } catch {
            // vanished between readdir and stat
          }
        }
      }
    };
    await walk(base, []);
  }
  // One file reached by two paths (a symlink, overlapping folders) is read once: its first path wins.
  const sorted = [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const identities = new Set<string>();
  const files = sorted.filter((f) => {
    const id = `${f.dev}:${f.ino}`;
    if (f.ino !== 0 && identities.has(id)) return false;
    identities.add(id);
    return true;
  });
  return { files, errors };
}
