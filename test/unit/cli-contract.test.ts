// The CLI's side of the query contract (issue 13 item 9): conflicting or duplicated params, params that
// are not an object, and an explicit --config-dir that does not exist are errors with exit code 2 and one
// line naming what was wrong; option parsing (node:util parseArgs) refuses unknown, misplaced and repeated
// options the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, parseArgs } from '../../src/cli';
import { assistantLine, tempConfigRoot, writeLines, SESSION_A } from './helpers/lines';

const NOW_ISO = '2026-06-10T12:00:00Z';
let root: ReturnType<typeof tempConfigRoot>;
let work: string;

before(() => {
  root = tempConfigRoot();
  writeLines(path.join(root.projectDir, `${SESSION_A}.jsonl`), [
    assistantLine({ messageId: 'msg_01CLICONTRACT00000000000001', input: 10, output: 100, timestamp: '2026-06-06T10:00:00.000Z' }),
  ]);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-cli-'));
});
after(() => {
  root.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

/** Runs the CLI in-process: exit code, stdout, stderr. */
export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const writeErr = process.stderr.write.bind(process.stderr);
  let err = '';
  let out = '';
  (process.stderr as { write: unknown }).write = (c: string | Uint8Array) => ((err += c.toString()), true);
  try {
    const code = await main(argv, (s) => (out += s));
    return { code, out, err };
  } finally {
    (process.stderr as { write: unknown }).write = writeErr;
  }
}

function common(): string[] {
  return ['--db', path.join(work, 'u.sqlite'), '--config-dir', root.root, '--now', NOW_ISO];
}

async function expectUsageError(argv: string[], ...mentions: string[]) {
  const r = await runCli(argv);
  assert.equal(r.code, 2, `${argv.join(' ')}\n${r.err}`);
  assert.equal(r.out, '');
  assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  assert.match(r.err, /^claude-costs: /);
  for (const m of mentions) assert.ok(r.err.includes(m), `"${m}" in ${r.err}`);
}

test('window together with start_date or end_date: an error naming both keys', async () => {
  await expectUsageError(['query', ...common(), '--params', '{"window":"all","start_date":"2026-06-01"}'], 'window', 'start_date');
  await expectUsageError(['query', ...common(), '--params', '{"window":{"start":"2026-06-01","end":"2026-06-02"},"end_date":"2026-06-05"}'], 'window', 'end_date');
});

test('a key given twice in --params: an error naming the key', async () => {
  await expectUsageError(['query', ...common(), '--params', '{"window":"all","group_by":"model","window":"today"}'], 'window', 'more than once');
  await expectUsageError(['query', ...common(), '--params', '{"window":{"start":"2026-06-01","start":"2026-06-02","end":"2026-06-03"}}'], 'start', 'window');
});

test('params that are not an object: null, an array, a string, a number', async () => {
  for (const params of ['null', '[]', '["all"]', '"all"', '3', 'true']) {
    await expectUsageError(['query', ...common(), '--params', params], 'params', 'must be an object');
  }
  await expectUsageError(['query', ...common(), '--params', '{"window":'], '--params', 'not valid JSON');
});

test('a valid query still answers, with the dates alone or the window alone', async () => {
  for (const params of ['{"window":"all"}', '{"start_date":"2026-06-01","end_date":"2026-06-10","tz":"UTC"}', '{"window":null,"start_date":"2026-06-06","tz":"UTC"}']) {
    const r = await runCli(['query', ...common(), '--params', params]);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).totals.requests, 1, params);
  }
});

test('an explicit --config-dir that does not exist: non-zero exit naming the folder (scan, query, status)', async () => {
  const missing = path.join(work, 'does', 'not', 'exist');
  for (const command of ['scan', 'query', 'status']) {
    await expectUsageError([command, '--db', path.join(work, 'm.sqlite'), '--config-dir', missing], missing, 'no such folder');
  }
  // One good folder does not excuse a bad one.
  await expectUsageError(['scan', '--db', path.join(work, 'm.sqlite'), '--config-dir', root.root, '--config-dir', missing], missing);
  // A folder without projects/ would read nothing: said so too.
  await expectUsageError(['scan', '--db', path.join(work, 'm.sqlite'), '--config-dir', work], work, 'projects/');
  assert.equal(fs.existsSync(path.join(work, 'm.sqlite')), false, 'no database is created for a refused command');
});

test('scan with a good --config-dir reports its root', async () => {
  const r = await runCli(['scan', '--db', path.join(work, 's.sqlite'), '--config-dir', root.root]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /in 1 root\(s\)/);
  assert.ok(r.out.includes(path.join(root.root, 'projects')));
});

