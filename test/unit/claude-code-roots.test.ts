import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverRoots } from '../../src/core/sources/claude-code';
import type { Logger } from '../../src/core/types';

let tmp: string;
let home: string;

function makeProjects(dir: string): string {
  const projects = path.join(dir, 'projects');
  fs.mkdirSync(projects, { recursive: true });
  return projects;
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    debug: (m) => lines.push(`debug ${m}`),
  };
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-roots-'));
  home = path.join(tmp, 'home');
  fs.mkdirSync(home);
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('defaults: ~/.claude and ~/.config/claude, each only when it has projects/', () => {
  const dotClaude = makeProjects(path.join(home, '.claude'));
  assert.deepEqual(discoverRoots({ env: {}, homeDir: home }), [dotClaude]);
  const xdg = makeProjects(path.join(home, '.config', 'claude'));
  assert.deepEqual(discoverRoots({ env: {}, homeDir: home }), [dotClaude, xdg]);
});

test('defaults honour XDG_CONFIG_HOME, and an empty CLAUDE_CONFIG_DIR counts as unset', () => {
  const xdgHome = path.join(tmp, 'xdg');
  const xdg = makeProjects(path.join(xdgHome, 'claude'));
  const dotClaude = path.join(home, '.claude', 'projects');
  assert.deepEqual(discoverRoots({ env: { XDG_CONFIG_HOME: xdgHome, CLAUDE_CONFIG_DIR: ' , ' }, homeDir: home }), [dotClaude, xdg]);
});

test('CLAUDE_CONFIG_DIR: comma list, trimming, ~ expansion, /projects suffix, missing folders logged and skipped', () => {
  const work = makeProjects(path.join(tmp, 'work-claude'));
  const tilde = makeProjects(path.join(home, 'alt-claude'));
  const log = recordingLogger();
  const env = {
    CLAUDE_CONFIG_DIR: ` ${path.join(tmp, 'work-claude')} ,~/alt-claude,${path.join(tmp, 'nowhere')},${work}`,
  };
  assert.deepEqual(discoverRoots({ env, homeDir: home, log }), [work, tilde]);
  assert.equal(log.lines.filter((l) => l.startsWith('warn')).length, 1);
  assert.match(log.lines[0], /nowhere/);
});

test('CLAUDE_CONFIG_DIR replaces the defaults; all entries invalid → no roots and a warning', () => {
  const log = recordingLogger();
  assert.deepEqual(discoverRoots({ env: { CLAUDE_CONFIG_DIR: path.join(tmp, 'nowhere') }, homeDir: home, log }), []);
  assert.ok(log.lines.some((l) => l.startsWith('warn') && l.includes('No Claude Code projects/ folder')));
});

test('"~" alone is the home folder', () => {
  const homeProjects = makeProjects(home);
  assert.deepEqual(discoverRoots({ env: { CLAUDE_CONFIG_DIR: '~' }, homeDir: home }), [homeProjects]);
  fs.rmSync(homeProjects, { recursive: true });
});

test('explicit paths replace env and defaults; an empty explicit list does not', () => {
  const explicitRoot = makeProjects(path.join(tmp, 'explicit'));
  const env = { CLAUDE_CONFIG_DIR: path.join(tmp, 'work-claude') };
  assert.deepEqual(discoverRoots({ env, homeDir: home, explicit: [path.join(tmp, 'explicit')] }), [explicitRoot]);
  assert.deepEqual(discoverRoots({ env, homeDir: home, explicit: [] }), [path.join(tmp, 'work-claude', 'projects')]);
  assert.deepEqual(discoverRoots({ env, homeDir: home, explicit: ['  '] }), [path.join(tmp, 'work-claude', 'projects')]);
});

test('entries that resolve to the same folder (symlink, relative spelling) are listed once', () => {
  const real = makeProjects(path.join(tmp, 'real-claude'));
  const link = path.join(tmp, 'link-claude');
  fs.symlinkSync(path.join(tmp, 'real-claude'), link);
  const roots = discoverRoots({
    env: {},
    homeDir: home,
    explicit: [path.join(tmp, 'real-claude'), link, path.join(link, 'projects'), path.join(tmp, 'real-claude', '..', 'real-claude')],
  });
  assert.deepEqual(roots, [real]);
});

test('a file named projects is not a projects folder', () => {
  const dir = path.join(tmp, 'file-projects');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'projects'), 'not a folder');
  const log = recordingLogger();
  assert.deepEqual(discoverRoots({ env: {}, homeDir: home, explicit: [dir], log }), []);
  assert.equal(log.lines.length, 1);
});
