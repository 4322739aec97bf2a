// Schema 6: the context-window fill of sessions (issue 17). Two small integer tables: `compactions` (one row
// per compact_boundary of a session's main thread) and `session_context` (per session: the last main-thread
// response's context, its model and time, and the session's peak). session_context is filled here from the
// stored requests (one pass, ≈ 1.7 s at 1M requests, bench/probes/context.ts); compactions of transcripts
// already read are not recovered (they are recorded from the next bytes read, or after Re-read All).
import { CONTEXT_TABLES_SQL, refreshSessionContext } from './contextStore';
import type { Database } from './sqljs';

// Typed where it is listed (migrations.ts), so this file does not import that list back.
export const CONTEXT_FILL = {
  version: 6,
  description: 'context-window fill: compactions and per-session last/peak context',
  up(db: Database) {
    db.run(CONTEXT_TABLES_SQL);
    refreshSessionContext(db, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  },
};
