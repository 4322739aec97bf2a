// Runs every test layer in order: unit (plain Node, fast) → reliability (the crash / corruption / fuzz
// scenarios of test/unit/reliability, slow) → webview (real Chromium) → host + e2e (real VS Code).
// `node scripts/test.mjs unit reliability` runs only the named layers (npm run test:unit = unit).
// A layer can also be skipped: SKIP_UNIT=1, SKIP_RELIABILITY=1, SKIP_WEBVIEW=1, SKIP_E2E=1 (host + e2e).
// CI runs them all. Each layer prints its own node:test summary; the timings are summed up at the end.
// The file list is built here rather than by a quoted glob: node 20's --test does not expand globs.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));

function testFiles(dir, exclude = []) {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  const out = [];
  for (const name of readdirSync(abs)) {
    const rel = path.join(dir, name);
    if (exclude.includes(rel)) continue;
    if (statSync(path.join(abs, name)).isDirectory()) out.push(...testFiles(rel, exclude));
    else if (name.endsWith('.test.ts')) out.push(rel);
  }
  return out.sort();
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const layers = [
  { name: 'unit', skip: 'SKIP_UNIT', files: () => testFiles('test/unit', ['test/unit/reliability']), concurrency: 2 },
  { name: 'reliability', skip: 'SKIP_RELIABILITY', files: () => testFiles('test/unit/reliability'), concurrency: 2 },
  {
    name: 'webview', skip: 'SKIP_WEBVIEW', files: () => testFiles('test/webview'), concurrency: 1,
    // Said before the layer starts, with the package to install, instead of a launch stack trace per test.
    needs: () => existsSync(CHROMIUM) ? null
      : `Chromium not found at ${CHROMIUM}: install the Debian package "chromium" (sudo apt-get install -y chromium; bash .ci/run does it as root) or set CHROMIUM_PATH.`,
  },
  { name: 'e2e', skip: 'SKIP_E2E', files: () => testFiles('test/e2e'), concurrency: 1 },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !layers.some((l) => l.name === w));
if (unknown.length) {
  console.error(`unknown layer(s): ${unknown.join(', ')}; layers: ${layers.map((l) => l.name).join(', ')}`);
  process.exit(2);
}

const timings = [];
let failed = false;
if (run('node', ['scripts/build.mjs']) !== 0) process.exit(1);
for (const layer of layers) {
  if (wanted.length && !wanted.includes(layer.name)) continue;
  if (process.env[layer.skip] === '1') { timings.push(`${layer.name}: skipped (${layer.skip}=1)`); continue; }
  const files = layer.files();
  if (files.length === 0) { timings.push(`${layer.name}: no tests`); continue; }
  const missing = layer.needs?.();
  if (missing) {
    console.error(`\n=== ${layer.name} tests: cannot run ===\n${missing}`);
    timings.push(`${layer.name}: FAILED (${missing.split(':')[0]})`);
    failed = true;
    continue;
  }
  const t0 = Date.now();
  console.log(`\n=== ${layer.name} tests (${files.length} files) ===`);
  const code = run('node', ['--import', 'tsx', '--test', `--test-concurrency=${layer.concurrency}`, ...files]);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  timings.push(`${layer.name}: ${code === 0 ? 'passed' : 'FAILED'} in ${secs} s`);
  if (code !== 0) failed = true;
}
console.log('\n=== layers ===\n' + timings.join('\n'));
process.exit(failed ? 1 : 0);
