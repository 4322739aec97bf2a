// `claude-costs watch --json` from outside, as a user's terminal runs it: ten responses appended 0.3 s apart
// each appear within a second; the DB file is rewritten at most twice meanwhile; after kill -9 of watch a
// new `query` counts all ten (the transcripts are the journal); SIGTERM saves and exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { assistantLine, tempConfigRoot, writeLines, SESSION_A } from './helpers/lines';

const REPO = path.join(__dirname, '..', '..');
const NOW = '2026-11-20T12:00:00.000Z';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seen { at: number; line: { history_complete: boolean; scan: { new_requests: number }; status: unknown } }

function startWatch(root: string, dbPath: string): { child: ChildProcess; lines: Seen[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src', 'cli.ts'), 'watch', '--config-dir', root, '--db', dbPath, '--json', '--now', NOW], {
    cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Seen[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push({ at: performance.now(), line: JSON.parse(buf.slice(0, nl)) });
      buf = buf.slice(nl + 1);
    }
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, lines, exited };
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

const line = (i: number) => assistantLine({ messageId: `msg_01WATCH${String(i).padStart(17, '0')}`, output: 10 + i, timestamp: '2026-11-20T11:30:00.000Z' });

async function queryRequests(root: string, dbPath: string): Promise<number> {
  let out = '';
  const code = await main(['query', '--config-dir', root, '--db', dbPath, '--params', '{"window":"all"}', '--now', NOW], (s) => { out += s; });
  assert.equal(code, 0);
  return (JSON.parse(out) as { totals: { requests: number } }).totals.requests;
}

// The figure is "within 1 s"; the measured latencies are printed (test diagnostic), and the assert
// leaves slack for a loaded CI machine: timing is the bench's to judge, not a pass/fail gate.
const APPEND_SHOWN_BOUND_MS = 3000;

test('watch --json: ten appends 0.3 s apart each appear (≈ within 1 s); ≤ 2 DB rewrites; kill -9 loses nothing', { timeout: 120_000 }, async (t) => {
  const { root, projectDir, cleanup } = tempConfigRoot();
  const file = path.join(projectDir, `${SESSION_A}.jsonl`);
  const dbPath = path.join(root, 'usage.sqlite');
  writeLines(file, [line(0)]);
  const w = startWatch(root, dbPath);
  try {
    await waitFor(() => w.lines.length >= 1, 60_000);
    // One file, read before the window could settle: the first line is the one after the history is read.
    assert.equal(w.lines[0].line.history_complete, true, 'one line at start');
    assert.equal(w.lines[0].line.scan.new_requests, 1);
    assert.ok(typeof w.lines[0].line.status === 'object');
    await sleep(500); // the watchers are set up after the history line
    const stamps = new Set<string>();
    const stamp = () => { try { const st = fs.statSync(dbPath); stamps.add(`${st.ino}:${st.mtimeMs}`); } catch { /* not written yet */ } };
    stamp();
    const before = stamps.size;
    const appendedAt: number[] = [];
    for (let i = 1; i <= 10; i++) {
      fs.appendFileSync(file, `${line(i)}\n`);
      appendedAt.push(performance.now());
      for (let k = 0; k < 6; k++) { stamp(); await sleep(50); }
    }
    await waitFor(() => w.lines.reduce((n, l) => n + l.line.scan.new_requests, 0) >= 11, 15_000);
    const latencies: number[] = [];
    for (let i = 1; i <= 10; i++) {
      let total = 0;
      const shown = w.lines.find((l) => (total += l.line.scan.new_requests) >= i + 1);
      assert.ok(shown, `response ${i} shown`);
      latencies.push(shown.at - appendedAt[i - 1]);
    }
    t.diagnostic(`append → watch line: ${latencies.map((ms) => ms.toFixed(0)).join(', ')} ms (max ${Math.max(...latencies).toFixed(0)})`);
    for (const [i, ms] of latencies.entries()) assert.ok(ms <= APPEND_SHOWN_BOUND_MS, `response ${i + 1} shown after ${ms.toFixed(0)} ms`);
    stamp();
    assert.ok(stamps.size - before <= 2, `the DB file was rewritten ${stamps.size - before} times`);
    w.child.kill('SIGKILL');
    await w.exited;
    assert.equal(await queryRequests(root, dbPath), 11, 'a new query counts all of them after kill -9');
  } finally {
    w.child.kill('SIGKILL');
    cleanup();
  }
});

test('watch: SIGTERM saves and exits 0', { timeout: 120_000 }, async () => {
  const { root, projectDir, cleanup } = tempConfigRoot();
  const dbPath = path.join(root, 'usage.sqlite');
  writeLines(path.join(projectDir, `${SESSION_A}.jsonl`), [line(0), line(1)]);
  const w = startWatch(root, dbPath);
  try {
    await waitFor(() => w.lines.length >= 1, 60_000);
    w.child.kill('SIGTERM');
    assert.equal(await w.exited, 0);
    assert.ok(fs.statSync(dbPath).size > 0, 'saved at exit');
    let out = '';
    assert.equal(await main(['query', '--no-scan', '--db', dbPath, '--config-dir', root, '--params', '{"window":"all"}', '--now', NOW], (s) => { out += s; }), 0);
    assert.equal(JSON.parse(out).totals.requests, 2, 'the saved DB holds the history without a scan');
  } finally {
    w.child.kill('SIGKILL');
    cleanup();
  }
});
