// Opens the store for a command: readers open it read-only and get a clear not-found error
// when the file does not exist (a read never creates an empty store).
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../core/errors.ts';
import { openStore, type Store } from '../core/store/index.ts';

/** The store file does not exist: "not found" (exit 3), unlike a store that fails to open. */
export class StoreMissingError extends HyperlabError {}

export function openForReading(dbPath: string): Store {
  if (!fs.existsSync(dbPath)) {
    throw new StoreMissingError('STORE_UNAVAILABLE', `no Hyperlab store at ${dbPath}`, 'Run an experiment first (hyperlab run SPEC), or point to a store with --db PATH.');
  }
  try {
    return openStore(dbPath, { readonly: true });
  } catch (error) {
    if (!(error instanceof HyperlabError) || error.code !== 'STORE_SCHEMA') throw error;
    // A store written by an older Hyperlab: a read-only connection cannot migrate it, and no
    // read command would ever work on it. Migrating is one short transaction (what the
    // extension does on open); a newer schema fails here with its own message.
    let writer: Store;
    try {
      writer = openStore(dbPath);
    } catch (migrateError) {
      if (migrateError instanceof HyperlabError && migrateError.code === 'STORE_SCHEMA') throw migrateError;
      throw new HyperlabError('STORE_SCHEMA', `${error.message}, and opening it to migrate failed: ${migrateError instanceof Error ? migrateError.message : String(migrateError)}`,
        'Give this user write access to the store and its folder once (the migration runs on open), or open it with the VS Code extension.');
    }
    writer.close();
    return openStore(dbPath, { readonly: true });
  }
}

export function openForWriting(dbPath: string): Store {
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  return openStore(dbPath);
}
