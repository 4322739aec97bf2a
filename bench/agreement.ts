// The agreement check: our token totals vs ccusage's vs the generator's truth, per model and overall,
// so a fast wrong answer cannot pass. Ours must equal the truth exactly. ccusage may differ only by the
// rules of ccusage-rules.ts; whatever those do not explain is flagged.
import { RULE_TEXT, TOKEN_FIELDS, type RuleDeltas, type RuleName, type TokenField, type Tokens, sumTokens, zeroTokens } from './ccusage-rules';

export interface ModelTokens extends Tokens {
  requests?: number;
}

export interface TotalsByModel {
  totals: Tokens;
  byModel: Record<string, ModelTokens>;
}

/** Our `query --params {"window":"all","group_by":"model"}` result. */
export interface OurQueryResult {
  totals: { requests: number; input_tokens: number; output_tokens: number; cache_creation_tokens: number; cache_read_tokens: number };
  groups?: { key: string; requests: number; input_tokens: number; output_tokens: number; cache_creation_tokens: number; cache_read_tokens: number }[];
}

/** `ccusage claude daily --json` (v20). */
export interface CcusageDaily {
  daily: { date: string; modelBreakdowns: { modelName: string; inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number }[] }[];
  totals: { inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number };
}

/** The parts of truth.json the check reads. */
export interface TruthTotals {
  uniqueRequests: number;
  totals: { input: number; output: number; cacheCreation: number; cacheRead: number };
  byModel: Record<string, { requests: number; input: number; output: number; cacheCreation: number; cacheRead: number }>;
}

export function fromOurs(r: OurQueryResult): TotalsByModel {
  const byModel: Record<string, ModelTokens> = {};
  for (const g of r.groups ?? []) {
    byModel[g.key] = { requests: g.requests, input: g.input_tokens, output: g.output_tokens, cacheCreation: g.cache_creation_tokens, cacheRead: g.cache_read_tokens };
  }
  const t = r.totals;
  return { totals: { input: t.input_tokens, output: t.output_tokens, cacheCreation: t.cache_creation_tokens, cacheRead: t.cache_read_tokens }, byModel };
}

export function fromTruth(t: TruthTotals): TotalsByModel {
  const byModel: Record<string, ModelTokens> = {};
  for (const [k, m] of Object.entries(t.byModel)) byModel[k] = { requests: m.requests, input: m.input, output: m.output, cacheCreation: m.cacheCreation, cacheRead: m.cacheRead };
  return { totals: { ...t.totals }, byModel };
}

/**
 * Sums ccusage's per-day model breakdowns. Fast-mode usage is listed as "<model>-fast": folded into the
 * base model when `fastModels` names it (the corpus lines say which models ran fast).
 */
export function fromCcusage(c: CcusageDaily, fastModels: Set<string>): TotalsByModel & { folded: string[] } {
  const byModel: Record<string, ModelTokens> = {};
  const folded = new Set<string>();
  for (const day of c.daily) {
    for (const b of day.modelBreakdowns) {
      let name = b.modelName;
      if (name.endsWith('-fast') && fastModels.has(name.slice(0, -5))) {
        folded.add(name);
        name = name.slice(0, -5);
      }
      const m = (byModel[name] ??= zeroTokens());
      m.input += b.inputTokens;
      m.output += b.outputTokens;
      m.cacheCreation += b.cacheCreationTokens;
      m.cacheRead += b.cacheReadTokens;
    }
  }
  const t = c.totals;
  return { totals: { input: t.inputTokens, output: t.outputTokens, cacheCreation: t.cacheCreationTokens, cacheRead: t.cacheReadTokens }, byModel, folded: [...folded].sort() };
}

export interface Difference {
  /** Which pair differs: ours vs truth, or ccusage vs truth. */
  pair: 'ours-truth' | 'ccusage-truth';
  /** A model id, or "(all models)" for the totals. */
  model: string;
  field: TokenField | 'requests';
  left: number;
  right: number;
  diff: number;
  /** The part of diff the documented rules account for. */
  explained: number;
  explanation: string[];
  unexplained: number;
}

export interface AgreementReport {
  ok: boolean;
  differences: Difference[];
  notes: string[];
}

const ALL = '(all models)';

function ruleSum(deltas: RuleDeltas, model: string | null): Partial<Record<RuleName, Tokens>> {
  const out: Partial<Record<RuleName, Tokens>> = {};
  const models = model === null ? Object.keys(deltas.byModel) : [model];
  for (const m of models) {
    for (const [rule, t] of Object.entries(deltas.byModel[m] ?? {}) as [RuleName, Tokens][]) {
      const acc = (out[rule] ??= zeroTokens());
      for (const f of TOKEN_FIELDS) acc[f] += t[f];
    }
  }
  return out;
}

