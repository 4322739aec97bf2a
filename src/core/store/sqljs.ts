// Loads sql.js (SQLite compiled to wasm) from the wasm file shipped next to the bundle, never from a CDN.
// Minimal typings of our own: @types/sql.js drags in emscripten/DOM types.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type SqlValue = number | string | Uint8Array | null;
/** What a statement accepts: BigInt binds an exact 64-bit INTEGER (sql.js ≥ 1.8). */
export type SqlParam = SqlValue | bigint;
export type BindParams = SqlParam[] | Record<string, SqlParam>;

export interface Statement {
  bind(params?: BindParams): boolean;
  step(): boolean;
  get(params?: BindParams): SqlValue[];
  getAsObject(params?: BindParams): Record<string, SqlValue>;
  run(params?: BindParams): void;
  reset(): void;
  free(): boolean;
  getColumnNames(): string[];
}

export interface QueryExecResult { columns: string[]; values: SqlValue[][] }

export interface Database {
  run(sql: string, params?: BindParams): Database;
  exec(sql: string, params?: BindParams): QueryExecResult[];
  prepare(sql: string, params?: BindParams): Statement;
  export(): Uint8Array;
  close(): void;
  getRowsModified(): number;
}

export interface SqlJsStatic { Database: new (data?: ArrayLike<number> | Buffer | null) => Database }

let sqlJsPromise: Promise<SqlJsStatic> | undefined;

/** Where sql-wasm.wasm lives: next to the running bundle (dist/), else in node_modules (tests run from source). */
export function locateWasm(): string {
  const candidates = [path.join(__dirname, 'sql-wasm.wasm')];
  try { candidates.push(require.resolve('sql.js/dist/sql-wasm.wasm')); } catch { /* not installed: bundle only */ }
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new Error(`sql-wasm.wasm not found (looked in: ${candidates.join(', ')})`);
}

/** One shared sql.js instance per process (initSqlJs caches its first config anyway). */
export function getSqlJs(): Promise<SqlJsStatic> {
  if (!sqlJsPromise) {
    // Check the file first: a wrong path makes emscripten abort the whole process.
    const wasmBinary = fs.readFileSync(locateWasm());
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the emscripten loader is CommonJS, loaded once on first use
    const initSqlJs = require('sql.js/dist/sql-wasm.js') as (cfg: object) => Promise<SqlJsStatic>;
    sqlJsPromise = initSqlJs({ wasmBinary }).then((sqlJs) => {
      sqlJsModule = sqlJs;
      return sqlJs;
    });
  }
  return sqlJsPromise;
}

/** The C API's sqlite3_column_double as sql.js exports it (a wasm export, no wrapper). */
type ColumnDouble = (stmtPointer: number, column: number) => number;
let sqlJsModule: SqlJsStatic | null = null;
/** Checked on first use (undefined until then); null: the fast path is off. */
let numberColumn: ColumnDouble | null | undefined;

/**
 * sql.js keeps a statement's SQLite pointer in the first field its constructor sets (sql.js 1.x, package-lock
 * pins it). Found that way, then checked on a statement of known values: any other layout disables the fast path.
 */
function statementPointer(stmt: Statement): number | null {
  const first = Object.values(stmt)[0];
  return typeof first === 'number' && Number.isInteger(first) && first > 0 ? first : null;
}

function checkedNumberColumn(db: Database): ColumnDouble | null {
  const column = (sqlJsModule as unknown as { _sqlite3_column_double?: unknown } | null)?._sqlite3_column_double;
  if (typeof column !== 'function') return null;
  const stmt = db.prepare('SELECT 1.25, 1790000000000, -7');
  try {
    const ptr = statementPointer(stmt);
    const ok = ptr !== null && stmt.step() && [0, 1, 2].map((i) => (column as ColumnDouble)(ptr, i)).join() === '1.25,1790000000000,-7';
    return ok ? (column as ColumnDouble) : null;
  } finally {
    stmt.free();
  }
}

/**
 * Runs a SELECT whose columns are all numbers and passes each row to `visit` as one reused array (copy what you
 * keep); `visit` returns false to stop. The values come straight from SQLite's C API: sql.js's `get()` asks each column's type and then its
 * value through wrapped calls and builds a new array per row, which was half the panel's fact scan. Only for
 * columns that are never NULL (NULL reads as 0) and integers within ±2^53.
 */
export function forEachNumberRow(db: Database, sql: string, params: BindParams, visit: (row: number[]) => boolean | void): void {
  if (numberColumn === undefined) numberColumn = checkedNumberColumn(db);
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const ptr = numberColumn ? statementPointer(stmt) : null;
    if (numberColumn === null || ptr === null) {
      while (stmt.step()) if (visit(stmt.get() as number[]) === false) return;
      return;
    }
    const column = numberColumn;
    const width = stmt.getColumnNames().length;
    const row = new Array<number>(width).fill(0);
    while (stmt.step()) {
      for (let i = 0; i < width; i++) row[i] = column(ptr, i);
      if (visit(row) === false) return;
    }
  } finally {
    stmt.free();
  }
}

/** True when forEachNumberRow reads through the C API (tests check that the fast path is the one taken). */
export function numberRowsFastPath(db: Database): boolean {
  if (numberColumn === undefined) numberColumn = checkedNumberColumn(db);
  return numberColumn !== null;
}

/** Runs a SELECT and returns rows as objects. */
export function selectAll<T = Record<string, SqlValue>>(db: Database, sql: string, params: BindParams = []): T[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const rows: T[] = [];
    while (stmt.step()) rows.push(stmt.getAsObject() as T);
    return rows;
  } finally {
    stmt.free();
  }
}

export function selectOne<T = Record<string, SqlValue>>(db: Database, sql: string, params: BindParams = []): T | undefined {
  return selectAll<T>(db, sql, params)[0];
}

/**
 * How many rows this connection has changed since it was opened (SQLite's total_changes()): equal counts
 * mean unchanged data, so a result computed from the database may be kept until the count moves. A reload
 * opens a new connection (a new Database object), so keep such results per Database.
 */
export function changeCount(db: Database): number {
  return Number(selectAll<{ n: number }>(db, 'SELECT total_changes() AS n')[0]?.n ?? -1);
}
