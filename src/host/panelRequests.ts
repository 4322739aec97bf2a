// Pairs the costs panel's requests with their answers, per panel. Imports nothing from `vscode`: the host
// (costsPanel.ts) and the webview tests' fake host run this same code.
//
// Rules:
// - A webview numbers its requests from 1; a rebuilt webview (tab switch back, reopen, reload: there is
//   no retained context) starts over, so the pairing starts over when it says `ready` (`reset`).
// - Only the newest request runs. A request that arrives while another is building supersedes it: the
//   building one is cancelled if it has not started yet (its signal aborts) and its answer is dropped;
//   requests that were waiting are dropped before they start. At most one build runs and one waits.
// - An answer echoes the newest request it covers: a push (new data) that runs after request 7 answers
//   7, so a webview waiting for 7 takes it. A push never supersedes a request: the running build still
//   answers (slightly older data), and the push runs right after it.

export interface PanelRun {
  /** The id the answer must echo: the newest request of this webview instance (null: none yet). */
  readonly requestId: number | null;
  /** Aborted when a newer request or a rebuilt webview made this run obsolete. */
  readonly signal: AbortSignal;
  /** True while the answer is still wanted (check it after every await, before posting). */
  current(): boolean;
}

export type PanelWork = (run: PanelRun) => Promise<void>;

export class LatestRequestRunner {
  private generation = 0;
  private latestId: number | null = null;
  private wanted = false;
  private draining = false;
  private running: AbortController | null = null;
  private disposed = false;
  /** Runs started (tests and the log count them). */
  started = 0;

  constructor(private readonly work: PanelWork, private readonly onError: (e: unknown) => void = () => {}) {}

  /** A new webview instance said `ready`: its request ids start over; whatever is in flight answers nobody. */
  reset(): void {
    this.generation++;
    this.latestId = null;
    this.running?.abort();
  }

  /**
   * A request from the webview (`requestId`), or a push (`null`: new data, a host-side filter change).
   * Returns false for a request id that is not newer than one already seen in this instance (ignored).
   */
  submit(requestId: number | null): boolean {
    if (this.disposed) return false;
    if (requestId !== null) {
      if (this.latestId !== null && requestId <= this.latestId) return false;
      this.latestId = requestId;
      this.running?.abort();
    }
    this.wanted = true;
    if (!this.draining) void this.drain();
    return true;
  }

  /**
   * A request that will not run (it failed validation) still supersedes everything before it: the caller
   * answers it with an error. Returns false when the id is not newer (then nobody is waiting for it).
   */
  supersede(requestId: number): boolean {
    if (this.disposed || (this.latestId !== null && requestId <= this.latestId)) return false;
    this.latestId = requestId;
    this.running?.abort();
    this.wanted = false;
    return true;
  }

  /** True while a build runs or waits. */
  get busy(): boolean {
    return this.draining;
  }

  /** The id an answer posted now (outside a run) must echo. */
  get currentRequestId(): number | null {
    return this.latestId;
  }

  dispose(): void {
    this.disposed = true;
    this.wanted = false;
    this.running?.abort();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.wanted && !this.disposed) {
        this.wanted = false;
        const controller = new AbortController();
        this.running = controller;
        const generation = this.generation;
        const requestId = this.latestId;
        const current = () => !this.disposed && !controller.signal.aborted && generation === this.generation && requestId === this.latestId;
        this.started++;
        try {
          await this.work({ requestId, signal: controller.signal, current });
        } catch (e) {
          if (current()) this.onError(e);
        } finally {
          if (this.running === controller) this.running = null;
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
