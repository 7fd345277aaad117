// Ingests the inbox (.hyperlab/inbox/*.jsonl beside the store): files the Python client (or any
// writer of the protocol) appends to when no Hyperlab host supervises the script. Shared by
// `hyperlab sync`, the read commands (which sync first) and the extension's file watcher.
//
// Idempotent: the byte offset ingested of each file is kept in the store and moves in the same
// transaction as the points those bytes carried, by compare-and-set, so re-reading, a crash of
// the ingesting process, or two hosts syncing the same file at once never write a point twice.
// Only whole lines are ingested: a half-written last line waits for its newline.
import fs from 'node:fs';
import path from 'node:path';
import { LineSplitter } from '../protocol/lines.ts';
import type { ProducerMessage } from '../protocol/messages.ts';
import { MAX_LINE_BYTES, parseProducerLine } from '../protocol/parse.ts';
import type { Store } from '../store/index.ts';
import { applyMessages, type FileRunState } from './apply-messages.ts';

export const INBOX_FOLDER = 'inbox';
export const INBOX_SUFFIX = '.jsonl';
/** A run whose file has not grown for this long is failed ("writer stopped reporting"). */
export const DEFAULT_SILENCE_MS = 10 * 60 * 1000;
export const STALLED_REASON = 'writer stopped reporting';
/** Bytes ingested per transaction: bounds memory and how long the write lock is held. */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

export interface SyncOptions {
  silenceMs?: number;
  chunkBytes?: number;
  /** The clock (ms since the epoch), for tests. */
  now?: () => number;
}

export interface SyncReport {
  files: number;
  runsCreated: number;
  runsEnded: number;
  points: number;
  bytes: number;
  stalled: number;
  revived: number;
  /** Lines that could not be ingested, with the file they came from. */
  problems: string[];
}

/** The inbox of a store: `<folder of the store>/inbox`. */
export function inboxBeside(storePath: string): string {
  return path.join(path.dirname(storePath), INBOX_FOLDER);
}

/** Inbox files, oldest name first (names start with their UTC start time). */
export function inboxFiles(inbox: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(inbox);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.filter((name) => name.endsWith(INBOX_SUFFIX)).sort();
}

export function syncInbox(store: Store, inbox: string, options: SyncOptions = {}): SyncReport {
  const report: SyncReport = { files: 0, runsCreated: 0, runsEnded: 0, points: 0, bytes: 0, stalled: 0, revived: 0, problems: [] };
  for (const name of inboxFiles(inbox)) {
    report.files++;
    syncFile(store, inbox, name, options, report);
  }
  return report;
}

function syncFile(store: Store, inbox: string, name: string, options: SyncOptions, report: SyncReport): void {
  const now = options.now ?? Date.now;
  const chunkBytes = Math.max(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, 1024);
  const file = path.join(inbox, name);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // removed since the listing
    throw error;
  }
  try {
    for (;;) {
      const stat = fs.fstatSync(fd);
      const state = store.inbox.get(name) ?? { name, runId: null, offset: 0, helloSeen: false, lastDataAt: stat.mtimeMs, stalled: false };
      if (stat.size <= state.offset) {
        // (The status read first: a sync of many ended runs' files takes no write lock.)
        if (state.runId !== null && !state.stalled && now() - stat.mtimeMs > (options.silenceMs ?? DEFAULT_SILENCE_MS)
          && store.getRun(state.runId)?.status === 'running') {
          if (store.inbox.stall(name, state.runId, STALLED_REASON, now())) report.stalled++;
        }
        return;
      }
      const length = Math.min(stat.size - state.offset, chunkBytes);
      const buffer = Buffer.alloc(length);
      const read = fs.readSync(fd, buffer, 0, length, state.offset);
      let end = buffer.subarray(0, read).lastIndexOf(10) + 1;
      if (end === 0) {
        // No complete line in this window: the last line is still being written, unless it is
        // longer than a line may be (then it is skipped whole, as the runner does).
        if (read < chunkBytes || read < MAX_LINE_BYTES) return;
        end = read;
      }
      const parseProblems: string[] = [];
      const messages = parseLines(buffer.subarray(0, end), name, parseProblems);
      const runState: FileRunState = { runId: state.runId, helloSeen: state.helloSeen };
      const revive = state.stalled && state.runId !== null;
      const next = { offset: state.offset + end, helloSeen: state.helloSeen || messages.some((m) => m.type === 'hello'), lastDataAt: stat.mtimeMs, stalled: false };
      let applied = { points: 0, runCreated: false, ended: false, problems: [] as string[] };
      const moved = store.inbox.advance(name, state.offset, next, () => {
        if (revive) store.inbox.revive(state.runId!);
        applied = applyMessages(store, name, runState, messages, now());
        // As the runner does for a live producer: the run's log says which lines were skipped.
        if (runState.runId !== null && parseProblems.length > 0) {
          store.appendLog(runState.runId, parseProblems.slice(0, 5).map((problem) => ({ stream: 'protocol' as const, text: `invalid inbox line: ${problem}`, time: now() })));
        }
        return runState.runId;
      });
      if (!moved) continue; // another host ingested these bytes first: read on from where it got
      report.problems.push(...parseProblems, ...applied.problems.map((p) => `${name}: ${p}`));
      report.bytes += end;
      report.points += applied.points;
      if (applied.runCreated) report.runsCreated++;
      if (applied.ended) report.runsEnded++;
      if (revive) report.revived++;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Whole protocol lines to messages; a bad line is skipped and named in `problems`. */
export function parseLines(bytes: Buffer, name: string, problems: string[]): ProducerMessage[] {
  const messages: ProducerMessage[] = [];
  const splitter = new LineSplitter(MAX_LINE_BYTES, {
    line: (text) => {
      if (text.trim() === '') return;
      const parsed = parseProducerLine(text);
      if (parsed.ok) messages.push(parsed.message);
      else problems.push(`${name}: ${parsed.error}`);
    },
    overlong: (_head, total) => problems.push(`${name}: a line of ${total} bytes exceeds the ${MAX_LINE_BYTES}-byte limit (skipped)`),
  });
  splitter.push(bytes);
  splitter.end();
  return messages;
}
