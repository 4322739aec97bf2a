// The readable, canonical project of a session: the git repository its cwd belongs to, with worktrees
// collapsed onto the repository they were made from. The projects/<encoded> folder name is lossy
// (every non-alphanumeric character became "-", transcripts reference §2), so cwd is preferred.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface CanonicalProject {
  /** Display name: the basename of the repository root (or of the cwd outside any repository). */
  name: string;
  /** The repository root / cwd; for a session without cwd, the encoded folder name (it cannot be decoded). */
  path: string;
}

const cache = new Map<string, CanonicalProject>();

/** Forget cached answers (tests, or after the user moved repositories around). */
export function clearProjectCache(): void {
  cache.clear();
}

export function canonicalProject(cwd: string | null, encodedDirName: string): CanonicalProject {
  const trimmed = cwd?.trim() ?? '';
  const key = trimmed !== '' ? `cwd:${trimmed}` : `dir:${encodedDirName}`;
  let result = cache.get(key);
  if (!result) {
    result = trimmed !== '' ? projectFromCwd(trimmed) : projectFromEncodedDir(encodedDirName);
    cache.set(key, result);
  }
  return result;
}

function isWindowsPath(p: string): boolean {
  return /^[a-zA-Z]:([\\/]|$)/.test(p) || p.startsWith('\\\\');
}

function projectFromCwd(cwd: string): CanonicalProject {
  const windows = isWindowsPath(cwd);
  const p = windows ? path.win32 : path.posix;
  const normalized = stripTrailingSeparators(p.normalize(cwd), p);
  // Only look at the disk when the path is in this machine's style (a Windows cwd read on Linux cannot exist).
  const sameStyle = windows === (process.platform === 'win32');
  if (sameStyle && exists(normalized)) {
    const root = findRepoRoot(normalized);
    if (root !== null) return { name: repoName(root, p), path: root };
  }
  const root = worktreeParentByPath(normalized, p) ?? normalized;
  return { name: repoName(root, p), path: root };
}

/**
 * Walk up from `start` to the first folder with a `.git`. A `.git` folder marks a repository root. A `.git`
 * file ("gitdir: <repo>/.git/worktrees/<name>") marks a linked worktree, which belongs to <repo>; any other
 * gitdir (a submodule's "../.git/modules/x") keeps the folder as its own repository.
 */
function findRepoRoot(start: string): string | null {
  const homeDir = path.resolve(os.homedir());
  let dir = start;
  for (;;) {
    const dotGit = path.join(dir, '.git');
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(dotGit);
    } catch {
      st = undefined;
    }
    // A home folder under version control (a dotfiles repository) is not the project of every folder in it.
    const isForeignHome = dir !== start && dir === homeDir;
    if (st?.isDirectory() && !isForeignHome) return dir;
    if (st?.isFile() && !isForeignHome) return worktreeMainRepo(dotGit, dir) ?? dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function worktreeMainRepo(dotGitFile: string, worktreeDir: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(dotGitFile, 'utf8');
  } catch {
    return null;
  }
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!m) return null;
  const gitdir = path.resolve(worktreeDir, m[1]);
  const parts = gitdir.split(/[\\/]+/);
  const i = parts.lastIndexOf('worktrees');
  if (i < 1 || i !== parts.length - 2) return null;
  const commonDir = parts.slice(0, i).join(path.sep) || path.sep;
  // Normal repository: <repo>/.git/worktrees/x → <repo>. Bare repository: <repo>.git/worktrees/x → <repo>.git.
  return path.basename(commonDir) === '.git' ? path.dirname(commonDir) : commonDir;
}

// Folder names under which tools put linked worktrees of the repository above them.
const WORKTREE_MARKERS: string[][] = [['.claude', 'worktrees'], ['.worktrees'], ['worktrees']];

/**
 * For a cwd that is not on this disk: `<repo>/.claude/worktrees/<x>/…`, `<repo>/.worktrees/<x>/…` and
 * `<repo>/worktrees/<x>/…` belong to <repo>. A bare `worktrees` folder directly in a home folder or at the
 * top of a drive is a collection of checkouts, not part of one repository, so it is left alone.
 */
function worktreeParentByPath(cwd: string, p: path.PlatformPath): string | null {
  const { root } = p.parse(cwd);
  const segments = cwd.slice(root.length).split(p.sep).filter((s) => s !== '');
  for (const marker of WORKTREE_MARKERS) {
    for (let i = segments.length - marker.length - 1; i >= 1; i--) {
      if (!marker.every((m, j) => segments[i + j] === m)) continue;
      const parentSegments = segments.slice(0, i);
      if (looksLikeHomeOrTop(parentSegments)) continue;
      return root + parentSegments.join(p.sep);
    }
  }
  return null;
}

function looksLikeHomeOrTop(segments: string[]): boolean {
  if (segments.length <= 1) return true;
  return segments.length === 2 && /^(home|Users|users)$/.test(segments[0]);
}

function repoName(root: string, p: path.PlatformPath): string {
  const base = p.basename(root);
  if (base === '') return root; // "/" or "C:\"
  return base.endsWith('.git') && base.length > 4 ? base.slice(0, -4) : base;
}

function stripTrailingSeparators(s: string, p: path.PlatformPath): string {
  const { root } = p.parse(s);
  let out = s;
  while (out.length > root.length && (out.endsWith('/') || out.endsWith(p.sep))) out = out.slice(0, -1);
  return out;
}

function exists(p: string): boolean {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}

// Leading folders that hold projects rather than being one, dropped when guessing from the folder name.
const CONTAINER_SEGMENTS = new Set([
  'home', 'users', 'root', 'mnt', 'src', 'code', 'dev', 'repos', 'repo', 'projects', 'project', 'work',
  'workspace', 'workspaces', 'git', 'github', 'documents', 'desktop', 'sites', 'source', 'tmp', 'private', 'var',
]);

/**
 * Best-effort name from an encoded folder such as `-home-dev-my-app`, used only when no line has a cwd.
 * The encoding turned every "/", ".", "_" and space into "-", so segment boundaries are guesses:
 *  1. cut worktree suffixes (`--claude-worktrees-x` is `/.claude/worktrees/x`, `--worktrees-x` is `/.worktrees/x`);
 *  2. drop a Windows drive (`C--`), then `home|Users`/`<user>` and well-known container folders from the front;
 *  3. the rest, dashes included, is the name (`-home-dev-my-app` → `my-app`), since project names often
 *     contain dashes and the user folder is usually the only one in front.
 */
function projectFromEncodedDir(encoded: string): CanonicalProject {
  let rest = encoded.replace(/--claude-worktrees-.*$/, '').replace(/--worktrees-.*$/, '');
  rest = rest.replace(/^[a-zA-Z]--/, '-');
  const segments = rest.split('-').filter((s) => s !== '');
  let start = 0;
  if (segments.length > 2 && /^(home|Users|users)$/.test(segments[0])) start = 2; // home/<user>
  else if (segments.length > 1 && segments[0] === 'root') start = 1;
  else if (segments.length > 4 && segments[0] === 'mnt' && /^[a-z]$/.test(segments[1]) && segments[2] === 'Users') start = 4; // WSL
  while (start < segments.length - 1 && CONTAINER_SEGMENTS.has(segments[start].toLowerCase())) start++;
  const name = segments.slice(start).join('-');
  return { name: name !== '' ? name : encoded, path: encoded };
}
