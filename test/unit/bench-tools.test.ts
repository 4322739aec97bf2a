// The benchmark's own instruments (bench/): statistics, argument parsing, the child-process measurer,
// the .cpuprofile summariser with source maps, the hardware-limit baseline, the ccusage rule model and the
// agreement check. Timings themselves are never asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { parseProbeOutput, PROBE_PREFIX, runChild, stats } from '../../bench/measure';
import { appendMarker, parseBenchArgs, pickAppendTarget, restorePendingAppend } from '../../bench/run';
import { decodeMappings, loadSourceMap, lookup, summarizeProfile, type CpuProfile } from '../../bench/profile';
import { parseAssistantLines, runBaseline } from '../../bench/probes/baseline';
import { ccusageRuleDeltas } from '../../bench/ccusage-rules';
import { checkAgreement, fromCcusage, renderAgreement, type CcusageDaily } from '../../bench/agreement';
import { assistantLine, tempConfigRoot, writeLines } from './helpers/lines';

test('stats: median of odd and even counts, min, max; null without samples', () => {
  assert.deepEqual(stats([5, 1, 3]), { n: 3, median: 3, min: 1, max: 5 });
  assert.deepEqual(stats([4, 1, 3, 2]), { n: 4, median: 2.5, min: 1, max: 4 });
  assert.deepEqual(stats([7, Number.NaN]), { n: 1, median: 7, min: 7, max: 7 });
  assert.equal(stats([]), null);
});

test('parseBenchArgs: defaults, sizes and counts, and errors that name the option', () => {
  const d = parseBenchArgs([]);
  assert.equal(d.size, '600MB');
  assert.equal(d.sizeBytes, 600 * 1024 * 1024);
  assert.equal(d.runs, 3);
  assert.deepEqual(d.readModelSizes, [100_000, 1_000_000]);
  const o = parseBenchArgs(['--size', '20mb', '--runs', '1', '--seed', '7', '--skip-ccusage', '--profile', '--readmodel-sizes', '10k,2M', '--iterations', '2']);
  assert.equal(o.size, '20MB');
  assert.equal(o.sizeBytes, 20 * 1024 * 1024);
  assert.equal(o.seed, 7);
  assert.equal(o.skipCcusage, true);
  assert.equal(o.profile, true);
  assert.deepEqual(o.readModelSizes, [10_000, 2_000_000]);
  assert.equal(o.iterations, 2);
  assert.deepEqual(parseBenchArgs(['--readmodel-sizes', 'none']).readModelSizes, []);
  assert.throws(() => parseBenchArgs(['--runs', '0']), /--runs/);
  assert.throws(() => parseBenchArgs(['--size', 'big']), /invalid size "BIG"/);
  assert.throws(() => parseBenchArgs(['--readmodel-sizes', 'lots']), /--readmodel-sizes/);
  assert.throws(() => parseBenchArgs(['--fast']), /unknown option --fast/);
});

test('runChild: wall time, peak RSS, exit code and the probe result line of a real child', async () => {
  const script = `const a = Buffer.alloc(32 * 1024 * 1024, 1); console.log('noise'); console.log(${JSON.stringify(PROBE_PREFIX)} + JSON.stringify({ sum: a[5] })); process.exit(3);`;
  const r = await runChild({ command: process.execPath, args: ['-e', script] });
  assert.equal(r.exitCode, 3);
  assert.ok(r.wallMs > 0);
  assert.ok(r.peakRssBytes !== null && r.peakRssBytes > 32 * 1024 * 1024, `peak RSS ${r.peakRssBytes} covers the 32 MiB buffer`);
  assert.deepEqual(parseProbeOutput(r.stdout), { sum: 1 });
  assert.equal(parseProbeOutput('no result here\n'), null);
});

test('profile summary: self and inclusive time per frame, recursion counted once, wasm grouped', () => {
  const frame = (functionName: string, url = 'file:///x/app.js', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '1' });
  const profile: CpuProfile = {
    startTime: 0,
    endTime: 100_000,
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
      { id: 2, callFrame: frame('main', 'file:///x/app.js', 1), children: [3] },
      { id: 3, callFrame: frame('walk', 'file:///x/app.js', 9), children: [4, 6] },
      { id: 4, callFrame: frame('walk', 'file:///x/app.js', 9), children: [] },
      { id: 5, callFrame: frame('(garbage collector)', ''), children: [] },
      { id: 6, callFrame: frame('', 'wasm://wasm/0001', 0), children: [7] },
      { id: 7, callFrame: frame('', 'wasm://wasm/0001', 0), children: [] },
    ],
    // 10 ms each: main self, walk self (outer), walk self (recursive), gc, two wasm frames.
    samples: [2, 3, 4, 5, 6, 7],
    timeDeltas: [10_000, 10_000, 10_000, 10_000, 10_000, 10_000],
  };
  const s = summarizeProfile(profile, { baseDir: '/x' });
  assert.equal(s.totalMs, 60);
  const self = Object.fromEntries(s.bySelf.map((f) => [f.frame, f.selfMs]));
  assert.equal(self['walk app.js:10'], 20);
  assert.equal(self['main app.js:2'], 10);
  assert.equal(self['(sql.js wasm)'], 20);
  assert.equal(self['(garbage collector)'], 10);
  const total = Object.fromEntries(s.byTotal.map((f) => [f.frame, f.totalMs]));
  assert.equal(total['main app.js:2'], 50, 'main includes walk and the wasm under it');
  assert.equal(total['walk app.js:10'], 40, 'the recursive walk is not counted twice');
  assert.equal(total['(sql.js wasm)'], 20);
  assert.equal(s.byTotal[0].frame, 'main app.js:2');
  assert.ok(!s.byTotal.some((f) => f.frame === '(root)'));
});

