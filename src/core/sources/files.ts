// Bookkeeping of scanned files in the `files` table, shared by every source: identity (dev + inode),
// size, mtime and the byte offset consumed, so a scan reads only bytes past that offset. A file that was
// truncated or replaced (other identity, smaller than the offset) is re-read from 0; the ingest dedup
// keeps its rows from doubling.
import type { SourceName } from '../types';
import type { ScanSummary } from './scan';
import type { Ingestor, IngestRecord } from '../store/ingest';
import { SOURCE_IDS } from '../store/schema';
import type { Database, SqlValue } from '../store/sqljs';

/** A file as listed now. */
export interface ListedFile {
  path: string;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
}

/** A file as the store remembers it. */
export interface StoredFile {
  id: number;
  path: string;
  dev: number;
  ino: number;
  size: number;
  mtime_ms: number;
  offset: number;
  missing: number;
}

const FILE_COLUMNS = 'SELECT id, path, dev, ino, size, mtime_ms, offset, missing FROM files';

function storedFilesOf(db: Database, where: string, params: SqlValue[]): StoredFile[] {
  return (db.exec(`${FILE_COLUMNS} WHERE ${where}`, params)[0]?.values ?? []).map(([id, path, dev, ino, size, mtime, offset, missing]) => ({
    id: Number(id), path: String(path), dev: Number(dev), ino: Number(ino), size: Number(size), mtime_ms: Number(mtime),
    offset: Number(offset), missing: Number(missing),
  }));
}

/**
 * Each database's file ids by path, for targeted scans (a watcher event names one file): `files.path` has no
 * index (schema 8), so a file is found by its id. A row found by id is checked against its path, so an id a
 * rolled-back insert handed out never names another file; a path not in the map is looked up the slow way.
 */
const fileIdsByDb = new WeakMap<Database, Map<string, number>>();

function fileIds(db: Database): Map<string, number> {
  let ids = fileIdsByDb.get(db);
  if (!ids) {
    ids = new Map();
    for (const [id, path] of db.exec('SELECT id, path FROM files')[0]?.values ?? []) ids.set(String(path), Number(id));
    fileIdsByDb.set(db, ids);
  }
  return ids;
}

/** The stored state of every file of `source`, or only of `paths` (a targeted scan). */
export function loadStoredFiles(db: Database, source: SourceName, paths?: string[]): Map<string, StoredFile> {
  const sourceId = SOURCE_IDS[source];
  if (!paths) return new Map(storedFilesOf(db, 'source = ?', [sourceId]).map((r) => [r.path, r]));
  const ids = fileIds(db);
  const found = new Map<string, StoredFile>();
  for (const p of paths) {
    const id = ids.get(p);
    const byId = id === undefined ? [] : storedFilesOf(db, 'id = ? AND path = ? AND source = ?', [id, p, sourceId]);
    const rows = byId.length > 0 ? byId : storedFilesOf(db, 'source = ? AND path = ?', [sourceId, p]);
    for (const r of rows) {
      found.set(r.path, r);
      ids.set(r.path, r.id);
    }
  }
  return found;
}

/**
 * Where to start reading `file`: the stored offset; 0 for a new, replaced or truncated file (or a full
 * rescan); null when nothing changed since the last read (skip it).
 */
export function resumeOffset(stored: StoredFile | undefined, file: ListedFile, full: boolean): number | null {
  const sameIdentity = stored !== undefined && stored.dev === file.dev && stored.ino === file.ino;
  if (full || !sameIdentity || file.size < stored.offset) return 0;
  const unchanged = stored.size === file.size && stored.mtime_ms === Math.trunc(file.mtimeMs) && stored.missing === 0;
  return unchanged ? null : stored.offset;
}

/** Records what was read from `file` (inserting its row when new); returns the file's id. */
export function saveFileState(
  db: Database,
  source: SourceName,
  stored: StoredFile | undefined,
  file: ListedFile,
  read: { size: number; consumedTo: number },
  badLines: number,
): number {
  const values = [file.dev, file.ino, read.size, Math.trunc(file.mtimeMs), read.consumedTo, badLines];
  if (stored) {
    db.run('UPDATE files SET dev = ?, ino = ?, size = ?, mtime_ms = ?, offset = ?, bad_lines = bad_lines + ?, missing = 0 WHERE id = ?', [
      ...values, stored.id,
    ]);
    return stored.id;
  }
  db.run('INSERT INTO files (path, source, dev, ino, size, mtime_ms, offset, bad_lines) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    file.path, SOURCE_IDS[source], ...values,
  ]);
  const id = Number(db.exec('SELECT last_insert_rowid()')[0].values[0][0]);
  fileIdsByDb.get(db)?.set(file.path, id);
  return id;
}

/** A file that vanished keeps its rows (history outlives the file); only its row is marked. */
export function markFileMissing(db: Database, stored: StoredFile): void {
  if (stored.missing === 0) db.run('UPDATE files SET missing = 1 WHERE id = ?', [stored.id]);
}

/** Collects usage records and hands them to the ingestor in batches, adding its counts to the scan summary. */
export class RecordBatch {
  private records: IngestRecord[] = [];

  constructor(private readonly ingestor: Ingestor, private readonly summary: ScanSummary, private readonly size = 20_000) {}

  push(record: IngestRecord): void {
    this.records.push(record);
  }

  /** Applies the batch when it is full (call between files, so a file's copies stay together). */
  flushIfFull(): void {
    if (this.records.length >= this.size) this.flush();
  }

  flush(): void {
    if (this.records.length === 0) return;
    const c = this.ingestor.apply(this.records);
    this.summary.newRequests += c.inserted;
    this.summary.updatedRequests += c.updated;
    this.summary.duplicateLines += c.duplicates;
    this.records = [];
  }
}
