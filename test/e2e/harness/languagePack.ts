// A stand-in German language pack for the real-VS-Code tests. Without a language pack, `--locale de` leaves
// VS Code in English and `vscode.env.language` at "en", so an extension never sees German. This pack
// declares German with empty translations of VS Code itself: VS Code then runs in "de" (its own chrome
// stays English, as nothing translates it) and loads the extension's package.nls.de.json and
// l10n/bundle.l10n.de.json, which is what the tests check. Built once into .vscode-test/.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir, repoRoot } from './paths';

const VERSION = '1.100.0';

/** Packages the stand-in pack for `language` (e.g. "de") and returns the .vsix path. */
export function languagePackStub(language: string, languageName: string): string {
  const out = path.join(cacheDir, `language-pack-stub-${language}-${VERSION}.vsix`);
  if (existsSync(out)) return out;
  const dir = path.join(cacheDir, `language-pack-stub-${language}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'translations'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: `vscode-language-pack-stub-${language}`,
    displayName: `${languageName} (test stand-in: no VS Code translations)`,
    description: 'Declares the language for end-to-end tests; translates nothing of VS Code itself.',
    publisher: 'claude-code-costs-tests',
    version: VERSION,
    license: 'MIT',
    engines: { vscode: '^1.100.0' },
    categories: ['Language Packs'],
    contributes: {
      localizations: [{
        languageId: language, languageName, localizedLanguageName: languageName,
        translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
      }],
    },
  }, null, 2));
  writeFileSync(path.join(dir, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  writeFileSync(path.join(dir, 'README.md'), `Test stand-in language pack (${languageName}).\n`);
  writeFileSync(path.join(dir, 'LICENSE'), 'MIT\n');
  execFileSync(process.execPath, [path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--allow-missing-repository', '--out', out], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out;
}

/**
 * Registers the installed stand-in pack in <userDataDir>/languagepacks.json, as VS Code does when a
 * running server installs a language pack. A pack installed by the CLI before the server starts is not
 * registered yet, and the server picks the display language from this file when it starts.
 */
export function registerLanguagePack(dirs: { userDataDir: string; extensionsDir: string }, language: string, label: string): void {
  const id = `claude-code-costs-tests.vscode-language-pack-stub-${language}`;
  const folder = readdirSync(dirs.extensionsDir).find((f) => f.startsWith(`${id}-`));
  if (!folder) throw new Error(`the ${language} stand-in pack is not installed in ${dirs.extensionsDir}`);
  const entry = {
    hash: createHash('md5').update(id).update(VERSION).digest('hex'),
    extensions: [{ extensionIdentifier: { id }, version: VERSION }],
    translations: { vscode: path.join(dirs.extensionsDir, folder, 'translations', 'main.i18n.json') },
    label,
  };
  writeFileSync(path.join(dirs.userDataDir, 'languagepacks.json'), JSON.stringify({ [language]: entry }));
}
