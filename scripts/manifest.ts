// Keeps the generated parts of package.json and README.md in step with their sources:
//  - contributes.languageModelTools[llm_costs_query].inputSchema ← QUERY_PARAMS_SCHEMA (src/core/query/schema.ts),
//    the same object the query validator checks against;
//  - README's settings table (between the settings:start / settings:end markers) ← contributes.configuration.
// `npm run sync-manifest` rewrites both; `--check` only reports (test/unit/manifest-sync.test.ts runs the check).
// Only the generated spans change, byte for byte the rest of each file stays as it is (merges stay easy).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QUERY_PARAMS_SCHEMA } from '../src/core/query/schema';

export const ROOT = path.resolve(__dirname, '..');
const TOOL_NAME = 'llm_costs_query';

/** The end (exclusive) of the JSON value that starts at `start` ('{' or '['), in valid JSON text. */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new Error('unbalanced JSON');
}

/** package.json text with the tool's inputSchema replaced by the schema from core (2-space JSON, as npm writes). */
export function withGeneratedInputSchema(pkgText: string): string {
  const pkg = JSON.parse(pkgText);
  const tools: Array<{ name: string }> = pkg.contributes?.languageModelTools ?? [];
  if (!tools.some((t) => t.name === TOOL_NAME)) throw new Error(`package.json declares no language-model tool ${TOOL_NAME}`);
  const nameAt = pkgText.indexOf(`"name": "${TOOL_NAME}"`, pkgText.indexOf('"languageModelTools"'));
  const keyAt = pkgText.indexOf('"inputSchema":', nameAt);
  if (nameAt < 0 || keyAt < 0) throw new Error(`cannot find the inputSchema of ${TOOL_NAME} in package.json`);
  const valueAt = pkgText.indexOf('{', keyAt);
  const lineStart = pkgText.lastIndexOf('\n', keyAt) + 1;
  const indent = pkgText.slice(lineStart, keyAt);
  const generated = JSON.stringify(QUERY_PARAMS_SCHEMA, null, 2).replace(/\n/g, `\n${indent}`);
  return pkgText.slice(0, valueAt) + generated + pkgText.slice(valueEnd(pkgText, valueAt));
}

interface SettingSpec {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  scope?: string;
  description?: string;
  markdownDescription?: string;
}

/** `%key%` strings of a localized manifest resolved from package.nls.json. */
function localize(s: string | undefined, nls: Record<string, string>): string {
  if (s === undefined) return '';
  const m = /^%(.+)%$/.exec(s);
  return m && nls[m[1]] !== undefined ? nls[m[1]] : s;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n+/g, ' ');

/** Where a setting may be set, as a reader of the README needs it. */
const SCOPE_WORDS: Record<string, string> = {
  application: 'user settings only',
  machine: 'user or remote settings',
  'machine-overridable': 'any; workspace overrides',
  window: 'any',
  resource: 'any, per folder',
  'language-overridable': 'any, per language',
};

interface ConfigurationSection { title?: string; properties?: Record<string, SettingSpec> }

/** contributes.configuration is one section or a list of titled sections: one table per section. */
export function renderSettingsTable(
  pkg: { contributes: { configuration: ConfigurationSection | ConfigurationSection[] } },
  nls: Record<string, string> = {},
): string {
  const sections = Array.isArray(pkg.contributes.configuration) ? pkg.contributes.configuration : [pkg.contributes.configuration];
  const out: string[] = [];
  for (const section of sections) {
    if (sections.length > 1 && section.title) out.push(`#### ${localize(section.title, nls)}`, '');
    out.push('| Setting | Type | Default | Set in | What it does |', '|---|---|---|---|---|');
    for (const [key, spec] of Object.entries(section.properties ?? {})) {
      const type = spec.enum
        ? spec.enum.map((v) => `\`${String(v)}\``).join(' | ')
        : (Array.isArray(spec.type) ? spec.type : [spec.type ?? 'any']).join(' | ');
      const scope = SCOPE_WORDS[spec.scope ?? 'window'] ?? spec.scope!;
      const text = localize(spec.markdownDescription ?? spec.description, nls);
      out.push(`| \`${key}\` | ${cell(type)} | \`${JSON.stringify(spec.default)}\` | ${scope} | ${cell(text)} |`);
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}

const START = /<!-- settings:start[^\n]*-->\n/;
const END = '<!-- settings:end -->';

/** README text with the settings table regenerated. */
export function withGeneratedSettingsTable(readme: string, table: string): string {
  const start = START.exec(readme);
  const end = readme.indexOf(END);
  if (!start || end < start.index) throw new Error('README.md has no settings:start … settings:end markers');
  const from = start.index + start[0].length;
  return `${readme.slice(0, from)}${table}\n${readme.slice(end)}`;
}

export interface ManifestFiles { packageJson: string; readme: string }

/** What the generated files should be, given their current text. */
export function expectedFiles(current: ManifestFiles, nls: Record<string, string> = {}): ManifestFiles {
  const packageJson = withGeneratedInputSchema(current.packageJson);
  const readme = withGeneratedSettingsTable(current.readme, renderSettingsTable(JSON.parse(packageJson), nls));
  return { packageJson, readme };
}

export function readManifestFiles(root = ROOT): { files: ManifestFiles; nls: Record<string, string> } {
  const nlsFile = path.join(root, 'package.nls.json');
  return {
    files: {
      packageJson: fs.readFileSync(path.join(root, 'package.json'), 'utf8'),
      readme: fs.readFileSync(path.join(root, 'README.md'), 'utf8'),
    },
    nls: fs.existsSync(nlsFile) ? JSON.parse(fs.readFileSync(nlsFile, 'utf8')) : {},
  };
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const { files, nls } = readManifestFiles();
  const want = expectedFiles(files, nls);
  const stale = (['packageJson', 'readme'] as const).filter((k) => want[k] !== files[k]);
  const names = { packageJson: 'package.json', readme: 'README.md' };
  if (check) {
    if (stale.length) {
      console.error(`out of date: ${stale.map((k) => names[k]).join(', ')} (run npm run sync-manifest)`);
      process.exit(1);
    }
  } else {
    for (const k of stale) fs.writeFileSync(path.join(ROOT, names[k]), want[k]);
    console.log(stale.length ? `rewrote ${stale.map((k) => names[k]).join(', ')}` : 'up to date');
  }
}
