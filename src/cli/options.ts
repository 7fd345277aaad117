// Argument parsing on node:util parseArgs, with its errors rewritten as usage errors that name
// the command's help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import path from 'node:path';
import { usageError } from './usage.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export const DB_OPTION = { db: { type: 'string' } } as const satisfies Options;
export const DEFAULT_DB = path.join('.hyperlab', 'runs.db');

export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw usageError(`hyperlab ${command}: ${message}`, `See: hyperlab help ${command}`);
  }
}

export function resolveDb(db: string | undefined, cwd: string): string {
  return path.resolve(cwd, db ?? DEFAULT_DB);
}

export function parseRunId(text: string | undefined, command: string): number {
  if (text === undefined) throw usageError(`hyperlab ${command}: missing run ID`, `See: hyperlab help ${command}; list ids with: hyperlab runs ls`);
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id < 1) throw usageError(`hyperlab ${command}: "${text}" is not a run ID (a positive integer)`, 'List run ids with: hyperlab runs ls');
  return id;
}

/** A positive number of seconds given to `flag`, in milliseconds; undefined when not given. */
export function secondsOption(text: string | undefined, command: string, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw usageError(`hyperlab ${command}: ${flag} must be a positive number of seconds (got "${text}")`, `e.g. ${flag} 600; see: hyperlab help ${command}`);
  }
  return Math.round(value * 1000);
}

/** `--store-wait`, shared by both forms of `hyperlab run`. */
export const STORE_WAIT_OPTION = { 'store-wait': { type: 'string' } } as const satisfies Options;
