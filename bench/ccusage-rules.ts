// The documented ways ccusage v20.0.24's `claude daily` deviates from the corpus truth, computed per model
// and token field from the corpus lines themselves (reference/ccusage.md §1, and what the agreement check
// of this benchmark found). The agreement check subtracts these from the ccusage − truth difference; what
// remains is unexplained and flagged.
//
// Rules modelled (each a delta relative to the truth's dedup: one request per message.id+requestId, the
// copy with the largest usage):
//   nullField     — a line with any of ccusage's listed keys set to null anywhere is dropped whole;
//   requestless   — lines without requestId are not deduplicated by the daily loader: every block line counts;
//   progress      — the daily loader also reads agent_progress rows (usage under data.message.message);
//   fastSuffix    — usage.speed "fast" is listed under "<model>-fast" (a rename, folded back before comparing).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listJsonl } from './probes/baseline';

export const TOKEN_FIELDS = ['input', 'output', 'cacheCreation', 'cacheRead'] as const;
export type TokenField = (typeof TOKEN_FIELDS)[number];
export type Tokens = Record<TokenField, number>;
export type RuleName = 'nullField' | 'requestless' | 'progress';

export const RULE_TEXT: Record<RuleName, string> = {
  nullField: 'ccusage drops a whole line when id/cwd/model/speed/costUSD/version/sessionId/requestId/isApiErrorMessage/cache_*_input_tokens is null anywhere in it (e.g. an MCP tool input {"id":null}); tokens of responses with no other copy are lost',
  requestless: 'ccusage 20.0.24 `claude daily` does not deduplicate lines without requestId (gateway sessions): every content-block line of such a response counts again (its `claude session` report does dedup them)',
  progress: 'ccusage `claude daily` also counts agent_progress rows (usage nested under data.message.message) when no larger copy of the same response exists',
};

export function zeroTokens(): Tokens {
  return { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 };
}

export function sumTokens(t: Tokens): number {
  return t.input + t.output + t.cacheCreation + t.cacheRead;
}

function addInto(a: Tokens, b: Tokens, sign = 1): void {
  for (const f of TOKEN_FIELDS) a[f] += sign * b[f];
}

export interface RuleDeltas {
  /** model → rule → token delta (ccusage minus truth) */
  byModel: Record<string, Partial<Record<RuleName, Tokens>>>;
  /** Responses each rule changed. */
  counts: Record<RuleName, number>;
  /** Requests per model that ccusage lists as "<model>-fast". */
  fastRequests: Record<string, number>;
}

interface Copy {
  tokens: Tokens;
  total: number;
  dropped: boolean;
  /** isSidechain: ccusage then also dedups on message.id alone. */
  sidechain: boolean;
}

interface Response {
  model: string;
  requestless: boolean;
  normal: Copy[];
  progress: Copy[];
  countedByTruth: boolean;
  fast: boolean;
}

const NULL_FIELD = /"(?:id|cwd|model|speed|costUSD|version|sessionId|requestId|isApiErrorMessage|cache_read_input_tokens|cache_creation_input_tokens)":null/;

interface UsageJson {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number };
  speed?: string | null;
}

function tokensOf(u: UsageJson): Tokens {
  return {
    input: u.input_tokens ?? 0,
    output: u.output_tokens ?? 0,
    cacheCreation: u.cache_creation_input_tokens ?? 0,
    cacheRead: u.cache_read_input_tokens ?? 0,
  };
}

function best(copies: Copy[]): Copy | null {
  let b: Copy | null = null;
  for (const c of copies) if (!b || c.total > b.total) b = c;
  return b;
}

/** Scans every *.jsonl under <root>/projects and computes the rule deltas per model. */
export function ccusageRuleDeltas(root: string): RuleDeltas {
  const responses = new Map<string, Response>();
  for (const file of listJsonl(path.join(root, 'projects'))) {
    const text = fs.readFileSync(file, 'utf8');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      const line = text.slice(start, end);
      start = end + 1;
      // ccusage's own byte pre-filter: a line without this exact text is never looked at.
      if (!line.includes('"usage":{')) continue;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      let envelope = row;
      let message = row.message as { id?: string; model?: string; usage?: UsageJson } | undefined;
      let isProgress = false;
      if (!message || typeof message.usage !== 'object' || message.usage === null) {
        const nested = (row.data as { message?: Record<string, unknown> } | undefined)?.message;
        const inner = nested?.message as typeof message;
        if (!nested || !inner || typeof inner.usage !== 'object' || inner.usage === null) continue;
        envelope = nested;
        message = inner;
        isProgress = true;
      }
      const usage = message.usage!;
      if (typeof usage.input_tokens !== 'number' || typeof usage.output_tokens !== 'number' || !message.id) continue;
      const requestId = typeof envelope.requestId === 'string' && envelope.requestId ? envelope.requestId : null;
      const sessionId = typeof row.sessionId === 'string' ? row.sessionId : '';
      const key = requestId ? `${message.id}|${requestId}` : `${message.id}||${sessionId}`;
      const tokens = tokensOf(usage);
      const copy: Copy = { tokens, total: sumTokens(tokens), dropped: NULL_FIELD.test(line), sidechain: envelope.isSidechain === true };
      let r = responses.get(key);
      if (!r) {
        r = { model: message.model ?? '', requestless: !requestId, normal: [], progress: [], countedByTruth: false, fast: false };
        responses.set(key, r);
      }
      if (isProgress) r.progress.push(copy);
      else {
        r.normal.push(copy);
        // The truth never counts synthetic or API-error rows. (/btw replays are keys of their own here; the
        // truth and ccusage both drop them, so they produce no delta either way.)
        const synthetic = message.model === '<synthetic>' || row.isApiErrorMessage === true;
        if (!synthetic) r.countedByTruth = true;
        if (usage.speed === 'fast') r.fast = true;
      }
    }
  }

  const deltas: RuleDeltas = { byModel: {}, counts: { nullField: 0, requestless: 0, progress: 0 }, fastRequests: {} };
  for (const r of responses.values()) {
    if (!r.countedByTruth) continue;
    if (r.fast) deltas.fastRequests[r.model] = (deltas.fastRequests[r.model] ?? 0) + 1;
    const truthCopy = best(r.normal)!;
    const kept = r.normal.filter((c) => !c.dropped);
    // What ccusage counts for this response under the modelled rules.
    const counted = zeroTokens();
    let rule: RuleName | null = null;
    // ccusage's secondary key (message.id alone when a copy is a sidechain, for /btw replays) also merges
    // the copies of a requestless subagent response, so only requestless main-chain responses double.
    if (r.requestless && !kept.some((c) => c.sidechain)) {
      for (const c of kept) addInto(counted, c.tokens);
      if (kept.length > 1) rule = 'requestless';
    } else {
      const keptBest = best(kept);
      const prog = best(r.progress.filter((c) => !c.dropped));
      const chosen = prog && (!keptBest || prog.total > keptBest.total) ? prog : keptBest;
      if (chosen) addInto(counted, chosen.tokens);
      if (chosen && chosen === prog) rule = 'progress';
    }
    if (!rule) rule = 'nullField'; // the only other way to differ: the truth's copy was dropped
    const delta = { ...counted };
    addInto(delta, truthCopy.tokens, -1);
    if (TOKEN_FIELDS.every((f) => delta[f] === 0)) continue;
    const m = (deltas.byModel[r.model] ??= {});
    addInto((m[rule] ??= zeroTokens()), delta);
    deltas.counts[rule]++;
  }
  return deltas;
}
