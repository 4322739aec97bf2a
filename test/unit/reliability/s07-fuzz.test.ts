// Scenario 7: hostile and broken input never crashes or hangs a scan. 10,000 fuzzed lines (random bytes,
// truncated JSON, wrong types in every usage field, absurd numbers, deep nesting), a 60 MB single line,
// non-UTF-8 bytes, symlink loops, a FIFO, an unreadable folder, a file vanishing mid-scan: bad lines are
// counted (and logged), the valid lines around them are counted exactly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Engine } from '../../../src/core/engine';
import { assistantLine, tempConfigRoot, userLine, writeLines, SESSION_A, SESSION_B } from '../helpers/lines';
import { allTimeTotals, driverBundle, prng, recordingLogger, tempDir } from './helpers';

const roots: Array<() => void> = [];
after(() => roots.forEach((c) => c()));

function root() {
  const r = tempConfigRoot();
  roots.push(r.cleanup);
  return r;
}

let idCounter = 0;
const nextId = () => `msg_01FUZZ${String(++idCounter).padStart(18, '0')}`;

interface Expected { requests: number; input: number; output: number; bad: number }

/** The usage fields a reader must validate, and where they live in the usage object. */
const USAGE_FIELDS: Array<string[]> = [
  ['input_tokens'], ['output_tokens'], ['cache_creation_input_tokens'], ['cache_read_input_tokens'],
  ['cache_creation', 'ephemeral_5m_input_tokens'], ['cache_creation', 'ephemeral_1h_input_tokens'],
  ['server_tool_use', 'web_search_requests'],
];
/** Wrong types and impossible numbers, as raw JSON text (1e400 parses to Infinity). */
const BAD_VALUES = ['"12"', '-1', '1.5', '1e300', '1e400', '-1e400', 'true', '[]', '{}', '"NaN"', '"Infinity"', '1000000000', '-0.0001', '"1e3"', '9007199254740993'];

function setPath(obj: Record<string, unknown>, keys: string[], marker: string): void {
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = marker;
}

