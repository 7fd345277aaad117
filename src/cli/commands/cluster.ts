// What the CLI's run, sweep and sync commands share for cluster runs: the SLURM executor with
// this program as the job runner on the nodes, following a cluster run in the terminal (Ctrl-C
// cancels its job; closing the terminal or killing the CLI leaves it running), and reconciling
// the store's unfinished cluster runs with SLURM.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core/log.ts';
import type { RunHandle, RunOutcome } from '../../core/runner/index.ts';
import { ClusterTracker, SlurmCommands, SlurmExecutor } from '../../core/slurm/index.ts';
import type { ExecutionSpec } from '../../core/spec/index.ts';
import type { Store } from '../../core/store/index.ts';
import type { CliIO } from '../io.ts';
import { Progress } from './progress.ts';

/** Tests poll faster than the default 2 s. */
export const CLUSTER_POLL_ENV = 'HYPERLAB_CLUSTER_POLL_MS';

/** This CLI on the node: `node <dist/cli.cjs | src/cli/main.ts> slurm-job`. */
export function jobRunnerArgv(io: CliIO): string[] {
  const bundled = path.join(io.programDir, 'cli.cjs');
  const entry = fs.existsSync(bundled) ? bundled : path.join(io.programDir, 'main.ts');
  return [process.execPath, entry, 'slurm-job'];
}

export function pollMs(io: CliIO): number | undefined {
  const value = Number(io.env[CLUSTER_POLL_ENV]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export function slurmCommands(io: CliIO): SlurmCommands {
  return new SlurmCommands({ env: io.env });
}

export function slurmExecutor(store: Store, execution: ExecutionSpec, io: CliIO, logger: Logger): SlurmExecutor {
  const poll = pollMs(io);
  return new SlurmExecutor({ store, execution, runner: jobRunnerArgv(io), logger, slurm: slurmCommands(io), ...(poll ? { pollMs: poll } : {}) });
}

export type Followed = { detached: false; outcome: RunOutcome } | { detached: true };

/**
 * Follows a cluster run: the progress line; Ctrl-C cancels the job (scancel: a graceful stop,
 * then SLURM's kill); SIGTERM or SIGHUP (the terminal closed, the CLI killed) detaches: the job
 * runs on and the next `hyperlab sync` (or VS Code) reconciles it.
 */
export async function followClusterRun(io: CliIO, handle: RunHandle, runId: number): Promise<Followed> {
  const progress = new Progress(io, runId);
  handle.on('plan', (event) => progress.setPlan(event.plan, event.time));
  handle.on('metrics', (event) => progress.update(event.lastStep, event.latest));
  let detach!: () => void;
  const detached = new Promise<'detached'>((resolve) => { detach = () => resolve('detached'); });
  let stopping = false;
  const unregister = io.onInterrupt((signal) => {
    if (signal !== 'SIGINT') return detach();
    if (stopping) return;
    stopping = true;
    progress.note('cancelling the job (scancel): the run stops gracefully, then SLURM kills it');
    handle.stop('interrupted (Ctrl-C)');
  });
  try {
    const result = await Promise.race([handle.done, detached]);
    progress.end();
    return result === 'detached' ? { detached: true } : { detached: false, outcome: result };
  } finally {
    unregister();
  }
}

export interface ReconcileReport {
  reattached: number;
  ended: RunOutcome[];
  stillRunning: number;
}

/**
 * The store's unfinished cluster runs: ingest what their channel files gained, take their states
 * from SLURM and end those whose job has ended. `wait`: follow them until every one has ended.
 */
export async function reconcileClusterRuns(store: Store, io: CliIO, logger: Logger, wait: boolean): Promise<ReconcileReport> {
  const report: ReconcileReport = { reattached: 0, ended: [], stillRunning: 0 };
  if (store.cluster.unfinished().length === 0) return report;
  const poll = pollMs(io);
  const tracker = new ClusterTracker({ store, slurm: slurmCommands(io), logger, ...(poll ? { pollMs: poll } : {}) });
  try {
    const handles = tracker.reattach();
    report.reattached = handles.length;
    for (const handle of handles) void handle.done.then((outcome) => report.ended.push(outcome));
    await tracker.pollOnce();
    if (wait) await Promise.all(handles.map((handle) => handle.done));
    await Promise.resolve();
    report.stillRunning = tracker.size;
    return report;
  } finally {
    tracker.close();
  }
}
