// The targeted line parser: reads a transcript line's bytes in place, validating the whole line as JSON
// but building only the few fields a billable line needs (the envelope keys, message.id/model/stop_reason,
// the tool names of message.content and the usage object), then applies the same rules as the full parse
// (parse.ts). Whenever it is not certain to agree with `parseTranscriptLine(line)` — invalid JSON, an
// escaped key, a repeated key it reads, a synthetic / title row, any result but usage, compact or skip — it
// returns the full parse of the line instead. The equality is proven by test/unit/claude-code-fast-parse.test.ts.
import { parseAssembledRow, parseTranscriptLine, type ParsedLine } from './parse';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** Thrown when the line is not certain to parse the same way; caught at the top, never escapes. */
const UNCERTAIN = new Error('uncertain');

/** A container value the parse does not need: anything that is an object (for `!== undefined`, isRecord…). */
const OPAQUE_OBJECT: Readonly<Record<string, never>> = Object.freeze({});
const OPAQUE_ARRAY: readonly never[] = Object.freeze([]);

// The line being read: module state rather than an object, for speed (the parser is not re-entrant).
let buf: Buffer = Buffer.alloc(0);
let pos = 0;
let end = 0;
/** Set by scanString: the string just scanned contained a backslash escape. */
let escaped = false;

/** The keys read at one level of the row: their bytes (to recognise them) and names (to store them). */
interface KeySet {
  bytes: Buffer[];
  names: string[];
}
const KEY = (s: string) => Buffer.from(s, 'latin1');
const keySet = (names: string[]): KeySet => ({ bytes: names.map(KEY), names });
const TOP_KEYS = keySet(['type', 'message', 'sessionId', 'timestamp', 'requestId', 'cwd', 'isSidechain', 'agentId', 'version', 'gitBranch', 'forkedFrom', 'isApiErrorMessage', 'subtype', 'uuid', 'compactMetadata']);
const MESSAGE_KEYS = keySet(['id', 'model', 'usage', 'stop_reason', 'content']);
const BLOCK_KEYS = keySet(['type', 'name']);
const COMPACT_KEYS = keySet(['trigger', 'preTokens']);
const T_TYPE = 0, T_MESSAGE = 1, T_SUBTYPE = 12, T_METADATA = 14;
const M_USAGE = 2, M_CONTENT = 4;

/** How many lines each path decided (tests check that the targeted path is the one taken for usage lines). */
export const fastParseCounts = { targeted: 0, fullParse: 0 };

/**
 * `parseTranscriptLine(bytes.toString('utf8', start, stop), fallbackSessionId)`, without decoding or
 * building what a billable line does not need.
 */
export function parseTranscriptLineBytes(bytes: Buffer, start: number, stop: number, fallbackSessionId?: string): ParsedLine {
  buf = bytes;
  pos = start;
  end = stop;
  let result: ParsedLine | null = null;
  try {
    result = readLine(fallbackSessionId);
  } catch (e) {
    if (e !== UNCERTAIN && !(e instanceof RangeError)) throw e;
  }
  buf = EMPTY; // do not keep the caller's chunk alive
  if (result !== null) {
    fastParseCounts.targeted++;
    return result;
  }
  fastParseCounts.fullParse++;
  return parseTranscriptLine(bytes.toString('utf8', start, stop), fallbackSessionId);
}
const EMPTY = Buffer.alloc(0);

/** The certain result, or null when the full parse must decide. */
function readLine(fallbackSessionId: string | undefined): ParsedLine | null {
  skipSpace();
  if (pos >= end || buf[pos] !== OPEN_OBJECT) return null;
  const row = readObject(TOP_KEYS, readTopValue);
  skipSpace();
  if (pos !== end) return null; // trailing bytes: not one JSON value
  const type = row.type;
  if (type === 'assistant') {
    const message = row.message as Record<string, unknown> | undefined;
    // Limit messages (synthetic / API-error rows) need the message text: the full parse reads them.
    if (row.isApiErrorMessage === true || (message !== null && typeof message === 'object' && (message as Record<string, unknown>).model === '<synthetic>')) return null;
  } else if (type === 'summary' || type === 'ai-title' || type === 'custom-title') {
    return null; // titles are rare, short rows
  } else if (type !== 'system') {
    return SKIP;
  }
  const parsed = parseAssembledRow(row, fallbackSessionId);
  return parsed.kind === 'usage' || parsed.kind === 'compact' || parsed.kind === 'skip' ? parsed : null;
}
const SKIP: ParsedLine = { kind: 'skip' };

