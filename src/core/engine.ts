// The core facade: one sql.js database, the sources that feed it, and the read side (query, status,
// panel read model). Calls are serialised: sql.js is single-threaded and a scan must not interleave with
// a read. Used in-process by the CLI and the benchmark, and inside a worker thread by the extension.
import { answerQuery } from './query/answer';
import { findAnomalies, type AnomalyReport } from './query/anomalies';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CallOptions, EngineApi, HistoryProgress, ScanOptions, ScanSummary } from './engine-api';
import type { Logger } from './types';
import { silentLogger } from './types';
import { priceTableFingerprint, type PriceOverrides } from './pricing';
import { discoverRoots } from './sources/claude-code';
import { ClaudeCodeScanner } from './sources/claude-code/scanner';
import type { ParallelParse } from './sources/claude-code/parserPool';
import { canonicalProject } from './sources/claude-code/project';
import { ApiLogScanner } from './sources/api-log/scanner';
import { releaseReadBuffer } from './sources/incremental';
import * as fs from 'node:fs';
import { fileStamp, getMeta, imageToSave, openDatabase, persistDatabase, reloadDatabase, setMeta, syncTempImage, writeTempImage, writeTempImageNow } from './store/db';
import { SavePolicy, type SavePolicyOptions } from './store/savePolicy';
import { Ingestor, loadDictionaries, repriceAll, type Dictionaries } from './store/ingest';
import { WriterLock } from './store/lock';
import type { Database } from './store/sqljs';
import type { QueryResult } from './query/types';
import type { StatusOptions, StatusResult } from './limits/status';
import { statusWithPlanValue } from './query/planValue';
import { buildReadModel } from './query/readModel';
import { refreshSessionContext } from './store/contextStore';
import { buildSideBar, type SideBarRequest, type SideBarSummary } from './query/sideBar';
import type { PanelFilter } from './query/readmodel/filterState';
import type { PanelReadModel } from './query/readmodel/types';

export interface EngineOptions {
  /** The DB file; null keeps everything in memory (tests). */
  dbPath: string | null;
  /** Explicit Claude config roots (replace discovery). */
  configDirs?: string[];
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  priceOverrides?: PriceOverrides;
  apiLogPaths?: string[];
  log?: Logger;
  /**
   * Save this long after every scan that changed something (CLI: 0; tests). Without it the engine saves on
   * the schedule of `savePolicy` (the extension): rarely, when quiet, and always at close.
   */
  persistDebounceMs?: number;
  /** The adaptive save schedule (store/savePolicy.ts) when persistDebounceMs is not set. */
  savePolicy?: SavePolicyOptions;
  /**
   * A follower (another window writes the file) reloads the writer's file at most this often: its own scans
   * of the same transcripts keep it current. Default: 5 minutes with the adaptive schedule, else at every scan.
   */
  followerReloadMs?: number;
  /**
   * Parse transcripts in a worker thread: 'auto' (default) when a scan reads ≥ 48 MB, so a cold scan of a
   * long history uses both cores; 'always'/'never' for tests and benchmarks.
   */
  parallelParse?: ParallelParse;
  /** Parser threads for large scans (0 = parse on the engine's thread); default: one per core, at most 2. */
  parserThreads?: number;
  /** Shown by the panel: the roots are a generated demo corpus. */
  demoMode?: boolean;
}

export function emptyScanSummary(): ScanSummary {
  return {
    roots: [], files: 0, filesRead: 0, bytesRead: 0, lines: 0, newRequests: 0, updatedRequests: 0,
    duplicateLines: 0, badLines: 0, newLimitEvents: 0, errors: [], ms: 0,
  };
}

/** Default DB location for the CLI: $XDG_DATA_HOME/claude-code-costs/usage.sqlite. */
export function defaultCliDbPath(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const base = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(base, 'claude-code-costs', 'usage.sqlite');
}

