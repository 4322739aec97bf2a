// The in-host integration tests (test/host/*.ts) inside code-server's real Node extension host:
// activation, command registration, llm_costs_query against the corpus truth, the language-model tool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildExtension, buildHostTests, makeCorpus, runHostTests, startCodeServer, suiteNow, type HostTestRun } from './harness';

test('in-host integration tests pass inside a real VS Code 1.100 extension host', { timeout: 300_000 }, async (t) => {
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'ccc-host-corpus-'));
  try {
    await makeCorpus(configDir, { targetBytes: 1_000_000, endMs: suiteNow() });
    buildExtension();
    const testsPath = await buildHostTests();
    // No .vsix here: the payload loads the working tree as the extension under development.
    const server = await startCodeServer({ configDir });
    let run: HostTestRun | undefined;
    try {
      run = await runHostTests(server, testsPath);
      for (const line of run.lines) t.diagnostic(line);
      if (run.exitCode !== 0) await run.workbench.saveFailureArtifacts('host');
      assert.equal(run.exitCode, 0, `in-host tests failed:\n${run.lines.filter((l) => l.includes('FAIL')).join('\n')}`);
      assert.ok(run.lines.some((l) => l.includes(' ok ')), 'no check reported (did run() execute?)');
    } finally {
      await run?.workbench.close();
      await server.stop();
    }
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
});
