// Opening, validating and persisting the sql.js database file.
// The file is replaced atomically (temp file + fsync + rename), so a crash at any point leaves either
// the old or the new state on disk, never a torn file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from '../types';
import { MigrationError, migrateSchema, SCHEMA_VERSION } from './migrations';
import { committedImage, keepLiveImage } from './liveImage';
import { getSqlJs, selectOne, type Database } from './sqljs';

export interface OpenResult {
  db: Database;
  /** Where an unusable DB file was moved to, when that happened (the caller tells the user once). */
  movedAside: string | null;
  /** Why it was moved aside. */
  movedAsideReason: string | null;
  /** mtime+size of the file we loaded, to notice when another process replaced it. */
  fileStamp: string | null;
  /** The schema versions migrations brought the loaded file through (empty: it was current, or new). */
  migrated: number[];
  /** The loaded file carries no valid seal (sealImage): saving it once spares later opens the full check. */
  unsealed: boolean;
  /** How the loaded file was checked: its seal, a full page check, or the cheap checks only (large, unsealed); null: no file. */
  checked: 'seal' | 'full' | 'cheap' | null;
}

/** mtime + size + inode of a file, or null when it does not exist. */
export function fileStamp(file: string): string | null {
  try {
    const st = fs.statSync(file);
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch {
    return null;
  }
}

export function getMeta(db: Database, key: string): string | null {
  const row = selectOne<{ value: string }>(db, 'SELECT value FROM meta WHERE key = ?', [key]);
  return row ? row.value : null;
}

export function setMeta(db: Database, key: string, value: string): void {
  db.run('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [key, value]);
}

class UnusableDbError extends Error {}

/**
 * Per-connection settings. Temporary b-trees (GROUP BY, ORDER BY, DISTINCT) stay in wasm memory: by default
 * SQLite spills them to temp files, which sql.js emulates in JS through a call per page (a 30-day anomaly
 * baseline at a million requests spent a third of its time there).
 */
function configureConnection(db: Database): Database {
  db.run('PRAGMA temp_store = MEMORY');
  return db;
}

/** DB images up to this size get a full page check (PRAGMA quick_check) when opened without a valid seal. */
const FULL_CHECK_MAX_BYTES = 48 * 1024 * 1024;

/**
 * Where a saved image carries its seal: the header's 4-byte application_id (offset 68), which SQLite keeps
 * but never interprets. The seal is a digest of every other byte of the image.
 */
const SEAL_OFFSET = 68;

function imageDigest(bytes: Uint8Array): number {
  // CRC-32 catches every burst error up to 32 bits and others with odds of 2^-32, at memory speed (a few
  // ms for a 7 MB image); it guards against accidents (torn or truncated writes, disk errors), not attacks.
  const digest = crc32(bytes.subarray(SEAL_OFFSET + 4), crc32(bytes.subarray(0, SEAL_OFFSET)));
  // 0 means "no seal" (images from 0.1.0, other tools, or a test's export): never produce it.
  return digest || 1;
}

/**
 * Seals an exported image before it is written: opening a file whose seal matches its bytes skips the full
 * page check, because the file is then byte for byte an image SQLite exported (a torn write, a truncation,
 * a flipped byte or an edit by another tool all break the seal, and the file gets the full check).
 */
export function sealImage(image: Uint8Array): Uint8Array {
  if (image.length < 100) return image;
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  view.setUint32(SEAL_OFFSET, imageDigest(image));
  return image;
}

/**
 * What a save writes: a sealed export of the DB, or — without a copy — the committed file sql.js keeps in the
 * Buffer it was loaded from (liveImage.ts), written around a sealed header field. Call with no transaction open.
 */
export function imageToSave(db: Database): { parts: Uint8Array[]; bytes: number; copied: boolean } {
  const live = committedImage(db);
  if (!live) {
    const image = sealImage(db.export());
    return { parts: [image], bytes: image.length, copied: true };
  }
  const seal = Buffer.alloc(4);
  seal.writeUInt32BE(imageDigest(live));
  return { parts: [live.subarray(0, SEAL_OFFSET), seal, live.subarray(SEAL_OFFSET + 4)], bytes: live.length, copied: false };
}

/** Writes `parts` to `fd` one after the other (all of each). */
export function writeParts(fd: number, parts: readonly Uint8Array[]): void {
  for (const part of parts) {
    let written = 0;
    while (written < part.length) written += fs.writeSync(fd, part, written, part.length - written);
  }
}

/** Whether the image carries a seal (see sealImage) and whether it matches the bytes. */
export function sealState(bytes: Uint8Array): 'valid' | 'broken' | 'none' {
  if (bytes.length < 100) return 'none';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const seal = view.getUint32(SEAL_OFFSET);
  if (seal === 0) return 'none';
  return seal === imageDigest(bytes) ? 'valid' : 'broken';
}

/** A DB file read into memory: its bytes, and the same bytes followed by zeroed room to grow into. */
interface DbFileImage { bytes: Buffer; withRoom: Buffer }

/** Room to grow into after the image: an eighth of its size, at least 4 MB (weeks of requests for most users). */
const roomFor = (size: number) => Math.max(4 << 20, Math.ceil(size / 8 / 4096) * 4096);

/**
 * True when the header's page count is valid and covers the whole file (SQLite ≥ 3.7.0 writes it so): then
 * SQLite goes by it and never reads the room after the image. Otherwise it would take the room for pages.
 */
function headerCountsPages(bytes: Buffer): boolean {
  if (bytes.length < 100 || bytes.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') return false;
  const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
  const validFor = bytes.readUInt32BE(92) === bytes.readUInt32BE(24);
  return validFor && bytes.readUInt32BE(28) * pageSize === bytes.length;
}

/**
 * Reads the DB file into one Buffer with zeroed room after it. sql.js keeps a Buffer it is given as the in-memory
 * file without copying it; a file that fills its buffer is copied into one an eighth larger on its next write
 * (old and new alive at once: 2.1× the DB for a moment). With the room, the session's growth lands in place.
 * SQLite ignores pages past the count in the DB header; an export (save) holds only those.
 */
function readDbFile(dbPath: string): DbFileImage {
  const fd = fs.openSync(dbPath, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const withRoom = Buffer.alloc(size + roomFor(size));
    let read = 0;
    while (read < size) {
      const n = fs.readSync(fd, withRoom, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const bytes = withRoom.subarray(0, read);
    return { bytes, withRoom: headerCountsPages(bytes) ? withRoom : bytes };
  } finally {
    fs.closeSync(fd);
  }
}

/** Loads a DB image and checks it is ours and not from a newer schema. Throws UnusableDbError otherwise. */
function loadImage(SQL: { Database: new (data?: ArrayLike<number> | Buffer | null) => Database }, file: DbFileImage): { db: Database; checked: 'seal' | 'full' | 'cheap' } {
  const bytes = file.bytes;
  if (bytes.length === 0) throw new UnusableDbError('the file is empty');
  let db: Database;
  let checked: 'seal' | 'full' | 'cheap' = 'cheap';
  try {
    db = configureConnection(new SQL.Database(file.withRoom));
    if (file.withRoom !== file.bytes) keepLiveImage(db, file.withRoom);
    // Touch the schema: sql.js opens lazily, corruption shows up on the first read.
    db.exec('SELECT count(*) FROM sqlite_master');
  } catch (e) {
    throw new UnusableDbError(`not a readable SQLite database (${(e as Error).message})`);
  }
  try {
    // A full page check costs up to seconds (every open of every window and CLI call), so it runs only
    // when the seal does not vouch for the bytes: always when a seal is broken (the bytes changed after
    // our save), and for unsealed files (0.1.0, other tools) up to a size; larger ones get the cheap
    // checks (header, schema, version) only.
    const seal = sealState(bytes);
    if (seal === 'valid') checked = 'seal';
    else if (seal === 'broken' || bytes.length <= FULL_CHECK_MAX_BYTES) {
      checked = 'full';
      const quick = db.exec('PRAGMA quick_check');
      const verdict = quick[0]?.values[0]?.[0];
      if (verdict !== 'ok') throw new UnusableDbError(`integrity check failed (${String(verdict)})`);
    }
    const version = Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
    if (version > SCHEMA_VERSION) {
      throw new UnusableDbError(`written by a newer version of Claude Code Costs (schema ${version} > ${SCHEMA_VERSION})`);
    }
    if (version === 0) {
      const hasRequests = db.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'requests'`).length > 0;
      if (hasRequests) throw new UnusableDbError('no schema version recorded');
    }
  } catch (e) {
    db.close();
    if (e instanceof UnusableDbError) throw e;
    throw new UnusableDbError(`unreadable (${(e as Error).message})`);
  }
  return { db, checked };
}

/**
 * Opens the DB at `dbPath` (null = in memory) and migrates it to the current schema. A file that is corrupt,
 * empty, from a newer schema, or that a migration fails on is moved aside with a timestamp and a fresh DB is
 * created: the DB is rebuilt from transcripts, and the moved file is kept for the user. An old schema is
 * migrated in place, never moved aside.
 */
export async function openDatabase(dbPath: string | null, log: Logger): Promise<OpenResult> {
  const SQL = await getSqlJs();
  let db: Database | null = null;
  let movedAside: string | null = null;
  let movedAsideReason: string | null = null;
  let stamp: string | null = null;
  let migrated: number[] = [];
  let unsealed = false;
  let checked: OpenResult['checked'] = null;
  if (dbPath && fs.existsSync(dbPath)) {
    stamp = fileStamp(dbPath);
    try {
      const loaded = loadImage(SQL, readDbFile(dbPath));
      db = loaded.db;
      checked = loaded.checked;
      unsealed = checked !== 'seal';
      try {
        migrated = migrateSchema(db, log).applied;
      } catch (e) {
        db.close();
        db = null;
        if (!(e instanceof MigrationError)) throw e;
        log.error(`Database ${dbPath}: ${e.message}`);
        throw new UnusableDbError(e.message);
      }
    } catch (e) {
      if (!(e instanceof UnusableDbError)) throw e;
      movedAsideReason = e.message;
      movedAside = `${dbPath}.unusable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.renameSync(dbPath, movedAside);
      log.warn(`Database ${dbPath} is ${e.message}; moved it to ${movedAside} and rebuilding from transcripts.`);
      stamp = null;
      migrated = [];
      unsealed = false;
      checked = null;
    }
  }
  if (!db) {
    db = configureConnection(new SQL.Database());
    migrateSchema(db, log);
  }
  if (dbPath) removeOrphanedTempImages(dbPath, log);
  return { db, movedAside, movedAsideReason, fileStamp: stamp, migrated, unsealed, checked };
}

/** Re-reads the DB file written by another process. Returns null when it cannot be used (keep the current one). */
export async function reloadDatabase(dbPath: string, log: Logger): Promise<{ db: Database; fileStamp: string | null } | null> {
  const SQL = await getSqlJs();
  try {
    const stamp = fileStamp(dbPath);
    const { db } = loadImage(SQL, readDbFile(dbPath));
    try {
      migrateSchema(db, log);
    } catch (e) {
      db.close();
      throw e;
    }
    return { db, fileStamp: stamp };
  } catch (e) {
    log.warn(`Could not reload ${dbPath}: ${(e as Error).message}`);
    return null;
  }
}

/**
 * A process killed during persist leaves its `<db>.tmp-<pid>-<ms>` image behind (the DB itself is intact).
 * Remove those of processes that are gone (and older than a minute), so crashes do not pile up copies of the DB.
 */
function removeOrphanedTempImages(dbPath: string, log: Logger): void {
  const dir = path.dirname(dbPath);
  const prefix = `${path.basename(dbPath)}.tmp-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)-\d+$/.exec(name.slice(prefix.length)) : null;
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (alive) continue;
    try {
      // A pid names a process on this machine only: leave images young enough to be another host's save in progress.
      if (Date.now() - fs.statSync(path.join(dir, name)).mtimeMs < 60_000) continue;
      fs.rmSync(path.join(dir, name), { force: true });
      log.info(`Removed ${name}, left by a process that ended while saving.`);
    } catch {
      /* not ours to remove (permissions): harmless */
    }
  }
}

/**
 * Writes an exported image to a temp file next to `dbPath` and fsyncs it, without blocking the thread (the
 * engine keeps answering meanwhile). Returns the temp path; the caller renames it into place (renameImage).
 */
export async function writeTempImage(image: Uint8Array, dbPath: string): Promise<string> {
  await fs.promises.mkdir(path.dirname(dbPath), { recursive: true });
  const tmp = `${dbPath}.tmp-${process.pid}-${Date.now()}`;
  const handle = await fs.promises.open(tmp, 'w');
  try {
    await handle.writeFile(image);
    await handle.sync();
    await handle.close();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  return tmp;
}

/**
 * Writes the parts of an image to a temp file next to `dbPath` now, synchronously (the committed file of a live
 * image must be written before a later commit changes it), without fsync: call syncTempImage, then rename it.
 */
export function writeTempImageNow(parts: readonly Uint8Array[], dbPath: string): string {
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const tmp = `${dbPath}.tmp-${process.pid}-${Date.now()}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    writeParts(fd, parts);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  return tmp;
}

/** fsyncs a temp image written by writeTempImageNow, without blocking the thread; removes it when that fails. */
export async function syncTempImage(tmp: string): Promise<void> {
  try {
    const handle = await fs.promises.open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}

/** Writes the DB atomically: its image (imageToSave) → temp file in the same folder → fsync → rename over the target. */
export function persistDatabase(db: Database, dbPath: string): { bytes: number; ms: number } {
  const t0 = performance.now();
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const image = imageToSave(db);
  const tmp = `${dbPath}.tmp-${process.pid}-${Date.now()}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    writeParts(fd, image.parts);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, dbPath);
  return { bytes: image.bytes, ms: performance.now() - t0 };
}
