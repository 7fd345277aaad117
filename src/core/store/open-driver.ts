// Picks and opens a SQLite binding. 'auto' prefers better-sqlite3 and falls back to node:sqlite
// when the native binary can't load (wrong ABI, missing prebuilt), so the store works in any
// Node ≥ 22.13 runtime, including an editor's extension host.
import { createRequire } from 'node:module';
import { HyperlabError, errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Driver } from './driver.ts';
import { betterSqlite3Driver, type BetterSqlite3Constructor } from './driver-better-sqlite3.ts';
import { nodeSqliteDriver, type NodeSqliteModule } from './driver-node-sqlite.ts';
import type { DriverName } from './types.ts';

/** How the bindings are loaded: a seam so tests can simulate a binary that fails to load. */
export interface DriverLoaders {
  loadBetterSqlite3(): BetterSqlite3Constructor;
  loadNodeSqlite(): NodeSqliteModule;
  /** Major version of the running Node (process.versions.node). */
  nodeMajor: number;
}

// A runtime require (not an import) so esbuild leaves both modules external and a missing or
// broken binary surfaces as a catchable error here rather than at bundle load.
// import.meta.filename becomes __filename in the CommonJS bundles (scripts/build.mjs).
const runtimeRequire = createRequire(import.meta.filename);

export const defaultLoaders: DriverLoaders = {
  loadBetterSqlite3: () => runtimeRequire('better-sqlite3') as BetterSqlite3Constructor,
  loadNodeSqlite: () => runtimeRequire('node:sqlite') as NodeSqliteModule,
  nodeMajor: Number(process.versions.node.split('.')[0]),
};

/** better-sqlite3's N-API prebuilt crashes the process on Node < 22 (not a catchable error). */
const MIN_NODE_FOR_BETTER_SQLITE3 = 22;

export function openDriver(
  path: string,
  choice: DriverName | 'auto',
  readonly: boolean,
  loaders: DriverLoaders,
  logger: Logger,
  immutable = false,
): Driver {
  if (immutable) return openNodeSqlite(path, true, loaders, true);
  if (choice === 'node:sqlite') return openNodeSqlite(path, readonly, loaders);
  if (choice === 'better-sqlite3') return openBetterSqlite3(path, readonly, loaders);
  if (loaders.nodeMajor < MIN_NODE_FOR_BETTER_SQLITE3) {
    logger.log('info', `store: Node ${loaders.nodeMajor} is too old for better-sqlite3, using node:sqlite`);
    return openNodeSqlite(path, readonly, loaders);
  }
  try {
    return openBetterSqlite3(path, readonly, loaders);
  } catch (error) {
    // An SQLite error (bad path, locked, corrupt) would fail on node:sqlite too: report it as is.
    if (error instanceof HyperlabError && error.code === 'STORE_UNAVAILABLE' && isSqliteError(error.cause)) throw error;
    const cause = error instanceof HyperlabError && error.cause !== undefined ? error.cause : error;
    logger.log('warn', `store: better-sqlite3 could not load (${errorMessage(cause)}); falling back to node:sqlite`);
    return openNodeSqlite(path, readonly, loaders);
  }
}

function openBetterSqlite3(path: string, readonly: boolean, loaders: DriverLoaders): Driver {
  if (loaders.nodeMajor < MIN_NODE_FOR_BETTER_SQLITE3) {
    throw new HyperlabError('STORE_UNAVAILABLE', `better-sqlite3 needs Node ${MIN_NODE_FOR_BETTER_SQLITE3} or later (this is Node ${loaders.nodeMajor})`, 'Use driver "auto" or "node:sqlite", or run on Node 24.');
  }
  let Database: BetterSqlite3Constructor;
  try {
    Database = loaders.loadBetterSqlite3();
  } catch (error) {
    throw unavailable('better-sqlite3', path, error);
  }
  // The addon binary itself is loaded lazily by the constructor, so ABI errors appear here too.
  try {
    return betterSqlite3Driver(Database, path, readonly);
  } catch (error) {
    throw unavailable('better-sqlite3', path, error);
  }
}

function openNodeSqlite(path: string, readonly: boolean, loaders: DriverLoaders, immutable = false): Driver {
  let sqlite: NodeSqliteModule;
  try {
    sqlite = loaders.loadNodeSqlite();
  } catch (error) {
    throw unavailable('node:sqlite', path, error, 'node:sqlite needs Node 22.13 or later; run on Node 24 or install better-sqlite3 for this Node.');
  }
  try {
    return nodeSqliteDriver(sqlite, path, readonly, immutable);
  } catch (error) {
    throw unavailable('node:sqlite', path, error);
  }
}

function isSqliteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_') || code === 'ERR_SQLITE_ERROR');
}

function unavailable(driver: DriverName, path: string, error: unknown, hint?: string): HyperlabError {
  const sqlite = isSqliteError(error);
  const message = sqlite
    ? `cannot open the run store ${path}: ${errorMessage(error)}`
    : `the SQLite driver ${driver} could not load: ${errorMessage(error)}`;
  const result = new HyperlabError(
    'STORE_UNAVAILABLE',
    message,
    hint ?? (sqlite ? 'Check that the folder exists and is writable, and that no other program holds the file locked.' : 'Rebuild better-sqlite3 for this Node ABI, or open the store with driver "node:sqlite".'),
  );
  result.cause = error;
  return result;
}
