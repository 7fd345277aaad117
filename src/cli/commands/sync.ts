// `hyperlab sync [--db PATH] [--silence SECONDS]`: ingest the inbox beside the store (runs of
// scripts started outside Hyperlab, see python/README.md). Read commands call syncBeforeReading.
import { errorMessage } from '../../core/errors.ts';
import { DEFAULT_SILENCE_MS, inboxBeside, inboxFiles, syncInbox, type SyncReport } from '../../core/inbox/index.ts';
import fs from 'node:fs';
import { ingestChannel } from '../../core/slurm/index.ts';
import { openStore } from '../../core/store/index.ts';
import { formatNumber } from '../format.ts';
import { EXIT, type CliIO, type ExitCode } from '../io.ts';
import { toJson } from '../json.ts';
import { openForWriting } from '../open-store.ts';
import { DB_OPTION, parseCommandArgs, resolveDb } from '../options.ts';
import { usageError } from '../usage.ts';
import { reconcileClusterRuns, type ReconcileReport } from './cluster.ts';
import { stderrLogger } from './run-support.ts';

const OPTIONS = { ...DB_OPTION, json: { type: 'boolean' }, silence: { type: 'string' }, wait: { type: 'boolean' } } as const;
/** Tuning for very large files and for tests: bytes ingested per transaction. */
export const CHUNK_BYTES_ENV = 'HYPERLAB_SYNC_CHUNK_BYTES';

export async function sync(args: string[], io: CliIO): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('sync', args, OPTIONS);
  if (positionals.length > 0) throw usageError(`hyperlab sync: unexpected argument "${positionals[0]}"`, 'See: hyperlab help sync');
  const silenceMs = values.silence === undefined ? DEFAULT_SILENCE_MS : parseSeconds(values.silence);
  const dbPath = resolveDb(values.db, io.cwd);
  const inbox = inboxBeside(dbPath);
  const store = openForWriting(dbPath);
  let report: SyncReport;
  let cluster: ReconcileReport;
  try {
    report = syncInbox(store, inbox, { silenceMs, ...chunkOption(io) });
    // Cluster runs: what their channel files gained, and their jobs' states (--wait: until they end).
    cluster = await reconcileClusterRuns(store, io, stderrLogger(io), values.wait === true);
  } finally {
    store.close();
  }
  if (values.json) {
    io.stdout(toJson({ inbox, ...report, cluster }) + '\n');
  } else {
    io.stdout(`synced ${inbox}: ${report.files} file(s), ${formatNumber(report.bytes)} new bytes, ${formatNumber(report.points)} points, `
      + `${report.runsCreated} new run(s), ${report.runsEnded} ended, ${report.stalled} failed for silence, ${report.revived} revived\n`);
    if (cluster.reattached > 0) {
      io.stdout(`cluster: ${cluster.reattached} unfinished run(s) reconciled with SLURM, ${cluster.ended.length} ended, ${cluster.stillRunning} still queued or running\n`);
      for (const outcome of cluster.ended) io.stdout(`  run ${outcome.runId}: ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}, ${formatNumber(outcome.points)} points\n`);
    }
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
  ingestClusterChannels(dbPath, io);
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

/**
 * Points of unfinished cluster runs that their channel files gained (no SLURM call: a read stays
 * quick; `hyperlab sync` also takes the jobs' states).
 */
function ingestClusterChannels(dbPath: string, io: CliIO): void {
  if (!fs.existsSync(dbPath)) return;
  // A look without the write lock first: most stores have no cluster run going.
  try {
    const peek = openStore(dbPath, { readonly: true });
    try {
      if (peek.cluster.unfinished().length === 0) return;
    } finally {
      peek.close();
    }
  } catch {
    return; // an older schema, a file being created: nothing of ours to ingest
  }
  try {
    const store = openForWriting(dbPath);
    try {
      for (const job of store.cluster.unfinished()) ingestChannel(store, job.runId, job.channel);
    } finally {
      store.close();
    }
  } catch (error) {
    io.stderr(`hyperlab: could not ingest the cluster runs' channel files: ${errorMessage(error)}\n`);
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
