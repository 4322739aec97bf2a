// The end-to-end harness: a real VS Code (code-server) driven by headless Chromium.
// See README.md § Development for the layers and test/e2e/*.test.ts for its use.
export { ensureCodeServer, startCodeServer, requireSystemPackages, CODE_SERVER_VERSION, VSCODE_VERSION, type CodeServer, type StartOptions } from './codeServer';
export { Workbench, copyServerLog, type OpenOptions } from './workbench';
export { packageExtension, buildExtension, buildHostTests } from './build';
export { makeCorpus, appendResponse, transcriptFiles, writeWorkspaceSession, type Corpus, type AppendedResponse } from './corpus';
export { runHostTests, type HostTestRun } from './hostTests';
export { repoRoot, cacheDir, resultsDir, docsDir } from './paths';
export { languagePackStub, registerLanguagePack } from './languagePack';
export { SuiteRun, pollUntil, suiteNow } from './run';
