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
  return openStore(dbPath, { readonly: true });
}

export function openForWriting(dbPath: string): Store {
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  return openStore(dbPath);
}
