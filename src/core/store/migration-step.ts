// One schema migration (the list is in migrations.ts).
import type { Database } from './sqljs';

export interface Migration {
  /** The user_version the DB has after this migration (the previous one's + 1). */
  version: number;
  /** What it changes, for the log. */
  description: string;
  /** Runs inside the migration's transaction; throws to leave the DB at the previous version. */
  up(db: Database): void;
  /** Rewrites most of the file (e.g. rebuilds `requests`): VACUUM afterwards so freed pages leave the image. */
  vacuum?: boolean;
}