export class Engine implements EngineApi {
  private queue: Promise<unknown> = Promise.resolve();
  private persistTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  /** Calls queued or running: a scheduled save waits until none is. */
  private pending = 0;
  private readonly savePolicy: SavePolicy | null;
  /** The temp-file write of a save in progress (outside the queue). */
  private writing: Promise<void> = Promise.resolve();
  private lastReloadAt = Number.NEGATIVE_INFINITY;
  /** Saves done by this engine and their durations (export + write + rename), for the bench and the log. */
  readonly saves: Array<{ at: number; exportMs: number; totalMs: number; bytes: number }> = [];
  private closed = false;
  /** Reads queued behind a running scan, which it may answer between files (see serial). */
  private readonly waitingReads = new Set<() => Promise<void>>();
  private history: HistoryProgress = { filesRead: 0, filesTotal: 0, complete: true };
  private statusOptions: StatusOptions = {};
  private lastScan: ScanSummary = emptyScanSummary();
  private loadedStamp: string | null;
  /** Name → id maps of the dictionary tables, kept across scans (reset when the database is replaced). */
  private dictionaries: Dictionaries | null = null;
  private readonly lock: WriterLock | null;
  /** Set when the DB file was unusable and moved aside at open (the surfaces tell the user once). */
  readonly movedAside: { path: string; reason: string } | null;

  private constructor(
    private db: Database,
    private readonly opts: EngineOptions,
    private readonly log: Logger,
    opened: { movedAside: string | null; movedAsideReason: string | null; fileStamp: string | null },
  ) {
    this.loadedStamp = opened.fileStamp;
    this.movedAside = opened.movedAside ? { path: opened.movedAside, reason: opened.movedAsideReason ?? '' } : null;
    this.lock = opts.dbPath ? new WriterLock(`${opts.dbPath}.lock`) : null;
    this.savePolicy = opts.persistDebounceMs === undefined ? new SavePolicy(Date.now(), opts.savePolicy) : null;
  }

  static async open(opts: EngineOptions): Promise<Engine> {
    const log = opts.log ?? silentLogger;
    const opened = await openDatabase(opts.dbPath, log);
    const engine = new Engine(opened.db, opts, log, opened);
    // A migrated image is saved at the next save, so the migration does not run again at every open.
    // So is an unsealed one (0.1.0, another tool): sealed, later opens skip the full page check.
    if (opened.migrated.length > 0 || opened.unsealed) engine.dirty = true;
    engine.repriceIfTableChanged();
    return engine;
  }

  get dbPath(): string | null {
    return this.opts.dbPath;
  }

  /** True when this process holds the writer lock (or runs in memory). Followers never write the file. */
  get isWriter(): boolean {
    return this.lock === null || this.lock.isHeld;
  }

  /** The transcript roots in use (each a `<root>/projects` folder). */
  roots(): string[] {
    return discoverRoots({
      env: this.opts.env ?? process.env,
      homeDir: this.opts.homeDir ?? os.homedir(),
      explicit: this.opts.configDirs,
      log: this.log,
    });
  }

  /** The summary of the last scan (what was scanned, where): the panel's empty state shows it. */
  lastScanSummary(): ScanSummary {
    return this.lastScan;
  }

  /** Inputs of the status that come from outside the DB (statusline capture, OAuth snapshot, plan). */
  setStatusOptions(options: StatusOptions): void {
    this.statusOptions = options;
  }

