// Worker entry for host tests: registers tsx in the worker thread, then runs the TypeScript engine worker
// (the extension ships the bundled dist/engineWorker.js instead).
require('tsx/cjs/api').register();
require('../../../src/host/engineWorker.ts');
