// Running one measured child process, and the statistics of repeated measurements.
// Every figure comes from a fresh process: wall time from the parent (process.hrtime around spawn →
// exit), peak RSS from GNU time's %M (kilobytes) when /usr/bin/time exists, else from what the child
// reports itself (process.resourceUsage().maxRSS, printed by our probes).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export interface ChildResult {
  /** Wall time of the whole child, process start to exit, in ms. */
  wallMs: number;
  /** Peak resident set size in bytes, or null when neither GNU time nor the child reported it. */
  peakRssBytes: number | null;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface ChildSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the child after this long (default 30 min: a 600 MB cold scan on a loaded machine is slow). */
  timeoutMs?: number;
}

/** Process groups of the children running now (each child runs in its own group). */
const running = new Set<number>();

/** Kills every measured child still running (the runner calls it on Ctrl-C: the groups do not get the terminal's signal). */
export function killRunningChildren(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  running.clear();
}

export function hasGnuTime(): boolean {
  try {
    fs.accessSync(GNU_TIME, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs the child to completion and measures it. Never throws on a non-zero exit: the caller decides. */
export async function runChild(spec: ChildSpec): Promise<ChildResult> {
  const useTime = hasGnuTime();
  const rssFile = useTime ? path.join(os.tmpdir(), `ccc-bench-rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`) : null;
  const command = useTime ? GNU_TIME : spec.command;
  // -o keeps GNU time's line out of the child's stderr.
  const args = useTime ? ['-f', '%M', '-o', rssFile!, spec.command, ...spec.args] : spec.args;
  const t0 = process.hrtime.bigint();
  // Its own process group, so a timeout kills the measured command too, not only GNU time around it.
  const child = spawn(command, args, { env: spec.env ?? process.env, cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid !== undefined) running.add(child.pid);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, spec.timeoutMs ?? 30 * 60_000);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  }).finally(() => {
    clearTimeout(timer);
    if (child.pid !== undefined) running.delete(child.pid);
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8') + (timedOut ? `\n[bench] killed after ${spec.timeoutMs ?? 30 * 60_000} ms (timeout)` : '');
  let peakRssBytes: number | null = null;
  if (rssFile) {
    try {
      // GNU time writes "Command exited with non-zero status N" before the figure on failure.
      const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
      const kb = Number(lines[lines.length - 1]);
      if (Number.isFinite(kb) && kb > 0) peakRssBytes = kb * 1024;
    } catch {
      /* time could not write its file: fall back to the child's own figure */
    } finally {
      fs.rmSync(rssFile, { force: true });
    }
  }
  if (peakRssBytes === null) {
    const reported = parseProbeOutput(stdout)?.maxRssBytes;
    if (typeof reported === 'number') peakRssBytes = reported;
  }
  return { wallMs, peakRssBytes, exitCode, stdout, stderr };
}

/** Our probes print one JSON object on the last line of stdout, prefixed so logs cannot be mistaken for it. */
export const PROBE_PREFIX = 'BENCH_RESULT ';

export function parseProbeOutput(stdout: string): Record<string, unknown> | null {
  const lines = stdout.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].startsWith(PROBE_PREFIX)) return JSON.parse(lines[i].slice(PROBE_PREFIX.length)) as Record<string, unknown>;
  }
  return null;
}

export interface Stats {
  n: number;
  median: number;
  min: number;
  max: number;
}

/** Median (mean of the two middle values for an even count), min and max. Null for no samples. */
export function stats(samples: number[]): Stats | null {
  const xs = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  const median = xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
  return { n: xs.length, median, min: xs[0], max: xs[xs.length - 1] };
}

/** Bytes in binary units (MiB = 1024², like the corpus generator's sizes). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}
