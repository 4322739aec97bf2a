// The read buffer kept between the files of a scan (sources/incremental.ts): files read one after another, and
// a read started while another holds the buffer, each see exactly their own lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readNewLines, releaseReadBuffer } from '../../src/core/sources/incremental';

test('read buffer: consecutive, nested and chunked reads each get their own lines', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-readbuf-'));
  try {
    const write = (name: string, lines: string[]) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
      return file;
    };
    const a = write('a.jsonl', Array.from({ length: 200 }, (_, i) => JSON.stringify({ a: i, pad: 'x'.repeat(i * 7) })));
    const b = write('b.jsonl', ['{"b":1}', '{"b":2}']);
    const read = async (file: string, chunk?: number) => {
      const out: string[] = [];
      await readNewLines(file, 0, (line) => out.push(line.toString('utf8')), chunk);
      return out;
    };
    const expectedA = fs.readFileSync(a, 'utf8').trimEnd().split('\n');
    assert.deepEqual(await read(a), expectedA);
    assert.deepEqual(await read(b), ['{"b":1}', '{"b":2}'], 'the long file read before leaves nothing behind');
    assert.deepEqual(await read(a, 1000), expectedA, 'lines across chunk ends');
    const nested: string[] = [];
    const outer: string[] = [];
    await readNewLines(a, 0, (line) => {
      outer.push(line.toString('utf8'));
      if (outer.length === 3) void readNewLines(b, 0, (l) => nested.push(l.toString('utf8')));
    });
    assert.deepEqual(outer, expectedA, 'a read inside a read does not overwrite the outer buffer');
    assert.deepEqual(nested, ['{"b":1}', '{"b":2}']);
    releaseReadBuffer();
    assert.deepEqual(await read(b), ['{"b":1}', '{"b":2}']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
