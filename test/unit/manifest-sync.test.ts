// package.json's tool schema and README's settings table are generated (scripts/manifest.ts): this fails
// when either was edited by hand or its source changed without `npm run sync-manifest`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedFiles, readManifestFiles, renderSettingsTable, withGeneratedInputSchema } from '../../scripts/manifest';
import { QUERY_PARAMS_SCHEMA } from '../../src/core/query/schema';

test('package.json and README.md are what `npm run sync-manifest` writes', () => {
  const { files, nls } = readManifestFiles();
  const want = expectedFiles(files, nls);
  assert.equal(files.packageJson, want.packageJson, 'package.json: run npm run sync-manifest');
  assert.equal(files.readme, want.readme, 'README.md settings table: run npm run sync-manifest');
});

test('the generator replaces only the inputSchema value and keeps the rest byte for byte', () => {
  const pkg = `{\n  "contributes": {\n    "languageModelTools": [\n      {\n        "name": "llm_costs_query",\n        "inputSchema": { "type": "object", "x": ["}", "\\"{"] },\n        "after": [1, 2]\n      }\n    ]\n  }\n}\n`;
  const out = withGeneratedInputSchema(pkg);
  const parsed = JSON.parse(out);
  assert.deepEqual(parsed.contributes.languageModelTools[0].inputSchema, JSON.parse(JSON.stringify(QUERY_PARAMS_SCHEMA)));
  assert.ok(out.endsWith(`,\n        "after": [1, 2]\n      }\n    ]\n  }\n}\n`), out);
  assert.equal(withGeneratedInputSchema(out), out, 'idempotent');
});

test('settings table: enum values, union types, defaults, scope and localized descriptions', () => {
  const table = renderSettingsTable({
    contributes: { configuration: { properties: {
      'x.mode': { enum: ['a', 'b'], default: 'a', description: '%x.mode%' },
      'x.paths': { type: 'array', default: [], scope: 'machine', markdownDescription: 'Paths | globs' },
    } } },
  }, { 'x.mode': 'The mode.' });
  assert.equal(table.split('\n')[2], '| `x.mode` | `a` \\| `b` | `"a"` | any | The mode. |');
  assert.equal(table.split('\n')[3], '| `x.paths` | array | `[]` | user or remote settings | Paths \\| globs |');
});
