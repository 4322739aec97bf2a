// What every end-to-end suite shares: steps that remember a failure (so the suite saves its screenshots and
// logs), one teardown, polling on a monotonic clock, and the one reading of the wall clock a suite takes.
import { rmSync } from 'node:fs';
import { it } from 'node:test';
import type { CodeServer } from './codeServer';
import type { Workbench } from './workbench';

/**
 * The instant a suite builds its transcripts around. The real VS Code under test runs on the wall clock
 * (its chip says "now"), so a suite reads it once, here, at its start, and passes that `now` to its corpus
 * and to the engine it compares the UI with; nothing else in the suite reads the date.
 */
export function suiteNow(): number {
  return Date.now();
}

/** `read()` until `ok` holds or `timeoutMs` (elapsed, monotonic) passes; returns the last value read. */
export async function pollUntil<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, everyMs = 250): Promise<T> {
  const started = performance.now();
  let value = await read();
  while (!ok(value) && performance.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, everyMs));
    value = await read();
  }
  return value;
}

/** The steps of one suite (node:test `it`s) and its teardown, which keeps the artifacts of a failed run. */
export class SuiteRun {
  private failed = false;

  constructor(private readonly name: string) {}

  /** A step; a failure marks the run so `finish` saves the workbench's artifacts. */
  step = (name: string, fn: () => Promise<void>): void => {
    it(name, async () => {
      try {
        await fn();
      } catch (error) {
        this.failed = true;
        throw error;
      }
    });
  };

  /** Saves the artifacts of a failed run, closes the browser and the server, removes the temp folders. */
  async finish(workbench: Workbench | undefined, server: CodeServer | undefined, tempDirs: readonly string[]): Promise<void> {
    if (this.failed) await workbench?.saveFailureArtifacts(this.name);
    await workbench?.close();
    await server?.stop();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  }
}
