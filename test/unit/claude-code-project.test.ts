import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalProject, clearProjectCache } from '../../src/core/sources/claude-code';

let tmp: string;
let repo: string;

function mkdir(p: string): string {
  fs.mkdirSync(p, { recursive: true });
  return p;
}
function gitFile(dir: string, gitdir: string): void {
  mkdir(dir);
  fs.writeFileSync(path.join(dir, '.git'), `gitdir: ${gitdir}\n`);
}

before(() => {
  // realpath: macOS-style /tmp symlinks would otherwise make expected paths differ.
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cc-project-')));
  repo = path.join(tmp, 'my-repo');
  mkdir(path.join(repo, '.git', 'worktrees', 'feature-x'));
  mkdir(path.join(repo, 'packages', 'api', 'src'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => clearProjectCache());

test('a cwd inside a repository maps to the repository root', () => {
  assert.deepEqual(canonicalProject(repo, 'ignored'), { name: 'my-repo', path: repo });
  assert.deepEqual(canonicalProject(path.join(repo, 'packages', 'api', 'src'), 'ignored'), { name: 'my-repo', path: repo });
  assert.deepEqual(canonicalProject(`${repo}/`, 'ignored'), { name: 'my-repo', path: repo });
});

test('a linked worktree (.git file with gitdir …/.git/worktrees/x) collapses onto its repository', () => {
  const absolute = path.join(tmp, 'elsewhere', 'feature-x');
  gitFile(absolute, path.join(repo, '.git', 'worktrees', 'feature-x'));
  assert.deepEqual(canonicalProject(absolute, 'x'), { name: 'my-repo', path: repo });
  // Claude Code's own worktrees, with a relative gitdir, seen from a subfolder.
  const claudeWorktree = path.join(repo, '.claude', 'worktrees', 'fix-1');
  gitFile(claudeWorktree, '../../../.git/worktrees/fix-1');
  mkdir(path.join(claudeWorktree, 'src'));
  assert.deepEqual(canonicalProject(path.join(claudeWorktree, 'src'), 'x'), { name: 'my-repo', path: repo });
});

test('a worktree of a bare repository maps to the bare repository, named without .git', () => {
  const bare = path.join(tmp, 'tool.git');
  mkdir(path.join(bare, 'worktrees', 'main'));
  const wt = path.join(tmp, 'tool-worktrees', 'main');
  gitFile(wt, path.join(bare, 'worktrees', 'main'));
  assert.deepEqual(canonicalProject(wt, 'x'), { name: 'tool', path: bare });
});

test('a submodule (gitdir into .git/modules) stays its own project', () => {
  const sub = path.join(repo, 'vendor', 'lib');
  gitFile(sub, '../../.git/modules/lib');
  assert.deepEqual(canonicalProject(sub, 'x'), { name: 'lib', path: sub });
});

test('an existing folder outside any repository is its own project', (t) => {
  const plain = mkdir(path.join(tmp, 'plain', 'scratch'));
  // Guard against a machine whose temp folder itself sits in a repository.
  let dir = plain;
  while (path.dirname(dir) !== dir) {
    if (fs.existsSync(path.join(dir, '.git'))) return t.skip(`temp folder is inside a repository (${dir})`);
    dir = path.dirname(dir);
  }
  assert.deepEqual(canonicalProject(plain, 'x'), { name: 'scratch', path: plain });
});

test('results are cached per cwd until the cache is cleared', () => {
  const project = path.join(tmp, 'cached', 'app');
  mkdir(path.join(project, '.git'));
  const sub = mkdir(path.join(project, 'lib'));
  assert.equal(canonicalProject(sub, 'x').name, 'app');
  fs.rmSync(path.join(project, '.git'), { recursive: true });
  assert.equal(canonicalProject(sub, 'x').name, 'app', 'cached');
  clearProjectCache();
  assert.notEqual(canonicalProject(sub, 'x').name, 'app');
});

test('cwd not on this disk: worktree path heuristics', () => {
  const cases: Array<[string, string, string]> = [
    ['/home/u/proj/.claude/worktrees/feat-1/src', 'proj', '/home/u/proj'],
    ['/home/u/proj/.worktrees/feat', 'proj', '/home/u/proj'],
    ['/srv/code/proj/worktrees/feat', 'proj', '/srv/code/proj'],
    // A worktrees collection directly in a home folder is not a repository.
    ['/home/u/worktrees/feat', 'feat', '/home/u/worktrees/feat'],
    ['/Users/me/nothing/here/', 'here', '/Users/me/nothing/here'],
    ['/', '/', '/'],
  ];
  for (const [cwd, name, root] of cases) {
    if (cwd !== '/') assert.equal(fs.existsSync(cwd), false, `${cwd} must not exist for this case`);
    assert.deepEqual(canonicalProject(cwd, 'x'), { name, path: root }, cwd);
  }
});

test('Windows cwds are handled with Windows separators', () => {
  assert.deepEqual(canonicalProject('c:\\Users\\YG\\Desktop\\Claude\\Claudecodeagent1\\project.md', 'c--Users-YG'), {
    name: 'project.md',
    path: 'c:\\Users\\YG\\Desktop\\Claude\\Claudecodeagent1\\project.md',
  });
  assert.deepEqual(canonicalProject('C:\\src\\app\\.claude\\worktrees\\wt1\\lib', 'x'), { name: 'app', path: 'C:\\src\\app' });
  assert.deepEqual(canonicalProject('D:/work/svc/.worktrees/hotfix', 'x'), { name: 'svc', path: 'D:\\work\\svc' });
  assert.deepEqual(canonicalProject('C:\\Users\\me\\worktrees\\feat', 'x'), { name: 'feat', path: 'C:\\Users\\me\\worktrees\\feat' });
  assert.deepEqual(canonicalProject('C:\\', 'x'), { name: 'C:\\', path: 'C:\\' });
});

test('no cwd: a best-effort readable name from the encoded folder', () => {
  const cases: Array<[string, string]> = [
    ['-home-dev-my-app', 'my-app'],
    ['-Users-me-projects-my-app', 'my-app'],
    ['-home-dev-my-app--claude-worktrees-feat', 'my-app'],
    ['-home-dev-svc--worktrees-hotfix', 'svc'],
    ['c--Users-YG-Desktop-Claude-Claudecodeagent1', 'Claude-Claudecodeagent1'],
    ['-root-work-api', 'api'],
    ['-mnt-c-Users-me-code-tool', 'tool'],
    ['-opt-service', 'opt-service'],
  ];
  for (const [encoded, name] of cases) {
    assert.deepEqual(canonicalProject(null, encoded), { name, path: encoded }, encoded);
    assert.deepEqual(canonicalProject('  ', encoded), { name, path: encoded }, `${encoded} with blank cwd`);
  }
});
