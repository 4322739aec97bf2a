// Localization stays complete: every runtime message (vscode.l10n.t in the host, t in the webview) is in the
// English bundle and nothing else is; the German bundle and package.nls.de.json translate exactly the English
// keys, keep every {n} placeholder and every command link. A new string without a German translation fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { englishBundle, extractMessages } from '../../scripts/l10n';
import { nlsKeysUsed, readJson } from './helpers/manifest';
import { serializeInitialState } from '../../src/protocol';

const LOCALES = ['de'];

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
}

function commandLinks(text: string): string[] {
  return [...text.matchAll(/\]\((command:[\w.]+)/g)].map((m) => m[1]!).sort();
}

function assertSameKeys(actual: Record<string, string>, expected: Record<string, string>, what: string): void {
  const missing = Object.keys(expected).filter((k) => !(k in actual));
  const unused = Object.keys(actual).filter((k) => !(k in expected));
  assert.deepEqual(missing, [], `${what}: keys missing`);
  assert.deepEqual(unused, [], `${what}: keys no longer used`);
}

test('l10n/bundle.l10n.json holds exactly the messages the host and webview use (npm run l10n writes it)', () => {
  const { messages, dynamic } = extractMessages();
  assert.deepEqual(dynamic, [], 'every translated message is a literal a translator can see');
  assert.ok(messages.size > 100, `${messages.size} messages`);
  assert.deepEqual(readJson('l10n/bundle.l10n.json'), englishBundle(messages));
});

for (const locale of LOCALES) {
  test(`${locale}: the runtime bundle translates every message, keeping placeholders`, () => {
    const english = readJson<Record<string, string>>('l10n/bundle.l10n.json');
    const translated = readJson<Record<string, string>>(`l10n/bundle.l10n.${locale}.json`);
    assertSameKeys(translated, english, `bundle.l10n.${locale}.json`);
    for (const [key, value] of Object.entries(translated)) {
      assert.ok(value.trim() !== '', `${key}: empty translation`);
      assert.deepEqual(placeholders(value), placeholders(key), `${key}: placeholders`);
    }
  });

  test(`${locale}: package.nls.${locale}.json translates every manifest string, keeping command links`, () => {
    const english = readJson<Record<string, string>>('package.nls.json');
    const translated = readJson<Record<string, string>>(`package.nls.${locale}.json`);
    assertSameKeys(translated, english, `package.nls.${locale}.json`);
    for (const [key, value] of Object.entries(translated)) {
      assert.ok(value.trim() !== '', `${key}: empty translation`);
      assert.deepEqual(commandLinks(value), commandLinks(english[key]!), `${key}: command links`);
    }
  });
}

test('package.nls.json: every key is used by package.json and every %key% has an entry', () => {
  const used = nlsKeysUsed(readJson('package.json'));
  assertSameKeys(readJson<Record<string, string>>('package.nls.json'), Object.fromEntries([...used].map((k) => [k, k])), 'package.nls.json');
});

test('the initial state the panel page carries cannot close its script element', () => {
  const text = serializeInitialState({ language: 'de', l10n: { x: '</script><img src=x onerror=alert(1)>' } });
  assert.ok(!text.includes('<'));
  assert.equal(JSON.parse(text).l10n.x, '</script><img src=x onerror=alert(1)>');
});
