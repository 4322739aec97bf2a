// Runs the in-host integration tests (out/test/host/index.js) inside code-server's real extension host,
// through VS Code's own browser-test mechanism: the workbench URL carries a `payload` with
// extensionDevelopmentPath + extensionTestsPath, and the workbench reports the result by calling
// window.codeAutomationExit(code) (0 = run() resolved, 1 = it threw).
import type { CodeServer } from './codeServer';
import { Workbench } from './workbench';
import { repoRoot } from './paths';

export interface HostTestRun {
  exitCode: number;
  /** Lines the checks printed (console of the extension host, forwarded to the workbench page). */
  lines: string[];
  workbench: Workbench;
}

/** Opens the workbench with the test payload and resolves when the tests exit (or after timeoutMs). */
export async function runHostTests(
  server: CodeServer,
  extensionTestsPath: string,
  options: { extensionPath?: string; timeoutMs?: number } = {},
): Promise<HostTestRun> {
  const { extensionPath = repoRoot, timeoutMs = 180_000 } = options;
  const remote = (absolutePath: string): string => `vscode-remote://localhost:${server.port}${absolutePath}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(extensionTestsPath)],
  ]);
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const automationLog: string[] = [];
  const workbench = await Workbench.open(server, {
    query: { payload },
    beforeNavigate: async (page) => {
      await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => automationLog.push(`${type}: ${args.map(String).join(' ')}`));
    },
  });
  const timeout = new Promise<number>((_, reject) =>
    setTimeout(() => reject(new Error(`the in-host tests did not finish within ${timeoutMs / 1000} s`)), timeoutMs).unref(),
  );
  let exitCode: number;
  try {
    exitCode = await Promise.race([exited, timeout]);
  } catch (error) {
    await workbench.saveFailureArtifacts('host-timeout');
    await workbench.close();
    throw error;
  }
  const lines = automationLog.filter((line) => line.includes('[host-test]')).map((line) => line.replace(/^\w+: /, ''));
  return { exitCode, lines, workbench };
}
