// A tiny runner for in-host checks (no mocha: the extension host only needs `run()` to resolve or throw).
// Every check runs even after a failure, so one run shows everything that is broken.

export interface Check {
  name: string;
  run: () => unknown | Promise<unknown>;
}

/** Prefix of every line the runner prints; the e2e harness picks these lines out of the browser console. */
export const LOG_PREFIX = '[host-test]';

export async function runChecks(suite: string, checks: Check[]): Promise<void> {
  const failures: string[] = [];
  for (const check of checks) {
    const started = Date.now();
    try {
      await check.run();
      console.log(`${LOG_PREFIX} ok   ${suite} › ${check.name} (${Date.now() - started} ms)`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.log(`${LOG_PREFIX} FAIL ${suite} › ${check.name}\n${message}`);
      failures.push(`${suite} › ${check.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(`${failures.length} of ${checks.length} check(s) failed:\n${failures.join('\n')}`);
}

/** Resolves once `probe` returns a value other than undefined, or rejects after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
