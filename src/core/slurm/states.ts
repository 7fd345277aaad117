// SLURM's job states and what they mean for a run: PENDING → queued, RUNNING → running, and every
// end state → an ended status whose reason names SLURM's state and exit code. Parsers for the
// outputs of squeue, scontrol show job -o and the job completion file.
import type { Params, RunEndStatus } from '../protocol/messages.ts';

export interface JobInfo {
  jobId: string;
  /** SLURM's state word: PENDING, RUNNING, COMPLETED, CANCELLED, TIMEOUT, ... */
  state: string;
  /** "exit:signal", e.g. "0:0", "1:0", "0:15"; null while it runs or when not reported. */
  exitCode: string | null;
  node: string | null;
  /** Why it waits (PENDING), or None. */
  reason: string | null;
  timeLimit: string | null;
  /** When it started and ended (ms since the epoch), where SLURM says (scontrol, the completion file). */
  startedAt?: number | null;
  endedAt?: number | null;
}

export type JobPhase = 'queued' | 'running' | 'ended';

const QUEUED = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD', 'SPECIAL_EXIT', 'STOPPED', 'SUSPENDED', 'SIGNALING', 'RESIZING', 'STAGE_OUT']);
// COMPLETING: the batch script has exited, the node still cleans up; the channel is complete.
const RUNNING = new Set(['RUNNING', 'COMPLETING']);

export function phaseOf(state: string): JobPhase {
  if (RUNNING.has(state)) return 'running';
  if (QUEUED.has(state)) return 'queued';
  return 'ended';
}

/** `squeue -h -t all -o '%i|%T|%N|%r|%l'` lines. */
export function parseSqueue(text: string): Map<string, JobInfo> {
  const jobs = new Map<string, JobInfo>();
  for (const line of text.split('\n')) {
    const [jobId, state, node, reason, timeLimit] = line.trim().split('|');
    if (!jobId || !state) continue;
    jobs.set(jobId, { jobId, state, exitCode: null, node: node || null, reason: reason && reason !== 'None' ? reason : null, timeLimit: timeLimit || null });
  }
  return jobs;
}

/** key=value fields of one `scontrol show job -o` line (a value may hold spaces: it runs to the next key). */
export function keyValues(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  const pattern = /(?:^|\s)([A-Za-z][\w:/]*)=(.*?)(?=\s[A-Za-z][\w:/]*=|$)/g;
  for (const match of line.matchAll(pattern)) fields.set(match[1]!, match[2]!.trim());
  return fields;
}

export function parseScontrolJob(line: string): JobInfo {
  const f = keyValues(line);
  return {
    jobId: f.get('JobId') ?? '',
    state: (f.get('JobState') ?? 'UNKNOWN').split(' ')[0]!,
    exitCode: f.get('ExitCode') ?? null,
    node: nullIfEmpty(f.get('BatchHost') ?? f.get('NodeList')),
    reason: nullIfEmpty(f.get('Reason') === 'None' ? undefined : f.get('Reason')),
    timeLimit: nullIfEmpty(f.get('TimeLimit')),
    startedAt: slurmTime(f.get('StartTime')),
    endedAt: slurmTime(f.get('EndTime')),
  };
}

/** A jobcomp/filetxt record: `JobId=5 UserId=... JobState=CANCELLED ... ExitCode=0:15`. */
export function parseJobcompLine(line: string): JobInfo {
  const f = keyValues(line);
  return {
    jobId: f.get('JobId') ?? '',
    state: (f.get('JobState') ?? 'UNKNOWN').split(' ')[0]!,
    exitCode: f.get('ExitCode') ?? f.get('DerivedExitCode') ?? null,
    node: nullIfEmpty(f.get('NodeList')),
    reason: null,
    timeLimit: nullIfEmpty(f.get('TimeLimit')),
    startedAt: slurmTime(f.get('StartTime')),
    endedAt: slurmTime(f.get('EndTime')),
  };
}

/** SLURM's times ("2026-11-29T05:07:59", the cluster's local time) in ms; null for Unknown/None. */
export function slurmTime(text: string | undefined): number | null {
  if (!text || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(text)) return null;
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? ms : null;
}

function nullIfEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' || value === '(null)' ? null : value;
}

/** What the host knows besides SLURM's verdict when a job has ended. */
export interface EndFacts {
  /** The producer's done message from the channel. */
  done: { summary: Params; status?: string; reason?: string } | null;
  /** Why Hyperlab cancelled the job (the user, a pruner, a missing channel), if it did: a scancel that reaches a job always ends it CANCELLED, so it counts only for a CANCELLED job. */
  stopReason: string | null;
  /** The producer's last error message. */
  lastError: string | null;
  /** A user's command (`hyperlab run -- CMD`) that never spoke the protocol may finish by exiting 0. */
  plainCommand: boolean;
  /** Whether the producer said hello (a plain command never does). */
  helloSeen: boolean;
}

export interface RunEnd {
  status: RunEndStatus;
  reason: string | null;
  summary: Params | null;
}

/** The run's end from SLURM's end state, its exit code and what the channel carried. */
export function decideEnd(job: JobInfo, facts: EndFacts): RunEnd {
  const exit = job.exitCode ? `, exit code ${job.exitCode}` : '';
  const where = `SLURM job ${job.jobId} ${job.state}${exit}`;
  const summary = facts.done?.summary ?? null;
  const producerSaid = facts.lastError ? `; the producer said: ${facts.lastError}` : '';
  if (facts.done?.status === 'diverged') return { status: 'diverged', reason: facts.done.reason ?? null, summary };
  switch (job.state) {
    case 'COMPLETED': {
      if (facts.done) return { status: doneStatus(facts.done.status), reason: facts.done.reason ?? null, summary };
      if (facts.plainCommand && !facts.helloSeen) {
        return { status: 'finished', reason: 'the command exited 0 without reporting to Hyperlab (it does not use the client); its output is the run\'s log', summary: null };
      }
      return { status: 'failed', reason: `${where}, but the producer never sent its done message${producerSaid}`, summary };
    }
    case 'CANCELLED':
      return { status: 'killed', reason: facts.stopReason !== null ? `${facts.stopReason} (${where})` : `${where}: cancelled outside Hyperlab (scancel, or an administrator)`, summary };
    case 'PREEMPTED':
      return { status: 'killed', reason: `${where}: preempted by a higher-priority job and not requeued`, summary };
    case 'TIMEOUT':
      return { status: 'failed', reason: `${where}: it ran past its time limit${job.timeLimit ? ` (${job.timeLimit})` : ''} (execution.time)`, summary };
    case 'OUT_OF_MEMORY':
      return { status: 'failed', reason: `${where}: it used more memory than it was given (execution.mem)`, summary };
    case 'NODE_FAIL':
    case 'BOOT_FAIL':
      return { status: 'failed', reason: `${where}: its node failed`, summary };
    case 'DEADLINE':
      return { status: 'failed', reason: `${where}: it could not end before its deadline`, summary };
    case 'FAILED':
      return { status: 'failed', reason: `${where}${producerSaid}`, summary };
    default:
      return { status: 'failed', reason: `${where}${producerSaid}`, summary };
  }
}

/** The run's status from the producer's done message (a stop Hyperlab asked for is decided by the caller). */
export function doneStatus(status: string | undefined): RunEndStatus {
  return status === 'failed' || status === 'killed' || status === 'diverged' ? status : 'finished';
}
