// Warm refresh and append, measured inside one process on the core (bundled from src/ by bench/run.ts,
// the same esbuild settings as dist/):
//   open     — Engine.open on a copy of the DB the cold scan wrote (loads the image into sql.js);
//   first    — the first scan() of this process (nothing changed on disk since the cold scan);
//   stat     — scan() again with nothing changed: walks and stats the tree, reads no bytes;
//   readModel— the panel read model for "last 30 days, all filters off";
//   append   — one response (2 assistant lines of one message.id, 2.1.97+ shape) appended to one transcript,
//              then scan({ paths: [that file] }) + status() (what the chip needs: the extension's file
//              watcher names the changed file), repeated with a new response each time.
// The parent truncates the transcript back to its original size afterwards, whatever happens here.
//
//   node warm.js <dbCopy> <configRoot> <appendFile> <nowMs> <iterations>
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../../src/core/engine';
import { DEFAULT_PANEL_FILTER, type PanelFilter } from '../../src/protocol';
import { assistantLine } from '../../test/unit/helpers/lines';
import { PROBE_PREFIX } from '../measure';

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** One response as Claude Code ≥ 2.1.97 writes it: a thinking block and a tool_use block, final usage on both. */
export function appendedResponse(n: number, sessionId: string, timestampMs: number, cwd: string): string[] {
  const messageId = `msg_01BENCH${String(n).padStart(18, '0')}`;
  const common = {
    messageId, requestId: `req_011CBENCH${String(n).padStart(14, '0')}`, sessionId, cwd,
    timestamp: new Date(timestampMs).toISOString(), model: 'claude-sonnet-4-6',
    input: 6, output: 412, cacheCreation: 2_310, cacheRead: 48_120, oneHour: 2_310, version: '2.1.140',
  };
  return [
    assistantLine({ ...common, block: { type: 'thinking' }, stopReason: null }),
    assistantLine({ ...common, block: { type: 'tool_use', name: 'Read' }, stopReason: 'tool_use' }),
  ];
}

/** sessionId and cwd of a transcript, from its first line that names them. */
function sessionOf(file: string): { sessionId: string; cwd: string } {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(256 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    for (const line of buf.subarray(0, n).toString('utf8').split('\n')) {
      try {
        const row = JSON.parse(line) as { sessionId?: string; cwd?: string };
        if (row.sessionId && row.cwd) return { sessionId: row.sessionId, cwd: row.cwd };
      } catch {
        /* partial last line of the buffer, or a malformed one */
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return { sessionId: path.basename(file, '.jsonl'), cwd: '/home/dev/shop' };
}

export async function runWarm(dbPath: string, root: string, appendFile: string, nowMs: number, iterations: number) {
  const filter: PanelFilter = { ...DEFAULT_PANEL_FILTER, tz: 'UTC' };
  let t = process.hrtime.bigint();
  const engine = await Engine.open({ dbPath, configDirs: [root], persistDebounceMs: 3_600_000 });
  const openMs = ms(t);

  t = process.hrtime.bigint();
  const first = await engine.scan();
  const firstScanMs = ms(t);

  const statMs: number[] = [];
  const readModelMs: number[] = [];
  const warmMs: number[] = [];
  const statusMs: number[] = [];
  let readModelRequests = 0;
  for (let i = 0; i < iterations; i++) {
    t = process.hrtime.bigint();
    const s = await engine.scan();
    statMs.push(ms(t));
    if (s.filesRead !== 0) throw new Error(`warm scan read ${s.filesRead} file(s) although nothing changed`);
    const t2 = process.hrtime.bigint();
    const model = await engine.readModel(filter, nowMs);
    readModelMs.push(ms(t2));
    warmMs.push(ms(t));
    readModelRequests = model.totals.requests;
    t = process.hrtime.bigint();
    await engine.status(nowMs);
    statusMs.push(ms(t));
  }

  const { sessionId, cwd } = sessionOf(appendFile);
  const appendScanMs: number[] = [];
  const appendStatusMs: number[] = [];
  const appendTotalMs: number[] = [];
  const appendBytes: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const lines = appendedResponse(i + 1, sessionId, nowMs - (iterations - i) * 1000, cwd);
    fs.appendFileSync(appendFile, lines.map((l) => `${l}\n`).join(''));
    t = process.hrtime.bigint();
    const s = await engine.scan({ paths: [path.resolve(appendFile)] });
    appendScanMs.push(ms(t));
    const t2 = process.hrtime.bigint();
    await engine.status(nowMs);
    appendStatusMs.push(ms(t2));
    appendTotalMs.push(ms(t));
    appendBytes.push(s.bytesRead);
    // A fast wrong answer must not pass: exactly one new request, its copy merged, nothing else read.
    if (s.newRequests !== 1 || s.filesRead !== 1) {
      throw new Error(`append ${i + 1}: expected 1 new request from 1 file, got ${s.newRequests} from ${s.filesRead} file(s)`);
    }
  }
  return {
    openMs, firstScanMs, firstScanFilesRead: first.filesRead, files: first.files,
    statMs, readModelMs, warmMs, statusMs, readModelRequests,
    appendScanMs, appendStatusMs, appendTotalMs, appendBytes,
  };
}

if (require.main === module) {
  const [dbPath, root, appendFile, now, iters] = process.argv.slice(2);
  if (!dbPath || !root || !appendFile || !now) {
    console.error('usage: warm.js <dbCopy> <configRoot> <appendFile> <nowMs> [iterations]');
    process.exit(2);
  }
  runWarm(dbPath, root, appendFile, Number(now), Number(iters ?? 5)).then(
    (r) => {
      process.stdout.write(`${PROBE_PREFIX}${JSON.stringify({ ...r, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
      process.exit(0); // skip close(): it would persist the throw-away copy
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.stack : String(e));
      process.exit(1);
    },
  );
}
