// The page's strings in the user's language: the host passes VS Code's l10n bundle for this extension in
// the initial state (src/protocol.ts WebviewInitialState); a message without a translation stays English.
// `t` has the shape of vscode.l10n.t ({0}, {1} … placeholders), so one key set serves host and page, and
// test/unit/l10n.test.ts checks that every key used here is in l10n/bundle.l10n.json and translated.
import { INITIAL_STATE_ELEMENT_ID, type WebviewInitialState } from '../src/protocol';

function readInitialState(): WebviewInitialState {
  const text = typeof document === 'undefined' ? null : document.getElementById(INITIAL_STATE_ELEMENT_ID)?.textContent;
  if (!text) return { language: 'en', l10n: {} };
  try {
    const parsed = JSON.parse(text) as Partial<WebviewInitialState>;
    const l10n = parsed.l10n && typeof parsed.l10n === 'object' ? parsed.l10n : {};
    return { language: typeof parsed.language === 'string' ? parsed.language : 'en', l10n };
  } catch {
    return { language: 'en', l10n: {} };
  }
}

const state = readInitialState();

/** The UI language VS Code runs in (e.g. "de"); number formatting stays the app's own. */
export const language = state.language;

/** The translation of `message` (else the message itself) with {0}, {1}, … replaced by `args`. */
export function t(message: string, ...args: Array<string | number>): string {
  const template = state.l10n[message] ?? message;
  return args.length === 0 ? template : template.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
}
