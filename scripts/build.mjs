// Builds the four bundles: extension host (cjs, vscode external), the store worker, the CLI and the webview.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const dist = path.join(root, 'dist');
mkdirSync(path.join(dist, 'webview'), { recursive: true });

// sql.js loads its wasm from next to the bundle that requires it; ship it beside them (no CDN, no network).
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dist, 'sql-wasm.wasm'));
// The panel's icons (vscode-elements' <vscode-icon> / icon buttons) load codicons from next to the
// webview bundle, so localResourceRoots stays dist/webview + media.
for (const f of ['codicon.css', 'codicon.ttf']) {
  copyFileSync(require.resolve(`@vscode/codicons/dist/${f}`), path.join(dist, 'webview', f));
}

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };
const nodeCommon = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };

const configs = [
  { ...nodeCommon, entryPoints: [path.join(root, 'src/extension.ts')], outfile: path.join(dist, 'extension.js') },
  { ...nodeCommon, entryPoints: [path.join(root, 'src/host/engineWorker.ts')], outfile: path.join(dist, 'engineWorker.js') },
  { ...nodeCommon, entryPoints: [path.join(root, 'src/core/sources/claude-code/parseWorker.ts')], outfile: path.join(dist, 'parseWorker.js') },
  { ...nodeCommon, entryPoints: [path.join(root, 'src/cli.ts')], outfile: path.join(dist, 'cli.js'), banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    tsconfig: path.join(root, 'webview/tsconfig.json'),
    entryPoints: [path.join(root, 'webview/main.ts')],
    outfile: path.join(dist, 'webview/panel.js'),
  },
].filter((c) => existsSync(c.entryPoints[0]));

if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
  console.log('[build] watching');
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
  if (existsSync(path.join(dist, 'cli.js'))) chmodSync(path.join(dist, 'cli.js'), 0o755);
  console.log(`[build] ${configs.length} bundles → dist/`);
}
