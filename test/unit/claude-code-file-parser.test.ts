// Reading a transcript file in chunks: every line seen once, at any chunk size, with the same counts as
// the line reader; compact boundaries and gitBranch reach the parsed file.
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng } from '../../bench/corpus/prng';
import { readNewLineChunks, readNewLines } from '../../src/core/sources/incremental';
import { parseFile } from '../../src/core/sources/claude-code/fileParser';
import { assistantLine, SESSION_A } from './helpers/lines';

function tmpFile(content: string | Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-fileparser-'));
  const file = path.join(dir, `${SESSION_A}.jsonl`);
  fs.writeFileSync(file, content);
  return file;
}

test('chunked reads see exactly the lines of the line reader, at any chunk size and offset', async () => {
  const rng = new Rng(5);
  for (let round = 0; round < 40; round++) {
    const parts: string[] = [];
    const n = rng.int(0, 30);
    for (let i = 0; i < n; i++) parts.push(rng.chance(0.1) ? '' : JSON.stringify({ i, pad: 'x'.repeat(rng.int(0, 300)) }));
    let text = parts.join('\n');
    const endsWithNewline = rng.chance(0.5);
    if (endsWithNewline) text += '\n';
    else if (rng.chance(0.5)) text += '{"unfinished":'; // a line still being written: left for later
    const file = tmpFile(text);
    const offset = rng.chance(0.3) ? Math.max(0, text.indexOf('\n') + 1) : 0;
    const expected: string[] = [];
    const a = await readNewLines(file, offset, (line) => expected.push(line.toString('utf8')));
    for (const chunk of [1, 7, 64, 4096]) {
      const seen: string[] = [];
      const b = await readNewLineChunks(
        file,
        offset,
        (data, start, stop) => {
          let lines = 0;
          let s = start;
          while (s < stop) {
            let e = data.indexOf(0x0a, s);
            if (e === -1 || e >= stop) e = stop;
            if (e > s) seen.push(data.toString('utf8', s, e));
            lines++;
            s = e + 1;
          }
          return lines;
        },
        chunk,
      );
      assert.deepEqual(seen, expected, `round ${round}, chunk ${chunk}`);
      assert.deepEqual(b, a, `round ${round}, chunk ${chunk}`);
    }
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test('parseFile: usage with gitBranch, compact boundaries in file order, malformed lines counted', async () => {
  const compact = (uuid: string, at: string) =>
    JSON.stringify({ parentUuid: null, logicalParentUuid: 'p', isSidechain: false, type: 'system', subtype: 'compact_boundary', content: 'Conversation compacted', timestamp: at, uuid, compactMetadata: { trigger: 'manual', preTokens: 120_000 }, sessionId: SESSION_A, gitBranch: 'main' });
  const usage = JSON.parse(assistantLine({ messageId: 'msg_01A', timestamp: '2026-06-06T09:00:00.000Z' }));
  usage.gitBranch = 'feat/chunks';
  const lines = [JSON.stringify(usage), compact('u1', '2026-06-06T10:00:00.000Z'), '{"type":"user","message":{"role":"user","content":"hi"}}', 'not json at all', compact('u2', '2026-06-06T11:00:00.000Z')];
  const file = tmpFile(lines.join('\n') + '\n');
  const parsed = await parseFile({ path: file, offset: 0, fallbackSession: SESSION_A });
  assert.equal(parsed.events.length, 1);
  assert.equal(parsed.events[0].gitBranch, 'feat/chunks');
  assert.deepEqual(parsed.compactions.map((c) => [c.uuid, c.trigger, c.preTokens]), [['u1', 'manual', 120_000], ['u2', 'manual', 120_000]]);
  assert.equal(parsed.badLines, 1);
  assert.equal(parsed.read?.lines, 5);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('a parsed file packed for the thread crossing unpacks to the same events (every field, iterations, tools)', async () => {
  const { packParsedFile, unpackParsedFile } = await import('../../src/core/sources/claude-code/parsedBatch');
  const { generateCorpus } = await import('../../bench/corpus/generate');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-pack-'));
  try {
    await generateCorpus({ outDir: path.join(dir, 'claude'), targetBytes: 1024 * 1024, seed: 3 });
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.jsonl')) files.push(p);
      }
    };
    walk(path.join(dir, 'claude', 'projects'));
    let events = 0;
    for (const f of files.sort()) {
      const parsed = await parseFile({ path: f, offset: 0, fallbackSession: 'fallback' });
      const packed = packParsedFile(parsed);
      // Through a real structured clone with the Float64Array transferred, as between threads.
      const { port1, port2 } = new MessageChannel();
      const received = new Promise<typeof packed>((resolve) => port2.once('message', resolve));
      port1.postMessage(packed, [packed.numbers.buffer as ArrayBuffer]);
      const unpacked = unpackParsedFile(await received);
      port1.close();
      port2.close();
      assert.deepEqual(unpacked, parsed, f);
      events += parsed.events.length;
    }
    assert.ok(events > 100, `${events} events`);
    // usage.iterations is rare in the corpus: one event made to carry it.
    const parsed = await parseFile({ path: files[0], offset: 0, fallbackSession: 'fallback' });
    const first = parsed.events[0];
    first.usage.iterations = [
      { inputTokens: 1, outputTokens: 2, cacheCreationTokens: 3, cacheCreation1hTokens: 1, cacheReadTokens: 4 },
      { inputTokens: 5, outputTokens: 6, cacheCreationTokens: 7, cacheCreation1hTokens: 0, cacheReadTokens: 8 },
    ];
    first.tools = ['Bash', 'Read'];
    first.gitBranch = 'main';
    assert.deepEqual(unpackParsedFile(packParsedFile(parsed)), parsed);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
