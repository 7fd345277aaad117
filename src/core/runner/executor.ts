// Where a run's producer runs. The local executor is the process supervisor this runner has
// always had (startRun: a child process with the channel on fd 3); src/core/slurm's executor
// submits the same run as a SLURM job and tracks it through its channel file. A RunPool (and so
// a sweep) runs its queue through either: its parallelism is the processes, or jobs, in flight.
import { startRun } from './supervisor.ts';
import type { RunHandle, StartRunOptions } from './types.ts';

export type ExecutionBackend = 'local' | 'slurm';

export interface RunExecutor {
  readonly backend: ExecutionBackend;
  /** Starts (or submits) a run already created in the store; the handle's `done` settles when it has ended. */
  start(options: StartRunOptions): RunHandle;
  /**
   * A run this executor can follow again after its host died (a cluster job still queued or
   * running): its handle, or undefined when there is nothing to reattach (a local process dies
   * with its host).
   */
  attach?(runId: number): RunHandle | undefined;
  /** Lets go of what it watches (timers, polls) once its runs have ended or are left to run on. */
  close?(): void;
}

export const localExecutor: RunExecutor = { backend: 'local', start: startRun };
