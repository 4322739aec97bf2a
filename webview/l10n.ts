// The page's strings in the user's language: the host passes VS Code's l10n bundle for this extension in
// the initial state (src/protocol.ts WebviewInitialState); a message without a translation stays English.
// `t` has the shape of vscode.l10n.t ({0}, {1} … placeholders), so one key set serves host and page, and
// test/unit/l10n.test.ts checks that every key used here is in l10n/bundle.l10n.json and translated.
import { INITIAL_STATE_ELEMENT_ID, type WebviewInitialState } from '../src/protocol';

function readInitialState(): WebviewInitialState {
  // Through globalThis: format.ts (and so this module) also runs in Node, where tests format expectations.
  const doc = (globalThis as { document?: { getElementById(id: string): { textContent: string | null } | null } }).document;
  const text = doc?.getElementById(INITIAL_STATE_ELEMENT_ID)?.textContent;
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

/**
 * `t` for a sentence with markup inside (a `<code>` setting name, a `<strong>` figure): the translated
 * template split at its {n} placeholders with `args` (lit templates or text) put in between, for lit to
 * render as a list. The words stay one message a translator can reorder.
 */
export function tHtml(message: string, ...args: unknown[]): unknown[] {
  const template = state.l10n[message] ?? message;
  const parts: unknown[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\d+)\}/g)) {
    const i = Number(m[1]);
    if (i >= args.length) continue;
    parts.push(template.slice(last, m.index), args[i]);
    last = m.index! + m[0].length;
  }
  parts.push(template.slice(last));
  return parts;
}
