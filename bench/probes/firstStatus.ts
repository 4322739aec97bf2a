// A cold start as the extension's engine does it (issue 12): a fresh DB, one full scan that reads the files
// of the current 5-hour window first and publishes the status, then the rest of the history.
//   first  — from the start of the scan to the first status (history not yet complete);
//   total  — the whole scan (history complete);
//   exact  — the first status's window (active block, start, reset) equals the final one.
//
//   node firstStatus.js <configRoot> <dbPath> <nowMs>
import { Engine } from '../../src/core/engine';
import type { StatusResult } from '../../src/core/limits/status';
import { PROBE_PREFIX } from '../measure';

const [configRoot, dbPath, nowArg] = process.argv.slice(2);
const nowMs = Number(nowArg);
const windowOf = (s: StatusResult) => JSON.stringify({ block: s.activeBlock, start: s.windowStartMs, reset: s.resetsAtMs });

(async () => {
  const t0 = process.hrtime.bigint();
  const since = (t: bigint) => Number(t - t0) / 1e6;
  const engine = await Engine.open({ dbPath, configDirs: [configRoot], persistDebounceMs: 3_600_000 });
  const openMs = since(process.hrtime.bigint());
  let firstMs: number | null = null;
  let first: StatusResult | null = null;
  let filesAtFirst: { filesDone: number; filesTotal: number } | null = null;
  const scanStart = process.hrtime.bigint();
  await engine.scan({
    nowMs,
    onFirstStatus: (status, progress) => {
      firstMs = Number(process.hrtime.bigint() - scanStart) / 1e6;
      first = status;
      filesAtFirst = progress;
    },
  });
  const totalMs = Number(process.hrtime.bigint() - scanStart) / 1e6;
  const final = await engine.status(nowMs);
  const exact = first !== null && windowOf(first) === windowOf(final);
  await engine.close();
  process.stdout.write(`${PROBE_PREFIX}${JSON.stringify({ openMs, firstMs, totalMs, exact, filesAtFirst, activeBlock: final.activeBlock !== null })}\n`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
