// The house rules of docs/architecture.md bite: the very rules `npm run lint` applies (eslint.config.mjs's
// houseRules, .dependency-cruiser.cjs's no-circular) run on a small fixture tree with one deliberate
// offence of each kind, and with the same files minus the offences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import type { cruise as Cruise } from 'dependency-cruiser';

const REPO = path.resolve(__dirname, '..', '..');

/** Writes `files` (path → text) under a fresh temp root. */
function fixtureTree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'house-rules-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** Files every fixture has: one per layer, importing only what the house allows. */
const LAWFUL: Record<string, string> = {
  'src/core/types.ts': 'export interface Metrics { requests: number }\n',
  'src/core/store/db.ts': "import type { Metrics } from '../types';\nexport const empty = (): Metrics => ({ requests: 0 });\n",
  'src/core/sources/api-log/types.ts': "export type RateLimitKind = 'requests' | 'tokens';\n",
  'src/core/sources/api-log/scanner.ts': "import { empty } from '../../store/db';\nexport const scan = () => empty();\n",
  'src/core/query/windows.ts': 'export const HOUR_MS = 3_600_000;\n',
  'src/core/query/run.ts': "import { empty } from '../store/db';\nexport const run = () => empty();\n",
  'src/core/limits/status.ts': "import type { RateLimitKind } from '../sources/api-log/types';\nimport { HOUR_MS } from '../query/windows';\nimport { empty } from '../store/db';\nexport const kind: RateLimitKind = 'requests';\nexport const status = () => ({ ...empty(), HOUR_MS });\n",
  'src/core/limits/chip.ts': "import { status } from './status';\nexport const chipText = () => String(status().requests);\n",
  'src/protocol.ts': "export type { Metrics } from './core/types';\nexport type Message = { type: 'ready' };\n",
  'src/host/panel.ts': "import * as vscode from 'vscode';\nimport type { Message } from '../protocol';\nimport { chipText } from '../core/limits/chip';\nexport const show = (m: Message) => vscode.window.showInformationMessage(m.type + chipText());\n",
  'webview/app.ts': "import type { Message, Metrics } from '../src/protocol';\nexport const render = (m: Message, x: Metrics) => `${m.type} ${x.requests}`;\n",
};

/** One offence per rule, each in its own file (so each finding names its rule's file). */
const OFFENCES: Record<string, string> = {
  'src/core/query/usesVscode.ts': "import * as vscode from 'vscode';\nexport const x = vscode;\n",
  'src/core/query/usesHost.ts': "import { show } from '../../host/panel';\nexport const x = show;\n",
  'src/core/query/usesProtocol.ts': "import type { Message } from '../../protocol';\nexport type X = Message;\n",
  'src/core/query/usesAdapter.ts': "import { scan } from '../sources/api-log/scanner';\nexport const x = scan;\n",
  'src/core/limits/usesQuery.ts': "import { run } from '../query/run';\nexport const x = run;\n",
  'src/core/store/usesSource.ts': "import { scan } from '../sources/api-log/scanner';\nexport const x = scan;\n",
  'webview/usesCore.ts': "import { empty } from '../src/core/store/db';\nexport const x = empty;\n",
  'webview/usesNode.ts': "import * as fs from 'node:fs';\nexport const x = fs;\n",
};

async function lint(root: string): Promise<{ file: string; rule: string | null }[]> {
  const { houseRules } = (await import(path.join(REPO, 'eslint.config.mjs'))) as { houseRules: (root: string) => unknown[] };
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser, sourceType: 'module' } },
      ...(houseRules(root) as ESLint.Options['overrideConfig'][]),
    ] as ESLint.Options['overrideConfig'],
  });
  const results = await eslint.lintFiles(['src', 'webview']);
  return results.flatMap((r) => r.messages.map((m) => ({ file: path.relative(root, r.filePath), rule: m.ruleId })));
}

async function cycles(root: string): Promise<string[][]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the config is CommonJS (dependency-cruiser's own format)
  const config = require(path.join(REPO, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };
  const { tsConfig: _repoTsConfig, ...options } = config.options;
  // ESM only: loaded with import(), not require().
  const { cruise } = (await import('dependency-cruiser')) as { cruise: typeof Cruise };
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const result = await cruise(['src', 'webview'], { ...options, validate: true, ruleSet: { forbidden: config.forbidden } } as Parameters<typeof Cruise>[1]);
    const output = result.output as { summary: { violations: { rule: { name: string }; cycle?: { name: string }[] }[] } };
    return output.summary.violations.filter((v) => v.rule.name === 'no-circular').map((v) => (v.cycle ?? []).map((c) => c.name));
  } finally {
    process.chdir(cwd);
  }
}

test('the lawful tree passes both checks', { timeout: 120_000 }, async () => {
  const root = fixtureTree(LAWFUL);
  try {
    assert.deepEqual(await lint(root), []);
    assert.deepEqual(await cycles(root), []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('each forbidden import is reported, in the file that makes it', { timeout: 120_000 }, async () => {
  const root = fixtureTree({ ...LAWFUL, ...OFFENCES });
  try {
    const found = await lint(root);
    const byFile = (f: string) => found.filter((x) => x.file === f).map((x) => x.rule);
    assert.deepEqual(byFile('src/core/query/usesVscode.ts'), ['no-restricted-imports']);
    assert.deepEqual(byFile('src/core/query/usesHost.ts'), ['import-x/no-restricted-paths']);
    assert.deepEqual(byFile('src/core/query/usesProtocol.ts'), ['import-x/no-restricted-paths'], 'a type-only import counts');
    assert.deepEqual(byFile('src/core/query/usesAdapter.ts'), ['import-x/no-restricted-paths'], 'query may use a source\'s types.ts only');
    assert.deepEqual(byFile('src/core/store/usesSource.ts'), ['import-x/no-restricted-paths']);
    assert.deepEqual(byFile('src/core/limits/usesQuery.ts'), ['import-x/no-restricted-paths'], 'limits may use query\'s windows.ts only');
    assert.deepEqual(byFile('webview/usesCore.ts'), ['import-x/no-restricted-paths']);
    assert.deepEqual(byFile('webview/usesNode.ts'), ['no-restricted-imports']);
    assert.equal(found.length, Object.keys(OFFENCES).length, JSON.stringify(found));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('an import cycle is reported, also when one side imports only types', { timeout: 120_000 }, async () => {
  // status.ts → chip.ts for a type, chip.ts → status.ts for a value: the cycle the house once had.
  const root = fixtureTree({
    ...LAWFUL,
    'src/core/limits/status.ts': "import type { RateLimitKind } from '../sources/api-log/types';\nimport type { chipText } from './chip';\nimport { empty } from '../store/db';\nexport const kind: RateLimitKind = 'requests';\nexport type Render = typeof chipText;\nexport const status = () => empty();\n",
  });
  try {
    const found = await cycles(root);
    assert.equal(found.length > 0, true, 'a cycle is found');
    assert.ok(found.some((c) => c.includes('src/core/limits/status.ts') && c.includes('src/core/limits/chip.ts')), JSON.stringify(found));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
