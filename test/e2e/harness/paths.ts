// Where the harness keeps things. Everything it creates lives in git-ignored folders.
import path from 'node:path';

/** The repository root (this file is test/e2e/harness/paths.ts). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
/** Cached downloads and installs (code-server, the demo corpus). Git-ignored. */
export const cacheDir = path.join(repoRoot, '.vscode-test');
/** Screenshots and server logs of a test run. Git-ignored. */
export const resultsDir = path.join(repoRoot, 'test-results');
/** Committed screenshots for the README (written only when UPDATE_SCREENSHOTS=1). */
export const docsDir = path.join(repoRoot, 'docs');
