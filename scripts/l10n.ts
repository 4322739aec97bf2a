// The extension's runtime strings for localization: every message passed to `vscode.l10n.t(…)` / `l10n.t(…)`
// in the host and to `t(…)` in the webview (webview/l10n.ts), read from the sources with the TypeScript
// parser (literal first arguments; `'a' + 'b'` concatenations are joined). `npm run l10n` writes them to
// l10n/bundle.l10n.json (the English bundle); test/unit/l10n.test.ts checks the bundles against them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export const ROOT = path.resolve(__dirname, '..');
/**
 * Where translatable calls live: the host (vscode.l10n.t), the webview (its own t with the same shape) and
 * the chip's text and tooltip (core, with a `t: Translate` parameter the host fills with vscode.l10n.t).
 */
const SOURCE_DIRS = ['src/host', 'webview', 'src/core/limits/chip.ts'];

function sourceFiles(dir: string): string[] {
  if (dir.endsWith('.ts')) return [dir];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (entry.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

function literalText(node: ts.Expression): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalText(node.left);
    const right = literalText(node.right);
    return left !== null && right !== null ? left + right : null;
  }
  return null;
}

/** `t(…)` and `tHtml(…)` (the webview's), `l10n.t(…)`, `api.l10n.t(…)`, `this.api.l10n.t(…)`. */
function isTranslateCall(call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text === 't' || callee.text === 'tHtml';
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 't' && ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === 'l10n'
    || (ts.isPropertyAccessExpression(callee) && callee.name.text === 't' && ts.isIdentifier(callee.expression) && callee.expression.text === 'l10n');
}

export interface ExtractedMessages {
  messages: Set<string>;
  /** Calls whose message is not a literal (a translator could never see them): file:line. */
  dynamic: string[];
}

export function extractMessages(root: string = ROOT): ExtractedMessages {
  const messages = new Set<string>();
  const dynamic: string[] = [];
  for (const dir of SOURCE_DIRS) {
    for (const file of sourceFiles(path.join(root, dir))) {
      const text = fs.readFileSync(file, 'utf8');
      if (!/\bt(Html)?\(/.test(text)) continue;
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node) => {
        if (ts.isCallExpression(node) && isTranslateCall(node) && node.arguments.length > 0) {
          const message = literalText(node.arguments[0]!);
          if (message !== null) messages.add(message);
          else dynamic.push(`${path.relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
  return { messages, dynamic };
}

/** The English bundle: every message mapped to itself, sorted (stable diffs). */
export function englishBundle(messages: Set<string>): Record<string, string> {
  return Object.fromEntries([...messages].sort().map((m) => [m, m]));
}

if (require.main === module) {
  const { messages, dynamic } = extractMessages();
  if (dynamic.length) console.warn(`[l10n] messages that are not literals: ${dynamic.join(', ')}`);
  const file = path.join(ROOT, 'l10n', 'bundle.l10n.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(englishBundle(messages), null, 2) + '\n');
  console.log(`[l10n] ${messages.size} messages → ${path.relative(process.cwd(), file)}`);
}