test('source maps: a bundled function maps back to its TypeScript line', () => {
  const source = ['// header', 'export function first(): number {', '  return 1;', '}', '', 'export function second(x: number): number {', '  return x * 2;', '}', ''].join('\n');
  const r = esbuild.transformSync(source, { loader: 'ts', sourcemap: 'external', sourcefile: 'src/thing.ts', format: 'cjs' });
  const map = JSON.parse(r.map) as { sources: string[]; mappings: string };
  const lines = decodeMappings(map.mappings);
  const genLine = r.code.split('\n').findIndex((l) => l.includes('function second'));
  assert.ok(genLine >= 0);
  const col = r.code.split('\n')[genLine].indexOf('function second');
  const pos = lookup({ sources: map.sources, lines }, genLine, col);
  assert.ok(pos);
  assert.equal(pos.line, 6);
  assert.match(pos.source, /thing\.ts$/);

  // On disk: used only when the bundle names its map; a stale map beside a rebuilt bundle is ignored.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-bench-map-'));
  try {
    const bundle = path.join(dir, 'b.js');
    fs.writeFileSync(`${bundle}.map`, r.map);
    fs.writeFileSync(bundle, `${r.code}//# sourceMappingURL=b.js.map\n`);
    assert.equal(loadSourceMap(bundle)?.sources.length, 1);
    fs.writeFileSync(bundle, 'minified();\n');
    assert.equal(loadSourceMap(bundle), null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('baseline: parses exactly the lines containing "type":"assistant", counting the bad ones', () => {
  const text = ['{"type":"user","x":1}', '{"type":"assistant","message":{"usage":{"output_tokens":5}}}', '{"type":"assistant", broken', '{"type":"assistant","message":{"usage":{"output_tokens":7}}}'].join('\n');
  assert.deepEqual(parseAssistantLines(text), { parsed: 2, failed: 1, checksum: 12 });
  const { root, projectDir, cleanup } = tempConfigRoot();
  try {
    fs.writeFileSync(path.join(projectDir, 'a.jsonl'), `${text}\n`);
    fs.mkdirSync(path.join(projectDir, 'sub', 'subagents'), { recursive: true });
    fs.writeFileSync(path.join(projectDir, 'sub', 'subagents', 'b.jsonl'), '{"type":"assistant"}\n');
    fs.writeFileSync(path.join(projectDir, 'notes.txt'), '{"type":"assistant"}\n');
    const read = runBaseline('read', root);
    assert.equal(read.files, 2);
    assert.equal(read.bytes, text.length + 1 + '{"type":"assistant"}\n'.length);
    assert.equal(read.parsedLines, 0);
    const parse = runBaseline('parse', root);
    assert.equal(parse.parsedLines, 3);
    assert.equal(parse.failedLines, 1);
  } finally {
    cleanup();
  }
});

test('ccusage rules: requestless copies counted again, null-field lines lost, fast requests found', () => {
  const { root, projectDir, cleanup } = tempConfigRoot();
  try {
    const base = { input: 10, output: 100, cacheCreation: 1000, cacheRead: 5000 };
    writeLines(path.join(projectDir, 's.jsonl'), [
      // A normal response in two block lines: no deviation.
      assistantLine({ ...base, messageId: 'msg_01NORMAL0000000000000001', block: { type: 'thinking' } }),
      assistantLine({ ...base, messageId: 'msg_01NORMAL0000000000000001', block: { type: 'tool_use', name: 'Read' } }),
      // Behind a gateway: three block lines without requestId → ccusage daily counts two extra copies.
      ...[0, 1, 2].map(() => assistantLine({ ...base, messageId: 'msg_01GATEWAY000000000000001', requestId: null, model: 'claude-opus-4-6' })),
      // A single line with {"id":null} in it → ccusage drops it, its tokens are lost.
      assistantLine({ ...base, messageId: 'msg_01NULLID00000000000001', model: 'claude-opus-4-6' }).replace('"content":[{"type":"text","text":"[REDACTED]"}]', '"content":[{"type":"tool_use","id":"toolu_1","name":"mcp__x","input":{"id":null}}]'),
      // Fast mode.
      assistantLine({ ...base, messageId: 'msg_01FAST000000000000000001', speed: 'fast', model: 'claude-opus-4-6' }),
      // Synthetic rows never count on either side.
      assistantLine({ messageId: 'msg_01SYNTH00000000000000001', model: '<synthetic>', input: 0, output: 0 }),
    ]);
    const d = ccusageRuleDeltas(root);
    assert.deepEqual(d.byModel['claude-opus-4-6'].requestless, { input: 20, output: 200, cacheCreation: 2000, cacheRead: 10000 });
    assert.deepEqual(d.byModel['claude-opus-4-6'].nullField, { input: -10, output: -100, cacheCreation: -1000, cacheRead: -5000 });
    assert.equal(d.byModel['claude-sonnet-4-6'], undefined, 'the normal two-line response deviates in nothing');
    assert.deepEqual(d.counts, { nullField: 1, requestless: 1, progress: 0 });
    assert.deepEqual(d.fastRequests, { 'claude-opus-4-6': 1 });
  } finally {
    cleanup();
  }
});

test('agreement: exact ours passes; an ours difference and an unexplained ccusage difference are flagged', () => {
  const tokens = (input: number, output: number) => ({ input, output, cacheCreation: 0, cacheRead: 0 });
  const truth = { totals: tokens(30, 300), byModel: { a: { ...tokens(10, 100), requests: 1 }, b: { ...tokens(20, 200), requests: 2 } } };
  const ccusageJson: CcusageDaily = {
    daily: [{ date: '2026-11-20', modelBreakdowns: [
      { modelName: 'a', inputTokens: 10, outputTokens: 100, cacheCreationTokens: 0, cacheReadTokens: 0 },
      { modelName: 'b', inputTokens: 15, outputTokens: 150, cacheCreationTokens: 0, cacheReadTokens: 0 },
      { modelName: 'b-fast', inputTokens: 10, outputTokens: 100, cacheCreationTokens: 0, cacheReadTokens: 0 },
    ] }],
    totals: { inputTokens: 35, outputTokens: 350, cacheCreationTokens: 0, cacheReadTokens: 0 },
  };
  const cc = fromCcusage(ccusageJson, new Set(['b']));
  assert.deepEqual(cc.folded, ['b-fast']);
  assert.deepEqual(cc.byModel.b, tokens(25, 250));
  const explaining = { byModel: { b: { requestless: tokens(5, 50) } }, counts: { nullField: 0, requestless: 1, progress: 0 }, fastRequests: { b: 1 } };

  const good = checkAgreement({ ours: truth, ccusage: cc, truth, deltas: explaining, truthRequests: 3, ourRequests: 3 });
  assert.equal(good.ok, true);
  assert.ok(good.differences.every((d) => d.pair === 'ccusage-truth' && d.unexplained === 0));
  assert.match(renderAgreement(good, { ours: true, ccusage: true }), /ours = truth/);

  const unexplained = checkAgreement({ ours: truth, ccusage: cc, truth, deltas: { ...explaining, byModel: {} }, truthRequests: 3, ourRequests: 3 });
  assert.equal(unexplained.ok, false);
  assert.match(renderAgreement(unexplained, { ours: true, ccusage: true }), /UNEXPLAINED/);

  const wrongOurs = { totals: tokens(30, 301), byModel: { a: { ...tokens(10, 101), requests: 1 }, b: { ...tokens(20, 200), requests: 2 } } };
  const bad = checkAgreement({ ours: wrongOurs, ccusage: null, truth, deltas: null, truthRequests: 3, ourRequests: 4 });
  assert.equal(bad.ok, false);
  const fields = bad.differences.map((d) => `${d.model}/${d.field}/${d.diff}`).sort();
  assert.deepEqual(fields, ['(all models)/output/1', '(all models)/requests/1', 'a/output/1']);
  assert.match(renderAgreement(bad, { ours: true, ccusage: false }), /ours ≠ truth/);
});

test('append test target and restore: a newline-terminated top-level transcript; an interrupted append is undone', () => {
  const { root, projectDir, cleanup } = tempConfigRoot();
  try {
    const unterminated = path.join(projectDir, 'a.jsonl');
    const good = path.join(projectDir, 'b.jsonl');
    fs.writeFileSync(unterminated, '{"type":"user"}\n{"type":"assis');
    fs.writeFileSync(good, '{"type":"user"}\n');
    fs.writeFileSync(path.join(projectDir, 'c.jsonl'), '');
    assert.equal(pickAppendTarget(root), good);

    fs.writeFileSync(appendMarker(root), JSON.stringify({ file: good, size: 16 }));
    fs.appendFileSync(good, '{"type":"assistant"}\n');
    restorePendingAppend(root);
    assert.equal(fs.readFileSync(good, 'utf8'), '{"type":"user"}\n');
    assert.equal(fs.existsSync(appendMarker(root)), false);
    restorePendingAppend(root); // no marker: nothing to do
  } finally {
    cleanup();
  }
});

test('runChild: a child past its timeout is killed with what it ran under GNU time, and says so', async () => {
  const r = await runChild({ command: process.execPath, args: ['-e', 'setTimeout(() => {}, 60_000)'], timeoutMs: 300 });
  assert.notEqual(r.exitCode, 0);
  assert.ok(r.wallMs < 30_000);
  assert.match(r.stderr, /killed after 300 ms \(timeout\)/);
});
