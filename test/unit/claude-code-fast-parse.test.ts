// The targeted line parser must give exactly what the full parse gives, line by line: on every line of a
// generated corpus (all writer eras and edge cases), on the real-shaped fixture lines and their variants,
// on hand-made tricky lines, and on 10,000 lines fuzzed with a seeded PRNG.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateCorpus } from '../../bench/corpus/generate';
import { Rng } from '../../bench/corpus/prng';
import { parseTranscriptLine } from '../../src/core/sources/claude-code/parse';
import { fastParseCounts, parseTranscriptLineBytes } from '../../src/core/sources/claude-code/fastParse';
import type { CompactBoundary, UsageEvent } from '../../src/core/types';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'lines');
const fixtureLines: string[] = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.jsonl'))
  .sort()
  .flatMap((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8').split('\n').filter((l) => l !== ''));

/** Compares the two parsers on one line (given as bytes, placed inside a larger buffer as in a real read). */
function assertSame(bytes: Buffer, fallback = 'fallback-session'): void {
  const padded = Buffer.concat([Buffer.from('{"x":1}\n'), bytes, Buffer.from('\n{"y":2}')]);
  const start = 8;
  const fast = parseTranscriptLineBytes(padded, start, start + bytes.length, fallback);
  const full = parseTranscriptLine(bytes.toString('utf8'), fallback);
  assert.deepEqual(fast, full, `line differs: ${bytes.toString('utf8').slice(0, 300)}`);
}

let dir: string;
let corpusLines: Buffer[] = [];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-fastparse-'));
  await generateCorpus({ outDir: path.join(dir, 'claude'), targetBytes: 3 * 1024 * 1024, seed: 11 });
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl')) files.push(p);
    }
  };
  walk(path.join(dir, 'claude', 'projects'));
  for (const f of files.sort()) {
    const data = fs.readFileSync(f);
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      const stop = nl === -1 ? data.length : nl;
      if (stop > start) corpusLines.push(data.subarray(start, stop));
      if (nl === -1) break;
      start = nl + 1;
    }
  }
});

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  corpusLines = [];
});

test('every line of a generated corpus (all eras, every edge case) parses the same', () => {
  assert.ok(corpusLines.length > 1000, `corpus has ${corpusLines.length} lines`);
  const kinds: Record<string, number> = {};
  const before = { ...fastParseCounts };
  for (const line of corpusLines) {
    assertSame(line);
    const k = parseTranscriptLine(line.toString('utf8'), 'fallback-session').kind;
    kinds[k] = (kinds[k] ?? 0) + 1;
  }
  // Only limit, title and malformed lines (and the odd tricky one) need the full parse.
  const fullParses = fastParseCounts.fullParse - before.fullParse;
  assert.ok(fullParses <= (kinds.limit ?? 0) + (kinds.title ?? 0) + (kinds.malformed ?? 0) + 20, `${fullParses} full parses for ${JSON.stringify(kinds)}`);
  // The corpus exercises every outcome, so the comparison above covered each of them.
  for (const k of ['usage', 'limit', 'title', 'compact', 'skip', 'malformed']) assert.ok((kinds[k] ?? 0) > 0, `no ${k} line in the corpus: ${JSON.stringify(kinds)}`);
});

test('the real-shaped fixture lines parse the same, and their usage lines take the fast path', () => {
  const before = { ...fastParseCounts };
  for (const line of fixtureLines) assertSame(Buffer.from(line));
  const usageLines = fixtureLines.filter((l) => parseTranscriptLine(l).kind === 'usage').length;
  const titleLines = fixtureLines.filter((l) => parseTranscriptLine(l).kind === 'title').length;
  assert.ok(usageLines >= 8);
  assert.equal(fastParseCounts.fullParse - before.fullParse, titleLines, 'only the title row takes the full parse');
});

const D4 = fixtureLines.find((l) => l.includes('"version":"2.1.218"') && l.includes('"usage"') && l.includes('"type":"assistant"'))!;
type Row = Record<string, any>;
const change = (line: string, fn: (row: Row) => void): string => {
  const row = JSON.parse(line) as Row;
  fn(row);
  return JSON.stringify(row);
};

