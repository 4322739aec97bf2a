// Gathers the status inputs that do not live in the DB: the statusline capture file, the OAuth snapshot
// (when opted in), the plan setting and the plan detected offline. The host pushes the result to the
// engine (setStatusOptions) whenever one of them changes. No `vscode` import, no network.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StatusOptions } from '../core/limits/status';
import { parseStatuslineContext, parseStatuslineJson, type OAuthUsageSnapshot, type StatuslineSnapshot } from '../core/limits/readings';
import type { StatuslineContextReading } from '../core/limits/context';
import { detectPlanOffline, type DetectedPlan } from '../core/limits/plan';
import type { Settings } from './settings';

export class HeadroomInputs {
  statusline: StatuslineSnapshot | null = null;
  oauth: OAuthUsageSnapshot | null = null;
  detectedPlan: DetectedPlan | null = null;
  private captureStamp = '';
  /**
   * The latest `context_window` reading of each session. The capture file holds only the session whose
   * statusline ran last, so readings of other sessions are remembered here (dropped after a day).
   */
  private readonly contextReadings = new Map<string, StatuslineContextReading>();

  /** The capture file; the demo points it at the sample beside the generated corpus. */
  constructor(public captureFile: string) {}

  /** Re-reads the capture file when its mtime/size changed. Returns true when the reading changed. */
  refreshCapture(): boolean {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.captureFile);
    } catch {
      const had = this.statusline !== null;
      this.statusline = null;
      this.captureStamp = '';
      return had;
    }
    const stamp = `${st.mtimeMs}:${st.size}`;
    if (stamp === this.captureStamp) return false;
    this.captureStamp = stamp;
    let text: string;
    try {
      text = fs.readFileSync(this.captureFile, 'utf8');
    } catch {
      return false;
    }
    const ctx = parseStatuslineContext(text, Math.round(st.mtimeMs));
    if (ctx) this.rememberContext(ctx);
    const snap = parseStatuslineJson(text, Math.round(st.mtimeMs));
    // A capture without rate_limits (e.g. before the first response) keeps the previous reading.
    if (!snap) return ctx !== null;
    this.statusline = snap;
    return true;
  }

  private rememberContext(r: StatuslineContextReading): void {
    this.contextReadings.set(r.sessionId, r);
    for (const [id, old] of this.contextReadings) if (r.capturedAtMs - old.capturedAtMs > 24 * 3_600_000) this.contextReadings.delete(id);
  }

  /** Plan fields from the credentials / ~/.claude.json of the roots in use (config dir = parent of projects/). */
  /** `readCredentials`: the user opted into using their Claude Code login (the OAuth usage setting). */
  detectPlan(roots: string[], homeDir?: string, readCredentials = false): void {
    const configDirs = roots.map((r) => path.dirname(r));
    this.detectedPlan = detectPlanOffline({ configDirs: configDirs.length ? configDirs : undefined, homeDir, readCredentials });
  }

  build(settings: Settings): StatusOptions {
    return {
      statusline: this.statusline,
      oauth: settings.useOAuthUsageEndpoint ? this.oauth : null,
      plan: settings.plan,
      customTokenLimit: settings.customPlanTokenLimit,
      detectedPlan: this.detectedPlan,
      staleAfterMs: settings.chip.staleAfterMs,
      planPrices: settings.planPrices,
      contextReadings: [...this.contextReadings.values()],
      activeSessionMinutes: settings.context.activeMinutes,
    };
  }
}
