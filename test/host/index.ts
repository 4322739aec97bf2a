// Entry point of the in-host integration tests (extensionTestsPath → out/test/host/index.js).
// The same modules run in code-server through the e2e harness (test/e2e/host.test.ts) and in a
// downloaded desktop VS Code through @vscode/test-electron (npm run test:electron).
import * as extension from './extension';
import * as query from './query';
import * as tool from './tool';

const SUITES: Array<{ name: string; run: () => Promise<void> }> = [
  { name: 'extension', run: extension.run },
  { name: 'query', run: query.run },
  { name: 'tool', run: tool.run },
];

export async function run(): Promise<void> {
  const failed: string[] = [];
  for (const suite of SUITES) {
    try {
      await suite.run();
    } catch (error) {
      failed.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (failed.length > 0) throw new Error(failed.join('\n'));
}
