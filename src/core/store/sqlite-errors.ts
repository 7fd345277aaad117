// Classifies the errors of either SQLite binding by SQLite's primary result code, so callers
// can tell a busy store (retry) from a full disk or a read-only file (stop, say why).
import { HyperlabError } from '../errors.ts';

export type SqliteErrorKind = 'busy' | 'full' | 'readonly' | 'cantopen';

// Primary result codes (sqlite3.h): node:sqlite reports them as errcode (possibly extended).
const BY_CODE: { [code: number]: SqliteErrorKind } = { 5: 'busy', 6: 'busy', 8: 'readonly', 13: 'full', 14: 'cantopen' };
// better-sqlite3 reports the name of the (extended) code, e.g. SQLITE_BUSY_SNAPSHOT.
const BY_NAME: { [name: string]: SqliteErrorKind } = { SQLITE_BUSY: 'busy', SQLITE_LOCKED: 'busy', SQLITE_READONLY: 'readonly', SQLITE_FULL: 'full', SQLITE_CANTOPEN: 'cantopen' };

/** The kind of a SQLite error from either driver (looking through a HyperlabError's cause), or null. */
export function sqliteErrorKind(error: unknown): SqliteErrorKind | null {
  const inner = error instanceof HyperlabError && error.cause !== undefined ? error.cause : error;
  const { code, errcode } = (inner ?? {}) as { code?: unknown; errcode?: unknown };
  if (typeof errcode === 'number') return BY_CODE[errcode & 0xff] ?? null;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    const primary = /^SQLITE_[A-Z]+/.exec(code)![0];
    return BY_NAME[primary] ?? null;
  }
  return null;
}
