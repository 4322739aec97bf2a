// The subscription plan behind the local headroom estimate: from the setting, or detected offline from the
// plan fields Claude Code keeps next to its login (never the token itself, never the network).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PlanValue } from '../types';

export type { PlanValue };

export type PlanId = 'pro' | 'max5' | 'max20';
/** `api`: pay-as-you-go API billing, no subscription (no plan price, no 5-hour plan limit). */
export type PlanSetting = PlanId | 'custom' | 'api' | 'auto';
export const PLAN_SETTINGS: readonly PlanSetting[] = ['auto', 'pro', 'max5', 'max20', 'custom', 'api'];

/** Monthly plan prices in USD (claudeCosts.planPrices); `custom` has no default price. */
export type PlanPrices = Record<PlanId | 'custom', number | null>;
/** List prices per month (USD, before tax), the settings' defaults. */
export const DEFAULT_PLAN_PRICES: PlanPrices = { pro: 20, max5: 100, max20: 200, custom: null };

/**
 * Input+output tokens per 5-hour window. Anthropic does not publish these: they are the community's
 * estimates (claude-monitor's table, Oct 2025), which is why every figure derived from them is labelled
 * "estimate". Cache tokens are not counted, matching that table's basis.
 */
export const PLAN_TOKEN_LIMITS: Record<PlanId, number> = { pro: 44_000, max5: 88_000, max20: 220_000 };

export const PLAN_LABELS: Record<PlanId, string> = { pro: 'Pro', max5: 'Max 5x', max20: 'Max 20x' };

/**
 * Reads a planPrices value (an object, possibly partial): known keys with a finite price ≥ 0 replace the
 * defaults, anything else is ignored (the settings reader never throws).
 */
export function readPlanPrices(value: unknown): PlanPrices {
  const prices = { ...DEFAULT_PLAN_PRICES };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return prices;
  for (const key of Object.keys(prices) as (keyof PlanPrices)[]) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) prices[key] = v;
  }
  return prices;
}

export interface DetectedPlan {
  plan: PlanId;
  /** Which file and field said so, e.g. "~/.claude/.credentials.json rateLimitTier". */
  from: string;
  /** The raw value, e.g. "default_claude_max_5x". */
  raw: string;
}

/** Maps Claude Code's rateLimitTier / subscriptionType values to a plan; null when they do not say. */
export function planFromTier(rateLimitTier: unknown, subscriptionType: unknown): PlanId | null {
  const tier = typeof rateLimitTier === 'string' ? rateLimitTier.toLowerCase() : '';
  if (/max_?20x|max20/.test(tier)) return 'max20';
  if (/max_?5x|max5/.test(tier)) return 'max5';
  const sub = typeof subscriptionType === 'string' ? subscriptionType.toLowerCase() : '';
  if (sub === 'pro' || /claude_pro\b/.test(tier)) return 'pro';
  // "default_claude_ai" is the Pro tier when the subscription does not say otherwise.
  if (tier === 'default_claude_ai' && (sub === '' || sub === 'pro')) return 'pro';
  return null; // "max" without a tier, team, enterprise, API: unknown
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface PlanDetectionOptions {
  homeDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Claude config dirs in use (each holding .credentials.json); default $CLAUDE_CONFIG_DIR or ~/.claude. */
  configDirs?: string[];
  /**
   * Also look in .credentials.json (it holds the login token). Off unless the user opted into using their
   * Claude Code login (the OAuth usage endpoint setting): reading credentials is always opt-in.
   */
  readCredentials?: boolean;
}

/**
 * Reads only the plan fields: `oauthAccount.organizationRateLimitTier` from ~/.claude.json, and — only with
 * `readCredentials` — `claudeAiOauth.rateLimitTier` / `subscriptionType` from .credentials.json first. The
 * access token in that file is never copied out of this function.
 */
export function detectPlanOffline(opts: PlanDetectionOptions = {}): DetectedPlan | null {
  const env = opts.env ?? process.env;
  const home = opts.homeDir ?? os.homedir();
  const dirs = opts.configDirs?.length ? opts.configDirs : [env.CLAUDE_CONFIG_DIR || path.join(home, '.claude')];
  for (const dir of opts.readCredentials ? dirs : []) {
    const file = path.join(dir, '.credentials.json');
    const doc = readJson(file);
    if (isRecord(doc) && isRecord(doc.claudeAiOauth)) {
      const o = doc.claudeAiOauth;
      const plan = planFromTier(o.rateLimitTier, o.subscriptionType);
      if (plan) {
        return { plan, from: `${file} claudeAiOauth.rateLimitTier`, raw: String(o.rateLimitTier ?? o.subscriptionType) };
      }
    }
  }
  const claudeJson = path.join(home, '.claude.json');
  const doc = readJson(claudeJson);
  if (isRecord(doc) && isRecord(doc.oauthAccount)) {
    const a = doc.oauthAccount;
    const plan = planFromTier(a.organizationRateLimitTier ?? a.rateLimitTier, a.subscriptionType);
    if (plan) return { plan, from: `${claudeJson} oauthAccount.organizationRateLimitTier`, raw: String(a.organizationRateLimitTier ?? a.subscriptionType) };
  }
  return null;
}


/** The plan the value is measured against, and where that came from. */
export interface ResolvedPlan {
  /** pro | max5 | max20 | custom | api; null when `auto` found nothing. */
  plan: PlanId | 'custom' | 'api' | null;
  label: string | null;
  /** USD per month; null for api, for an unknown plan and for custom without a price. */
  priceUsd: number | null;
  source: 'setting' | 'detected' | null;
}

export function resolvePlan(setting: PlanSetting, detected: DetectedPlan | null, prices: PlanPrices): ResolvedPlan {
  if (setting === 'api') return { plan: 'api', label: 'API (pay as you go)', priceUsd: null, source: 'setting' };
  if (setting === 'custom') return { plan: 'custom', label: 'Custom plan', priceUsd: prices.custom, source: 'setting' };
  if (setting !== 'auto') return { plan: setting, label: PLAN_LABELS[setting], priceUsd: prices[setting], source: 'setting' };
  if (detected) return { plan: detected.plan, label: PLAN_LABELS[detected.plan], priceUsd: prices[detected.plan], source: 'detected' };
  return { plan: null, label: null, priceUsd: null, source: null };
}

function usd(n: number): string {
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 })}`;
}

/** One sentence, e.g. "Max 20x: $4,776 of API usage in 2026-11, 24× its $200 price." */
export function describePlanValue(v: PlanValue): string {
  const usage = `${usd(v.api_equivalent_usd)} of API usage in ${v.month}`;
  if (v.plan === 'api') return `API billing: ${usage} (prompt caching saved ${usd(v.cache_savings_usd)}).`;
  if (v.plan_label && v.plan_price_usd != null && v.value_ratio != null) {
    const ratio = v.value_ratio >= 10 ? Math.round(v.value_ratio).toString() : v.value_ratio.toFixed(1);
    return `${v.plan_label}: ${usage}, ${ratio}× its ${usd(v.plan_price_usd)} price.`;
  }
  if (v.plan_label) return `${v.plan_label}: ${usage} (set claudeCosts.planPrices to compare it with the price).`;
  return `${usage}; set claudeCosts.plan to compare it with your plan's price.`;
}
