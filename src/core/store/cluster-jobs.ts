// The store's record of runs that train as cluster jobs (migration 9): which backend, the job's
// id, the channel file the job writes the protocol to, SLURM's last word on it, the producer's
// done message (held until the job's end decides the run's status), and a stop Hyperlab asked
// for. A cluster run has no owner process: its job is its owner, so closing the editor or killing
// the CLI leaves it running, and whoever opens the store next reattaches it (never fails it as an
// orphan). The channel's ingested byte offset is the inbox ledger's, keyed by channelKey(runId).
import type { Params } from '../protocol/messages.ts';
import type { Driver, Row } from './driver.ts';
import { num, str, strOrNull } from './values.ts';

export type ClusterBackend = 'slurm';

export interface ClusterJob {
  runId: number;
  backend: ClusterBackend;
  jobId: string;
  /** Absolute path of the channel file on the shared filesystem. */
  channel: string;
  submittedAt: number;
  /** SLURM's last state seen (PENDING, RUNNING, COMPLETED, ...), null before the first look. */
  state: string | null;
  /** "exit:signal" as SLURM reports it, once the job ended. */
  exitCode: string | null;
  /** The producer's done message as it arrived (summary, status, reason). */
  done: { summary: Params; status?: string; reason?: string } | null;
  /** Why Hyperlab stopped it (the user, a pruner), written before the scancel. */
  stopReason: string | null;
  /** The node it runs on, once known. */
  node: string | null;
}

/** The inbox ledger's key for a cluster run's channel file (never a file name of the inbox). */
export function channelKey(runId: number): string {
  return `cluster-run-${runId}`;
}

export class ClusterJobs {
  private readonly driver: Driver;
  private readonly write: <T>(fn: () => T) => T;
  private readonly changed: (runId: number) => void;

  constructor(driver: Driver, write: <T>(fn: () => T) => T, changed: (runId: number) => void) {
    this.driver = driver;
    this.write = write;
    this.changed = changed;
  }

  /** Records a submitted job for a run (queued until SLURM runs it); the run gives up its owner process. */
  register(job: { runId: number; backend: ClusterBackend; jobId: string; channel: string }): void {
    this.write(() => {
      // A run submitted again (a sweep's interrupted trial) starts its job's record afresh.
      this.driver.prepare(`INSERT INTO cluster_jobs (run_id, backend, job_id, channel, submitted_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (run_id) DO UPDATE SET backend = excluded.backend, job_id = excluded.job_id, channel = excluded.channel,
          submitted_at = excluded.submitted_at, state = NULL, exit_code = NULL, node = NULL, done = NULL, stop_reason = NULL`)
        .run(job.runId, job.backend, job.jobId, job.channel, Date.now());
      this.driver.prepare('UPDATE runs SET owner_pid = NULL, owner_host = NULL, owner_start = NULL, pid = NULL WHERE id = ?').run(job.runId);
    });
    this.changed(job.runId);
  }

  get(runId: number): ClusterJob | undefined {
    const row = this.driver.prepare('SELECT * FROM cluster_jobs WHERE run_id = ?').get(runId);
    return row ? toJob(row) : undefined;
  }

  /** Cluster jobs of the given runs (all when omitted), by run id. */
  byRun(runIds?: readonly number[]): Map<number, ClusterJob> {
    const rows = runIds === undefined
      ? this.driver.prepare('SELECT * FROM cluster_jobs').all()
      : runIds.length === 0 ? [] : this.driver.prepare(`SELECT * FROM cluster_jobs WHERE run_id IN (${runIds.map(() => '?').join(',')})`).all(...runIds);
    return new Map(rows.map((row) => { const job = toJob(row); return [job.runId, job]; }));
  }

  /** Jobs whose run has not ended: what a host reattaches. */
  unfinished(): ClusterJob[] {
    return this.driver.prepare("SELECT c.* FROM cluster_jobs c JOIN runs r ON r.id = c.run_id WHERE r.status IN ('queued', 'running') ORDER BY c.run_id").all().map(toJob);
  }

  /** SLURM's state (and node) as last seen; the run turns running the first time its job does. */
  observe(runId: number, state: string, node: string | null, running: boolean): void {
    const changed = this.write(() => {
      const updated = this.driver.prepare('UPDATE cluster_jobs SET state = ?, node = coalesce(?, node) WHERE run_id = ? AND (state IS NOT ? OR node IS NOT coalesce(?, node))').run(state, node, runId, state, node).changes;
      const started = running
        ? this.driver.prepare("UPDATE runs SET status = 'running', started_at = coalesce(started_at, ?) WHERE id = ? AND status = 'queued'").run(Date.now(), runId).changes
        : 0;
      return updated + started > 0;
    });
    if (changed) this.changed(runId);
  }

  /** Keeps the producer's done message until the job ends. Call inside the ledger's advance(). */
  keepDone(runId: number, done: ClusterJob['done']): void {
    this.driver.prepare('UPDATE cluster_jobs SET done = ? WHERE run_id = ?').run(done === null ? null : JSON.stringify(done), runId);
  }

  /** Records why Hyperlab stops the job, unless a stop was asked for first: returns whether this call's reason is the one kept. */
  requestStop(runId: number, reason: string): boolean {
    return this.write(() => this.driver.prepare('UPDATE cluster_jobs SET stop_reason = ? WHERE run_id = ? AND stop_reason IS NULL').run(reason, runId).changes > 0);
  }

  /**
   * Takes back a stop whose scancel did not reach the job (SLURM refused it, or the job had
   * ended by itself): a run that then finishes is finished, not killed.
   */
  withdrawStop(runId: number, reason: string): void {
    this.write(() => this.driver.prepare('UPDATE cluster_jobs SET stop_reason = NULL WHERE run_id = ? AND stop_reason = ?').run(runId, reason));
  }

  /** Ends the run as the job ended, unless it already has: returns whether this call ended it. */
  end(runId: number, end: { status: string; reason: string | null; summary: Params | null; state: string; exitCode: string | null; startedAt?: number | null; endedAt?: number | null }): boolean {
    // The job's own times where SLURM gave them: a run no host watched still shows how long it ran.
    const endedAt = end.endedAt ?? Date.now();
    const ended = this.write(() => {
      this.driver.prepare('UPDATE cluster_jobs SET state = ?, exit_code = ? WHERE run_id = ?').run(end.state, end.exitCode, runId);
      return this.driver.prepare("UPDATE runs SET status = ?, reason = ?, summary = coalesce(?, summary), ended_at = ?, started_at = coalesce(started_at, ?) WHERE id = ? AND status IN ('queued', 'running')")
        .run(end.status, end.reason, end.summary === null ? null : JSON.stringify(end.summary), endedAt, end.startedAt ?? endedAt, runId).changes > 0;
    });
    if (ended) this.changed(runId);
    return ended;
  }
}

function toJob(r: Row): ClusterJob {
  const done = strOrNull(r.done);
  return {
    runId: num(r.run_id),
    backend: str(r.backend) as ClusterBackend,
    jobId: str(r.job_id),
    channel: str(r.channel),
    submittedAt: num(r.submitted_at),
    state: strOrNull(r.state),
    exitCode: strOrNull(r.exit_code),
    done: done === null ? null : JSON.parse(done) as ClusterJob['done'],
    stopReason: strOrNull(r.stop_reason),
    node: strOrNull(r.node),
  };
}
