// The extension's settings (prefix claudeCosts.), read into one typed, validated object. The reader is a
// plain function of a getter, so it is tested without VS Code; the host passes
// `(key) => vscode.workspace.getConfiguration('claudeCosts').get(key)`.
import type { ChipSettings } from '../core/limits/chip';
import type { NotifySettings } from '../core/limits/notify';
import { PLAN_SETTINGS, readPlanPrices, type PlanPrices, type PlanSetting } from '../core/limits/plan';

export interface Settings {
  roots: string[];
  priceOverrides: Record<string, unknown>;
  apiLogPaths: string[];
  /** The roots are a generated demo corpus (set by `npm start` on a machine without transcripts). */
  demoMode: boolean;
  plan: PlanSetting;
  /** Monthly prices the plan-value figure compares with (defaults: the list prices). */
  planPrices: PlanPrices;
  customPlanTokenLimit: number | null;
  chip: ChipSettings & { alignment: 'left' | 'right'; staleAfterMs: number };
  useOAuthUsageEndpoint: boolean;
  oauthPollMs: number;
  notifications: NotifySettings;
  /** Context-window fill of active sessions (issue 17); the chip's part lives in `chip`. */
  context: { activeMinutes: number; notify: boolean };
}

type Getter = (key: string) => unknown;

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [];
}

function num(v: unknown, fallback: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

export function readSettings(get: Getter): Settings {
  const plan = PLAN_SETTINGS.includes(get('plan') as PlanSetting) ? (get('plan') as PlanSetting) : 'auto';
  const custom = get('customPlanTokenLimit');
  const warningPct = num(get('chip.warningThreshold'), 80, 1, 100);
  const errorPct = Math.max(warningPct, num(get('chip.errorThreshold'), 95, 1, 100));
  const ctxWarningPct = num(get('context.warningThreshold'), 70, 1, 100);
  const overrides = get('priceOverrides');
  return {
    roots: stringArray(get('roots')),
    priceOverrides: overrides && typeof overrides === 'object' && !Array.isArray(overrides) ? (overrides as Record<string, unknown>) : {},
    apiLogPaths: stringArray(get('apiLogs.paths')),
    demoMode: get('demoMode') === true,
    plan,
    planPrices: readPlanPrices(get('planPrices')),
    customPlanTokenLimit: typeof custom === 'number' && custom > 0 ? custom : null,
    chip: {
      alignment: get('chip.alignment') === 'right' ? 'right' : 'left',
      showTokens: bool(get('chip.showTokens'), true),
      showCost: bool(get('chip.showCost'), false),
      showHeadroom: bool(get('chip.showHeadroom'), true),
      showReset: bool(get('chip.showReset'), true),
      warningPct,
      errorPct,
      staleAfterMs: num(get('chip.staleAfterMinutes'), 15, 1, 24 * 60) * 60_000,
      showContext: bool(get('context.showInChip'), true),
      contextWarningPct: ctxWarningPct,
      contextErrorPct: Math.max(ctxWarningPct, num(get('context.errorThreshold'), 85, 1, 100)),
    },
    useOAuthUsageEndpoint: get('headroom.useOAuthUsageEndpoint') === true,
    oauthPollMs: num(get('headroom.oauthPollSeconds'), 300, 180, 24 * 3600) * 1000,
    notifications: {
      enabled: bool(get('notifications.enabled'), true),
      warningPct,
      errorPct,
      cooldownMs: num(get('notifications.cooldownMinutes'), 30, 0, 24 * 60) * 60_000,
    },
    context: {
      activeMinutes: num(get('context.activeMinutes'), 30, 1, 24 * 60),
      notify: bool(get('context.notify'), true),
    },
  };
}
