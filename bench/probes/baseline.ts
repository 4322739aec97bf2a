// The hardware-limit baselines, in plain Node (bundled and run as a fresh child by bench/run.ts):
//   read  — read every byte of every *.jsonl under <root>/projects (what any scanner must at least do);
//   parse — the same plus JSON.parse of exactly the lines containing "type":"assistant" (the billable ones),
//           found with indexOf on the decoded text (no per-line split of the other lines).
// Prints BENCH_RESULT {…} with the in-process time, so the parent can separate Node start-up from work.
//
//   node baseline.js read|parse <configRoot>
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROBE_PREFIX } from '../measure';

export function listJsonl(dir: string, out: string[] = []): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listJsonl(p, out);
    else if (e.isFile() && e.name.endsWith('.jsonl')) out.push(p);
  }
  return out;
}

const ASSISTANT = '"type":"assistant"';

/** Parses every line of `text` containing "type":"assistant"; returns how many parsed, and how many failed. */
export function parseAssistantLines(text: string): { parsed: number; failed: number; checksum: number } {
  let parsed = 0;
  let failed = 0;
  let checksum = 0;
  let at = text.indexOf(ASSISTANT);
  while (at !== -1) {
    const start = text.lastIndexOf('\n', at) + 1;
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    try {
      const row = JSON.parse(text.slice(start, end)) as { message?: { usage?: { output_tokens?: number } } };
      // Touch a field so the parse cannot be optimised away.
      checksum += row.message?.usage?.output_tokens ?? 0;
      parsed++;
    } catch {
      failed++;
    }
    at = end >= text.length ? -1 : text.indexOf(ASSISTANT, end + 1);
  }
  return { parsed, failed, checksum };
}

export function runBaseline(mode: 'read' | 'parse', root: string) {
  const t0 = process.hrtime.bigint();
  const files = listJsonl(path.join(root, 'projects'));
  let bytes = 0;
  let parsed = 0;
  let failed = 0;
  let checksum = 0;
  for (const f of files) {
    const buf = fs.readFileSync(f);
    bytes += buf.length;
    if (mode === 'parse') {
      const r = parseAssistantLines(buf.toString('utf8'));
      parsed += r.parsed;
      failed += r.failed;
      checksum += r.checksum;
    }
  }
  const workMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { mode, files: files.length, bytes, parsedLines: parsed, failedLines: failed, checksum, workMs };
}

if (require.main === module) {
  const [mode, root] = process.argv.slice(2);
  if ((mode !== 'read' && mode !== 'parse') || !root) {
    console.error('usage: baseline.js read|parse <configRoot>');
    process.exit(2);
  }
  const result = runBaseline(mode, root);
  process.stdout.write(`${PROBE_PREFIX}${JSON.stringify({ ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}
