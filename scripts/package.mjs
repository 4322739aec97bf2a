// npm run package → claude-code-costs-<version>.vsix (or --out PATH): a production build of the
// bundles, then @vscode/vsce. Everything the extension runs is bundled into dist/, so the package
// carries no node_modules (--no-dependencies); .vscodeignore keeps it to what runs.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, `${manifest.name}-${manifest.version}.vsix`);
const MAX_BYTES = 3 * 1024 * 1024;

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, ['scripts/build.mjs', '--production']);
run(process.execPath, [
  path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
  'package',
  '--no-dependencies',
  // No public repository URL yet; README images are relative links to files inside the package.
  '--allow-missing-repository',
  '--no-rewrite-relative-links',
  '--out', out,
]);
const bytes = statSync(out).size;
console.log(`[package] ${path.relative(process.cwd(), out) || out}: ${(bytes / 1024).toFixed(0)} KiB`);
if (bytes > MAX_BYTES) {
  console.error(`[package] the .vsix is larger than ${MAX_BYTES / 1024 / 1024} MB: check .vscodeignore`);
  process.exit(1);
}
