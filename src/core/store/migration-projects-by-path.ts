// Schema 3: a project is its repository path, not its folder name (issue 13 item 10). Schema 1 keyed
// `projects` by name, so /home/a/app and /home/b/app became one project "app". The table is rebuilt with a
// unique `key` (the repository path; the name for a project known only by name, e.g. from an API log)
// and a plain `name` (the folder name, disambiguated at display time). Ids are kept, so requests,
// sessions and rollups keep pointing at the same rows and every figure stays equal. History already merged
// under one name stays with that row (the path it was first seen at); rows whose transcripts still exist
// move to their own project when they are read again (Re-read All Transcripts).
import type { Database } from './sqljs';

const KEY_OF = (alias: string) => `COALESCE(NULLIF(${alias}.path, ''), ${alias}.name)`;

// Typed where it is listed (migrations.ts), so this file does not import that list back.
export const PROJECTS_BY_PATH = {
  version: 3,
  description: 'projects keyed by repository path',
  up(db: Database) {
    db.run(`
      CREATE TABLE projects_v2 (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        path TEXT
      );
      -- Two schema-1 names seen at one path (rare: a renamed checkout) keep two rows: the later one's key
      -- gets its name appended, so nothing is merged that was apart.
      INSERT INTO projects_v2 (id, key, name, path)
        SELECT p.id,
          CASE WHEN EXISTS (SELECT 1 FROM projects q WHERE ${KEY_OF('q')} = ${KEY_OF('p')} AND q.id < p.id)
            THEN ${KEY_OF('p')} || ' #' || p.name ELSE ${KEY_OF('p')} END,
          p.name, p.path
        FROM projects p;
      DROP TABLE projects;
      ALTER TABLE projects_v2 RENAME TO projects;
    `);
  },
};
