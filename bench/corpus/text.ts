// Text pools the generator slices from: source files, command output, prose, signatures.
// Built once per process from a fixed seed (so they never depend on the corpus seed) and sliced
// at line boundaries, which keeps the bulk of a corpus cheap to produce.

import { Rng } from './prng';

const WORDS = (
  'the a to of and in is it for on that this with as be by we now then check update fix add ' +
  'test handler order cart invoice payment refund user session token cache query index build ' +
  'config route schema migration component state render effect hook service client server ' +
  'request response error retry timeout queue worker job batch stream parse format validate ' +
  'file line function module import export type interface value field record table column ' +
  'should will can need looks seems because so first next finally also still only again'
).split(' ');

const IDENTS = (
  'order cart item price total user account invoice payment refund session token cache ' +
  'config logger client request response handler router store query result error retry ' +
  'buffer stream chunk offset limit cursor page index entry record batch queue worker'
).split(' ');

const TYPES = ['string', 'number', 'boolean', 'Order', 'Cart', 'User', 'Invoice', 'Result<T>', 'Promise<void>'];

export interface LinePool {
  /** Whole text, lines joined with "\n" (each line ends with "\n"). */
  text: string;
  /** starts[i] = offset of line i; starts[lineCount] = text.length. */
  starts: number[];
  lineCount: number;
  /** The same text JSON-escaped (no surrounding quotes), with its own line offsets. */
  esc: string;
  escStarts: number[];
}

export interface SourceFile {
  relPath: string;
  raw: LinePool;
  /** The same lines as `cat -n` renders them for the Read tool: "     1→…". */
  numbered: LinePool;
}

function poolFromLines(lines: string[]): LinePool {
  const starts: number[] = [];
  const escStarts: number[] = [];
  const escLines: string[] = [];
  let pos = 0;
  let escPos = 0;
  for (const l of lines) {
    starts.push(pos);
    escStarts.push(escPos);
    pos += l.length + 1;
    const e = JSON.stringify(l + '\n').slice(1, -1);
    escLines.push(e);
    escPos += e.length;
  }
  starts.push(pos);
  escStarts.push(escPos);
  return { text: lines.join('\n') + '\n', starts, lineCount: lines.length, esc: escLines.join(''), escStarts };
}

/** Lines [from, from+count) of a pool, clamped. */
export function sliceLines(pool: LinePool, from: number, count: number): string {
  const a = Math.max(0, Math.min(from, pool.lineCount));
  const b = Math.max(a, Math.min(a + count, pool.lineCount));
  return pool.text.slice(pool.starts[a], pool.starts[b]);
}

/** A line range of a pool in both forms: raw (for sizes and token estimates) and JSON-escaped. */
export interface PoolSlice {
  raw: string;
  esc: string;
}

export function sliceLinesBoth(pool: LinePool, from: number, count: number): PoolSlice {
  const a = Math.max(0, Math.min(from, pool.lineCount));
  const b = Math.max(a, Math.min(a + count, pool.lineCount));
  return { raw: pool.text.slice(pool.starts[a], pool.starts[b]), esc: pool.esc.slice(pool.escStarts[a], pool.escStarts[b]) };
}

function camel(rng: Rng): string {
  const a = rng.pick(IDENTS);
  const b = rng.pick(IDENTS);
  return a + b[0].toUpperCase() + b.slice(1);
}

function codeLine(rng: Rng, depth: number): string {
  const pad = '  '.repeat(depth);
  switch (rng.int(0, 9)) {
    case 0:
      return `${pad}const ${camel(rng)} = await ${camel(rng)}(${rng.pick(IDENTS)}, { limit: ${rng.int(1, 500)} });`;
    case 1:
      return `${pad}if (!${camel(rng)} || ${rng.pick(IDENTS)}.length > ${rng.int(2, 64)}) {`;
    case 2:
      return `${pad}return ${camel(rng)}.map((${rng.pick(IDENTS)}) => ${rng.pick(IDENTS)}.${camel(rng)});`;
    case 3:
      return `${pad}// ${rng.pick(WORDS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)} "${rng.pick(IDENTS)}"`;
    case 4:
      return `${pad}export function ${camel(rng)}(${rng.pick(IDENTS)}: ${rng.pick(TYPES)}): ${rng.pick(TYPES)} {`;
    case 5:
      return `${pad}throw new Error(\`${rng.pick(IDENTS)} ${rng.pick(WORDS)} failed: \${${rng.pick(IDENTS)}.id}\`);`;
    case 6:
      return `${pad}logger.debug('${camel(rng)}', { ${rng.pick(IDENTS)}, elapsedMs: Date.now() - started });`;
    case 7:
      return `${pad}}`;
    case 8:
      return '';
    default:
      return `${pad}${camel(rng)}.${camel(rng)} = ${rng.pick(IDENTS)}?.${rng.pick(IDENTS)} ?? ${rng.int(0, 9999)};`;
  }
}

function buildSource(rng: Rng, relPath: string, lineCount: number): SourceFile {
  const lines: string[] = [];
  let depth = 0;
  for (let i = 0; i < lineCount; i++) {
    const l = codeLine(rng, depth);
    lines.push(l);
    if (l.endsWith('{')) depth = Math.min(depth + 1, 4);
    else if (l.trim() === '}') depth = Math.max(depth - 1, 0);
  }
  const numbered = lines.map((l, i) => `${String(i + 1).padStart(6, ' ')}\u2192${l}`);
  return { relPath, raw: poolFromLines(lines), numbered: poolFromLines(numbered) };
}