test('gitBranch is read from every billable line (both parsers)', () => {
  const withBranch = change(D4, (r) => (r.gitBranch = 'feature/x'));
  const parsed = parseTranscriptLineBytes(Buffer.from(withBranch), 0, Buffer.byteLength(withBranch));
  assert.equal(parsed.kind, 'usage');
  assert.equal((parsed as { event: UsageEvent }).event.gitBranch, 'feature/x');
  const noBranch = change(D4, (r) => delete r.gitBranch);
  assert.equal((parseTranscriptLine(noBranch) as { event: UsageEvent }).event.gitBranch, null);
  const emptyBranch = change(D4, (r) => (r.gitBranch = ''));
  assert.equal((parseTranscriptLine(emptyBranch) as { event: UsageEvent }).event.gitBranch, '', 'outside a repository: kept as written');
  for (const l of [withBranch, noBranch, emptyBranch]) assertSame(Buffer.from(l));
});

test('compact_boundary system rows are recognised (both parsers)', () => {
  // Shape of a 2.1.x compact boundary (transcripts reference §3): parentUuid null + logicalParentUuid.
  const line = JSON.stringify({
    parentUuid: null, logicalParentUuid: 'd1c5e0a4-5d0e-4c47-9d39-4b0b4b4f3e01', isSidechain: false, type: 'system', subtype: 'compact_boundary',
    content: 'Conversation compacted', isMeta: false, timestamp: '2026-06-06T10:00:00.000Z', uuid: '6b3f0b7e-8a5e-4f7c-9f0a-2d9d7f7c1a11', level: 'info',
    compactMetadata: { trigger: 'auto', preTokens: 167_012 }, userType: 'external', entrypoint: 'cli', cwd: '/home/dev/shop',
    sessionId: '23fe85e9-5544-42fb-8d18-b6a99545ed53', version: '2.1.218', gitBranch: 'main',
  });
  const parsed = parseTranscriptLineBytes(Buffer.from(line), 0, Buffer.byteLength(line));
  assert.deepEqual(parsed, {
    kind: 'compact',
    event: { sessionId: '23fe85e9-5544-42fb-8d18-b6a99545ed53', uuid: '6b3f0b7e-8a5e-4f7c-9f0a-2d9d7f7c1a11', timestampMs: Date.UTC(2026, 5, 6, 10), trigger: 'auto', preTokens: 167_012 } satisfies CompactBoundary,
  });
  assertSame(Buffer.from(line));
  // Other system rows stay skipped; a boundary with a bad timestamp is reported, not dropped silently.
  assertSame(Buffer.from(change(line, (r) => (r.subtype = 'turn_duration'))));
  assert.equal(parseTranscriptLine(change(line, (r) => (r.subtype = 'turn_duration'))).kind, 'skip');
  assert.equal(parseTranscriptLine(change(line, (r) => (r.timestamp = 'yesterday'))).kind, 'malformed');
  assertSame(Buffer.from(change(line, (r) => (r.timestamp = 'yesterday'))));
  assertSame(Buffer.from(change(line, (r) => delete r.compactMetadata)));
  assertSame(Buffer.from(change(line, (r) => (r.compactMetadata = { trigger: 'manual', preTokens: '12' }))));
});