function fuzzCorpus(seed: number, fuzzLines: number): { files: Record<string, Buffer[]>; expected: Expected; categories: Record<string, number> } {
  const rand = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const expected: Expected = { requests: 0, input: 0, output: 0, bad: 0 };
  const categories: Record<string, number> = {};
  const out: Buffer[] = [];
  const valid = (input: number, output: number, extra?: (o: Record<string, unknown>) => void): string => {
    expected.requests++;
    expected.input += input;
    expected.output += output;
    const line = assistantLine({ messageId: nextId(), input, output });
    if (!extra) return line;
    const o = JSON.parse(line) as Record<string, unknown>;
    extra(o);
    return JSON.stringify(o);
  };
  for (let i = 0; i < fuzzLines; i++) {
    // A valid line between fuzzed ones, now and then.
    if (rand() < 0.05) out.push(Buffer.from(valid(1 + Math.floor(rand() * 1000), 1 + Math.floor(rand() * 5000))));
    const kind = Math.floor(rand() * 7);
    const cat = ['random-bytes', 'random-bytes-with-keys', 'truncated-json', 'wrong-type', 'bad-envelope', 'deep-nesting', 'not-billable'][kind];
    categories[cat] = (categories[cat] ?? 0) + 1;
    switch (kind) {
      case 0: { // random bytes (never a newline, not shaped like {…}): garbage, counted as malformed
        const b = Buffer.alloc(1 + Math.floor(rand() * 300));
        for (let j = 0; j < b.length; j++) b[j] = Math.floor(rand() * 256);
        for (let j = 0; j < b.length; j++) if (b[j] === 0x0a) b[j] = 0x2e;
        b[0] = 0x21 + Math.floor(rand() * 0x5a); // printable, never "{"
        out.push(b);
        expected.bad++;
        break;
      }
      case 1: { // random bytes around the keys a usage line has: malformed
        const b = Buffer.alloc(Math.floor(rand() * 100));
        for (let j = 0; j < b.length; j++) b[j] = 0x20 + Math.floor(rand() * 0x5f);
        out.push(Buffer.concat([Buffer.from('{"type":"assistant","message":{"usage":'), b]));
        expected.bad++;
        break;
      }
      case 2: { // a usage line cut off anywhere after its keys: malformed
        const line = assistantLine({ messageId: nextId(), input: 5, output: 5 });
        const from = Math.max(line.indexOf('"usage"'), line.indexOf('"assistant"')) + 12;
        out.push(Buffer.from(line.slice(0, from + Math.floor(rand() * (line.length - 1 - from)))));
        expected.bad++;
        break;
      }
      case 3: { // one usage field of a wrong type or an impossible value: the whole line is malformed
        const o = JSON.parse(assistantLine({ messageId: nextId(), input: 7, output: 7 })) as { message: { usage: Record<string, unknown> } };
        setPath(o.message.usage, pick(USAGE_FIELDS), '@@BAD@@');
        out.push(Buffer.from(JSON.stringify(o).replace('"@@BAD@@"', pick(BAD_VALUES))));
        expected.bad++;
        break;
      }
      case 4: { // the envelope: usage / id / model / timestamp of the wrong type
        const o = JSON.parse(assistantLine({ messageId: nextId(), input: 7, output: 7 })) as Record<string, unknown> & { message: Record<string, unknown> };
        const which = pick(['usage', 'id', 'model', 'timestamp']);
        const v = which === 'timestamp' ? pick(['5', 'null', '"yesterday"', '"2026-06-06 10:00"', '[]']) : pick(['"lots"', '5', '[1,2]', '{}', 'true', '""']);
        if (which === 'timestamp') o.timestamp = '@@BAD@@';
        else o.message[which] = '@@BAD@@';
        // (A string is a fine id or model: only usage gets one here.)
        out.push(Buffer.from(JSON.stringify(o).replace('"@@BAD@@"', which !== 'usage' && v === '"lots"' ? '7' : v)));
        expected.bad++;
        break;
      }
      case 5: { // deep nesting: inside usage → malformed; inside content of a good line → counted
        const depth = 500 + Math.floor(rand() * 5000);
        const nest = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
        if (rand() < 0.5) {
          out.push(Buffer.from(`{"type":"assistant","message":{"id":"${nextId()}","model":"claude-sonnet-4-6","usage":${nest}},"sessionId":"${SESSION_A}","timestamp":"2026-06-06T00:00:00Z"}`));
          expected.bad++;
        } else {
          // (Spliced in as text: JSON.stringify itself recurses and would overflow.)
          const line = valid(3, 4, (o) => ((o.message as Record<string, unknown>).content = [{ type: 'text', text: 'x', nested: '@@NEST@@' }]));
          out.push(Buffer.from(line.replace('"@@NEST@@"', nest)));
        }
        break;
      }
      default: // valid JSON that is not billable (user rows, progress echoes with nested usage): skipped
        out.push(Buffer.from(rand() < 0.5 ? userLine() : JSON.stringify({ type: 'progress', data: { message: { usage: { input_tokens: 9, output_tokens: 9 } } } })));
    }
  }
  // Spread over four files (two sessions, a subagent file) so per-file bookkeeping is exercised too.
  const files: Record<string, Buffer[]> = { [`${SESSION_A}.jsonl`]: [], [`${SESSION_B}.jsonl`]: [], [`${SESSION_A}/subagents/agent-a1.jsonl`]: [], ['agent-b2.jsonl']: [] };
  const names = Object.keys(files);
  out.forEach((b, i) => files[names[i % names.length]].push(b));
  return { files, expected, categories };
}

