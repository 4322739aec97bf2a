// Schema 4: the git branch of each request (issue 14). Claude Code writes `gitBranch` on every transcript
// line; a dictionary table holds the names and requests carry an integer id, NULL when the line had no
// branch (outside a repository, or a writer too old to record it). NULL costs no bytes in a row's payload,
// so rows stay compact. Existing rows keep NULL: their branch was not read; Re-read All Transcripts fills
// it in for transcripts that still exist.
import type { Database } from './sqljs';

// Typed where it is listed (migrations.ts), so this file does not import that list back.
export const BRANCHES = {
  version: 4,
  description: 'git branch per request',
  up(db: Database) {
    db.run(`
      CREATE TABLE branches (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      ALTER TABLE requests ADD COLUMN branch_id INTEGER;
    `);
  },
};
