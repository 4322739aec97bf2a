// ESLint (flat config): typescript-eslint's recommended rules on the whole repo, plus the house rules of
// docs/architecture.md: which folder may import which. Import cycles are dependency-cruiser's
// (.dependency-cruiser.cjs): it follows type-only imports too, which import-x/no-cycle skips, and it
// is several times faster here. `npm run lint` runs both and is the first layer of `npm test`;
// test/unit/lint-house-rules.test.ts proves that both bite.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import path from 'node:path';

/** Node's built-in modules, by name and `node:` name. */
const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'https', 'net', 'url', 'util', 'stream', 'zlib'];

/**
 * The house rules for a source tree rooted at `root` (a function of the root so that the test can run
 * the very same rules on a fixture tree). Paths are resolved, so `../../protocol` and `../protocol`
 * are the same file to them, and `import type` counts like any import.
 */
export function houseRules(root) {
  const at = (p) => path.join(root, p);
  const zone = (target, from, message, except) => ({ target: at(target), from: at(from), message, ...(except ? { except } : {}) });
  return [
    {
      files: ['src/**/*.ts', 'webview/**/*.ts'],
      plugins: { 'import-x': importX },
      settings: {
        'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mjs', '.js', '.json'] })],
        'import-x/extensions': ['.ts', '.mjs', '.js'],
      },
      rules: {
        'import-x/no-restricted-paths': ['error', {
          zones: [
            // The core runs in plain Node (CLI, tests, benchmarks) and knows no surface.
            zone('src/core', 'src/host', 'src/core may not import src/host (surfaces depend on the core, never the reverse)'),
            zone('src/core', 'src/protocol.ts', 'src/core may not import src/protocol.ts (the webview contract re-exports the core\'s types, not the reverse)'),
            zone('src/core', 'src/extension.ts', 'src/core may not import the composition root'),
            zone('src/core', 'src/cli.ts', 'src/core may not import the CLI'),
            zone('src/core', 'webview', 'src/core may not import the webview'),
            // The webview sees the host and the core only through the protocol.
            zone('webview', 'src', 'webview/ may import from src/ only src/protocol.ts', ['./protocol.ts']),
            // The protocol is plain data shared by both bundles: core types and pure helpers only.
            zone('src/protocol.ts', 'src/host', 'src/protocol.ts may not import src/host'),
            zone('src/protocol.ts', 'webview', 'src/protocol.ts may not import the webview'),
            // Host surfaces render; they do not reach into the page.
            zone('src/host', 'webview', 'src/host may not import the webview bundle (it talks to it through src/protocol.ts)'),
            // One-way flow inside the core: sources → store → query/limits → engine facade.
            zone('src/core/pricing', 'src/core/store', 'pricing is below the store'),
            zone('src/core/pricing', 'src/core/sources', 'pricing is below the sources'),
            zone('src/core/pricing', 'src/core/query', 'pricing is below query'),
            zone('src/core/pricing', 'src/core/limits', 'pricing is below limits'),
            zone('src/core/store', 'src/core/sources', 'the store may not import a source adapter (sources write into the store)'),
            zone('src/core/store', 'src/core/query', 'the store may not import query'),
            zone('src/core/store', 'src/core/limits', 'the store may not import limits'),
            zone('src/core/sources', 'src/core/query', 'a source adapter may not import query (data flows sources → store → query)'),
            zone('src/core/sources', 'src/core/limits', 'a source adapter may not import limits (data flows sources → store → limits)'),
            zone('src/core/query', 'src/core/sources/**/*', 'query reads the store, not a source adapter (only a source\'s types.ts)', [at('src/core/sources/**/types.ts')]),
            // (`{,}`: a glob `from` needs glob exceptions; this one matches just that file.)
            zone('src/core/limits', 'src/core/query/**/*', 'limits use only query\'s time windows (query builds on limits, not the reverse)', [at('src/core/query/windows.ts{,}')]),
            zone('src/core/limits', 'src/core/sources/**/*', 'limits read the store, not a source adapter (only a source\'s types.ts)', [at('src/core/sources/**/types.ts')]),
            ...['store', 'pricing', 'sources', 'query', 'limits'].flatMap((d) => [
              zone(`src/core/${d}`, 'src/core/engine.ts', `src/core/${d} may not import the engine (it is built on top of them)`),
              zone(`src/core/${d}`, 'src/core/engine-api.ts', `src/core/${d} may not import the engine facade (it is built on top of them)`),
            ]),
          ],
        }],
      },
    },
    {
      // Bare module names no path rule sees: `vscode` outside the host, Node built-ins in the browser bundle.
      files: ['src/core/**/*.ts', 'src/protocol.ts'],
      rules: {
        'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'only src/host and src/extension.ts may import vscode' }] }],
      },
    },
    {
      files: ['webview/**/*.ts', 'src/protocol.ts'],
      rules: {
        'no-restricted-imports': ['error', {
          paths: [{ name: 'vscode', message: 'the webview talks to the host through src/protocol.ts messages' }],
          patterns: [{ group: NODE_BUILTINS, message: 'the webview bundle runs in a browser: no Node built-ins' }],
        }],
      },
    },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'bench/corpus/out/**', 'bench/.cache/**', 'bench/results/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...nodeAndBrowserGlobals() } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A leading underscore marks a parameter or binding kept on purpose (a stub's signature, an omitted key).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Tests and benchmarks probe untyped JSON (manifests, transcript lines) and patch modules: `any` is the honest type there.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // CommonJS shims (worker / preload entry points of the tests) load modules with require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...houseRules(import.meta.dirname),
);

/** The globals of the three places code runs here: Node (core, host, CLI, tests), browsers (webview). */
function nodeAndBrowserGlobals() {
  const names = [
    'process', 'Buffer', 'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
    'queueMicrotask', 'structuredClone', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal',
    'performance', 'fetch', '__dirname', '__filename', 'require', 'module', 'exports', 'globalThis',
    'window', 'document', 'navigator', 'HTMLElement', 'customElements', 'requestAnimationFrame', 'cancelAnimationFrame',
    'ResizeObserver', 'MutationObserver', 'getComputedStyle', 'matchMedia', 'KeyboardEvent', 'MouseEvent', 'Event', 'CustomEvent',
    'acquireVsCodeApi',
  ];
  return Object.fromEntries(names.map((n) => [n, 'readonly']));
}
