// The store's view of hyperparameter sweeps (migration 5). A sweep row holds what resuming needs;
// its trials are ordinary runs with sweep_id, trial_number and trial_params.
import type { JsonValue } from '../spec/types.ts';
import type { RunStatus } from './run-status.ts';

export type SweepStatus = 'created' | 'running' | 'stopped' | 'finished' | 'failed';
export const SWEEP_STATUSES: readonly SweepStatus[] = ['created', 'running', 'stopped', 'finished', 'failed'];

export type JsonObject = { [key: string]: JsonValue };

export interface Sweep {
  id: number;
  experimentId: number;
  experimentName: string;
  name: string;
  /** The validated search configuration (SearchConfig as JSON). */
  config: JsonObject;
  /** The spec every trial starts from (its `search` section included), --set overrides applied. */
  spec: JsonObject | null;
  specPath: string | null;
  status: SweepStatus;
  reason: string | null;
  /** The driver's own state: the sampler's state and, for PBT, the members' bookkeeping. */
  state: JsonValue;
  budgetTrials: number | null;
  budgetSeconds: number | null;
  parallelism: number;
  /** Wall time spent by drivers so far, summed over resumes (the time budget counts this). */
  elapsedMs: number;
  /** The driver process that owns it while it runs (another one may take over once it is gone). */
  ownerPid: number | null;
  ownerHost: string | null;
  heartbeatAt: number | null;
  createdAt: number;
  updatedAt: number | null;
  endedAt: number | null;
  /** Trials by run status. */
  trialCounts: { [status in RunStatus]?: number };
}

export interface NewSweep {
  experiment: string;
  name: string;
  config: JsonObject;
  spec: JsonObject;
  specPath: string | null;
  budgetTrials: number | null;
  budgetSeconds: number | null;
  parallelism: number;
  state: JsonValue;
}

export interface SweepPatch {
  status?: SweepStatus;
  reason?: string | null;
  state?: JsonValue;
  parallelism?: number;
  budgetTrials?: number | null;
  budgetSeconds?: number | null;
  elapsedMs?: number;
  ownerPid?: number | null;
  ownerHost?: string | null;
  heartbeatAt?: number | null;
  endedAt?: number | null;
}

export interface SweepTrial {
  sweepId: number;
  number: number;
  runId: number;
  runName: string;
  status: RunStatus;
  reason: string | null;
  /** The parameters the sampler chose, by dotted spec path. */
  params: JsonObject;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

export interface NewTrial {
  number: number;
  params: JsonObject;
  /** Run name (default: "sweep<id>-t<number>"). */
  name?: string;
  /** The run's params as shown in comparisons: the trial's full flattened spec. */
  runParams?: JsonObject;
}

export interface SweepStore {
  create(sweep: NewSweep): Sweep;
  get(sweepId: number): Sweep | undefined;
  list(options?: { experiment?: string }): Sweep[];
  update(sweepId: number, patch: SweepPatch): Sweep;
  /**
   * Records the next trial as a queued run and the driver's new state in one transaction, so a
   * driver killed at any instant leaves either both or neither. Throws if the number is taken.
   */
  addTrial(sweepId: number, trial: NewTrial, state: JsonValue): SweepTrial;
  trials(sweepId: number): SweepTrial[];
  /**
   * Puts an interrupted trial back in the queue. keepData false: its metrics, logs, layer stats
   * and artifacts go (it restarts from scratch); true: they stay (it goes on from a checkpoint),
   * but its artifact rows, which the next segment records again for the same files.
   */
  requeueTrial(runId: number, keepData: boolean): void;
  /** Ends a trial 'pruned' (after its process has stopped), keeping everything it recorded. */
  markPruned(runId: number, reason: string): void;
  /** Deletes the sweep and its trials' runs. */
  delete(sweepId: number): boolean;
}
