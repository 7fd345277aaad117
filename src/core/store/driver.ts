// The small surface the store needs from a SQLite binding. Two bindings implement it
// (better-sqlite3 and node:sqlite), so the store's SQL and logic exist once.
/** Which SQLite binding a connection uses. */
export type DriverName = 'better-sqlite3' | 'node:sqlite';

export type SqlValue = number | string | bigint | null | Uint8Array;
export type Row = Record<string, SqlValue>;

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

export interface PreparedStatement {
  run(...params: SqlValue[]): RunResult;
  /** run() for the hot path: the values as one array (no rest/spread copies), no result. */
  runValues(values: readonly SqlValue[]): void;
  get(...params: SqlValue[]): Row | undefined;
  all(...params: SqlValue[]): Row[];
}

export interface Driver {
  readonly name: DriverName;
  prepare(sql: string): PreparedStatement;
  exec(sql: string): void;
  /** Runs fn inside BEGIN IMMEDIATE … COMMIT (a savepoint when nested); rolls back on throw. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/**
 * A transaction helper shared by both drivers. BEGIN IMMEDIATE takes the write lock up front so
 * a concurrent writer waits on busy_timeout instead of failing halfway through. inTransaction
 * reports whether SQLite still has the transaction open (the binding's own flag).
 */
export function transactionRunner(prepare: (sql: string) => PreparedStatement, inTransaction: () => boolean): <T>(fn: () => T) => T {
  let depth = 0;
  const begin = prepare('BEGIN IMMEDIATE');
  const commit = prepare('COMMIT');
  const rollback = prepare('ROLLBACK');
  const savepoint = prepare('SAVEPOINT nested');
  const release = prepare('RELEASE nested');
  const rollbackTo = prepare('ROLLBACK TO nested');
  return <T>(fn: () => T): T => {
    const outer = depth === 0;
    (outer ? begin : savepoint).run();
    depth++;
    try {
      const result = fn();
      (outer ? commit : release).run();
      return result;
    } catch (error) {
      // SQLite ends the whole transaction by itself on some errors (SQLITE_FULL, SQLITE_IOERR,
      // SQLITE_NOMEM, a busy deadlock): a ROLLBACK then fails with "no transaction is active"
      // and would hide the real error. Roll back only what is still open, and always rethrow
      // the statement's own error.
      if (inTransaction()) {
        try {
          if (outer) rollback.run();
          else {
            rollbackTo.run();
            release.run();
          }
        } catch {
          // The original error says what went wrong; a failing rollback adds nothing to act on.
        }
      }
      throw error;
    } finally {
      depth--;
    }
  };
}
