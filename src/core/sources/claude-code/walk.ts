// Every *.jsonl transcript under one `projects/` folder, in all three layouts (transcripts reference §1):
//   <proj>/<sessionId>.jsonl (with inline sidechains before 2.0), <proj>/agent-<id>.jsonl (2.0.x),
//   <proj>/<sessionId>/subagents/**/agent-<id>.jsonl (2.1.2+). Sidecars (*.meta.json, sessions-index.json)
// are not JSONL and are never listed.
import * as fs from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../types';

export interface TranscriptFile {
  path: string;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
}

// Synchronous calls, and a plain recursion rather than a promise per entry: the engine owns its thread
// (a worker in VS Code, the CLI's process), and a warm refresh stats every transcript, where a thread-pool
// round trip per call, or even a settled promise per entry, cost several times the stat itself.
/**
 * Walk `projectsDir` recursively. Symlinks to files and folders are followed, but each folder is entered once
 * (by its real path), so links can never loop, and a file reachable through a link and directly is listed
 * once. Real paths rather than inode numbers: on Windows large file ids lose precision as JS numbers and two
 * different files could look the same. (Two hard links to one file are both listed; the global dedup on
 * message.id + requestId makes a double read harmless.) An unreadable folder or file is logged, recorded in
 * `errors` and skipped; a file that vanishes between listing and stat is skipped silently (Claude Code
 * deletes old transcripts while we scan).
 */
export async function listTranscriptFiles(
  projectsDir: string,
  log?: Logger,
): Promise<{ files: TranscriptFile[]; errors: string[] }> {
  const candidates: Array<{ file: TranscriptFile; realPath: string; viaLink: boolean }> = [];
  const errors: string[] = [];
  const visitedDirs = new Set<string>();
  // Symlinks are followed after the real tree, one at a time in path order, so which path a folder or file
  // is listed under never depends on timing: the real path wins, then the first link in path order.
  let pendingLinks: string[] = [];

  const fail = (where: string, err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const message = `${where}: ${code}`;
    errors.push(message);
    log?.warn(`Cannot read ${message}; skipped.`);
  };

  /** `realDir` is where `dir` really is; below it, no link has been crossed, so children's real paths are joins. */
  const walkDir = (dir: string, realDir: string, viaLink: boolean): void => {
    if (visitedDirs.has(realDir)) return;
    visitedDirs.add(realDir);
    let entries: Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (isVanished(err)) return;
      fail(dir, err);
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) pendingLinks.push(full);
      else if (entry.isDirectory()) walkDir(full, path.join(realDir, entry.name), viaLink);
      else if (entry.isFile() && entry.name.endsWith('.jsonl')) addFile(full, path.join(realDir, entry.name), viaLink);
      // anything else: sidecars (*.meta.json, sessions-index.json), sockets, fifos…
    }
  };

  const addFile = (full: string, realPath: string, viaLink: boolean): void => {
    let st: Stats;
    try {
      st = fs.statSync(full);
    } catch (err) {
      if (isVanished(err)) return; // deleted between readdir and stat
      fail(full, err);
      return;
    }
    if (!st.isFile()) return;
    candidates.push({ file: { path: full, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino }, realPath, viaLink });
  };

  const followLink = (link: string): void => {
    let st: Stats;
    let realPath: string;
    try {
      st = fs.statSync(link); // follows the link
      realPath = fs.realpathSync.native(link);
    } catch (err) {
      if (isVanished(err)) return; // a dangling link, or one removed meanwhile
      fail(link, err);
      return;
    }
    if (st.isDirectory()) walkDir(link, realPath, true);
    else if (st.isFile() && link.endsWith('.jsonl')) {
      candidates.push({ file: { path: link, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino }, realPath, viaLink: true });
    }
  };

  let realRoot: string;
  try {
    const rootStat = fs.statSync(projectsDir);
    if (!rootStat.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    realRoot = fs.realpathSync.native(projectsDir);
  } catch (err) {
    fail(projectsDir, err);
    return { files: [], errors };
  }
  walkDir(projectsDir, realRoot, false);
  while (pendingLinks.length > 0) {
    const links = pendingLinks.sort(comparePaths);
    pendingLinks = [];
    for (const link of links) followLink(link);
  }

  candidates.sort((a, b) => Number(a.viaLink) - Number(b.viaLink) || comparePaths(a.file.path, b.file.path));
  const seenRealPaths = new Set<string>();
  const files: TranscriptFile[] = [];
  for (const { file, realPath } of candidates) {
    if (seenRealPaths.has(realPath)) continue;
    seenRealPaths.add(realPath);
    files.push(file);
  }
  files.sort((a, b) => comparePaths(a.path, b.path));
  return { files, errors };
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isVanished(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT';
}

/**
 * The session a transcript file belongs to, from its path alone (a fallback for lines without sessionId):
 * `<sid>.jsonl` → sid; `<sid>/subagents/…/agent-x.jsonl` → the parent sid; a flat 2.0.x `agent-x.jsonl`
 * names no session (its lines always carry the parent's sessionId) → null.
 */
export function sessionIdFromPath(filePath: string): string | null {
  const parts = filePath.split(/[\\/]+/);
  const subagents = parts.lastIndexOf('subagents');
  if (subagents >= 1) return parts[subagents - 1] || null;
  const base = parts[parts.length - 1].replace(/\.jsonl$/, '');
  if (base === '' || base.startsWith('agent-')) return null;
  return base;
}

/** The encoded project folder (`-home-dev-app`) a file sits in: the first path segment below `projectsDir`. */
export function encodedProjectDirOf(projectsDir: string, filePath: string): string {
  const rel = path.relative(projectsDir, filePath);
  const first = rel.split(/[\\/]+/)[0];
  // A file directly in projects/ (or outside it) has no project folder.
  return first === '' || first === '..' || first === rel ? '' : first;
}
