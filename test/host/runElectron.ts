// npm run test:electron — the same in-host checks (test/host/index.ts) in a desktop VS Code that
// @vscode/test-electron downloads (2.5.2: the last version that runs on Node 20). For machines that can
// reach update.code.visualstudio.com; on a headless Linux box run it under `xvfb-run -a`. Where VS Code
// cannot be downloaded, the e2e layer runs these checks in code-server instead (test/e2e/host.test.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildExtension, buildHostTests } from '../e2e/harness/build';
import { makeCorpus } from '../e2e/harness/corpus';
import { suiteNow } from '../e2e/harness/run';
import { cacheDir, repoRoot } from '../e2e/harness/paths';

async function main(): Promise<void> {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'ccc-electron-'));
  const configDir = path.join(temp, 'claude');
  const userDataDir = path.join(temp, 'user-data');
  const workspace = path.join(temp, 'workspace');
  try {
    await makeCorpus(configDir, { targetBytes: 1_000_000, endMs: suiteNow() });
    buildExtension();
    const extensionTestsPath = await buildHostTests();
    mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    mkdirSync(workspace, { recursive: true });
    writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'claudeCosts.roots': [configDir] }, null, 2),
    );
    const exitCode = await runTests({
      version: process.env.VSCODE_VERSION ?? '1.100.3',
      cachePath: path.join(cacheDir, 'electron'),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      extensionTestsEnv: { CLAUDE_CONFIG_DIR: configDir },
      launchArgs: [workspace, '--user-data-dir', userDataDir, '--extensions-dir', path.join(temp, 'extensions'), '--disable-extensions', '--disable-workspace-trust'],
    });
    process.exitCode = exitCode;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(message);
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN/.test(message)) {
    console.error('test:electron downloads a desktop VS Code and cannot reach the update service from here.');
    console.error('The same checks run in code-server instead: npm run test:e2e (test/e2e/host.test.ts).');
  }
  process.exitCode = 1;
});
