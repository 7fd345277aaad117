// Runs on the compute node inside the SLURM job (`hyperlab slurm-job <run dir>/job.json`): starts
// the producer with the protocol channel on fd 3 as the host's runner would, sends it the start
// message, and appends everything it says, whole lines only, to the channel file on the shared
// filesystem; its stdout and stderr go to the job's output file and, as log messages, to the
// channel too, so the host's store keeps the run's log. SIGTERM (scancel, the time limit,
// preemption) is passed on as the protocol's stop, and the producer stops gracefully (the engine
// also stops on SIGTERM here: HYPERLAB_STOP_ON_SIGTERM) before SLURM's KillWait runs out. After a
// requeue the engine resumes from the run's last checkpoint, so its curve continues.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileDigestSync } from '../protocol/file-digest.ts';
import { LineSplitter } from '../protocol/lines.ts';
import { CHANNEL_FD, CHANNEL_FD_ENV, RUN_DIR_ENV, type HostMessage, type ProducerMessage } from '../protocol/messages.ts';
import { MAX_LINE_BYTES } from '../protocol/parse.ts';
import { serializeMessage } from '../protocol/serialize.ts';
import { readJobFile, type JobFile } from './job-file.ts';

/** Set for the producer: the engine treats SIGTERM as a graceful stop (the host's stop message otherwise). */
export const STOP_ON_SIGTERM_ENV = 'HYPERLAB_STOP_ON_SIGTERM';
const LOG_LINE_BYTES = 16 * 1024;
/** Words of the runner's own log lines that finishedBefore() reads back from the channel. */
const STARTED_MARK = ' started on ';
const CLEAN_END = ', by itself';
const SIGNALLED_END = ', stopped by a signal';

export async function runJob(jobFile: string): Promise<number> {
  const job = readJobFile(jobFile);
  const channel = fs.openSync(job.channel, 'a');
  const write = (message: ProducerMessage) => writeLine(channel, serializeMessage(message).trimEnd());
  const jobId = process.env['SLURM_JOB_ID'] ?? '?';
  const restarts = Number(process.env['SLURM_RESTART_COUNT'] ?? '0') || 0;
  if (restarts > 0 && finishedBefore(job.channel)) {
    // Requeued after the producer had already ended by itself (its done is in the channel): running it again would train past its end.
    write({ type: 'log', level: 'info', message: `SLURM job ${jobId} requeued (restart ${restarts}) after the run had finished: nothing left to run` });
    fs.closeSync(channel);
    return 0;
  }
  // As the local runner does, every producer gets a start message; only the engine resumes from a checkpoint.
  const start = job.start === null || job.plainCommand ? job.start : withResume(job, restarts, (text) => write({ type: 'log', level: 'info', message: text }));
  write({ type: 'log', level: 'info', message: `SLURM job ${jobId}${STARTED_MARK}${os.hostname()}${restarts > 0 ? ` (requeued: restart ${restarts})` : ''}` });

  const child = spawn(job.argv[0]!, job.argv.slice(1), {
    cwd: job.cwd,
    env: { ...process.env, ...job.env, [CHANNEL_FD_ENV]: String(CHANNEL_FD), [RUN_DIR_ENV]: job.runDir, [STOP_ON_SIGTERM_ENV]: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const producerChannel = child.stdio[3] as Duplex | null;
  const send = (message: HostMessage) => {
    if (producerChannel && producerChannel.writable) producerChannel.write(serializeMessage(message));
  };
  const splitters: LineSplitter[] = [];
  let ranToEnd = false;
  if (producerChannel) {
    producerChannel.on('error', () => undefined);
    const splitter = new LineSplitter(MAX_LINE_BYTES, {
      line: (text) => {
        if (text.trim() === '') return;
        if (text.includes('"done"')) ranToEnd = ranToEnd || completedDone(text);
        writeLine(channel, relayedArtifact(text, job.cwd));
      },
      overlong: (_head, bytes) => write({ type: 'log', level: 'warn', message: `a protocol line of ${bytes} bytes exceeds the ${MAX_LINE_BYTES}-byte limit (dropped on the node)` }),
    });
    splitters.push(splitter);
    producerChannel.on('data', (chunk: Buffer) => splitter.push(chunk));
  }
  for (const [stream, level, out] of [[child.stdout, 'info', process.stdout], [child.stderr, 'warn', process.stderr]] as const) {
    if (!stream) continue;
    const splitter = new LineSplitter(LOG_LINE_BYTES, {
      line: (text) => {
        out.write(`${text}\n`);
        if (text.trim() !== '') write({ type: 'log', level, message: text });
      },
      overlong: (head, bytes) => write({ type: 'log', level, message: `${head} … (line of ${bytes} bytes cut)` }),
    });
    splitters.push(splitter);
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
  }
  if (start !== null) send({ type: 'start', ...start });

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    write({ type: 'log', level: 'warn', message: `SLURM job ${jobId}: ${signal} received (scancel, the time limit or preemption): stopping the producer` });
    send({ type: 'stop', reason: `SLURM sent ${signal}` });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (error) => {
      write({ type: 'error', message: `could not start ${job.argv[0]} on ${os.hostname()}: ${error.message}` });
      resolve({ code: 127, signal: null });
    });
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  for (const splitter of splitters) splitter.end();
  // The attempt's last line says how it ended: a requeued job reads it back (finishedBefore).
  const how = exit.signal ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
  // A signal that came after the producer's done (a requeue as it finished) stopped nothing: the
  // attempt ended by itself, and a requeued job must not train again past the last epoch.
  const signalled = stopping && !(ranToEnd && exit.code === 0);
  write({ type: 'log', level: exit.code === 0 ? 'info' : 'warn', message: `SLURM job ${jobId}: the producer exited with ${how}${signalled ? SIGNALLED_END : exit.code === 0 ? CLEAN_END : ''}` });
  fs.closeSync(channel);
  return exit.code ?? 128 + (os.constants.signals[exit.signal ?? 'SIGTERM'] ?? 15);
}

/**
 * Whether the channel's last attempt ended by itself: its producer exited 0 with no signal
 * (scancel, the time limit, preemption) received.
 */
function finishedBefore(channel: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(channel, 'utf8');
  } catch {
    return false;
  }
  // The last attempt's own closing line decides (the producer's done may come before or after the
  // runner notes a signal: both get SIGTERM at once).
  let clean = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"type":"log"') || !line.includes('"message":"SLURM job ')) continue;
    if (line.includes(STARTED_MARK)) clean = false;
    else if (line.includes(CLEAN_END)) clean = true;
  }
  return clean;
}

