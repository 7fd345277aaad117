// An end status that could not be written to the store (the disk was full, or another process
// held the write lock past every retry) is kept in a small file beside it,
// `<store>-end-<run id>.json`, and applied by the next process that opens the store for writing.
import fs from 'node:fs';
import path from 'node:path';
import type { Params, RunEndStatus } from '../protocol/messages.ts';

export interface PendingEnd {
  status: RunEndStatus;
  reason: string | null;
  summary: Params | null;
  /** ms since the epoch: when the run really ended. */
  endedAt: number;
}

const END_STATUSES: readonly string[] = ['finished', 'failed', 'killed', 'diverged'];

export function pendingEndPath(storePath: string, runId: number): string {
  return `${path.resolve(storePath)}-end-${runId}.json`;
}

/** Writes the record (fsynced, then renamed into place) and returns its path; throws when it cannot. */
export function writePendingEnd(storePath: string, runId: number, end: PendingEnd): string {
  const file = pendingEndPath(storePath, runId);
  const temporary = `${file}.tmp`;
  const handle = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(handle, JSON.stringify(end));
    fs.fsyncSync(handle);
    fs.closeSync(handle);
    fs.renameSync(temporary, file);
  } catch (error) {
    try { fs.closeSync(handle); } catch { /* closed already */ }
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  return file;
}

/** The pending records beside the store: run id, file, and the record (null when unreadable). */
export function readPendingEnds(storePath: string): { runId: number; file: string; end: PendingEnd | null }[] {
  const resolved = path.resolve(storePath);
  const folder = path.dirname(resolved);
  const prefix = `${path.basename(resolved)}-end-`;
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  const result: { runId: number; file: string; end: PendingEnd | null }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.json')) continue;
    const runId = Number(name.slice(prefix.length, -'.json'.length));
    if (!Number.isSafeInteger(runId) || runId < 1) continue;
    const file = path.join(folder, name);
    result.push({ runId, file, end: parse(file) });
  }
  return result;
}

function parse(file: string): PendingEnd | null {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<PendingEnd>;
    if (typeof value.status !== 'string' || !END_STATUSES.includes(value.status)) return null;
    if (value.reason !== null && typeof value.reason !== 'string') return null;
    if (typeof value.endedAt !== 'number' || !Number.isFinite(value.endedAt)) return null;
    const summary = value.summary !== null && typeof value.summary === 'object' && !Array.isArray(value.summary) ? value.summary : null;
    return { status: value.status, reason: value.reason, summary, endedAt: value.endedAt };
  } catch {
    return null;
  }
}
