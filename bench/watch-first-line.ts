// `claude-costs watch --json` on a fresh DB over a corpus, as a user's terminal starts it (issue 12): the
// time from spawn to its first line and to the line with "history_complete": true, beside a plain cold
// `scan` of the same corpus, for one or more builds in the same run (their order rotates per round).
//
//   node --import tsx bench/watch-first-line.ts --corpus <dir> --now <ISO> --dist <dist dir> [--dist <dir>] [--runs N]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string' },
    now: { type: 'string' },
    dist: { type: 'string', multiple: true },
    runs: { type: 'string', default: '1' },
  },
});
if (!values.corpus || !values.now || !values.dist?.length) {
  process.stderr.write('usage: bench/watch-first-line.ts --corpus <dir> --now <ISO> --dist <dist dir> [--dist <dir>] [--runs N]\n');
  process.exit(2);
}
const corpus = path.resolve(values.corpus);
const dists = values.dist.map((d) => path.resolve(d));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ccc-watch-first-'));

interface WatchTimes { firstMs: number; firstComplete: boolean; firstHistory: unknown; completeMs: number; lines: number }

function watchOnce(dist: string, db: string): Promise<WatchTimes> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const child = spawn(process.execPath, [path.join(dist, 'cli.js'), 'watch', '--json', '--config-dir', corpus, '--db', db, '--now', values.now!], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buf = '';
    const seen: Array<{ at: number; line: { history_complete: boolean; history?: unknown } }> = [];
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        seen.push({ at: ms(), line: JSON.parse(buf.slice(0, nl)) });
        buf = buf.slice(nl + 1);
        if (seen.at(-1)!.line.history_complete) child.kill('SIGTERM');
      }
    });
    child.on('error', reject);
    child.on('exit', () => {
      const complete = seen.find((s) => s.line.history_complete);
      if (!complete) return reject(new Error(`no history_complete line from ${dist}`));
      resolve({ firstMs: seen[0].at, firstComplete: seen[0].line.history_complete, firstHistory: seen[0].line.history ?? null, completeMs: complete.at, lines: seen.length });
    });
  });
}

function scanOnce(dist: string, db: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [path.join(dist, 'cli.js'), 'scan', '--config-dir', corpus, '--db', db], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`scan exited ${code}`))));
  });
}

(async () => {
  const rows: string[] = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const order = dists.map((_, i) => dists[(i + run) % dists.length]);
    for (const dist of order) {
      const db = path.join(scratch, `run${run}-${dists.indexOf(dist)}`);
      const w = await watchOnce(dist, `${db}-watch.sqlite`);
      const scanMs = await scanOnce(dist, `${db}-scan.sqlite`);
      rows.push(`| ${path.relative(process.cwd(), dist) || dist} | ${run + 1} | ${(w.firstMs / 1000).toFixed(2)} s (history_complete ${w.firstComplete}${w.firstHistory ? `, ${JSON.stringify(w.firstHistory)}` : ''}) | ${(w.completeMs / 1000).toFixed(2)} s | ${(scanMs / 1000).toFixed(2)} s | ${(w.firstMs / scanMs).toFixed(2)}× |`);
      process.stderr.write(`${rows.at(-1)}\n`);
    }
  }
  process.stdout.write(`| build | run | watch: first line | watch: history_complete true | cold scan | first line ÷ cold scan |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`);
  fs.rmSync(scratch, { recursive: true, force: true });
})().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  fs.rmSync(scratch, { recursive: true, force: true });
  process.exit(1);
});