/** One whole line, appended in one write, so a reader never sees half of it after the newline. */
function writeLine(fd: number, text: string): void {
  fs.writeSync(fd, `${text}\n`);
}

/**
 * Whether a protocol line is a done that says the producer ran to its end: not one it sent
 * because it was stopped (the engine's summary then says status "stopped"; a client's done says
 * killed or failed).
 */
function completedDone(text: string): boolean {
  try {
    const message = JSON.parse(text) as { type?: unknown; status?: unknown; summary?: { status?: unknown } | null };
    if (message.type !== 'done') return false;
    return message.status !== 'killed' && message.status !== 'failed' && message.summary?.status !== 'stopped';
  } catch {
    return false;
  }
}

/**
 * An artifact as the host should record it: its path absolute (the host resolves it on the login
 * node), with its size and hash as the file is now (the host reads the channel later, when a
 * checkpoint may have been rewritten by the next epoch or deleted).
 */
function relayedArtifact(text: string, cwd: string): string {
  if (!text.includes('"artifact"')) return text;
  try {
    const message = JSON.parse(text) as { type?: unknown; path?: unknown; sha256?: unknown };
    if (message.type !== 'artifact' || typeof message.path !== 'string') return text;
    const file = path.resolve(cwd, message.path);
    const found = typeof message.sha256 === 'string' ? null : fileDigestSync(file);
    // Past the hashing limit: no digest, as for a file this runner cannot read; the host records what it can.
    const digest = found?.sha256 ? found : null;
    if (file === message.path && digest === null) return text;
    return JSON.stringify({ ...message, path: file, ...digest });
  } catch {
    // Not JSON: the host counts it as an invalid line.
  }
  return text;
}

/** A requeued job resumes from the run's last checkpoint (the engine writes last.safetensors each epoch). */
function withResume(job: JobFile, restarts: number, note: (text: string) => void): NonNullable<JobFile['start']> {
  const start = job.start!;
  const last = path.join(job.runDir, 'last.safetensors');
  if (restarts === 0 || !fs.existsSync(last)) return start;
  note(`resuming from ${last} after the requeue`);
  return { ...start, overrides: { ...start.overrides, 'train.checkpoint.resumeFrom': last } };
}
