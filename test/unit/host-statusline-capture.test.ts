// Statusline capture install/remove on a temp HOME: settings.json edits are careful (backup, atomic,
// other keys kept), the script saves the JSON and chains to the previous command with its output
// unchanged, and removal restores the previous statusLine exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  captureFilePath,
  claudeSettingsPath,
  installStatuslineCapture,
  isCaptureInstalled,
  removeStatuslineCapture,
  shQuote,
} from '../../src/host/statuslineCapture';
import { parseStatuslineJson } from '../../src/core/limits/readings';

function tempHome(): { home: string; settingsPath: string; captureDir: string } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-capture-'));
  const settingsPath = claudeSettingsPath({}, home);
  const captureDir = path.join(home, 'globalStorage', 'claude costs'); // a space, to exercise quoting
  return { home, settingsPath, captureDir };
}

/** Runs the installed statusLine command the way Claude Code does: through the shell, JSON on stdin. */
function runStatusLine(settingsPath: string, input: string): string {
  const cmd = JSON.parse(fs.readFileSync(settingsPath, 'utf8')).statusLine.command as string;
  return execFileSync('sh', ['-c', cmd], { input, encoding: 'utf8' });
}

const INPUT = JSON.stringify({ session_id: 's1', version: '2.1.90', rate_limits: { five_hour: { used_percentage: 42, resets_at: 1795428000 } } });

test('claudeSettingsPath honours CLAUDE_CONFIG_DIR', () => {
  assert.equal(claudeSettingsPath({ CLAUDE_CONFIG_DIR: '/x/cfg' }, '/home/u'), '/x/cfg/settings.json');
  assert.equal(claudeSettingsPath({}, '/home/u'), '/home/u/.claude/settings.json');
});

test('shQuote survives quotes', () => {
  assert.equal(execFileSync('sh', ['-c', `printf '%s' ${shQuote("it's a \"test\" $HOME")}`], { encoding: 'utf8' }), 'it\'s a "test" $HOME');
});

