// Driver over better-sqlite3 (the primary binding: fastest, a native N-API addon).
import type BetterSqlite3 from 'better-sqlite3';
import { transactionRunner, type Driver, type PreparedStatement, type Row, type SqlValue } from './driver.ts';

export type BetterSqlite3Constructor = typeof BetterSqlite3;

export function betterSqlite3Driver(Database: BetterSqlite3Constructor, path: string, readonly: boolean): Driver {
  const db = new Database(path, readonly ? { readonly: true, fileMustExist: true } : {});
  const prepare = (sql: string): PreparedStatement => {
    const statement = db.prepare<SqlValue[], Row>(sql);
    // Statements that return no rows (DDL, BEGIN, INSERT) reject .get/.all in better-sqlite3.
    const readsRows = statement.reader;
    return {
      run: (...params) => {
        const result = statement.run(...params);
        return { changes: result.changes, lastInsertRowid: Number(result.lastInsertRowid) };
      },
      // Spread, not an array argument: better-sqlite3 flattens arrays more slowly (measured).
      runValues: (values) => void statement.run(...values),
      get: readsRows ? (...params) => statement.get(...params) : () => undefined,
      all: readsRows ? (...params) => statement.all(...params) : () => [],
    };
  };
  return {
    name: 'better-sqlite3',
    prepare,
    exec: (sql) => void db.exec(sql),
    transaction: transactionRunner(prepare, () => db.inTransaction),
    close: () => db.close(),
  };
}