test('hand-made tricky lines parse the same', () => {
  const u = JSON.parse(D4) as Row;
  const lines: string[] = [
    // Key order: envelope first (≤ 2.0.x), message last, usage first inside message.
    JSON.stringify(Object.fromEntries(Object.entries(u).reverse())),
    change(D4, (r) => (r.message = Object.fromEntries(Object.entries(r.message).reverse()))),
    // Duplicate keys (JSON.parse keeps the last one).
    D4.replace('"type":"assistant"', '"type":"user","type":"assistant"'),
    D4.replace('"type":"assistant"', '"type":"assistant","type":"user"'),
    D4.replace('"usage":{', '"usage":{"input_tokens":1},"usage":{'),
    D4.replace('"model":"', '"model":"claude-haiku-4-5","model":"'),
    // Escapes in keys and values.
    D4.replace('"usage":', '"us\\u0061ge":'),
    D4.replace('"type":"assistant"', '"type":"assist\\u0061nt"'),
    D4.replace('"type":"assistant"', '"typ\\u0065":"assistant"'),
    change(D4, (r) => (r.cwd = 'C:\\Users\\dev\\"quoted"\n\ttab \u00e9 \ud83d\ude00')),
    change(D4, (r) => (r.sessionId = 'caf\u00e9-\u2028-session')),
    // Usage nested in a tool input (must not be taken for the message's), and no message usage at all.
    change(D4, (r) => (r.message.content = [{ type: 'tool_use', id: 'toolu_1', name: 'mcp__x', input: { usage: { input_tokens: 9, output_tokens: 9 }, model: 'fake', type: 'assistant' } }])),
    change(D4, (r) => {
      r.message.content = [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: { usage: { input_tokens: 9, output_tokens: 9 } } }];
      delete r.message.usage;
    }),
    // Tool names: several blocks, server tools, non-object blocks, a string content.
    change(D4, (r) => (r.message.content = [{ type: 'text', text: 'a' }, { type: 'tool_use', name: 'Bash' }, 'x', 7, null, { type: 'server_tool_use', name: 'web_search' }, { name: 'NoType' }])),
    change(D4, (r) => (r.message.content = 'plain text')),
    change(D4, (r) => (r.message.content = [{ type: 'tool_use', name: '' }, { type: 'tool_use', name: 3 }])),
    // Odd values where strings are expected.
    change(D4, (r) => (r.sessionId = 42)),
    change(D4, (r) => (r.sessionId = null)),
    change(D4, (r) => (r.requestId = { a: 1 })),
    change(D4, (r) => (r.isSidechain = 'true')),
    change(D4, (r) => (r.isSidechain = true)),
    change(D4, (r) => (r.forkedFrom = { sessionId: 's', messageUuid: 'm' })),
    change(D4, (r) => (r.forkedFrom = null)),
    change(D4, (r) => (r.forkedFrom = 0)),
    change(D4, (r) => (r.message.stop_reason = null)),
    change(D4, (r) => delete r.message.stop_reason),
    change(D4, (r) => (r.message.stop_reason = [])),
    change(D4, (r) => (r.version = '2.1.96')),
    change(D4, (r) => (r.timestamp = '2026-06-06T00:16:18+02:00')),
    change(D4, (r) => (r.timestamp = 'not a time')),
    change(D4, (r) => (r.message.usage = 'lots')),
    change(D4, (r) => (r.message.usage = null)),
    change(D4, (r) => (r.message.usage.input_tokens = -1)),
    change(D4, (r) => (r.message.usage.input_tokens = 1.5)),
    change(D4, (r) => (r.message.usage.input_tokens = 1e300)),
    change(D4, (r) => (r.message.usage = { input_tokens: 0, output_tokens: 0 })),
    change(D4, (r) => (r.message.id = '')),
    change(D4, (r) => (r.message = 'text')),
    change(D4, (r) => (r.message = [1, 2])),
    change(D4, (r) => (r.message = null)),
    change(D4, (r) => (r.message.model = '<synthetic>')),
    change(D4, (r) => (r.isApiErrorMessage = true)),
    change(D4, (r) => (r.isApiErrorMessage = false)),
    // Numbers of every JSON shape in skipped values, deep nesting, empty containers.
    change(D4, (r) => (r.extra = [0, -0, 1.5e-7, -12E+3, 123456789012345678901234567890, {}, [], [[[]]], { a: { b: { c: [true, false, null] } } }])),
    change(D4, (r) => (r.deep = JSON.parse('['.repeat(40) + ']'.repeat(40)))),
    // Whitespace, BOM, CRLF, trailing garbage, a second value, truncation.
    JSON.stringify(u, null, 2).replace(/\n/g, ' '),
    ` \t${D4} \r`,
    `\ufeff${D4}`,
    `${D4}\r`,
    `${D4}x`,
    `${D4}{}`,
    `${D4},`,
    D4.slice(0, -1),
    D4.slice(0, D4.indexOf('"usage"') + 30) + '}}}',
    D4.slice(0, 200) + D4,
    // Invalid tokens in places the fast parser only skips.
    D4.replace('"isSidechain":false', '"isSidechain":fals'),
    D4.replace('"isSidechain":false', '"isSidechain":01'),
    D4.replace('"isSidechain":false', '"isSidechain":1.'),
    D4.replace('"isSidechain":false', '"isSidechain":-'),
    D4.replace('"isSidechain":false', '"isSidechain":.5'),
    D4.replace('"isSidechain":false', '"isSidechain":[1,]'),
    D4.replace('"isSidechain":false', '"isSidechain":{"a":1,}'),
    D4.replace('"isSidechain":false', '"isSidechain":"bad \\x escape"'),
    D4.replace('"isSidechain":false', '"isSidechain":"bad \\u12G4 escape"'),
    D4.replace('"isSidechain":false', '"isSidechain":"raw \t tab"'),
    D4.replace('"isSidechain":false', '"isSidechain":{"a" 1}'),
    D4.replace('"isSidechain":false', '"isSidechain":{1:2}'),
    // Rows that are not usage: titles, progress echoes, user rows mentioning "assistant".
    '{"type":"summary","summary":"Fix the parser","leafUuid":"x"}',
    '{"type":"ai-title","aiTitle":"  Cost panel  ","sessionId":"s1"}',
    '{"type":"custom-title","customTitle":"Mine"}',
    '{"type":"progress","data":{"message":{"type":"assistant","message":{"usage":{"input_tokens":5,"output_tokens":5}}}}}',
    '{"type":"user","message":{"role":"user","content":"the \\"assistant\\" said \\"usage\\""}}',
    '{"type":"assistant"}',
    '{"type":"assistant","message":{"usage":{}}}',
    '[1,2,3]',
    '"assistant usage"',
    '',
    '{}',
  ];
  for (const l of lines) assertSame(Buffer.from(l));
  // Invalid UTF-8 inside strings and outside them.
  const bad = Buffer.from(change(D4, (r) => (r.cwd = '/home/XX/shop')));
  const at = bad.indexOf('XX');
  bad[at] = 0xff;
  bad[at + 1] = 0xc3;
  assertSame(bad);
  assertSame(Buffer.concat([Buffer.from(D4.slice(0, 1)), Buffer.from([0xff]), Buffer.from(D4.slice(1))]));
});