test('options: unknown, missing a value, repeated, or not for this command → exit 2 naming the option', async () => {
  await expectUsageError(['query', '--colour', 'red'], '--colour');
  await expectUsageError(['query', '--db'], '--db');
  await expectUsageError(['query', '--db', 'a', '--db', 'b'], '--db', 'more than once');
  await expectUsageError(['scan', '--since', '2026-01-01'], '--since', 'scan');
  await expectUsageError(['query', '--now', 'noon'], '--now');
  await expectUsageError(['report', 'yearly'], 'report', 'daily');
  await expectUsageError(['launch'], 'unknown command');
});

test('parseArgs: repeatable options collect, --opt=value works, --help wins', () => {
  const a = parseArgs(['query', '--config-dir', '/a', '--config-dir=/b', '--params={"window":"all"}', '--no-scan', '--now', NOW_ISO]);
  assert.equal(a.command, 'query');
  assert.deepEqual(a.options['config-dir'], ['/a', '/b']);
  assert.equal(a.options.params, '{"window":"all"}');
  assert.equal(a.options['no-scan'], true);
  assert.equal(a.now, Date.parse(NOW_ISO));
  assert.equal(parseArgs(['report', 'daily', '--json']).positional[0], 'daily');
  assert.equal(parseArgs(['query', '-h']).command, 'help');
});

test('--help lists every command and option', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const word of ['scan', 'query', 'status', 'report', '--config-dir', '--params', '--no-scan', '--since']) assert.ok(r.out.includes(word), word);
});

test('issue 13 item 10: /home/a/app and /home/b/app are two projects, "app (a)" and "app (b)"; the filter matches name or path', async () => {
  const cfg = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-projects-'));
  try {
    // Two real checkouts (a .git folder each), as on disk: a session in a subfolder belongs to its repository.
    const home = path.join(cfg, 'home');
    for (const who of ['a', 'b']) fs.mkdirSync(path.join(home, who, 'app', '.git'), { recursive: true });
    fs.mkdirSync(path.join(home, 'b', 'app', 'src'));
    const a = '0a0a0a0a-0000-4000-8000-00000000000a';
    const b = '0b0b0b0b-0000-4000-8000-00000000000b';
    writeLines(path.join(cfg, 'projects', '-home-a-app', `${a}.jsonl`), [
      assistantLine({ messageId: 'msg_01PROJECTA0000000000000001', sessionId: a, cwd: path.join(home, 'a', 'app'), input: 10, output: 100, timestamp: '2026-06-06T10:00:00.000Z' }),
    ]);
    writeLines(path.join(cfg, 'projects', '-home-b-app', `${b}.jsonl`), [
      assistantLine({ messageId: 'msg_01PROJECTB0000000000000001', sessionId: b, cwd: path.join(home, 'b', 'app'), input: 20, output: 200, timestamp: '2026-06-06T11:00:00.000Z' }),
      assistantLine({ messageId: 'msg_01PROJECTB0000000000000002', sessionId: b, cwd: path.join(home, 'b', 'app', 'src'), input: 20, output: 200, timestamp: '2026-06-06T11:05:00.000Z' }),
    ]);
    const db = path.join(cfg, 'u.sqlite');
    const query = async (params: object) => {
      const r = await runCli(['query', '--db', db, '--config-dir', cfg, '--now', NOW_ISO, '--params', JSON.stringify({ window: 'all', tz: 'UTC', ...params })]);
      assert.equal(r.code, 0, r.err);
      return JSON.parse(r.out);
    };
    const byProject = await query({ group_by: 'project' });
    assert.deepEqual(byProject.groups.map((g: { key: string; requests: number }) => [g.key, g.requests]), [['app (b)', 2], ['app (a)', 1]]);
    assert.equal(byProject.groups[0].label, 'app (b)');
    // The filter: the shared folder name matches both, a path or a disambiguated name matches one.
    assert.equal((await query({ project: 'app' })).totals.requests, 3);
    assert.equal((await query({ project: path.join(home, 'b') })).totals.requests, 2);
    assert.equal((await query({ project: path.join(home, 'a', 'app') })).totals.requests, 1);
    assert.equal((await query({ project: 'app (a)' })).totals.requests, 1);
    assert.equal((await query({ project: path.join(home, 'c') })).totals.requests, 0);
    // The session report names each session's project the same way.
    const report = await runCli(['report', 'session', '--json', '--db', db, '--config-dir', cfg, '--now', NOW_ISO, '--tz', 'UTC', '--since', '2026-06-01']);
    assert.equal(report.code, 0, report.err);
    assert.deepEqual(JSON.parse(report.out).sessions.map((s: { projectPath: string }) => s.projectPath).sort(), ['app (a)', 'app (b)']);
  } finally {
    fs.rmSync(cfg, { recursive: true, force: true });
  }
});