export function checkAgreement(input: { ours: TotalsByModel | null; ccusage: (TotalsByModel & { folded: string[] }) | null; truth: TotalsByModel; deltas: RuleDeltas | null; truthRequests?: number; ourRequests?: number }): AgreementReport {
  const differences: Difference[] = [];
  const notes: string[] = [];
  const { ours, ccusage, truth, deltas } = input;
  const models = new Set<string>([...Object.keys(truth.byModel), ...Object.keys(ours?.byModel ?? {}), ...Object.keys(ccusage?.byModel ?? {})]);

  const compare = (pair: Difference['pair'], model: string, left: Tokens & { requests?: number }, right: Tokens & { requests?: number }, rules: Partial<Record<RuleName, Tokens>>) => {
    for (const field of TOKEN_FIELDS) {
      const diff = left[field] - right[field];
      let explained = 0;
      const explanation: string[] = [];
      for (const [rule, t] of Object.entries(rules) as [RuleName, Tokens][]) {
        if (t[field] === 0) continue;
        explained += t[field];
        explanation.push(`${rule} ${t[field] > 0 ? '+' : ''}${t[field]}`);
      }
      if (diff === 0 && explained === 0) continue;
      differences.push({ pair, model, field, left: left[field], right: right[field], diff, explained, explanation, unexplained: diff - explained });
    }
    if (pair === 'ours-truth' && left.requests !== undefined && right.requests !== undefined && left.requests !== right.requests) {
      differences.push({ pair, model, field: 'requests', left: left.requests, right: right.requests, diff: left.requests - right.requests, explained: 0, explanation: [], unexplained: left.requests - right.requests });
    }
  };

  if (ours) {
    compare('ours-truth', ALL, { ...ours.totals, requests: input.ourRequests }, { ...truth.totals, requests: input.truthRequests }, {});
    for (const m of [...models].sort()) {
      compare('ours-truth', m, ours.byModel[m] ?? { ...zeroTokens(), requests: 0 }, truth.byModel[m] ?? { ...zeroTokens(), requests: 0 }, {});
    }
  }
  if (ccusage) {
    const empty = {} as Partial<Record<RuleName, Tokens>>;
    compare('ccusage-truth', ALL, ccusage.totals, truth.totals, deltas ? ruleSum(deltas, null) : empty);
    for (const m of [...models].sort()) {
      compare('ccusage-truth', m, ccusage.byModel[m] ?? zeroTokens(), truth.byModel[m] ?? zeroTokens(), deltas ? ruleSum(deltas, m) : empty);
    }
    const breakdownSum = zeroTokens();
    for (const m of Object.values(ccusage.byModel)) for (const f of TOKEN_FIELDS) breakdownSum[f] += m[f];
    const hidden = sumTokens(ccusage.totals) - sumTokens(breakdownSum);
    if (hidden !== 0) notes.push(`ccusage totals exceed the sum of its model breakdowns by ${hidden} tokens (the <synthetic> model is left out of breakdowns).`);
    if (ccusage.folded.length) notes.push(`ccusage lists fast-mode usage under its own name (${ccusage.folded.join(', ')}); folded into the base model for the comparison.`);
    if (deltas) {
      for (const rule of Object.keys(deltas.counts) as RuleName[]) {
        if (deltas.counts[rule] > 0) notes.push(`${rule} (${deltas.counts[rule]} responses): ${RULE_TEXT[rule]}.`);
      }
    }
  }
  const ok = differences.every((d) => d.unexplained === 0);
  return { ok, differences, notes };
}

export function renderAgreement(r: AgreementReport, labels: { ours: boolean; ccusage: boolean }): string {
  const out: string[] = [];
  const oursDiffs = r.differences.filter((d) => d.pair === 'ours-truth');
  const ccDiffs = r.differences.filter((d) => d.pair === 'ccusage-truth');
  if (labels.ours) {
    out.push(oursDiffs.length === 0 ? '- ours = truth: every token field of every model and the request count match exactly.' : '- **ours ≠ truth — UNEXPLAINED, our answer is wrong:**');
    for (const d of oursDiffs) out.push(`  - ⚠ ${d.model} ${d.field}: ours ${d.left}, truth ${d.right} (diff ${d.diff > 0 ? '+' : ''}${d.diff})`);
  }
  if (labels.ccusage) {
    if (ccDiffs.length === 0) out.push('- ccusage = truth on every token field of every model.');
    else {
      const unexplained = ccDiffs.filter((d) => d.unexplained !== 0);
      out.push(unexplained.length === 0 ? '- ccusage ≠ truth, every difference explained by a documented ccusage rule:' : `- **ccusage ≠ truth with ${unexplained.length} UNEXPLAINED difference(s):**`);
      for (const d of ccDiffs) {
        const why = d.explanation.length ? `explained: ${d.explanation.join(', ')}` : 'no rule explains it';
        const flag = d.unexplained !== 0 ? `⚠ UNEXPLAINED ${d.unexplained > 0 ? '+' : ''}${d.unexplained}; ` : '';
        out.push(`  - ${d.model} ${d.field}: ccusage ${d.left}, truth ${d.right} (diff ${d.diff > 0 ? '+' : ''}${d.diff}; ${flag}${why})`);
      }
    }
  }
  for (const n of r.notes) out.push(`- note: ${n}`);
  return out.join('\n');
}
