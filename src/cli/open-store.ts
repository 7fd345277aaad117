// Opens the store for a command. Readers get a clear not-found error when the file does not
// exist (a read never creates an empty store). Readers open it for writing when they can, so
// opening migrates an older file and ends the runs whose process is gone; a file that cannot be
// written (a read-only folder or mount) is read read-only, and the command says so once.
import fs from 'node:fs';
import { HyperlabError, errorMessage } from '../core/errors.ts';
import { openStore, sqliteErrorKind, type Store } from '../core/store/index.ts';

/** The store file does not exist: "not found" (exit 3), unlike a store that fails to open. */
export class StoreMissingError extends HyperlabError {}

export function openForReading(dbPath: string, notice: (text: string) => void = () => {}): Store {
  if (!fs.existsSync(dbPath)) {
    throw new StoreMissingError('STORE_UNAVAILABLE', `no Hyperlab store at ${dbPath}`, 'Run an experiment first (hyperlab run SPEC), or point to a store with --db PATH.');
  }
  let writeError: unknown;
  try {
    return openStore(dbPath);
  } catch (error) {
    const kind = sqliteErrorKind(error);
    const denied = ['EACCES', 'EPERM', 'EROFS'].includes(String((error as NodeJS.ErrnoException).code));
    if (kind !== 'readonly' && kind !== 'cantopen' && !denied) throw error;
    writeError = error;
  }
  const why = sqliteErrorKind(writeError) === 'readonly' ? 'the file or its folder cannot be written' : `it cannot be opened for writing (${errorMessage(writeError)})`;
  const store = openReadOnly(dbPath);
  notice(`hyperlab: reading ${dbPath} read-only: ${why}; runs whose process is gone are not marked failed until it is opened with write access\n`);
  return store;
}

function openReadOnly(dbPath: string): Store {
  try {
    return openStore(dbPath, { readonly: true });
  } catch (error) {
    if (error instanceof HyperlabError && error.code === 'STORE_SCHEMA') {
      throw new HyperlabError('STORE_SCHEMA', `${error.message}; this user cannot write it`,
        'Give this user write access to the store and its folder once (the migration runs on open), or open it with the VS Code extension.');
    }
    // A WAL file closed cleanly has no -wal or -shm beside it, and a read-only folder cannot hold
    // the -shm index SQLite needs to read: with no -wal, the file alone is complete and immutable.
    if (sqliteErrorKind(error) !== 'cantopen' || fs.existsSync(`${dbPath}-wal`)) throw error;
    return openStore(dbPath, { immutable: true });
  }
}

export function openForWriting(dbPath: string): Store {
  return openStore(dbPath);
}