test('install chains to an existing statusLine: output unchanged, JSON captured; remove restores the file byte for byte', () => {
  const { settingsPath, captureDir } = tempHome();
  fs.mkdirSync(path.dirname(settingsPath), { recursive: true });
  // The previous command reads stdin and prints its length with a prefix (proves stdin is passed on).
  const prevCmd = "wc -c | tr -d ' ' | sed 's/^/prev:/'";
  // Hand-formatted (4-space indent, inline object): a verbatim restore must keep exactly these bytes.
  const originalWithPrev = `{\n    "model": "opus",\n    "statusLine": {"type": "command", "command": ${JSON.stringify(prevCmd)}, "padding": 1}\n}\n`;
  fs.writeFileSync(settingsPath, originalWithPrev);
  const before = execFileSync('sh', ['-c', prevCmd], { input: INPUT, encoding: 'utf8' });

  const r = installStatuslineCapture({ settingsPath, captureDir }, Date.parse('2026-11-22T10:00:00Z'));
  assert.equal(r.kind, 'installed');
  assert.ok(r.kind === 'installed' && r.backupPath && fs.readFileSync(r.backupPath, 'utf8') === originalWithPrev, 'backup holds the original');
  assert.equal(r.kind === 'installed' && r.chainedTo, prevCmd);
  const installed = JSON.parse(fs.readFileSync(settingsPath, 'utf8'));
  assert.equal(installed.model, 'opus', 'other keys kept');
  assert.equal(installed.statusLine.padding, 1, 'other statusLine fields kept');
  assert.equal(installed.statusLine.type, 'command');
  assert.ok(isCaptureInstalled({ settingsPath, captureDir }));
  assert.equal(installStatuslineCapture({ settingsPath, captureDir }).kind, 'already_installed');

  const out = runStatusLine(settingsPath, INPUT);
  assert.equal(out, before, 'the chained command prints exactly what it printed before');
  const captured = fs.readFileSync(captureFilePath(captureDir), 'utf8');
  assert.equal(captured, INPUT);
  assert.equal(parseStatuslineJson(captured, Date.parse('2026-11-22T12:00:00Z'))?.fiveHour?.usedPct, 42);
  assert.deepEqual(fs.readdirSync(captureDir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left behind');

  const removed = removeStatuslineCapture({ settingsPath, captureDir });
  assert.deepEqual(removed, { kind: 'removed', restored: 'verbatim' });
  assert.equal(fs.readFileSync(settingsPath, 'utf8'), originalWithPrev);
  assert.ok(!isCaptureInstalled({ settingsPath, captureDir }));
  assert.ok(!fs.existsSync(captureFilePath(captureDir)));
  assert.equal(removeStatuslineCapture({ settingsPath, captureDir }).kind, 'not_installed');
});

test('settings edited after install: remove restores only statusLine and keeps the new keys', () => {
  const { settingsPath, captureDir } = tempHome();
  fs.mkdirSync(path.dirname(settingsPath), { recursive: true });
  const prev = { type: 'command', command: 'echo hi', refreshInterval: 5 };
  fs.writeFileSync(settingsPath, JSON.stringify({ statusLine: prev, env: { A: '1' } }, null, 2));
  installStatuslineCapture({ settingsPath, captureDir });
  const doc = JSON.parse(fs.readFileSync(settingsPath, 'utf8'));
  doc.permissions = { allow: ['Bash(ls)'] };
  fs.writeFileSync(settingsPath, JSON.stringify(doc, null, 2));
  assert.equal(runStatusLine(settingsPath, INPUT), 'hi\n');
  assert.deepEqual(removeStatuslineCapture({ settingsPath, captureDir }), { kind: 'removed', restored: 'previous_statusline' });
  assert.deepEqual(JSON.parse(fs.readFileSync(settingsPath, 'utf8')), { statusLine: prev, env: { A: '1' }, permissions: { allow: ['Bash(ls)'] } });
});

test('no previous statusLine: the script prints nothing; remove deletes the key (or the file it created)', () => {
  const { settingsPath, captureDir } = tempHome();
  // No settings.json at all.
  const r = installStatuslineCapture({ settingsPath, captureDir });
  assert.deepEqual(r, { kind: 'installed', backupPath: null, chainedTo: null });
  assert.equal(runStatusLine(settingsPath, INPUT), '');
  assert.equal(fs.readFileSync(captureFilePath(captureDir), 'utf8'), INPUT);
  assert.deepEqual(removeStatuslineCapture({ settingsPath, captureDir }), { kind: 'removed', restored: 'verbatim' });
  assert.ok(!fs.existsSync(settingsPath), 'the file install created is gone again');

  // Existing settings without statusLine, edited after install.
  fs.writeFileSync(settingsPath, '{"model":"sonnet"}');
  installStatuslineCapture({ settingsPath, captureDir });
  const doc = JSON.parse(fs.readFileSync(settingsPath, 'utf8'));
  doc.theme = 'dark';
  fs.writeFileSync(settingsPath, JSON.stringify(doc));
  assert.deepEqual(removeStatuslineCapture({ settingsPath, captureDir }), { kind: 'removed', restored: 'key_removed' });
  assert.deepEqual(JSON.parse(fs.readFileSync(settingsPath, 'utf8')), { model: 'sonnet', theme: 'dark' });
});

test('the user replaced our statusLine: remove leaves it alone and says so', () => {
  const { settingsPath, captureDir } = tempHome();
  installStatuslineCapture({ settingsPath, captureDir });
  fs.writeFileSync(settingsPath, JSON.stringify({ statusLine: { type: 'command', command: 'mine' } }));
  const r = removeStatuslineCapture({ settingsPath, captureDir });
  assert.equal(r.kind, 'changed_by_user');
  assert.deepEqual(JSON.parse(fs.readFileSync(settingsPath, 'utf8')), { statusLine: { type: 'command', command: 'mine' } });
});

test('invalid settings.json is never touched', () => {
  const { settingsPath, captureDir } = tempHome();
  fs.mkdirSync(path.dirname(settingsPath), { recursive: true });
  fs.writeFileSync(settingsPath, '{ "model": "opus", // comment\n}');
  assert.throws(() => installStatuslineCapture({ settingsPath, captureDir }), /is not valid JSON .*left untouched/);
  assert.equal(fs.readFileSync(settingsPath, 'utf8'), '{ "model": "opus", // comment\n}');
});

test('if our script disappears (extension uninstalled), the status line still runs the previous command', () => {
  const { settingsPath, captureDir } = tempHome();
  fs.mkdirSync(path.dirname(settingsPath), { recursive: true });
  const prev = "printf 'model: '; cat | wc -c | tr -d ' '";
  fs.writeFileSync(settingsPath, JSON.stringify({ statusLine: { type: 'command', command: prev } }));
  const before = execFileSync('sh', ['-c', prev], { input: INPUT, encoding: 'utf8' });
  installStatuslineCapture({ settingsPath, captureDir });
  assert.equal(runStatusLine(settingsPath, INPUT), before);
  fs.rmSync(captureDir, { recursive: true, force: true });
  assert.equal(runStatusLine(settingsPath, INPUT), before, 'same output without our script');
  // Without a previous command: an empty status line, and no error.
  const other = tempHome();
  installStatuslineCapture({ settingsPath: other.settingsPath, captureDir: other.captureDir });
  fs.rmSync(other.captureDir, { recursive: true, force: true });
  assert.equal(runStatusLine(other.settingsPath, INPUT), '');
});