/** Mutations that keep a line close to real, so most fuzzed lines still reach deep into the parsers. */
function fuzz(rng: Rng, seedLines: string[]): Buffer {
  const line = rng.pick(seedLines);
  const row = (() => {
    try {
      return JSON.parse(line) as Row;
    } catch {
      return null;
    }
  })();
  const interesting = ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\t', '\u0001', '0', '-', 'e', '.', 'u', 'n', 't', 'f', '\u00e9', '"usage":', '"type":"assistant",', '\\u0041'];
  const op = rng.int(0, 11);
  let text = line;
  switch (op) {
    case 0: // truncate
      text = line.slice(0, rng.int(0, line.length));
      break;
    case 1: // insert a token
    case 2: {
      const at = rng.int(0, line.length);
      text = line.slice(0, at) + rng.pick(interesting) + line.slice(at);
      break;
    }
    case 3: {
      // delete a few characters
      const at = rng.int(0, Math.max(0, line.length - 1));
      text = line.slice(0, at) + line.slice(at + rng.int(1, 4));
      break;
    }
    case 4: // two lines run together (a crash mid-write, then the next line)
      text = line.slice(0, rng.int(1, line.length)) + rng.pick(seedLines);
      break;
    case 5: // shuffle top-level keys
      if (row) {
        const entries = Object.entries(row);
        for (let i = entries.length - 1; i > 0; i--) {
          const j = rng.int(0, i);
          [entries[i], entries[j]] = [entries[j], entries[i]];
        }
        text = JSON.stringify(Object.fromEntries(entries));
      }
      break;
    case 6: // duplicate a key with another value
      if (row) {
        const keys = Object.keys(row);
        const k = rng.pick(keys);
        text = line.replace(/^\{/, `{${JSON.stringify(k)}:${rng.pick(['null', '1', '"x"', '{}', '[]', 'true'])},`);
        if (rng.chance(0.5)) text = text.replace(/\}$/, `,${JSON.stringify(k)}:${rng.pick(['null', '2', '"y"', '{"a":[1]}'])}}`);
      }
      break;
    case 7: {
      // escape a letter as \u00XX somewhere (inside a key or a value)
      const letters = [...line.matchAll(/[a-z]/g)];
      if (letters.length) {
        const m = rng.pick(letters);
        text = line.slice(0, m.index) + `\\u00${m[0].charCodeAt(0).toString(16)}` + line.slice(m.index! + 1);
      }
      break;
    }
    case 8: // change a value's type
      if (row) {
        const target = rng.chance(0.5) && row.message && typeof row.message === 'object' ? row.message : row;
        const k = rng.pick(Object.keys(target));
        target[k] = rng.pick([null, 0, -1, 2.5, '', 'x', true, false, [], {}, [1, { usage: { input_tokens: 1, output_tokens: 1 } }], '<synthetic>', 'assistant']);
        text = JSON.stringify(row);
      }
      break;
    case 9: // change a usage count
      if (row?.message?.usage && typeof row.message.usage === 'object') {
        const k = rng.pick(Object.keys(row.message.usage));
        row.message.usage[k] = rng.pick([0, 1, -5, 1.25, 1e9, '7', null, { x: 1 }]);
        text = JSON.stringify(row);
      }
      break;
    case 10: // whitespace between tokens
      text = row ? JSON.stringify(row, null, rng.pick([1, 2, '\t'])).replace(/\n/g, rng.pick([' ', '\r', '\t'])) : line;
      break;
    default: {
      // replace one byte with anything
      const at = rng.int(0, Math.max(0, line.length - 1));
      text = line.slice(0, at) + String.fromCharCode(rng.int(0, 127)) + line.slice(at + 1);
      break;
    }
  }
  const bytes = Buffer.from(text);
  if (rng.chance(0.05) && bytes.length > 0) bytes[rng.int(0, bytes.length - 1)] = rng.int(0x80, 0xff); // invalid UTF-8
  return bytes;
}

