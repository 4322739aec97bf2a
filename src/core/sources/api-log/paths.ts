// Which files the setting `claudeCosts.apiLogs.paths` (CLI: --api-log) names: absolute paths or globs,
// `~` expanded. A tiny glob of our own (no dependency): `*` and `?` within one path segment, `**` for any
// number of segments. Like shell globs, `*`, `?` and `**` do not match names starting with a dot (a
// literal `.name` segment does). A directory names every `*.jsonl` file beneath it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
  /** Does an absolute file path belong to this target? */
  matches(filePath: string): boolean;
}

const GLOB_CHARS = /[*?]/;
/** Folders a `**` never descends into (huge, and never where call logs live). */
const PRUNED_DIRS = new Set(['node_modules', '.git']);
const MAX_DEPTH = 24;

function toSlash(p: string): string {
  return p.split(path.sep).join('/');
}

export function expandHome(p: string, homeDir: string = os.homedir()): string {
  if (p === '~') return homeDir;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(homeDir, p.slice(2));
  return p;
}

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (const ch of seg) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Matches `/`-separated segments against glob segments (`**` = zero or more whole segments). */
function matchSegments(globs: string[], regexes: Array<RegExp | null>, parts: string[], i = 0, j = 0): boolean {
  if (i === globs.length) return j === parts.length;
  if (globs[i] === '**') {
    for (let k = j; k <= parts.length; k++) {
      if (matchSegments(globs, regexes, parts, i + 1, k)) return true;
      if (k < parts.length && parts[k].startsWith('.')) return false; // ** does not enter dot folders
    }
    return false;
  }
  if (j === parts.length) return false;
  const part = parts[j];
  const re = regexes[i];
  if (re) {
    if (part.startsWith('.') && !globs[i].startsWith('.')) return false;
    if (!re.test(part)) return false;
  } else if (part !== globs[i]) return false;
  return matchSegments(globs, regexes, parts, i + 1, j + 1);
}

/** Resolves one configured path into a target (pure; touches no file). */
export function apiLogTarget(raw: string, opts: ApiLogPathOptions = {}): ApiLogTarget {
  const abs = toSlash(path.resolve(opts.cwd ?? process.cwd(), expandHome(raw.trim(), opts.homeDir)));
  const segs = abs.split('/');
  const firstGlob = segs.findIndex((s) => GLOB_CHARS.test(s));
  if (firstGlob === -1) {
    // A file, or a folder meaning every .jsonl beneath it.
    const dirGlobs = ['**', '*.jsonl'];
    const dirRegexes = dirGlobs.map((g) => (g === '**' ? null : segmentRegex(g)));
    return {
      raw, pattern: abs, baseDir: abs, isGlob: false,
      matches(filePath: string) {
        const f = toSlash(filePath);
        if (f === abs) return true;
        if (!f.startsWith(`${abs}/`)) return false;
        return matchSegments(dirGlobs, dirRegexes, f.slice(abs.length + 1).split('/'));
      },
    };
  }
  const baseDir = segs.slice(0, firstGlob).join('/') || '/';
  const globs = segs.slice(firstGlob);
  const regexes = globs.map((g) => (g === '**' || !GLOB_CHARS.test(g) ? null : segmentRegex(g)));
  const prefix = baseDir.endsWith('/') ? baseDir : `${baseDir}/`;
  return {
    raw, pattern: abs, baseDir, isGlob: true,
    matches(filePath: string) {
      const f = toSlash(filePath);
      return f.startsWith(prefix) && matchSegments(globs, regexes, f.slice(prefix.length).split('/'));
    },
  };
}

/** True for a glob pattern segment list that can still match below `relParts` (prunes the walk). */
function mayMatchBelow(globs: string[], relParts: string[]): boolean {
  if (globs.includes('**')) return true;
  if (relParts.length >= globs.length) return false;
  for (let i = 0; i < relParts.length; i++) {
    const g = globs[i];
    if (GLOB_CHARS.test(g)) {
      if (relParts[i].startsWith('.') && !g.startsWith('.')) return false;
      if (!segmentRegex(g).test(relParts[i])) return false;
    } else if (g !== relParts[i]) return false;
  }
  return true;
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
    const globs = target.isGlob ? target.pattern.slice(toSlash(base).replace(/\/$/, '').length + 1).split('/') : ['**', '*.jsonl'];
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
          if (PRUNED_DIRS.has(entry.name) || !mayMatchBelow(globs, parts)) continue;
          if (entry.name.startsWith('.') && !globs.some((g) => g.startsWith('.'))) continue; // ~/.cache & co.
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