function writeBufferLines(file: string, lines: Buffer[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
}

test('scenario 7: 10,000 fuzzed lines → no crash; bad lines counted and logged; valid lines exact', { timeout: 120_000 }, async (t) => {
  const { root: configRoot, projectDir } = root();
  const { files, expected, categories } = fuzzCorpus(7, 10_000);
  for (const [rel, lines] of Object.entries(files)) writeBufferLines(path.join(projectDir, rel), lines);
  const log = recordingLogger();
  const engine = await Engine.open({ dbPath: null, configDirs: [configRoot], log });
  try {
    const s = await engine.scan();
    t.diagnostic(`fuzz categories ${JSON.stringify(categories)}; valid ${expected.requests}; bad ${s.badLines}`);
    assert.equal(s.badLines, expected.bad, 'every malformed usage line is counted');
    const totals = await allTimeTotals(engine);
    assert.deepEqual([totals.requests, totals.input_tokens, totals.output_tokens], [expected.requests, expected.input, expected.output]);
    const logged = log.lines.filter((l) => l.level === 'warn').map((l) => /skipped (\d+) malformed line/.exec(l.message)).filter(Boolean);
    assert.equal(logged.reduce((sum, m) => sum + Number(m![1]), 0), expected.bad, 'the log names every bad line (per file)');
    // A rescan reads nothing new and counts nothing twice.
    const again = await engine.scan();
    assert.deepEqual([again.filesRead, again.badLines, again.newRequests], [0, 0, 0]);
  } finally {
    await engine.close();
  }
});

test('scenario 7: a 60 MB single line (and a 60 MB garbage line) → counted exactly, no hang', { timeout: 120_000 }, async () => {
  const { root: configRoot, projectDir } = root();
  const file = path.join(projectDir, `${SESSION_A}.jsonl`);
  const big = JSON.parse(assistantLine({ messageId: nextId(), input: 1000, output: 2000 })) as { message: { content: unknown[] } };
  big.message.content = [{ type: 'text', text: 'é'.repeat(30 * 1024 * 1024) }]; // 60 MB of UTF-8
  const garbage = Buffer.alloc(60 * 1024 * 1024, 0x61);
  Buffer.from('{"type":"assistant","message":{"usage":').copy(garbage);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, `${assistantLine({ messageId: nextId(), input: 1, output: 2 })}\n`);
  fs.writeSync(fd, `${JSON.stringify(big)}\n`);
  fs.writeSync(fd, garbage);
  fs.writeSync(fd, `\n${assistantLine({ messageId: nextId(), input: 10, output: 20 })}\n`);
  fs.closeSync(fd);
  assert.ok(fs.statSync(file).size > 120 * 1024 * 1024);
  const engine = await Engine.open({ dbPath: null, configDirs: [configRoot] });
  try {
    const s = await engine.scan();
    assert.equal(s.badLines, 1);
    const totals = await allTimeTotals(engine);
    assert.deepEqual([totals.requests, totals.input_tokens, totals.output_tokens], [3, 1011, 2022]);
  } finally {
    await engine.close();
  }
});

test('scenario 7: non-UTF-8 bytes and a byte-order mark → the lines still count; text is stored with U+FFFD', async () => {
  const { root: configRoot, projectDir } = root();
  const file = path.join(projectDir, `${SESSION_A}.jsonl`);
  const withBytes = (line: string, at: string) => {
    const [a, b] = line.split(at);
    return Buffer.concat([Buffer.from(a), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xe2, 0x82]), Buffer.from(b)]);
  };
  const lines = [
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(assistantLine({ messageId: nextId(), input: 1, output: 1 }))]),
    withBytes(assistantLine({ messageId: nextId(), input: 2, output: 2 }), '[REDACTED]'),
    withBytes(assistantLine({ messageId: nextId(), input: 4, output: 4, cwd: '/home/dev/caf@' }), '@'),
    Buffer.from([0xc0, 0xaf, 0xfe, 0xff, 0x00, 0x01]),
  ];
  writeBufferLines(file, lines);
  const engine = await Engine.open({ dbPath: null, configDirs: [configRoot] });
  try {
    const s = await engine.scan();
    assert.equal(s.errors.length, 0);
    const totals = await allTimeTotals(engine);
    assert.deepEqual([totals.requests, totals.input_tokens], [3, 7]);
    const projects = await engine.query({ window: 'all', group_by: 'project', tz: 'UTC' });
    assert.ok(projects.groups?.some((g) => g.label.includes('\ufffd')), JSON.stringify(projects.groups?.map((g) => g.label)));
  } finally {
    await engine.close();
  }
});

test('scenario 7: symlink loops, a dangling link and a FIFO named *.jsonl → listed once, no hang', { timeout: 30_000 }, async () => {
  const { root: configRoot, projectDir } = root();
  writeLines(path.join(projectDir, `${SESSION_A}.jsonl`), [assistantLine({ messageId: nextId(), input: 3, output: 3 })]);
  fs.symlinkSync('..', path.join(projectDir, 'up')); // a folder link to an ancestor
  fs.symlinkSync('.', path.join(projectDir, 'here'));
  fs.symlinkSync('self.jsonl', path.join(projectDir, 'self.jsonl')); // ELOOP
  fs.symlinkSync('b.jsonl', path.join(projectDir, 'a.jsonl'));
  fs.symlinkSync('a.jsonl', path.join(projectDir, 'b.jsonl'));
  fs.symlinkSync('/nonexistent/x.jsonl', path.join(projectDir, 'dangling.jsonl'));
  const fifo = spawnSync('mkfifo', [path.join(projectDir, 'pipe.jsonl')]);
  const engine = await Engine.open({ dbPath: null, configDirs: [configRoot] });
  try {
    const s = await engine.scan();
    assert.equal(s.files, 1, `listed: ${s.files}; errors: ${s.errors.join('; ')}`);
    assert.ok(s.errors.every((e) => /ELOOP/.test(e)), s.errors.join('; '));
    assert.equal((await allTimeTotals(engine)).requests, 1);
    if (fifo.status === 0) assert.ok(fs.statSync(path.join(projectDir, 'pipe.jsonl')).isFIFO());
  } finally {
    await engine.close();
  }
});