type ValueReader = (keyIndex: number) => unknown;

/**
 * Reads an object at `pos` (which holds `{`). Keys in `keys` are read with `readValue`, every other value
 * is validated and skipped. A repeated known key or an escaped key (it could spell a known one) is uncertain.
 */
function readObject(keys: KeySet, readValue: ValueReader): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let seen = 0;
  pos++; // {
  skipSpace();
  if (pos < end && buf[pos] === CLOSE_OBJECT) {
    pos++;
    return out;
  }
  for (;;) {
    if (pos >= end || buf[pos] !== QUOTE) throw UNCERTAIN;
    const keyStart = pos + 1;
    scanString();
    if (escaped) throw UNCERTAIN;
    const k = knownKey(keys.bytes, keyStart, pos - 1);
    skipSpace();
    if (pos >= end || buf[pos] !== COLON) throw UNCERTAIN;
    pos++;
    skipSpace();
    if (k === -1) {
      skipValue();
    } else {
      if (seen & (1 << k)) throw UNCERTAIN; // JSON.parse keeps the last copy; not worth modelling
      seen |= 1 << k;
      out[keys.names[k]] = readValue(k);
    }
    skipSpace();
    if (pos >= end) throw UNCERTAIN;
    const c = buf[pos++];
    if (c === CLOSE_OBJECT) return out;
    if (c !== COMMA) throw UNCERTAIN;
    skipSpace();
  }
}

function knownKey(keys: Buffer[], from: number, to: number): number {
  const len = to - from;
  outer: for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (key.length !== len) continue;
    for (let i = 0; i < len; i++) if (buf[from + i] !== key[i]) continue outer;
    return k;
  }
  return -1;
}

function readTopValue(k: number): unknown {
  if (k === T_MESSAGE && buf[pos] === OPEN_OBJECT) return readObject(MESSAGE_KEYS, readMessageValue);
  if (k === T_METADATA && buf[pos] === OPEN_OBJECT) return readObject(COMPACT_KEYS, readScalar);
  // `type` and `subtype` decide which rule applies; an escaped spelling is left to the full parse (its
  // cheap pre-filter looks for the plain spelling).
  const v = readScalar();
  if ((k === T_TYPE || k === T_SUBTYPE) && escaped) throw UNCERTAIN;
  return v;
}

function readMessageValue(k: number): unknown {
  if (k === M_USAGE && buf[pos] === OPEN_OBJECT) {
    // The usage object is small: parsed as a whole, it is exactly what the full parse sees.
    const from = pos;
    skipValue();
    return JSON.parse(buf.toString('utf8', from, pos));
  }
  if (k === M_CONTENT && buf[pos] === OPEN_ARRAY) return readContent();
  return readScalar();
}

/** message.content: only each block's type and name matter (tool names). */
function readContent(): unknown[] {
  const blocks: unknown[] = [];
  pos++; // [
  skipSpace();
  if (pos < end && buf[pos] === CLOSE_ARRAY) {
    pos++;
    return blocks;
  }
  for (;;) {
    if (pos >= end) throw UNCERTAIN;
    if (buf[pos] === OPEN_OBJECT) {
      blocks.push(readObject(BLOCK_KEYS, readScalar));
    } else {
      skipValue();
      blocks.push(null); // not an object: never a tool block
    }
    skipSpace();
    if (pos >= end) throw UNCERTAIN;
    const c = buf[pos++];
    if (c === CLOSE_ARRAY) return blocks;
    if (c !== COMMA) throw UNCERTAIN;
    skipSpace();
  }
}

/**
 * A value the rules compare or test the type of: strings decoded, numbers and literals as themselves,
 * objects and arrays as opaque stand-ins of the same kind (validated, not built).
 */
function readScalar(): unknown {
  const c = buf[pos];
  escaped = false;
  if (c === QUOTE) {
    const from = pos;
    scanString();
    return escaped ? (JSON.parse(buf.toString('utf8', from, pos)) as string) : buf.toString('utf8', from + 1, pos - 1);
  }
  if (c === OPEN_OBJECT) {
    skipValue();
    return OPAQUE_OBJECT;
  }
  if (c === OPEN_ARRAY) {
    skipValue();
    return OPAQUE_ARRAY;
  }
  const from = pos;
  skipValue();
  if (c === 0x74) return true;
  if (c === 0x66) return false;
  if (c === 0x6e) return null;
  return Number(buf.toString('latin1', from, pos));
}

