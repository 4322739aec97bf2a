import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
// The module object itself (not the namespace copy): patching it reaches the code under test.
import fsModule from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodedProjectDirOf, listTranscriptFiles, sessionIdFromPath } from '../../src/core/sources/claude-code';
import type { Logger } from '../../src/core/types';

let tmp: string;
let projects: string;
let outside: string;

function write(file: string, text = '{"type":"user"}\n'): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function relative(files: { path: string }[]): string[] {
  return files.map((f) => path.relative(projects, f.path).split(path.sep).join('/'));
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-walk-'));
  projects = path.join(tmp, 'projects');
  outside = path.join(tmp, 'outside');
  const app = path.join(projects, '-home-dev-app');
  // Layout 1: main session file (inline sidechains live inside it).
  write(path.join(app, '11111111-1111-4111-8111-111111111111.jsonl'), '{"type":"user"}\n{"type":"assistant"}\n');
  // Layout 2: flat 2.0.x subagent file.
  write(path.join(app, 'agent-ad24572.jsonl'));
  // Layout 3: 2.1.x subagents folder, with a sidecar and a workflow subfolder.
  const sid = '22222222-2222-4222-8222-222222222222';
  write(path.join(app, `${sid}.jsonl`));
  write(path.join(app, sid, 'subagents', 'agent-a057d00ca8257cc88.jsonl'));
  write(path.join(app, sid, 'subagents', 'agent-a057d00ca8257cc88.meta.json'), '{"agentType":"Explore"}');
  write(path.join(app, sid, 'subagents', 'workflow-1', 'agent-a1234567.jsonl'));
  // Not transcripts.
  write(path.join(app, 'sessions-index.json'), '{"entries":[]}');
  write(path.join(app, 'notes.txt'), 'hello');
  write(path.join(app, 'old.jsonl.bak'), '{}');
  write(path.join(projects, '-home-dev-other', '33333333-3333-4333-8333-333333333333.jsonl'));
  // Symlinks: a loop back to the top, a folder and a file outside the tree, a dangling link.
  fs.symlinkSync(projects, path.join(projects, '-home-dev-other', 'loop'));
  fs.symlinkSync(path.join(app, sid), path.join(app, 'same-session-again'));
  write(path.join(outside, 'linked-project', 'abc.jsonl'));
  write(path.join(outside, 'single.jsonl'));
  fs.symlinkSync(path.join(outside, 'linked-project'), path.join(projects, '-linked'));
  fs.symlinkSync(path.join(outside, 'single.jsonl'), path.join(projects, '-home-dev-other', 'linked-file.jsonl'));
  fs.symlinkSync(path.join(tmp, 'does-not-exist.jsonl'), path.join(projects, '-home-dev-other', 'dangling.jsonl'));
  // A link to a transcript that is also in the tree: listed once, under its real path.
  fs.symlinkSync(path.join(app, '11111111-1111-4111-8111-111111111111.jsonl'), path.join(projects, '-home-dev-other', 'a-dup.jsonl'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const EXPECTED = [
  '-home-dev-app/11111111-1111-4111-8111-111111111111.jsonl',
  '-home-dev-app/22222222-2222-4222-8222-222222222222.jsonl',
  '-home-dev-app/22222222-2222-4222-8222-222222222222/subagents/agent-a057d00ca8257cc88.jsonl',
  '-home-dev-app/22222222-2222-4222-8222-222222222222/subagents/workflow-1/agent-a1234567.jsonl',
  '-home-dev-app/agent-ad24572.jsonl',
  '-home-dev-other/33333333-3333-4333-8333-333333333333.jsonl',
  '-home-dev-other/linked-file.jsonl',
  '-linked/abc.jsonl',
];

test('lists every layout, follows symlinks once, skips sidecars, loops and dangling links', async () => {
  const log = recordingLogger();
  const { files, errors } = await listTranscriptFiles(projects, log);
  assert.deepEqual(relative(files), EXPECTED);
  assert.deepEqual(errors, []);
  assert.deepEqual(log.warnings, [], 'a dangling link is not worth a warning');
  const main = files[0];
  const st = fs.statSync(main.path);
  assert.deepEqual(main, { path: main.path, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino });
  assert.equal(main.size, '{"type":"user"}\n{"type":"assistant"}\n'.length);
});

test('two walks of the same tree list the same files in the same order', async () => {
  const [a, b] = await Promise.all([listTranscriptFiles(projects), listTranscriptFiles(projects)]);
  assert.deepEqual(relative(a.files), EXPECTED);
  assert.deepEqual(a.files, b.files);
});

test('a missing projects folder is an error, not a crash', async () => {
  const log = recordingLogger();
  const { files, errors } = await listTranscriptFiles(path.join(tmp, 'nope'), log);
  assert.deepEqual(files, []);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /nope: ENOENT/);
  assert.equal(log.warnings.length, 1);
});

test('a symlink pointing at itself is recorded as an error and the rest is still listed', async () => {
  const self = path.join(projects, '-home-dev-other', 'self.jsonl');
  fs.symlinkSync(self, self);
  try {
    const { files, errors } = await listTranscriptFiles(projects);
    assert.deepEqual(relative(files), EXPECTED);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /self\.jsonl: ELOOP/);
  } finally {
    fs.unlinkSync(self);
  }
});

test('chmod 000 folder: skipped with an error for normal users; root can still read it', async () => {
  const locked = path.join(projects, '-locked');
  write(path.join(locked, 'hidden.jsonl'));
  fs.chmodSync(locked, 0o000);
  try {
    const { files, errors } = await listTranscriptFiles(projects);
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (isRoot) {
      // Permission bits do not stop root: the folder is simply walked.
      assert.deepEqual(relative(files), [...EXPECTED, '-locked/hidden.jsonl'].sort());
      assert.deepEqual(errors, []);
    } else {
      assert.deepEqual(relative(files), EXPECTED);
      assert.equal(errors.length, 1);
      assert.match(errors[0], /-locked: EACCES/);
    }
  } finally {
    fs.chmodSync(locked, 0o755);
    fs.rmSync(locked, { recursive: true });
  }
});

test('an unreadable folder (EACCES from readdir, injected so it also holds as root) is skipped and recorded', async () => {
  const target = path.join(projects, '-home-dev-app', '22222222-2222-4222-8222-222222222222', 'subagents');
  const original = fsModule.readdirSync;
  (fsModule as any).readdirSync = (p: any, o: any) => {
    if (p === target) throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
    return (original as any)(p, o);
  };
  try {
    const log = recordingLogger();
    const { files, errors } = await listTranscriptFiles(projects, log);
    assert.deepEqual(
      relative(files),
      EXPECTED.filter((f) => !f.includes('/subagents/')),
    );
    assert.deepEqual(errors, [`${target}: EACCES`]);
    assert.equal(log.warnings.length, 1);
  } finally {
    (fsModule as any).readdirSync = original;
  }
});

test('a file deleted between readdir and stat is skipped silently', async () => {
  const victim = path.join(projects, '-home-dev-other', 'vanishing.jsonl');
  write(victim);
  const original = fsModule.statSync;
  let raced = false;
  (fsModule as any).statSync = (p: any, o: any) => {
    if (p === victim && fs.existsSync(victim)) {
      fs.unlinkSync(victim); // Claude Code's cleanup wins the race
      raced = true;
    }
    return (original as any)(p, o);
  };
  try {
    const log = recordingLogger();
    const { files, errors } = await listTranscriptFiles(projects, log);
    assert.deepEqual(relative(files), EXPECTED);
    assert.deepEqual(errors, []);
    assert.deepEqual(log.warnings, []);
    assert.equal(raced, true, 'the stat hook ran');
  } finally {
    (fsModule as any).statSync = original;
    fs.rmSync(victim, { force: true });
  }
});

test('session and project folder from a transcript path, in every layout', () => {
  const p = (...parts: string[]) => path.join(projects, ...parts);
  const sid = '22222222-2222-4222-8222-222222222222';
  assert.equal(sessionIdFromPath(p('-home-dev-app', `${sid}.jsonl`)), sid);
  assert.equal(sessionIdFromPath(p('-home-dev-app', sid, 'subagents', 'agent-a057d00ca8257cc88.jsonl')), sid);
  assert.equal(sessionIdFromPath(p('-home-dev-app', sid, 'subagents', 'workflow-1', 'agent-a1234567.jsonl')), sid);
  assert.equal(sessionIdFromPath(p('-home-dev-app', 'agent-ad24572.jsonl')), null);
  assert.equal(sessionIdFromPath('C:\\Users\\me\\.claude\\projects\\C--app\\abc.jsonl'), 'abc');
  assert.equal(encodedProjectDirOf(projects, p('-home-dev-app', sid, 'subagents', 'agent-a1.jsonl')), '-home-dev-app');
  assert.equal(encodedProjectDirOf(projects, p('-home-dev-app', `${sid}.jsonl`)), '-home-dev-app');
  assert.equal(encodedProjectDirOf(projects, p('stray.jsonl')), '');
  assert.equal(encodedProjectDirOf(projects, path.join(tmp, 'outside', 'x.jsonl')), '');
});

test('a projects folder given through a symlink lists the same files, under the given path', async () => {
  const alias = path.join(tmp, 'alias-projects');
  fs.symlinkSync(projects, alias);
  const { files, errors } = await listTranscriptFiles(alias);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    files.map((f) => path.relative(alias, f.path).split(path.sep).join('/')),
    EXPECTED,
  );
});
