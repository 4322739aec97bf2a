// When the engine writes the DB file. A save exports the whole image (sql.js has no incremental write), so
// its cost grows with history; the transcripts and API logs are the journal (the DB keeps each file's byte
// offset, whatever was read after the last save is read again at the next open), so saving rarely loses
// nothing. Rule: a save is due once `interval` has passed since the last one, where interval grows with
// the measured cost of a save (at least a minute, and saves take at most `maxShare` of wall time); it
// happens at the first quiet moment (no change for `idleMs`) after that, or anyway at twice the interval
// while changes keep coming. Deactivation and close always save (not decided here).

export interface SavePolicyOptions {
  /** Never save more often than this (ms). */
  minIntervalMs?: number;
  /** Largest share of wall time spent saving (0.02 = 2 %). */
  maxShare?: number;
  /** No change for this long = idle. */
  idleMs?: number;
}

export class SavePolicy {
  readonly minIntervalMs: number;
  readonly maxShare: number;
  readonly idleMs: number;
  private lastSaveAt: number;
  private lastSaveMs = 0;
  private lastChangeAt = Number.NEGATIVE_INFINITY;
  private dirty = false;

  constructor(nowMs: number, opts: SavePolicyOptions = {}) {
    this.minIntervalMs = opts.minIntervalMs ?? 60_000;
    this.maxShare = opts.maxShare ?? 0.02;
    this.idleMs = opts.idleMs ?? 5_000;
    this.lastSaveAt = nowMs;
  }

  /** Time between saves: a minute, or longer when a save costs more than maxShare of that. */
  intervalMs(): number {
    return Math.max(this.minIntervalMs, this.lastSaveMs / this.maxShare);
  }

  noteChange(nowMs: number): void {
    this.dirty = true;
    this.lastChangeAt = nowMs;
  }

  noteSaved(nowMs: number, saveMs: number): void {
    this.dirty = false;
    this.lastSaveAt = nowMs;
    this.lastSaveMs = saveMs;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  /** Should a save start now (when nothing else is waiting for the engine)? */
  due(nowMs: number): boolean {
    if (!this.dirty) return false;
    const since = nowMs - this.lastSaveAt;
    const interval = this.intervalMs();
    if (since < interval) return false;
    return nowMs - this.lastChangeAt >= this.idleMs || since >= 2 * interval;
  }

  /** Milliseconds until due() may turn true (0 = now), or null when there is nothing to save. */
  nextCheckInMs(nowMs: number): number | null {
    if (!this.dirty) return null;
    const interval = this.intervalMs();
    const atInterval = this.lastSaveAt + interval;
    const atIdle = Math.max(atInterval, this.lastChangeAt + this.idleMs);
    const atOverdue = this.lastSaveAt + 2 * interval;
    return Math.max(0, Math.min(atIdle, atOverdue) - nowMs);
  }
}