function skipSpace(): void {
  while (pos < end) {
    const c = buf[pos];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    pos++;
  }
}

/** A JSON string at `pos` (its opening quote); leaves `pos` after the closing quote. Sets `escaped`. */
function scanString(): void {
  let i = pos + 1;
  let sawEscape = false;
  for (;;) {
    if (i >= end) throw UNCERTAIN;
    const c = buf[i];
    if (c === QUOTE) break;
    if (c === BACKSLASH) {
      sawEscape = true;
      const e = buf[i + 1];
      if (e === 0x75) {
        // \uXXXX
        if (i + 6 > end) throw UNCERTAIN;
        for (let h = i + 2; h < i + 6; h++) if (!isHex(buf[h])) throw UNCERTAIN;
        i += 6;
      } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
      } else {
        throw UNCERTAIN;
      }
    } else if (c < 0x20) {
      throw UNCERTAIN; // raw control characters are not allowed in JSON strings
    } else {
      i++;
    }
  }
  pos = i + 1;
  escaped = sawEscape;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Validates one JSON value at `pos` without building it (iterative: deep nesting cannot overflow the stack). */
function skipValue(): void {
  // Bit i of `inArray` says whether nesting level i is an array; deeper than 31 levels is left to JSON.parse.
  let depth = 0;
  let inArray = 0;
  for (;;) {
    // A value.
    if (pos >= end) throw UNCERTAIN;
    const c = buf[pos];
    if (c === QUOTE) {
      scanString();
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth >= 31) throw UNCERTAIN;
      pos++;
      skipSpace();
      const isArray = c === OPEN_ARRAY;
      if (pos < end && buf[pos] === (isArray ? CLOSE_ARRAY : CLOSE_OBJECT)) {
        pos++;
      } else {
        depth++;
        inArray = isArray ? inArray | (1 << depth) : inArray & ~(1 << depth);
        if (!isArray) readKeyColon();
        continue;
      }
    } else if (c === 0x74) {
      literal(TRUE);
    } else if (c === 0x66) {
      literal(FALSE);
    } else if (c === 0x6e) {
      literal(NULL);
    } else {
      scanNumber();
    }
    // After a value: close containers or move to the next element.
    for (;;) {
      if (depth === 0) return;
      skipSpace();
      if (pos >= end) throw UNCERTAIN;
      const d = buf[pos++];
      const isArray = (inArray & (1 << depth)) !== 0;
      if (d === COMMA) {
        skipSpace();
        if (!isArray) readKeyColon();
        break;
      }
      if (d !== (isArray ? CLOSE_ARRAY : CLOSE_OBJECT)) throw UNCERTAIN;
      depth--;
    }
  }
}

function readKeyColon(): void {
  if (pos >= end || buf[pos] !== QUOTE) throw UNCERTAIN;
  scanString();
  skipSpace();
  if (pos >= end || buf[pos] !== COLON) throw UNCERTAIN;
  pos++;
  skipSpace();
}

const TRUE = KEY('true');
const FALSE = KEY('false');
const NULL = KEY('null');

function literal(word: Buffer): void {
  if (pos + word.length > end) throw UNCERTAIN;
  for (let i = 0; i < word.length; i++) if (buf[pos + i] !== word[i]) throw UNCERTAIN;
  pos += word.length;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
function scanNumber(): void {
  if (buf[pos] === 0x2d) pos++;
  if (pos >= end) throw UNCERTAIN;
  if (buf[pos] === 0x30) pos++;
  else if (buf[pos] >= 0x31 && buf[pos] <= 0x39) while (pos < end && isDigit(buf[pos])) pos++;
  else throw UNCERTAIN;
  if (pos < end && buf[pos] === 0x2e) {
    pos++;
    if (pos >= end || !isDigit(buf[pos])) throw UNCERTAIN;
    while (pos < end && isDigit(buf[pos])) pos++;
  }
  if (pos < end && (buf[pos] === 0x65 || buf[pos] === 0x45)) {
    pos++;
    if (pos < end && (buf[pos] === 0x2b || buf[pos] === 0x2d)) pos++;
    if (pos >= end || !isDigit(buf[pos])) throw UNCERTAIN;
    while (pos < end && isDigit(buf[pos])) pos++;
  }
}