function buildCommandOutput(rng: Rng, lineCount: number): LinePool {
  const lines: string[] = [];
  for (let i = 0; i < lineCount; i++) {
    switch (rng.int(0, 6)) {
      case 0:
        lines.push(`  \u2713 ${rng.pick(WORDS)} ${rng.pick(IDENTS)} ${rng.pick(WORDS)} ${rng.pick(IDENTS)} (${rng.int(1, 900)} ms)`);
        break;
      case 1:
        lines.push(`src/${rng.pick(IDENTS)}/${camel(rng)}.ts:${rng.int(1, 900)}:${rng.int(1, 80)}: ${rng.pick(WORDS)} ${camel(rng)}`);
        break;
      case 2:
        lines.push(`${rng.hex(7)} ${rng.pick(['fix', 'feat', 'chore', 'refactor'])}(${rng.pick(IDENTS)}): ${rng.pick(WORDS)} ${rng.pick(IDENTS)} ${rng.pick(WORDS)}`);
        break;
      case 3:
        lines.push(`[${rng.int(10, 23)}:${String(rng.int(0, 59)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}] INFO ${camel(rng)} ${rng.pick(WORDS)} id=${rng.hex(12)} status=${rng.pick([200, 201, 204, 400, 404, 500])}`);
        break;
      case 4:
        lines.push(`    at ${camel(rng)} (/home/dev/${rng.pick(IDENTS)}/src/${camel(rng)}.ts:${rng.int(1, 500)}:${rng.int(1, 60)})`);
        break;
      case 5:
        lines.push(`${rng.pick(['M', 'A', '??', 'D'])} src/${rng.pick(IDENTS)}/${camel(rng)}.ts`);
        break;
      default:
        lines.push(`npm ${rng.pick(['WARN', 'notice', 'info'])} ${rng.pick(WORDS)} ${camel(rng)}@${rng.int(1, 9)}.${rng.int(0, 30)}.${rng.int(0, 20)}`);
    }
  }
  return poolFromLines(lines);
}

function buildProse(rng: Rng, chars: number): string {
  let out = '';
  while (out.length < chars) {
    const n = rng.int(6, 22);
    let s = '';
    for (let i = 0; i < n; i++) s += (i ? ' ' : '') + rng.pick(WORDS);
    out += s[0].toUpperCase() + s.slice(1) + (rng.chance(0.15) ? ':\n' : '. ');
  }
  return out;
}

export const PROMPTS = [
  'Fix the failing refund test in the payments module',
  'Add pagination to the orders endpoint and update the tests',
  'Why does the cart total round incorrectly for discounts? Investigate and fix',
  'Refactor the invoice renderer to use the new template engine',
  'Write a migration that adds an index on sessions.user_id',
  'Run the test suite and fix whatever is broken',
  'Review my last commit and suggest improvements',
  'Add retry with exponential backoff to the webhook client',
  'Explain how the cache invalidation works in the query layer',
  'The build is failing on CI with a type error, can you look?',
  'Implement the CSV export for the admin reports page',
  'Update the README with the new configuration options',
  'Find all places where we parse dates without a timezone',
  'Speed up the search endpoint, it takes 2s on large accounts',
  'Add input validation to the signup form and show errors inline',
  'continue',
  'yes, go ahead',
  'Now commit this with a good message',
  'Can you also handle the empty-cart case?',
  'Write unit tests for the rate limiter',
];

export const TITLES = [
  'Fix refund test failure',
  'Orders endpoint pagination',
  'Cart discount rounding bug',
  'Invoice renderer refactor',
  'Session index migration',
  'Webhook retry backoff',
  'CSV export for admin reports',
  'Search endpoint performance',
  'Signup form validation',
  'Rate limiter unit tests',
];

export interface TextPools {
  sources: SourceFile[];
  commandOutput: LinePool;
  prose: string;
  signatures: string;
}

let cached: TextPools | null = null;

export function textPools(): TextPools {
  if (cached) return cached;
  const rng = new Rng(0x5eed);
  const dirs = ['src/payments', 'src/cart', 'src/api', 'src/db', 'src/ui', 'test', 'src/lib'];
  const sources: SourceFile[] = [];
  for (let i = 0; i < 14; i++) {
    const rel = `${rng.pick(dirs)}/${camel(rng)}.${rng.pick(['ts', 'ts', 'tsx', 'py', 'go'])}`;
    sources.push(buildSource(rng, rel, rng.int(120, 1400)));
  }
  cached = {
    sources,
    commandOutput: buildCommandOutput(rng, 6000),
    prose: buildProse(rng, 120_000),
    signatures: rng.base64(48_000),
  };
  return cached;
}

/** A substring of about `chars` characters from a long pool, starting at a random offset. */
export function slicePool(pool: string, rng: Rng, chars: number): string {
  const n = Math.min(chars, pool.length);
  const start = rng.int(0, pool.length - n);
  return pool.slice(start, start + n);
}
