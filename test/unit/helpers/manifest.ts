// The manifest as VS Code shows it: package.json with every "%key%" string replaced from
// package.nls.json (or package.nls.<locale>.json, falling back per key to the English file).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');

export function readJson<T = any>(rel: string): T {
  return JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8')) as T;
}

const NLS_REF = /^%([\w.-]+)%$/;

/** Every %key% used anywhere in the manifest. */
export function nlsKeysUsed(node: unknown, into = new Set<string>()): Set<string> {
  if (typeof node === 'string') {
    const m = NLS_REF.exec(node);
    if (m) into.add(m[1]!);
  } else if (Array.isArray(node)) node.forEach((n) => nlsKeysUsed(n, into));
  else if (node && typeof node === 'object') Object.values(node).forEach((n) => nlsKeysUsed(n, into));
  return into;
}

function resolve(node: unknown, table: Record<string, string>): unknown {
  if (typeof node === 'string') {
    const m = NLS_REF.exec(node);
    if (!m) return node;
    const value = table[m[1]!];
    if (value === undefined) throw new Error(`package.nls has no key ${m[1]}`);
    return value;
  }
  if (Array.isArray(node)) return node.map((n) => resolve(n, table));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v, table)]));
  return node;
}

export function localizedManifest(locale?: string): any {
  const english = readJson<Record<string, string>>('package.nls.json');
  const table = locale ? { ...english, ...readJson<Record<string, string>>(`package.nls.${locale}.json`) } : english;
  return resolve(readJson('package.json'), table);
}

/** The settings of all configuration sections, flattened (key → schema). */
export function settingsOf(manifest: any): Record<string, any> {
  const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
  return Object.assign({}, ...sections.map((s: { properties: object }) => s.properties));
}
