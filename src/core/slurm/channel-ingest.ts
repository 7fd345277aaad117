// Ingests what a cluster job appended to its channel file since the last time, with the inbox's
// byte-offset ledger (compare-and-set: the offset moves in the same transaction as the points
// those bytes carried), so a host that dies mid-ingest, comes back, or runs beside another host
// (the CLI and VS Code) never loses or doubles a point. The run exists already; its done message
// is kept in cluster_jobs until the job's end decides the run's status.
import fs from 'node:fs';
import path from 'node:path';
import { applyMessages, type ApplyReport } from '../inbox/apply-messages.ts';
import { DEFAULT_CHUNK_BYTES, parseLines } from '../inbox/sync.ts';
import { MAX_LINE_BYTES } from '../protocol/parse.ts';
import { namedPlace, tagRecord, type NamesRun } from '../protocol/run-identity.ts';
import type { RunIdentity, TrainingPlan } from '../protocol/messages.ts';
import { channelKey, type Store } from '../store/index.ts';
import { JOB_FILE } from './batch-script.ts';
import { readJobFile } from './job-file.ts';

export interface ChannelReport {
  /** Whether the channel file exists (a job that never created it ran where the run folder is not visible). */
  exists: boolean;
  bytes: number;
  points: number;
  helloSeen: boolean;
  lastStep?: number;
  latest?: { [key: string]: number };
  lastError?: string;
  plan?: TrainingPlan;
  problems: string[];
}

export function ingestChannel(store: Store, runId: number, channel: string, chunkBytes = DEFAULT_CHUNK_BYTES): ChannelReport {
  const key = channelKey(runId);
  const report: ChannelReport = { exists: false, bytes: 0, points: 0, helloSeen: store.inbox.get(key)?.helloSeen ?? false, problems: [] };
  let fd: number;
  try {
    fd = fs.openSync(channel, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return report;
    throw error;
  }
  report.exists = true;
  try {
    for (;;) {
      const stat = fs.fstatSync(fd);
      const state = store.inbox.get(key) ?? { name: key, runId, offset: 0, helloSeen: false, lastDataAt: stat.mtimeMs, stalled: false };
      if (stat.size <= state.offset) return report;
      const length = Math.min(stat.size - state.offset, Math.max(chunkBytes, 1024));
      const buffer = Buffer.alloc(length);
      const read = fs.readSync(fd, buffer, 0, length, state.offset);
      let end = buffer.subarray(0, read).lastIndexOf(10) + 1;
      if (end === 0) {
        if (read < chunkBytes || read < MAX_LINE_BYTES) return report; // a line still being written
        end = read;
      }
      const problems: string[] = [];
      const messages = parseLines(buffer.subarray(0, end), key, problems);
      const helloSeen = state.helloSeen || messages.some((m) => m.type === 'hello');
      let applied: ApplyReport | undefined;
      const moved = store.inbox.advance(key, state.offset, { offset: state.offset + end, helloSeen, lastDataAt: stat.mtimeMs, stalled: false }, () => {
        applied = applyMessages(store, key, { runId, helloSeen: state.helloSeen, attached: true }, messages, Date.now());
        if (applied.identity) fileAsNamed(store, runId, applied.identity, channel);
        if (applied.done) {
          const { summary, status, reason } = applied.done;
          store.cluster.keepDone(runId, { summary, ...(status ? { status } : {}), ...(reason ? { reason } : {}) });
        }
        for (const message of messages) {
          if (message.type === 'plan') {
            const { type: _type, ...plan } = message;
            store.setRunPlan(runId, plan);
            report.plan = plan;
          }
        }
        if (problems.length > 0) store.appendLog(runId, problems.slice(0, 5).map((text) => ({ stream: 'protocol' as const, text: `invalid channel line: ${text}`, time: Date.now() })));
        return runId;
      });
      if (!moved || !applied) continue; // another host ingested these bytes first: read on from there
      report.bytes += end;
      report.points += applied.points;
      report.helloSeen = helloSeen;
      report.problems.push(...problems, ...applied.problems);
      if (applied.lastStep !== undefined) report.lastStep = Math.max(report.lastStep ?? applied.lastStep, applied.lastStep);
      if (applied.latest) report.latest = { ...report.latest, ...applied.latest };
      if (applied.lastError) report.lastError = applied.lastError;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Files the run where the script's hello names it, as a local run is (runner/supervisor.ts),
 * where the job file lets the script's name win (a `producer` spec, a command run without
 * --experiment/--name); its tags are always recorded. Inside the ledger's transaction.
 */
function fileAsNamed(store: Store, runId: number, identity: RunIdentity, channel: string): void {
  let namesRun: NamesRun | undefined;
  try {
    namesRun = readJobFile(path.join(path.dirname(channel), JOB_FILE)).namesRun;
  } catch {
    // No job file to read (it is written before the submission): the run keeps its place.
  }
  const where = namedPlace(identity, namesRun);
  const tags = tagRecord(identity.tags);
  if (where) store.fileRun(runId, where);
  if (tags) store.setTags(runId, tags);
}
