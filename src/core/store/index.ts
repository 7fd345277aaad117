// The run store: open a SQLite file (created and migrated on first use) behind the Store
// interface. Everyone outside src/core/store imports from here.
import fs from 'node:fs';
import { dirname, resolve } from 'node:path';
import { HyperlabError, errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Driver } from './driver.ts';
import { defaultLoaders, openDriver, type DriverLoaders } from './open-driver.ts';
import { checkReadable, migrate } from './schema.ts';
import { ensureReserve } from './reserve.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { OpenStoreOptions, Store } from './types.ts';

export * from './types.ts';
export { SCHEMA_VERSION } from './schema.ts';
export { sqliteErrorKind, type SqliteErrorKind } from './sqlite-errors.ts';
export { writePendingEnd, type PendingEnd } from './pending-end.ts';
export { releaseReserve } from './reserve.ts';
export { channelKey, type ClusterJob, type ClusterBackend } from './cluster-jobs.ts';

/** Milliseconds a connection waits for another one's write lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  return openStoreWith(path, options, defaultLoaders);
}

/** openStore with the driver loaders injected (tests simulate a binary that cannot load). */
export function openStoreWith(path: string, options: OpenStoreOptions, loaders: DriverLoaders): Store {
  const logger = options.logger ?? silentLogger;
  const immutable = options.immutable ?? false;
  const readonly = (options.readonly ?? false) || immutable;
  if (readonly && !fs.existsSync(path)) {
    throw new HyperlabError('STORE_UNAVAILABLE', `there is no run store at ${path}`, 'Run an experiment first, or point to an existing store file (--db PATH, or the hyperlab.storePath setting).');
  }
  // A fresh workspace has no .hyperlab folder yet.
  if (!readonly) ensureFolder(dirname(path));
  const driver = openDriver(path, options.driver ?? 'auto', readonly, loaders, logger, immutable);
  try {
    configure(driver, readonly);
    if (readonly) checkReadable(driver, path);
    else migrate(driver, path);
  } catch (error) {
    driver.close();
    throw error;
  }
  const store = new SqliteStore(driver, path, readonly, logger);
  if (!readonly) {
    ensureReserve(path);
    repair(store, logger);
  }
  return store;
}

/**
 * Ends what nobody else will: end statuses a run left beside the store when it could not write
 * them, then runs whose owner process is gone. Best effort: a store that is busy or full now is
 * repaired by the next open.
 */
function repair(store: SqliteStore, logger: Logger): void {
  try {
    const applied = store.applyPendingEnds();
    if (applied.length > 0) logger.log('info', `store: applied the pending end status of run ${applied.join(', ')}`);
    const orphans = store.failOrphans();
    if (orphans.length > 0) logger.log('warn', `store: marked run ${orphans.map((id) => `#${id}`).join(', ')} failed: the process that ran it is gone`);
  } catch (error) {
    logger.log('warn', `store: could not end runs left behind by a process that is gone (tried again on the next open): ${errorMessage(error)}`);
  }
}

/**
 * mkdir -p, one level at a time. Node's recursive mkdirSync loops forever on some paths it can
 * never create (under /proc, for one); here the first level that cannot be made is an error.
 */
function ensureFolder(folder: string): void {
  const missing: string[] = [];
  let current = resolve(folder);
  while (!fs.existsSync(current)) {
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const level of missing.reverse()) {
    try {
      fs.mkdirSync(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new HyperlabError('STORE_UNAVAILABLE', `cannot create the store's folder ${folder}: ${errorMessage(error)}`,
        'Point --db (or the hyperlab.storePath setting) to a file in a folder you can write.');
    }
  }
  if (missing.length === 0 && !fs.statSync(current).isDirectory()) {
    throw new HyperlabError('STORE_UNAVAILABLE', `cannot use ${folder} as the store's folder: it is not a folder`,
      'Point --db (or the hyperlab.storePath setting) to a file in a folder you can write.');
  }
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
