// llm_costs_query params given as JSON text (the CLI's --params). JSON.parse keeps the last of two equal
// keys, so `{"window":"all","window":"today"}` would run silently with one of them: duplicates are refused.
import { QueryParamError } from './types';

/**
 * Parses `text` as JSON and refuses an object (at any depth) that repeats a key. Errors name `what`
 * (e.g. "--params") for bad JSON, and the repeated key for a duplicate.
 */
export function parseParamsJson(text: string, what = 'params'): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new QueryParamError(what, `not valid JSON (${(e as Error).message})`);
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== null) {
    throw new QueryParamError(duplicate.key, `given ${duplicate.path === '' ? '' : `in ${duplicate.path} `}more than once; give each parameter once`);
  }
  return value;
}

interface Duplicate { key: string; path: string }

/**
 * The first key repeated within one object of `json` (text JSON.parse accepted), with the dotted path
 * of that object ('' at the top). A small scanner: strings are the only tokens that need care.
 */
export function firstDuplicateKey(json: string): Duplicate | null {
  // One frame per open container: the keys seen so far (objects) or null (arrays).
  const frames: Array<{ keys: Set<string> | null; name: string; expectKey: boolean }> = [];
  let lastString: string | null = null;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      const s = JSON.parse(json.slice(i, j + 1)) as string;
      const top = frames[frames.length - 1];
      if (top?.keys && top.expectKey) {
        if (top.keys.has(s)) return { key: s, path: frames.slice(1).map((f) => f.name).join('.') };
        top.keys.add(s);
        top.expectKey = false;
      }
      lastString = s;
      i = j;
    } else if (c === '{' || c === '[') {
      const parent = frames[frames.length - 1];
      const name = parent?.keys ? (lastString ?? '') : '[]';
      frames.push({ keys: c === '{' ? new Set() : null, name, expectKey: c === '{' });
    } else if (c === '}' || c === ']') {
      frames.pop();
    } else if (c === ',') {
      const top = frames[frames.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
  return null;
}
