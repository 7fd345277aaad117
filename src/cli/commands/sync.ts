// `hyperlab sync [--db PATH] [--silence SECONDS]`: ingest the inbox beside the store (runs of
// scripts started outside Hyperlab, see python/README.md). Read commands call syncBeforeReading.
import { errorMessage } from '../../core/errors.ts';
import { DEFAULT_SILENCE_MS, inboxBeside, inboxFiles, syncInbox, type SyncReport } from '../../core/inbox/index.ts';
import { formatNumber } from '../format.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { toJson } from '../json.ts';
import { openForWriting } from '../open-store.ts';
import { DB_OPTION, parseCommandArgs, resolveDb } from '../options.ts';
import { usageError } from '../usage.ts';

const OPTIONS = { ...DB_OPTION, json: { type: 'boolean' }, silence: { type: 'string' } } as const;
/** Tuning for very large files and for tests: bytes ingested per transaction. */
export const CHUNK_BYTES_ENV = 'HYPERLAB_SYNC_CHUNK_BYTES';

export function sync(args: string[], io: CliIO): ExitCode {
  const { values, positionals } = parseCommandArgs('sync', args, OPTIONS);
  if (positionals.length > 0) throw usageError(`hyperlab sync: unexpected argument "${positionals[0]}"`, 'See: hyperlab help sync');
  const silenceMs = values.silence === undefined ? DEFAULT_SILENCE_MS : parseSeconds(values.silence);
  const dbPath = resolveDb(values.db, io.cwd);
  const inbox = inboxBeside(dbPath);
  const store = openForWriting(dbPath);
  let report: SyncReport;
  try {
    report = syncInbox(store, inbox, { silenceMs, ...chunkOption(io) });
  } finally {
    store.close();
  }
  if (values.json) {
    io.stdout(toJson({ inbox, ...report }) + '\n');
  } else {
    io.stdout(`synced ${inbox}: ${report.files} file(s), ${formatNumber(report.bytes)} new bytes, ${formatNumber(report.points)} points, `
      + `${report.runsCreated} new run(s), ${report.runsEnded} ended, ${report.stalled} failed for silence, ${report.revived} revived\n`);
  }
  for (const problem of report.problems.slice(0, 20)) io.stderr(`hyperlab sync: skipped ${problem}\n`);
  if (report.problems.length > 20) io.stderr(`hyperlab sync: … and ${report.problems.length - 20} more skipped lines\n`);
  return EXIT.ok;
}

/**
 * Before a read command: ingest what scripts wrote to the inbox since the last sync, so `runs
 * ls` shows them. A failure here (a read-only folder) is a warning: the read still works.
 */
export function syncBeforeReading(dbPath: string, io: CliIO): void {
  const inbox = inboxBeside(dbPath);
  if (inboxFiles(inbox).length === 0) return;
  try {
    const store = openForWriting(dbPath);
    try {
      const report = syncInbox(store, inbox, chunkOption(io));
      if (report.problems.length > 0) io.stderr(`hyperlab: the inbox sync skipped ${report.problems.length} line(s); see: hyperlab sync\n`);
    } finally {
      store.close();
    }
  } catch (error) {
    io.stderr(`hyperlab: could not sync the inbox ${inbox}: ${errorMessage(error)}\n`);
  }
}

function chunkOption(io: CliIO): { chunkBytes?: number } {
  const raw = io.env[CHUNK_BYTES_ENV];
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isSafeInteger(value) && value > 0 ? { chunkBytes: value } : {};
}

function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) throw usageError(`hyperlab sync: --silence "${text}" is not a number of seconds`, 'e.g. --silence 600 (a run whose inbox file is silent that long is failed)');
  return seconds * 1000;
}
