// `claude-costs watch`: the engine the extension runs, headless and long-running. Reads history, then
// watches the transcript roots (fs.watch, recursive, plus polling as a fallback for file systems that
// deliver no events) and prints one line after every scan that changed something: the chip's figures as
// text, or with --json `{"at", "history_complete", "scan": {"new_requests", "files", "ms"}, "status"}`.
// A cold start prints its first line as soon as the current 5-hour window is read, with
// `"history_complete": false` and `"history": {"files_read", "files_total"}`; the line after the scan says true.
// Saves follow the engine's adaptive schedule (rare, when quiet); SIGINT/SIGTERM save and exit 0. A kill -9
// loses nothing: the transcripts are the journal, the next run reads past the saved offsets.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Engine } from './core/engine';
import type { HistoryProgress, ScanOptions, ScanSummary } from './core/engine-api';
import type { StatusResult } from './core/limits/status';
import { chipText, DEFAULT_CHIP_SETTINGS } from './core/limits/chip';

export interface WatchOptions {
  engine: Engine;
  json: boolean;
  /** Fixed clock (tests); null = the wall clock. */
  nowMs: number | null;
  out: (s: string) => void;
  /** Coalesces the lines of one response written in a burst. */
  debounceMs?: number;
  /** Poll period while no file event was seen; a slower safety net once events arrive. */
  pollMs?: number;
  idlePollMs?: number;
  /** Resolves when the watch should stop (signals in the CLI, a promise in tests). */
  stop: Promise<void>;
}

interface Line {
  at: string;
  history_complete: boolean;
  /** Transcript files read of those listed, while a cold start reads history (absent once it is read). */
  history?: { files_read: number; files_total: number };
  /** The scan that ended with this line (zeros on the first status, which comes in the middle of one). */
  scan: { new_requests: number; files: number; ms: number };
  status: unknown;
}

function changed(s: ScanSummary): boolean {
  return s.newRequests > 0 || s.updatedRequests > 0 || s.newLimitEvents > 0;
}

export async function runWatch(o: WatchOptions): Promise<void> {
  const { engine } = o;
  const now = () => o.nowMs ?? Date.now();
  const printStatus = (status: StatusResult, s: ScanSummary | null, history: HistoryProgress | null): void => {
    if (o.json) {
      const line: Line = {
        at: new Date(now()).toISOString(),
        history_complete: history === null || history.complete,
        ...(history && !history.complete ? { history: { files_read: history.filesRead, files_total: history.filesTotal } } : {}),
        scan: { new_requests: s?.newRequests ?? 0, files: s?.filesRead ?? 0, ms: Math.round(s?.ms ?? 0) },
        status,
      };
      o.out(`${JSON.stringify(line)}\n`);
    } else {
      // The chip's text without its VS Code icon.
      const reading = history && !history.complete ? `  (still reading history: ${history.filesRead} of ${history.filesTotal} files)` : '';
      o.out(`${new Date(now()).toISOString()}  ${chipText(status, DEFAULT_CHIP_SETTINGS).replace(/\$\([a-z-]+\)\s*/g, '')}${reading}\n`);
    }
  };
  const print = async (s: ScanSummary): Promise<void> => printStatus(await engine.status(now()), s, null);

  // The first line: as soon as the current 5-hour window is read (newest files first; exact for it) while
  // the rest of the history is still being read, or after the scan when that was quicker.
  await print(await engine.scan({
    nowMs: o.nowMs ?? undefined,
    onFirstStatus: (status, p) => printStatus(status, null, { filesRead: p.filesDone, filesTotal: p.filesTotal, complete: false }),
  }));

  let stopped = false;
  let running: Promise<void> | null = null;
  let again: ScanOptions | null = null;
  let eventsSeen = false;
  const changedPaths = new Set<string>();
  let debounce: NodeJS.Timeout | null = null;

  const scanNow = (opts: ScanOptions): void => {
    if (stopped) return;
    if (running) {
      // One more scan after this one; a full walk wins over a list of files.
      again = again && !again.paths ? again : opts.paths && again?.paths ? { paths: [...again.paths, ...opts.paths] } : opts;
      return;
    }
    running = (async () => {
      try {
        const s = await engine.scan(opts);
        if (changed(s) && !stopped) await print(s);
      } catch (e) {
        process.stderr.write(`claude-costs watch: scan failed: ${(e as Error).message}\n`);
      } finally {
        running = null;
        const next = again;
        again = null;
        if (next) scanNow(next);
      }
    })();
  };

  const watchers: fs.FSWatcher[] = [];
  for (const root of engine.roots()) {
    try {
      const w = fs.watch(root, { recursive: true }, (_event, name) => {
        eventsSeen = true;
        if (name && String(name).endsWith('.jsonl')) changedPaths.add(path.join(root, String(name)));
        if (debounce) clearTimeout(debounce);
        debounce = setTimeout(() => {
          debounce = null;
          const paths = [...changedPaths];
          changedPaths.clear();
          scanNow(paths.length ? { paths } : {});
        }, o.debounceMs ?? 100);
      });
      w.on('error', () => w.close()); // e.g. the root was deleted: polling still covers it
      watchers.push(w);
    } catch {
      /* no recursive watch here: polling only */
    }
  }
  let poll: NodeJS.Timeout | null = null;
  const armPoll = (): void => {
    poll = setTimeout(() => {
      scanNow({});
      armPoll();
    }, eventsSeen ? (o.idlePollMs ?? 30_000) : (o.pollMs ?? 1_000));
  };
  armPoll();

  await o.stop;
  stopped = true;
  if (debounce) clearTimeout(debounce);
  if (poll) clearTimeout(poll);
  for (const w of watchers) w.close();
  await running;
}