test('10,000 fuzzed lines parse the same (seeded, reproducible)', () => {
  const rng = new Rng(20261203);
  // Real-shaped seeds: the fixtures plus the corpus's assistant, system and title lines.
  const seeds = [...fixtureLines];
  for (const l of corpusLines) {
    if (seeds.length > 400) break;
    if (l.length < 6000 && (l.includes('"assistant"') || l.includes('"system"') || l.includes('-title"'))) seeds.push(l.toString('utf8'));
  }
  const kinds: Record<string, number> = {};
  const before = { ...fastParseCounts };
  for (let i = 0; i < 10_000; i++) {
    const bytes = fuzz(rng, seeds);
    assertSame(bytes);
    const k = parseTranscriptLine(bytes.toString('utf8'), 'fallback-session').kind;
    kinds[k] = (kinds[k] ?? 0) + 1;
  }
  // The fuzzing reaches both valid and invalid lines in numbers.
  assert.ok((kinds.usage ?? 0) > 2000 && (kinds.malformed ?? 0) > 500 && (kinds.skip ?? 0) > 500, JSON.stringify(kinds));
  // Both paths decided many of them: the comparison tested the targeted parser, not only its fallback.
  assert.ok(fastParseCounts.targeted - before.targeted > 4000 && fastParseCounts.fullParse - before.fullParse > 1000, JSON.stringify(fastParseCounts));
});
