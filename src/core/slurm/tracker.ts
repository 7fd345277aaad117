// Tracks cluster runs from the host: every poll it ingests what each job appended to its channel
// file, asks SLURM for the jobs' states in one squeue call (scontrol / sacct / the completion file
// once a job has left the queue), turns PENDING into queued and RUNNING into running, and ends a
// run when its job has ended, after draining its channel, with the status decideEnd() gives.
// Each run has a RunHandle like a local one (status, metrics, plan, end events; stop = scancel),
// so the CLI's progress line, the sweep driver and VS Code follow it the same way.
import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { Emitter } from '../runner/emitter.ts';
import type { RunEvents, RunHandle, RunOutcome } from '../runner/types.ts';
import type { ClusterJob, Store } from '../store/index.ts';
import { JOB_FILE } from './batch-script.ts';
import { ingestChannel } from './channel-ingest.ts';
import type { SlurmCommands } from './commands.ts';
import { readJobFile } from './job-file.ts';
import { decideEnd, doneStatus, phaseOf, type JobInfo, type RunEnd } from './states.ts';

export const DEFAULT_POLL_MS = 2000;
export const DEFAULT_CHANNEL_TIMEOUT_MS = 120_000;
/** A job SLURM has no record of at all this long after its submission is given up. */
const UNKNOWN_JOB_GIVE_UP_MS = 10 * 60_000;

export interface ClusterTrackerOptions {
  store: Store;
  slurm: SlurmCommands;
  logger?: Logger;
  pollMs?: number;
}

export interface TrackOptions {
  /** Resolves once the job is submitted and registered in the store; a rejection fails the run with its message. */
  submitted?: Promise<void>;
  plainCommand?: boolean;
  channelTimeoutMs?: number;
}

interface Tracked {
  runId: number;
  /** Picked up by reattach() alone: nothing in this host (a submission, a sweep's attach) waits on its handle. */
  reattached: boolean;
  ready: boolean;
  plainCommand: boolean;
  channelTimeoutMs: number;
  runningSince: number | null;
  /** A stop asked for while the job was still being submitted: sent once it is. */
  pendingStop: string | null;
  lastError: string | null;
  points: number;
  announcedRunning: boolean;
  events: Emitter<RunEvents>;
  resolve: (outcome: RunOutcome) => void;
  handle: RunHandle;
}

export class ClusterTracker {
  private readonly store: Store;
  private readonly slurm: SlurmCommands;
  private readonly logger: Logger;
  private readonly pollMs: number;
  private readonly tracked = new Map<number, Tracked>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private closed = false;

