// Saving without a second copy of the DB. db.ts loads the DB file into a Buffer with room after it and gives
// sql.js that Buffer: sql.js keeps it as its in-memory file (no copy) until the file outgrows the room or
// shrinks (VACUUM, a rolled-back growth), when it moves the file to a new array. While it has not, the Buffer
// holds every committed page, so a save can write it as it is instead of exporting a copy (a copy the size of
// the DB: at a million requests the save was the engine's peak memory).
import { randomBytes } from 'node:crypto';
import type { Database } from './sqljs';

const liveImages = new WeakMap<Database, Buffer>();

/** Remembers the Buffer `db` was loaded from (sql.js keeps it as the DB's file). */
export function keepLiveImage(db: Database, buffer: Buffer): void {
  liveImages.set(db, buffer);
}

/**
 * The DB file as last committed, when sql.js still keeps it in the Buffer the DB was loaded from; null when it
 * moved the file (then export a copy). Checked each time by committing a random marker and finding it in the
 * Buffer: a Buffer sql.js no longer writes to cannot hold it. Call with no transaction open.
 */
export function committedImage(db: Database): Buffer | null {
  const buffer = liveImages.get(db);
  if (!buffer) return null;
  const marker = `save-check:${randomBytes(12).toString('hex')}`;
  db.run(`INSERT INTO meta(key, value) VALUES ('save_check', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, [marker]);
  const pageSize = Number(db.exec('PRAGMA page_size')[0]?.values[0]?.[0] ?? 0);
  const pageCount = Number(db.exec('PRAGMA page_count')[0]?.values[0]?.[0] ?? 0);
  const size = pageSize * pageCount;
  const image = size >= 100 && size <= buffer.length ? buffer.subarray(0, size) : null;
  if (!image || image.readUInt32BE(28) !== pageCount || image.indexOf(marker, 0, 'latin1') < 0) {
    liveImages.delete(db); // moved for good: export from now on
    return null;
  }
  return image;
}
