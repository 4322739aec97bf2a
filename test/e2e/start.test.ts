// `npm start` as a new user meets it: no transcripts anywhere, so it generates the demo corpus, opens the
// extension in code-server and says "demo" both in its log and in the panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, Workbench, type CodeServer } from './harness';

const EXTENSION_ID = 'claude-code-costs.claude-code-costs';

test('npm start with no transcripts opens VS Code on the demo corpus and says so', { timeout: 300_000 }, async (t) => {
  // An empty HOME and no CLAUDE_CONFIG_DIR: a machine where Claude Code has never run.
  const home = mkdtempSync(path.join(os.tmpdir(), 'ccc-start-home-'));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
  delete env.CLAUDE_CONFIG_DIR;
  const child = spawn(process.execPath, ['scripts/start.mjs', '--browser', '--port', '0'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let workbench: Workbench | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start was not ready within 240 s:\n${log}`)), 240_000);
      const poll = setInterval(() => {
        const match = /is ready: (http:\/\/localhost:(\d+)\/\S*)/.exec(log);
        if (match) {
          clearTimeout(timer);
          clearInterval(poll);
          resolve(match[1]);
        }
      }, 100);
      void exited.then((code) => {
        clearTimeout(timer);
        clearInterval(poll);
        reject(new Error(`npm start exited with ${code} before it was ready:\n${log}`));
      });
    });
    assert.match(log, /No Claude Code transcripts found/);
    assert.match(log, /DEMO MODE/);

    const port = Number(new URL(url).port);
    const server: CodeServer = {
      url: `http://localhost:${port}`,
      port,
      folder: repoRoot,
      userDataDir: path.join(repoRoot, '.vscode-test', 'start-demo', 'user-data'),
      extensionsDir: path.join(repoRoot, '.vscode-test', 'start-demo', 'extensions'),
      logPath: path.join(repoRoot, '.vscode-test', 'start-demo', 'server.log'),
      workbenchUrl: () => url,
      stop: async () => undefined, // npm start owns the server; SIGINT below stops it
    };
    workbench = await Workbench.open(server);
    const chip = await workbench.statusBarText(`${EXTENSION_ID}.claudeCosts.chip`);
    t.diagnostic(`chip: ${chip}`);
    await workbench.runCommand('Claude Costs: Open Costs Panel');
    const frame = workbench.webviewFrame(EXTENSION_ID);
    await frame.locator('.kpi-requests .value').waitFor({ timeout: 60_000 });
    const requests = Number((await frame.locator('.kpi-requests .value').innerText()).replace(/,/g, ''));
    assert.ok(requests > 0, 'the demo corpus has requests in the last 30 days');
    const banner = frame.locator('[role="note"]').filter({ hasText: /demo/i });
    await assert.doesNotReject(banner.first().waitFor({ timeout: 15_000 }), 'the panel does not say that it shows demo data');
    await workbench.screenshot('start-demo-panel');
  } catch (error) {
    await workbench?.saveFailureArtifacts('start');
    t.diagnostic(log);
    throw error;
  } finally {
    await workbench?.close();
    if (child.exitCode === null) child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
    if (code === 'timeout') child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  }
});
