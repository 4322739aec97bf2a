// Budget notifications: once per period (day / month), when the period's spend crosses its budget.
// The spend is the same as the budget bars' (all projects, models and sources, in the machine's zone),
// asked of the engine after each data change. The periods already notified are kept in globalState, so
// a reload or a second window does not repeat them. `claudeCosts.budget.notifications` turns them off.
// Imports only types from `vscode`: unit-testable in plain Node.
import type * as vscode from 'vscode';
import type { EngineApi } from '../core/engine-api';
import { BurstCheck, englishMessage } from './burstCheck';
import type { BudgetLimits } from '../core/query/readmodel/budgets';
import { defaultTimeZone, formatDayKey } from '../core/query/windows';

export const BUDGET_NOTIFIED_KEY = 'claudeCosts.budget.notified';

type Kind = 'daily' | 'monthly';
type Notified = Partial<Record<Kind, string>>;

export interface BudgetAlertDeps {
  engine: Pick<EngineApi, 'query'>;
  limits: () => BudgetLimits;
  enabled: () => boolean;
  state: Pick<vscode.Memento, 'get' | 'update'>;
  /** Shows the warning; resolves to the button picked. */
  notify: (message: string, ...actions: string[]) => PromiseLike<string | undefined>;
  openPanel: () => void;
  log: { warn(message: string): void };
  now?: () => number;
  tz?: () => string;
  /** vscode.l10n.t in the extension; the English text with {0}, {1} filled in when absent (tests). */
  localize?: (message: string, ...args: string[]) => string;
}

export class BudgetAlerts extends BurstCheck {
  constructor(private readonly deps: BudgetAlertDeps) {
    super();
  }

  protected async run(): Promise<void> {
    const d = this.deps;
    const t = d.localize ?? englishMessage;
    if (!d.enabled()) return;
    const limits = d.limits();
    const nowMs = (d.now ?? Date.now)();
    const tz = d.tz?.() ?? defaultTimeZone();
    const day = formatDayKey(nowMs, tz);
    const periods: { kind: Kind; limit: number | null | undefined; window: string; period: string; message: (spent: string, limit: string) => string }[] = [
      { kind: 'daily', limit: limits.daily, window: 'today', period: day, message: (s, l) => t('Claude Code Costs: today\'s spend {0} is over your daily budget of {1}.', s, l) },
      { kind: 'monthly', limit: limits.monthly, window: 'this_month', period: day.slice(0, 7), message: (s, l) => t('Claude Code Costs: this month\'s spend {0} is over your monthly budget of {1}.', s, l) },
    ];
    const openPanel = t('Open Costs Panel');
    for (const p of periods) {
      if (p.limit == null || !(p.limit > 0)) continue;
      const notified = d.state.get<Notified>(BUDGET_NOTIFIED_KEY) ?? {};
      if (notified[p.kind] === p.period) continue;
      let spent: number;
      try {
        spent = (await d.engine.query({ window: p.window, tz }, nowMs)).totals.cost_usd;
      } catch (e) {
        d.log.warn(`Budget check: ${(e as Error).message}`);
        return;
      }
      if (spent < p.limit) continue;
      await d.state.update(BUDGET_NOTIFIED_KEY, { ...(d.state.get<Notified>(BUDGET_NOTIFIED_KEY) ?? {}), [p.kind]: p.period });
      const message = p.message(`$${spent.toFixed(2)}`, `$${p.limit.toFixed(2)}`);
      void Promise.resolve(d.notify(message, openPanel)).then((pick) => {
        if (pick === openPanel) d.openPanel();
      });
    }
  }
}
