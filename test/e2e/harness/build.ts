// Builds what the real VS Code loads: the extension bundles, the packaged .vsix, the in-host tests.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { cacheDir, repoRoot } from './paths';

function node(args: string[]): void {
  execFileSync(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
}

/**
 * Packages the extension exactly as a user receives it (scripts/package.mjs: production build + vsce)
 * into .vscode-test/, and returns the .vsix path.
 */
export function packageExtension(): string {
  mkdirSync(cacheDir, { recursive: true });
  const out = path.join(cacheDir, 'claude-code-costs-e2e.vsix');
  node(['scripts/package.mjs', '--out', out]);
  return out;
}

/** The development build (dist/), which `extensionDevelopmentPath` runs. */
export function buildExtension(): void {
  node(['scripts/build.mjs']);
  if (!existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('scripts/build.mjs produced no dist/extension.js');
}

/** Compiles test/host/*.ts into out/test/host/index.js, the extensionTestsPath module. */
export async function buildHostTests(): Promise<string> {
  const outfile = path.join(repoRoot, 'out', 'test', 'host', 'index.js');
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test', 'host', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outfile;
}
