// Runs every test layer in order: lint (ESLint + dependency-cruiser: the house rules of
// docs/architecture.md) → unit (plain Node) → webview (real Chromium) → host + e2e (real VS Code).
// A layer can be skipped for quick local loops: SKIP_LINT=1, SKIP_UNIT=1, SKIP_WEBVIEW=1, SKIP_E2E=1 (host + e2e).
// CI runs them all. Each layer prints its own node:test summary; the timings are summed up at the end.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));

function testFiles(dir) {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  const out = [];
  for (const name of readdirSync(abs)) {
    const p = path.join(abs, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(path.join(dir, name)));
    else if (name.endsWith('.test.ts')) out.push(path.join(dir, name));
  }
  return out.sort();
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

const layers = [
  { name: 'unit', skip: 'SKIP_UNIT', dir: 'test/unit', concurrency: 2 },
  { name: 'webview', skip: 'SKIP_WEBVIEW', dir: 'test/webview', concurrency: 1 },
  { name: 'e2e', skip: 'SKIP_E2E', dir: 'test/e2e', concurrency: 1 },
];

const timings = [];
let failed = false;
if (process.env.SKIP_LINT === '1') {
  timings.push('lint: skipped (SKIP_LINT=1)');
} else {
  const t0 = Date.now();
  console.log('\n=== lint (eslint, dependency-cruiser) ===');
  const code = run('npm', ['run', '--silent', 'lint']);
  timings.push(`lint: ${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (code !== 0) failed = true;
}
if (run('node', ['scripts/build.mjs']) !== 0) process.exit(1);
for (const layer of layers) {
  if (process.env[layer.skip] === '1') { timings.push(`${layer.name}: skipped (${layer.skip}=1)`); continue; }
  const files = testFiles(layer.dir);
  if (files.length === 0) { timings.push(`${layer.name}: no tests`); continue; }
  const t0 = Date.now();
  console.log(`\n=== ${layer.name} tests (${files.length} files) ===`);
  const code = run('node', ['--import', 'tsx', '--test', `--test-concurrency=${layer.concurrency}`, ...files]);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  timings.push(`${layer.name}: ${code === 0 ? 'passed' : 'FAILED'} in ${secs} s`);
  if (code !== 0) failed = true;
}
console.log('\n=== layers ===\n' + timings.join('\n'));
process.exit(failed ? 1 : 0);