test('scenario 7: an unreadable folder → recorded and skipped, the rest counted (as a non-root user)', { timeout: 60_000 }, async (t) => {
  const work = tempDir('eacces');
  roots.push(() => fs.rmSync(work, { recursive: true, force: true }));
  const configRoot = path.join(work, 'claude');
  const projects = path.join(configRoot, 'projects');
  writeLines(path.join(projects, '-home-dev-shop', `${SESSION_A}.jsonl`), [assistantLine({ messageId: nextId(), input: 3, output: 3 })]);
  writeLines(path.join(projects, '-home-dev-secret', `${SESSION_B}.jsonl`), [assistantLine({ messageId: nextId(), sessionId: SESSION_B, input: 9, output: 9 })]);
  fs.chmodSync(path.join(projects, '-home-dev-secret'), 0o000);
  const dbDir = path.join(work, 'db');
  fs.mkdirSync(dbDir);
  const asNobody = process.getuid?.() === 0 && spawnSync(process.execPath, ['-e', '0'], { uid: 65534, gid: 65534 }).status === 0;
  if (process.getuid?.() === 0 && !asNobody) {
    t.skip('running as root and `nobody` cannot run node here: no way to make a folder unreadable');
    return;
  }
  if (asNobody) {
    // Root reads everything: run the scan as `nobody` in a child process, where the permission bites.
    const script = await driverBundle();
    for (const p of [work, configRoot, projects, path.dirname(script)]) fs.chmodSync(p, 0o755);
    fs.chmodSync(dbDir, 0o777);
    const run = spawnSync(process.execPath, [script, JSON.stringify({ configDir: configRoot, dbPath: path.join(dbDir, 'u.sqlite') })], {
      uid: 65534, gid: 65534, encoding: 'utf8', timeout: 50_000,
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /-home-dev-secret: EACCES/);
    assert.match(run.stdout, /PERSIST 0 writer=true new=1 /);
  } else {
    const engine = await Engine.open({ dbPath: null, configDirs: [configRoot] });
    try {
      const s = await engine.scan();
      assert.ok(s.errors.some((e) => /-home-dev-secret: EACCES/.test(e)), s.errors.join('; '));
      assert.equal((await allTimeTotals(engine)).requests, 1);
    } finally {
      await engine.close();
    }
  }
  fs.chmodSync(path.join(projects, '-home-dev-secret'), 0o755);
});

test('scenario 7: files vanishing or shrinking between listing and reading → no crash; the rest counted', async () => {
  const { root: configRoot, projectDir } = root();
  const names = ['a', 'b', 'c', 'd'].map((n) => path.join(projectDir, `${n}0000000-0000-4000-8000-000000000000.jsonl`));
  names.forEach((f, i) => writeLines(f, [assistantLine({ messageId: nextId(), input: 10 ** i, output: 1 }), assistantLine({ messageId: nextId(), input: 10 ** i, output: 1 })]));
  const engine = await Engine.open({ dbPath: null, configDirs: [configRoot] });
  try {
    const s = await engine.scan({
      onProgress: (done) => {
        // After the first file: the second vanishes, the third loses its last line.
        if (done === 1) {
          fs.rmSync(names[1]);
          const text = fs.readFileSync(names[2], 'utf8');
          fs.writeFileSync(names[2], `${text.split('\n')[0]}\n`);
        }
      },
    });
    assert.ok(s.errors.length <= 1);
    const totals = await allTimeTotals(engine);
    assert.deepEqual([totals.requests, totals.input_tokens], [5, 2 + 100 + 2000]);
    // The next scan is clean and adds nothing.
    const again = await engine.scan();
    assert.deepEqual([again.newRequests, again.errors.length], [0, 0]);
  } finally {
    await engine.close();
  }
});

