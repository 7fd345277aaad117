// Driver over node:sqlite's DatabaseSync (built into Node ≥ 22.13): the fallback when
// better-sqlite3's native binary can't load, e.g. an ABI mismatch inside an editor's runtime.
import type * as NodeSqlite from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { transactionRunner, type Driver, type PreparedStatement, type Row } from './driver.ts';

export type NodeSqliteModule = typeof NodeSqlite;

export function nodeSqliteDriver(sqlite: NodeSqliteModule, path: string, readonly: boolean, immutable = false): Driver {
  // immutable=1 (a URI parameter): read without the -shm WAL index, which a read-only folder cannot hold.
  const location = immutable ? new URL(`${pathToFileURL(path).href}?immutable=1`) : path;
  const db = new sqlite.DatabaseSync(location, { readOnly: readonly || immutable });
  const prepare = (sql: string): PreparedStatement => {
    const statement = db.prepare(sql);
    return {
      run: (...params) => {
        const result = statement.run(...params);
        return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
      },
      runValues: (values) => void statement.run(...values),
      get: (...params) => statement.get(...params) as Row | undefined,
      all: (...params) => statement.all(...params) as Row[],
    };
  };
  return {
    name: 'node:sqlite',
    prepare,
    exec: (sql) => db.exec(sql),
    transaction: transactionRunner(prepare, () => db.isTransaction),
    close: () => db.close(),
  };
}
