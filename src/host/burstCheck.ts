// What the once-per-period notifications (budgets, unusual spending) share: data changes arrive in bursts
// while Claude Code writes, so a check runs once the burst is over, and never two at once (both would see
// the period as not notified yet). Plain Node: no `vscode` import.

/** Data changes arrive in bursts while Claude Code writes: one check per burst. */
const CHECK_DEBOUNCE_MS = 2000;

/** The English text with {0}, {1} … filled in: what vscode.l10n.t does without a bundle (tests, the CLI). */
export const englishMessage = (message: string, ...args: string[]): string =>
  message.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? '');

export abstract class BurstCheck {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  /** One check: decides, records the period as notified, and shows the toast. */
  protected abstract run(): Promise<void>;

  /** A data change: checks once the burst is over. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.check();
    }, CHECK_DEBOUNCE_MS);
    this.timer.unref?.();
  }

  /** Checks now, or joins the check already running. */
  check(): Promise<void> {
    this.running ??= this.run().finally(() => { this.running = null; });
    return this.running;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