  constructor(options: ClusterTrackerOptions) {
    this.store = options.store;
    this.slurm = options.slurm;
    this.logger = options.logger ?? silentLogger;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  get size(): number { return this.tracked.size; }
  handle(runId: number): RunHandle | undefined { return this.tracked.get(runId)?.handle; }

  /** Follows a run (submitted now, or found unfinished in the store); its handle settles when its job has ended. */
  track(runId: number, options: TrackOptions = {}): RunHandle {
    const existing = this.tracked.get(runId);
    if (existing) {
      existing.reattached = false; // e.g. a resumed sweep attaches a trial the watcher had picked up
      return existing.handle;
    }
    let resolve!: (outcome: RunOutcome) => void;
    const done = new Promise<RunOutcome>((r) => { resolve = r; });
    const events = new Emitter<RunEvents>((error) => this.logger.log('error', `run ${runId}: event listener failed: ${errorMessage(error)}`));
    const fromFile = options.submitted ? null : this.jobFileFacts(runId);
    const entry: Tracked = {
      runId, reattached: false, ready: options.submitted === undefined,
      plainCommand: options.plainCommand ?? fromFile?.plainCommand ?? false,
      channelTimeoutMs: options.channelTimeoutMs ?? fromFile?.channelTimeoutMs ?? DEFAULT_CHANNEL_TIMEOUT_MS,
      runningSince: null, pendingStop: null, lastError: null, points: 0, announcedRunning: false, events, resolve,
      handle: {
        runId, pid: undefined, done, artifactsHashed: done.then(() => undefined),
        stop: (reason) => { void this.stop(runId, reason ?? 'stopped by the user'); },
        on: (event, listener) => events.on(event, listener),
      },
    };
    this.tracked.set(runId, entry);
    options.submitted?.then(() => {
      entry.ready = true;
      if (entry.pendingStop !== null) void this.stop(runId, entry.pendingStop);
      this.schedule(0);
    }, (error: unknown) => this.settle(entry, { status: 'failed', reason: `not submitted: ${errorMessage(error)}`, summary: null }, null));
    this.schedule(0);
    return entry.handle;
  }

  /** Every unfinished cluster run of the store not tracked yet: what a host does when it (re)starts. */
  reattach(): RunHandle[] {
    return this.store.cluster.unfinished().filter((job) => !this.tracked.has(job.runId)).map((job) => {
      const handle = this.track(job.runId);
      const entry = this.tracked.get(job.runId);
      if (entry) entry.reattached = true;
      return handle;
    });
  }

  /** Records why, then scancel: SIGTERM lets the producer stop gracefully, SLURM kills it KillWait later. */
  async stop(runId: number, reason: string): Promise<void> {
    try {
      const entry = this.tracked.get(runId);
      if (entry && !entry.ready) {
        entry.pendingStop ??= reason; // not submitted yet: cancelled as soon as it is
        return;
      }
      const job = this.store.cluster.get(runId);
      if (!job) return;
      // Written before the scancel: the job's end may be seen before scancel returns.
      const ours = this.store.cluster.requestStop(runId, reason);
      this.logger.log('info', `run ${runId}: scancel ${job.jobId} (${reason})`);
      let delivered: boolean;
      try {
        delivered = await this.slurm.scancel(job.jobId);
      } catch (error) {
        if (ours) this.store.cluster.withdrawStop(runId, reason); // SLURM refused it: nothing reached the job
        this.schedule(0);
        throw error;
      }
      if (!delivered) {
        this.logger.log('info', `run ${runId}: its job ${job.jobId} was already ending; nothing to cancel`);
        if (ours) await this.withdrawUnlessCancelled(runId, job.jobId, reason);
      }
      this.schedule(0);
    } catch (error) {
      this.logger.log('warn', `run ${runId}: could not cancel its job: ${errorMessage(error)}`);
    }
  }

  /**
   * Our scancel reached nothing: the stop is taken back where SLURM shows the job ended otherwise
   * than CANCELLED, or no longer knows it. While the job is COMPLETING (as one another host just
   * cancelled is until KillWait is over) the record stays and the end state decides (reconcile).
   */
  private async withdrawUnlessCancelled(runId: number, jobId: string, reason: string): Promise<void> {
    let state: string | undefined;
    try {
      state = (await this.slurm.finalState(jobId))?.state;
    } catch {
      return;
    }
    if (state === undefined || (state !== 'CANCELLED' && phaseOf(state) === 'ended')) this.store.cluster.withdrawStop(runId, reason);
  }

  /** One pass over every tracked run now (a CLI that reconciles once and exits awaits this). */
  pollOnce(): Promise<void> {
    this.polling ??= this.poll().finally(() => { this.polling = null; });
    return this.polling;
  }

  /**
   * The host moves on to another store: runs this tracker only reattached are let go (whoever
   * opens their store next follows them again), and those this host waits on (its submissions, a
   * sweep's trials) are followed until they end, in the store they started in, as a local run is.
   * It is not closed: a sweep still going in that store submits its next trials through it, and
   * with nothing tracked it does not poll.
   */
  retire(): void {
    for (const entry of [...this.tracked.values()]) if (entry.reattached) this.tracked.delete(entry.runId);
  }

  /** Stops polling; runs still going stay on the cluster (reattached by the next host). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pollOnce().finally(() => { if (this.tracked.size > 0) this.schedule(this.pollMs); });
    }, ms);
  }

  private async poll(): Promise<void> {
    const ready = [...this.tracked.values()].filter((t) => t.ready);
    const jobs = new Map<number, ClusterJob>();
    for (const entry of ready) {
      const job = this.safely(entry, () => this.store.cluster.get(entry.runId));
      if (job) jobs.set(entry.runId, job);
      else if (job === undefined && this.store.getRun(entry.runId) === undefined) this.settle(entry, { status: 'killed', reason: 'deleted while it ran', summary: null }, null);
    }
    for (const [runId, job] of jobs) this.ingest(this.tracked.get(runId)!, job);
    let live: Map<string, JobInfo>;
    try {
      live = await this.slurm.squeue([...jobs.values()].map((job) => job.jobId));
    } catch (error) {
      this.logger.log('warn', `cluster: ${errorMessage(error)}`);
      return;
    }
    for (const [runId, job] of jobs) {
      const entry = this.tracked.get(runId);
      if (!entry) continue;
      try {
        await this.reconcile(entry, job, live.get(job.jobId));
      } catch (error) {
        this.logger.log('warn', `run ${runId}: ${errorMessage(error)}`);
      }
    }
  }

  private async reconcile(entry: Tracked, job: ClusterJob, seen: JobInfo | undefined): Promise<void> {
    let info = seen;
    if (!info || phaseOf(info.state) === 'ended') info = (await this.slurm.finalState(job.jobId)) ?? info;
    if (!info) {
      this.forgotten(entry, job);
      return;
    }
    const phase = phaseOf(info.state);
    if (phase !== 'ended') {
      this.store.cluster.observe(entry.runId, info.state, info.node, phase === 'running');
      if (phase === 'running') this.whileRunning(entry, job);
      return;
    }
    // Ended: drain the channel first, so every point the producer wrote is in before the status.
    const channel = this.ingest(entry, job);
    const stored = this.store.cluster.get(entry.runId) ?? job;
    // A scancel that reached the job leaves it CANCELLED (the real SLURM does so even when the
    // producer stops gracefully and exits 0): a stop recorded for a job that ended otherwise
    // reached nothing. Its host may not have taken it back yet (its scancel still on its way, or
    // the job COMPLETING when it asked), so every host's poll decides by the end state.
    const fresh = info.state === 'CANCELLED' || stored.stopReason === null ? stored : { ...stored, stopReason: null };
    let end: RunEnd;
    if (!channel.exists) {
      const where = `SLURM job ${job.jobId} ${info.state}${info.exitCode ? `, exit code ${info.exitCode}` : ''}`;
      // Whether it ever ran: a job cancelled while it waited has no channel, and nothing is wrong with the folder.
      const ran = entry.runningSince !== null || ['COMPLETED', 'FAILED', 'TIMEOUT', 'OUT_OF_MEMORY'].includes(info.state)
        || (info.startedAt != null && info.endedAt != null && info.endedAt > info.startedAt);
      const output = jobOutput(job);
      if (fresh.stopReason?.includes(NOT_SHARED)) {
        end = { status: 'failed', reason: `${fresh.stopReason} (${where})`, summary: null };
      } else if (!ran) {
        const why = fresh.stopReason ?? (info.state === 'CANCELLED' ? 'cancelled outside Hyperlab (scancel, or an administrator)' : 'it ended');
        end = { status: info.state === 'CANCELLED' || info.state === 'PREEMPTED' ? 'killed' : 'failed', reason: `${why} before it started (${where})`, summary: null };
      } else if (output !== null) {
        // The job wrote its output file into the run folder, so the folder is shared: the batch
        // script ended before the job runner (a failing execution.setup, a missing execution.node).
        const { file, tail } = output;
        end = { status: 'failed', reason: `${where}: the job ended before Hyperlab's job runner started (check execution.setup and execution.node); its output ${file} ends: ${tail}`, summary: null };
      } else {
        end = { status: 'failed', reason: `${where}; its channel file ${job.channel} never appeared: ${NOT_SHARED}`, summary: null };
      }
    } else {
      end = decideEnd(info, { done: fresh.done, stopReason: fresh.stopReason, lastError: entry.lastError, plainCommand: entry.plainCommand, helloSeen: channel.helloSeen });
    }
    const ended = this.store.cluster.end(entry.runId, { ...end, state: info.state, exitCode: info.exitCode, startedAt: info.startedAt ?? null, endedAt: info.endedAt ?? null });
    this.settle(entry, ended ? end : this.asStored(entry.runId, end), info);
  }

  /**
   * SLURM knows the job no more (no accounting, no completion file, and past MinJobAge): the
   * channel's done message, when it has one, says how the run ended; without one the run is
   * given up as failed after a while, keeping every point it wrote.
   */
  private forgotten(entry: Tracked, job: ClusterJob): void {
    this.ingest(entry, job);
    const fresh = this.store.cluster.get(entry.runId) ?? job;
    const unknown = `SLURM job ${job.jobId} is unknown to squeue, scontrol, sacct and the job completion file`;
    let end: RunEnd;
    if (fresh.done) {
      end = fresh.stopReason !== null
        ? { status: 'killed', reason: `${fresh.stopReason} (${unknown}; its channel ended with the producer's done message)`, summary: fresh.done.summary }
        : { status: doneStatus(fresh.done.status), reason: fresh.done.reason ?? null, summary: fresh.done.summary };
    } else if (Date.now() - job.submittedAt > UNKNOWN_JOB_GIVE_UP_MS) {
      const points = this.storedPoints(entry.runId);
      end = { status: 'failed', reason: `${unknown}, and its channel has no done message${points > 0 ? ` (its ${points} metric points are kept)` : ''}`, summary: null };
    } else {
      return;
    }
    const info: JobInfo = { jobId: job.jobId, state: 'UNKNOWN', exitCode: null, node: job.node, reason: null, timeLimit: null };
    const ended = this.store.cluster.end(entry.runId, { ...end, state: info.state, exitCode: null });
    this.settle(entry, ended ? end : this.asStored(entry.runId, end), info);
  }

  private whileRunning(entry: Tracked, job: ClusterJob): void {
    if (!entry.announcedRunning) {
      entry.announcedRunning = true;
      entry.events.emit('status', { runId: entry.runId, status: 'running', reason: null });
    }
    const started = this.store.getRun(entry.runId)?.startedAt ?? Date.now();
    entry.runningSince ??= started;
    // The job's output file in the run folder shows the folder is shared: a missing channel then
    // means a setup still running (pip install, conda), not a folder the node cannot see.
    if (job.stopReason === null && !fs.existsSync(job.channel) && Date.now() - entry.runningSince > entry.channelTimeoutMs && jobOutput(job) === null) {
      void this.stop(entry.runId, `the job ran ${Math.round(entry.channelTimeoutMs / 1000)} s on ${job.node ?? 'its node'} without creating its channel file ${job.channel}: ${NOT_SHARED}`);
    }
  }

  private ingest(entry: Tracked, job: ClusterJob): { exists: boolean; helloSeen: boolean } {
    const report = this.safely(entry, () => ingestChannel(this.store, entry.runId, job.channel));
    if (!report) return { exists: fs.existsSync(job.channel), helloSeen: false };
    if (report.lastError) entry.lastError = report.lastError;
    if (report.plan) entry.events.emit('plan', { runId: entry.runId, plan: report.plan, time: Date.now() });
    if (report.points > 0) {
      entry.points += report.points;
      entry.events.emit('metrics', { runId: entry.runId, lastStep: report.lastStep ?? 0, points: entry.points, latest: report.latest ?? {} });
    }
    for (const problem of report.problems.slice(0, 5)) this.logger.log('warn', `run ${entry.runId}: ${problem}`);
    return report;
  }

  private settle(entry: Tracked, end: { status: RunOutcome['status']; reason: string | null; summary?: RunOutcome['summary'] }, info: JobInfo | null): void {
    if (!this.tracked.has(entry.runId)) return;
    this.tracked.delete(entry.runId);
    if (end.status === 'failed' && !info) {
      // Never submitted (sbatch refused it): the run ends here.
      try { this.store.endRun(entry.runId, 'failed', end.reason); } catch (error) { this.logger.log('warn', `run ${entry.runId}: ${errorMessage(error)}`); }
    }
    const exit = info?.exitCode ? Number(info.exitCode.split(':')[0]) : null;
    const outcome: RunOutcome = {
      runId: entry.runId, status: end.status, reason: end.reason, summary: end.summary ?? null,
      exitCode: exit !== null && Number.isFinite(exit) ? exit : null, signal: null,
      points: this.storedPoints(entry.runId), protocolErrors: 0, droppedLogLines: 0, recorded: true,
    };
    this.logger.log(end.status === 'finished' ? 'info' : 'warn', `run ${entry.runId}: ${end.status}${end.reason ? ` (${end.reason})` : ''}`);
    entry.events.emit('status', { runId: entry.runId, status: end.status, reason: end.reason });
    entry.events.emit('end', outcome);
    entry.resolve(outcome);
  }

  /** Another host ended the run first: report what the store holds. */
  private asStored(runId: number, fallback: RunEnd): RunEnd {
    const run = this.store.getRun(runId);
    if (!run || run.status === 'queued' || run.status === 'running' || run.status === 'pruned') return fallback;
    return { status: run.status, reason: run.reason, summary: run.summary };
  }

  private storedPoints(runId: number): number {
    try {
      return this.store.metricRanges([runId]).reduce((sum, range) => sum + range.count, 0);
    } catch {
      return 0;
    }
  }

  private jobFileFacts(runId: number): { plainCommand: boolean; channelTimeoutMs: number } | null {
    const job = this.store.cluster.get(runId);
    if (!job) return null;
    try {
      const file = readJobFile(path.join(path.dirname(job.channel), JOB_FILE));
      return { plainCommand: file.plainCommand, channelTimeoutMs: file.channelTimeoutMs };
    } catch {
      return null;
    }
  }

  private safely<T>(entry: Tracked, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      this.logger.log('warn', `run ${entry.runId}: ${errorMessage(error)}`);
      return undefined;
    }
  }
}

/** The job's own output file in the run folder (batch-script.ts: --output) and its last lines, or null when it is not there. */
function jobOutput(job: ClusterJob): { file: string; tail: string } | null {
  const file = path.join(path.dirname(job.channel), `slurm-${job.jobId}.out`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const tail = text.trim().split('\n').slice(-3).join(' | ').slice(-400);
  return { file, tail: tail || '(empty)' };
}

const NOT_SHARED = 'the run\'s folder is probably not on a filesystem the compute nodes share with this host (put the store, .hyperlab/, under your home or a project filesystem, not /tmp or a local disk)';