  /**
   * Runs `fn` after every call queued before it. A `read` (synchronous, writes nothing) may also run earlier,
   * between two files of a scan that is reading history after its first status (drainReads).
   */
  private serial<T>(fn: () => Promise<T> | T, kind: 'read' | 'write' = 'write'): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the engine is closed'));
    this.pending++;
    let started = false;
    let settle!: { resolve: (v: T) => void; reject: (e: unknown) => void };
    const result = new Promise<T>((resolve, reject) => { settle = { resolve, reject }; });
    const run = async (): Promise<void> => {
      if (started) return;
      started = true;
      if (kind === 'read') this.waitingReads.delete(run);
      try {
        settle.resolve(await fn());
      } catch (e) {
        settle.reject(e);
      } finally {
        this.pending--;
      }
    };
    if (kind === 'read') this.waitingReads.add(run);
    this.queue = this.queue.then(run);
    return result;
  }

  /** Answers the reads waiting behind the running scan now (their SQL runs synchronously, on the rows stored so far). */
  private drainReads(): void {
    for (const run of [...this.waitingReads]) void run();
  }

  /** Rollups and session context for the rows stored since the last call: what every read relies on. */
  private storeTouched(ingestor: Ingestor): void {
    const touched = ingestor.touchedSpan();
    ingestor.refreshRollups();
    if (touched) refreshSessionContext(this.db, touched.fromMs, touched.toMs);
  }

  /** How far the history of a cold start is read (complete unless a scan is reading it after its first status). */
  historyProgress(): HistoryProgress {
    return { ...this.history };
  }

  private repriceIfTableChanged(): void {
    const fingerprint = priceTableFingerprint(this.opts.priceOverrides);
    if (getMeta(this.db, 'price_fingerprint') === fingerprint) return;
    this.db.run('BEGIN');
    try {
      const n = repriceAll(this.db, this.opts.priceOverrides);
      setMeta(this.db, 'price_fingerprint', fingerprint);
      this.db.run('COMMIT');
      if (n > 0) {
        this.log.info(`Price table changed: re-priced ${n} stored requests.`);
        this.dirty = true;
      }
    } catch (e) {
      this.db.run('ROLLBACK');
      throw e;
    }
  }

  /**
   * A follower (another process holds the lock) first takes in what the writer persisted, then scans
   * the new bytes into memory so its figures are current too; only the writer persists.
   */
  private async syncWithDisk(): Promise<void> {
    const dbPath = this.opts.dbPath;
    if (!dbPath || !this.lock) return;
    const wasWriter = this.lock.isHeld;
    const isWriter = this.lock.tryAcquire();
    const stamp = fileStamp(dbPath);
    // A writer whose last save was skipped (see persistNow) still has to take in the newer file.
    if (isWriter && wasWriter && stamp === this.loadedStamp) return;
    // A follower's own scans keep its figures current: it takes in the writer's file only now and then
    // (rows only the writer reads, e.g. its API logs), and always when it becomes the writer.
    const reloadEvery = this.opts.followerReloadMs ?? (this.savePolicy ? 300_000 : 0);
    if (!isWriter && Date.now() - this.lastReloadAt < reloadEvery) return;
    if (stamp && stamp !== this.loadedStamp) {
      const reloaded = await reloadDatabase(dbPath, this.log);
      if (reloaded) {
        this.db.close();
        this.db = reloaded.db;
        this.dictionaries = null;
        this.loadedStamp = reloaded.fileStamp;
        this.lastReloadAt = Date.now();
        this.repriceIfTableChanged();
        this.log.info(isWriter ? 'Took over as the writer; reloaded the database from disk.' : 'Reloaded the database written by another window.');
      }
    }
  }

  scan(options: ScanOptions = {}): Promise<ScanSummary> {
    return this.serial(async () => {
      const t0 = performance.now();
      await this.syncWithDisk();
      const summary = emptyScanSummary();
      summary.roots = this.roots();
      this.db.run('BEGIN');
      const ingestor = new Ingestor(this.db, this.opts.priceOverrides, () => (this.dictionaries ??= loadDictionaries(this.db)));
      try {
        const { onFirstStatus, onHistoryProgress } = options;
        const nowMs = options.nowMs ?? Date.now();
        const reportHistory = (filesRead: number, filesTotal: number, complete: boolean) => {
          this.history = { filesRead, filesTotal, complete };
          onHistoryProgress?.({ ...this.history });
        };
        await new ClaudeCodeScanner(this.db, ingestor, this.log).scan(summary.roots, summary, {
          ...options,
          parallelParse: this.opts.parallelParse,
          parserThreads: this.opts.parserThreads,
          // Commit what the window needs, publish its status, then go on with the history.
          recentFirst: onFirstStatus && !options.paths ? {
            nowMs,
            onRecentStored: (filesDone, filesTotal) => {
              this.storeTouched(ingestor);
              this.db.run('COMMIT');
              this.dirty = true; // committed rows are saved even if the rest of the scan fails
              try {
                reportHistory(filesDone, filesTotal, false);
                onFirstStatus(statusWithPlanValue(this.db, nowMs, this.statusOptions), { filesDone, filesTotal });
              } finally {
                this.db.run('BEGIN');
              }
              this.drainReads();
            },
            onHistoryFile: (filesDone, filesTotal, storeNow) => {
              reportHistory(filesDone, filesTotal, false);
              if (this.waitingReads.size === 0) return;
              storeNow();
              this.storeTouched(ingestor);
              this.drainReads();
            },
          } : undefined,
        });
        const apiLogPaths = this.opts.apiLogPaths?.filter((p) => p.trim() !== '') ?? [];
        if (apiLogPaths.length > 0) {
          await new ApiLogScanner(this.db, ingestor, this.log).scan(apiLogPaths, summary, {
            full: options.full, homeDir: this.opts.homeDir ?? os.homedir(),
          });
        }
        this.storeTouched(ingestor);
        this.db.run('COMMIT');
      } catch (e) {
        this.db.run('ROLLBACK');
        this.dictionaries = null; // it may hold ids of rows the rollback removed
        throw e;
      } finally {
        ingestor.dispose();
        releaseReadBuffer();
        if (!this.history.complete) {
          // Read to the end, or failed: either way this scan no longer reads history (the next one resumes it).
          this.history = { ...this.history, complete: true };
          options.onHistoryProgress?.({ filesRead: this.history.filesTotal, filesTotal: this.history.filesTotal, complete: true });
        }
      }
      summary.ms = performance.now() - t0;
      this.lastScan = summary;
      if (summary.filesRead > 0 || summary.newRequests > 0 || summary.updatedRequests > 0) {
        this.dirty = true;
        this.schedulePersist();
      }
      return summary;
    });
  }

  /**
   * Ingest done by the caller inside the queue (the bench synthesises rows through the ingest API): counts as a
   * change for the save schedule.
   */
  ingest<T>(fn: (db: Database) => T): Promise<T> {
    return this.serial(() => {
      const out = fn(this.db);
      this.dirty = true;
      this.schedulePersist();
      return out;
    });
  }

  query(params: unknown, nowMs: number = Date.now(), opts: CallOptions = {}): Promise<QueryResult> {
    return this.serial(() => {
      // Queued behind a scan, the caller may have given up: skip the work then.
      opts.signal?.throwIfAborted();
      return answerQuery(this.db, params, nowMs);
    }, 'read');
  }

  /** Unusual days and sessions (`report anomalies`, the panel's insight strip, the once-a-day notification). */
  anomalies(opts: { tz: string; since: string | null }, nowMs: number = Date.now()): Promise<AnomalyReport> {
    const filter = { source: 'all', project: null, models: null, executionMode: null, tz: opts.tz } as const;
    return this.serial(() => findAnomalies(this.db, filter, nowMs, opts.since), 'read');
  }

  status(nowMs: number = Date.now()): Promise<StatusResult> {
    return this.serial(() => statusWithPlanValue(this.db, nowMs, this.statusOptions), 'read');
  }

  sideBar(req: SideBarRequest, nowMs: number = Date.now()): Promise<SideBarSummary> {
    // Workspace folders become canonical repository paths here: the query layer knows no source's rules.
    const canonical = { ...req, workspaceFolders: req.workspaceFolders.filter((f) => f.trim() !== '').map((f) => canonicalProject(f, '').path) };
    return this.serial(() => buildSideBar(this.db, canonical, statusWithPlanValue(this.db, nowMs, this.statusOptions)), 'read');
  }

  readModel(filter: PanelFilter, nowMs: number = Date.now(), opts: CallOptions = {}): Promise<PanelReadModel> {
    return this.serial(() => {
      // A newer panel filter superseded this one while it waited: skip the whole build.
      opts.signal?.throwIfAborted();
      return buildReadModel(this.db, filter, nowMs, {
        roots: this.lastScan.roots.length ? this.lastScan.roots : this.roots(),
        files: this.lastScan.files,
        demoMode: this.opts.demoMode ?? false,
        status: this.statusOptions,
        history: this.history.complete ? null : { filesRead: this.history.filesRead, filesTotal: this.history.filesTotal },
      });
    }, 'read');
  }

  /** Runs `fn` against the database inside the queue (benchmarks and tests). */
  withDatabase<T>(fn: (db: Database) => T): Promise<T> {
    return this.serial(() => fn(this.db));
  }

  private schedulePersist(): void {
    if (!this.opts.dbPath || !this.isWriter) return;
    if (this.savePolicy) {
      this.savePolicy.noteChange(Date.now());
      this.armSaveTimer();
      return;
    }
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      void this.persist().catch((e) => this.log.error(`Could not save the database: ${(e as Error).message}`));
    }, this.opts.persistDebounceMs ?? 0);
    this.persistTimer.unref?.();
  }

  /** Wakes up when the save policy may say "due"; saves then if no call is waiting, else looks again shortly. */
  private armSaveTimer(): void {
    if (this.persistTimer || !this.savePolicy || this.closed) return;
    const wait = this.savePolicy.nextCheckInMs(Date.now());
    if (wait === null) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      if (this.closed || !this.savePolicy) return;
      if (this.pending === 0 && this.savePolicy.due(Date.now())) {
        void this.persist().catch((e) => this.log.error(`Could not save the database: ${(e as Error).message}`));
      } else if (this.pending > 0) {
        // Never make the chip or the panel wait behind a save: try again when the queue is empty.
        this.persistTimer = setTimeout(() => { this.persistTimer = undefined; this.armSaveTimer(); }, 100);
        this.persistTimer.unref?.();
        return;
      }
      this.armSaveTimer();
    }, Math.max(wait, 10));
    this.persistTimer.unref?.();
  }

  /** The save schedule's state (bench, tests). */
  get saveSchedule(): SavePolicy | null {
    return this.savePolicy;
  }

  /**
   * Saves now when there is something to save: the export runs in the queue (sql.js), the write and fsync of
   * the temp file outside it (calls are answered meanwhile), the rename in the queue again.
   */
  persist(): Promise<void> {
    const dbPath = this.opts.dbPath;
    const run = async (): Promise<void> => {
      await this.writing;
      const job = await this.serial(() => this.prepareSave());
      if (!job || !dbPath) return;
      let tmp: string;
      try {
        if (job.tmp) {
          tmp = job.tmp;
          await syncTempImage(tmp);
        } else {
          tmp = await writeTempImage(job.image!, dbPath);
        }
      } catch (e) {
        this.dirty = true;
        throw e;
      } finally {
        // An exported image is as large as the DB: let it go as soon as it is written, not when the save ends.
        job.image = null;
      }
      await this.serial(() => {
        fs.renameSync(tmp, dbPath);
        this.loadedStamp = fileStamp(dbPath);
        const totalMs = performance.now() - job.t0;
        this.saves.push({ at: Date.now(), exportMs: job.exportMs, totalMs, bytes: job.bytes });
        this.savePolicy?.noteSaved(Date.now(), totalMs);
        this.log.info(`Saved ${(job.bytes / 1e6).toFixed(1)} MB database in ${totalMs.toFixed(0)} ms (${job.tmp ? 'written from the live file' : 'export'} ${job.exportMs.toFixed(0)} ms).`);
      });
    };
    const done = run();
    this.writing = done.catch(() => undefined);
    return done;
  }

  /** Whether this process may and should write the file now. */
  private canSave(dbPath: string | null): dbPath is string {
    if (!dbPath || !this.dirty) return false;
    if (this.lock && !this.lock.tryAcquire()) return false; // a follower never writes the file
    // Another process saved after we loaded the file (we were its follower): its copy may hold requests ours
    // lacks, so never replace it. Ours stays unsaved; the next scan reloads the file and reads on top of it.
    const onDisk = fileStamp(dbPath);
    if (onDisk !== null && onDisk !== this.loadedStamp) {
      this.log.info('Not saving: another window saved newer data; it is reloaded on the next scan.');
      return false;
    }
    return true;
  }

  /**
   * The part of a save that runs in the queue: an export (written to disk outside the queue), or the committed
   * file itself written to a temp file now (it must not change meanwhile; no copy of the DB is made). `exportMs`
   * is the time spent in the queue.
   */
  private prepareSave(): { image: Uint8Array | null; tmp: string | null; bytes: number; t0: number; exportMs: number } | null {
    const dbPath = this.opts.dbPath;
    if (!this.canSave(dbPath)) return null;
    const t0 = performance.now();
    const image = imageToSave(this.db);
    const tmp = image.copied ? null : writeTempImageNow(image.parts, dbPath);
    this.dirty = false; // a change from now on makes it dirty again
    return { image: image.copied ? image.parts[0] : null, tmp, bytes: image.bytes, t0, exportMs: performance.now() - t0 };
  }

  /** A whole save inside the queue (close: nothing may run after it). */
  private persistNow(): void {
    const dbPath = this.opts.dbPath;
    if (!this.canSave(dbPath)) return;
    const { bytes, ms } = persistDatabase(this.db, dbPath);
    this.loadedStamp = fileStamp(dbPath);
    this.dirty = false;
    this.saves.push({ at: Date.now(), exportMs: ms, totalMs: ms, bytes });
    this.savePolicy?.noteSaved(Date.now(), ms);
    this.log.info(`Saved ${(bytes / 1e6).toFixed(1)} MB database in ${ms.toFixed(0)} ms.`);
  }

  async close(): Promise<void> {
    await this.writing; // a save writing its temp file finishes first
    const done = this.serial(() => {
      if (this.persistTimer) clearTimeout(this.persistTimer);
      this.persistTimer = undefined;
      try {
        this.persistNow();
      } finally {
        this.lock?.release();
        this.db.close();
      }
    });
    this.closed = true;
    return done;
  }
}
