// The run store: open a SQLite file (created and migrated on first use) behind the Store
// interface. Everyone outside src/core/store imports from here.
import fs from 'node:fs';
import { dirname } from 'node:path';
import { HyperlabError } from '../errors.ts';
import { silentLogger } from '../log.ts';
import type { Driver } from './driver.ts';
import { defaultLoaders, openDriver, type DriverLoaders } from './open-driver.ts';
import { checkReadable, migrate } from './schema.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { OpenStoreOptions, Store } from './types.ts';

export * from './types.ts';
export { SCHEMA_VERSION } from './schema.ts';

/** Milliseconds a connection waits for another one's write lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  return openStoreWith(path, options, defaultLoaders);
}

/** openStore with the driver loaders injected (tests simulate a binary that cannot load). */
export function openStoreWith(path: string, options: OpenStoreOptions, loaders: DriverLoaders): Store {
  const logger = options.logger ?? silentLogger;
  const readonly = options.readonly ?? false;
  if (readonly && !fs.existsSync(path)) {
    throw new HyperlabError('STORE_UNAVAILABLE', `there is no run store at ${path}`, 'Run an experiment first, or point to an existing store file (--db PATH, or the hyperlab.storePath setting).');
  }
  // A fresh workspace has no .hyperlab folder yet.
  if (!readonly) fs.mkdirSync(dirname(path), { recursive: true });
  const driver = openDriver(path, options.driver ?? 'auto', readonly, loaders, logger);
  try {
    configure(driver, readonly);
    if (readonly) checkReadable(driver, path);
    else migrate(driver, path);
  } catch (error) {
    driver.close();
    throw error;
  }
  return new SqliteStore(driver, path, readonly, logger);
}

function configure(driver: Driver, readonly: boolean): void {
  driver.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // WAL: one writer and any number of readers (other processes included) never block each other.
  if (!readonly) driver.exec('PRAGMA journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
  driver.exec('PRAGMA synchronous = NORMAL');
  driver.exec('PRAGMA foreign_keys = ON');
  driver.exec('PRAGMA temp_store = MEMORY');
}
