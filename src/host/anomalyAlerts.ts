// Unusual-spending notification: once per day, when the running day crosses the anomaly threshold
// (src/core/query/anomalies.ts judges it; this only asks). The check runs after each burst of data
// changes through llm_costs_query (`window: today, anomalies: true`, all projects, models and sources,
// in the machine's zone). The day already notified is kept in globalState, so a reload or a second
// window does not repeat it. `claudeCosts.anomalies.notifications` turns it off; the toast has a button
// for that. Imports only types from `vscode`: unit-testable in plain Node.
import type * as vscode from 'vscode';
import type { EngineApi } from '../core/engine-api';
import { BurstCheck, englishMessage } from './burstCheck';
import { defaultTimeZone, formatDayKey } from '../core/query/windows';

export const ANOMALY_NOTIFIED_KEY = 'claudeCosts.anomalies.notified';
export const ANOMALY_SETTING = 'anomalies.notifications';

export interface AnomalyAlertDeps {
  engine: Pick<EngineApi, 'query'>;
  enabled: () => boolean;
  /** Turns the setting off (the toast's off switch). */
  disable: () => PromiseLike<void>;
  state: Pick<vscode.Memento, 'get' | 'update'>;
  /** Shows the warning; resolves to the button picked. */
  notify: (message: string, ...actions: string[]) => PromiseLike<string | undefined>;
  /** Opens the panel on today. */
  openPanel: () => void;
  log: { warn(message: string): void; info?(message: string): void };
  now?: () => number;
  tz?: () => string;
  /** vscode.l10n.t in the extension; the English text with {0}, {1} filled in when absent (tests). */
  localize?: (message: string, ...args: string[]) => string;
}

export class AnomalyAlerts extends BurstCheck {
  constructor(private readonly deps: AnomalyAlertDeps) {
    super();
  }

  protected async run(): Promise<void> {
    const d = this.deps;
    const t = d.localize ?? englishMessage;
    if (!d.enabled()) return;
    const nowMs = (d.now ?? Date.now)();
    const tz = d.tz?.() ?? defaultTimeZone();
    const today = formatDayKey(nowMs, tz);
    if (d.state.get<string>(ANOMALY_NOTIFIED_KEY) === today) return;
    let flagged;
    try {
      const result = await d.engine.query({ window: 'today', tz, anomalies: true }, nowMs);
      flagged = result.anomalies?.days.find((a) => a.day === today);
    } catch (e) {
      d.log.warn(`Unusual-spending check: ${(e as Error).message}`);
      return;
    }
    if (!flagged) return;
    // Recorded before the toast shows: a second window checking meanwhile sees it and stays quiet.
    await d.state.update(ANOMALY_NOTIFIED_KEY, today);
    const message = t('Claude Code Costs: unusual spending today: {0}, {1}× your usual {2}.',
      `$${flagged.cost_usd.toFixed(2)}`, flagged.ratio.toFixed(1), `$${flagged.baseline_usd.toFixed(2)}`);
    const show = t('Show Today');
    const off = t('Don\'t Notify Again');
    void Promise.resolve(d.notify(message, show, off)).then(async (pick) => {
      if (pick === show) d.openPanel();
      else if (pick === off) {
        await d.disable();
        d.log.info?.('Unusual-spending notifications turned off from the notification.');
      }
    });
  }
}
