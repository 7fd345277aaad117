// The sweep driver's options, events and outcome (see index.ts for how they fit together).
import type { Logger } from '../log.ts';
import type { RunExecutor } from '../runner/executor.ts';
import type { ProducerCommand, RunnerLimits } from '../runner/types.ts';
import type { Params } from '../search/types.ts';
import type { JsonValue } from '../spec/types.ts';
import type { RunStatus, Store, SweepStatus } from '../store/types.ts';

export interface SweepDriverOptions {
  store: Store;
  sweepId: number;
  /**
   * The producer every trial runs (the engine); its cwd defaults to the spec file's folder. For
   * a spec with a producer section each trial runs the spec's command instead, in this env.
   */
  command: ProducerCommand;
  /** The Python client's folder, put on a producer spec's PYTHONPATH (null: none). */
  clientDir?: string | null;
  logger?: Logger;
  limits?: Partial<RunnerLimits>;
  /** Where trials run (default: local processes); SLURM: each trial is a job, parallelism the jobs in flight. */
  executor?: RunExecutor;
  /** How often the driver writes its heartbeat and looks for a stop request in the store (ms). */
  pollMs?: number;
}

export interface BestTrial {
  number: number;
  runId: number;
  value: number;
  params: Params;
}

export interface SweepProgress {
  sweepId: number;
  /** Trials that ended (any status) out of the budget (null: none, e.g. a grid). */
  ended: number;
  running: number;
  budget: number | null;
  best: BestTrial | null;
  elapsedMs: number;
}

export interface SweepOutcome {
  sweepId: number;
  status: SweepStatus;
  reason: string | null;
  trials: number;
  byStatus: { [status in RunStatus]?: number };
  best: BestTrial | null;
  elapsedMs: number;
}

export interface SweepEvents {
  [name: string]: unknown;
  'trial-started': { sweepId: number; number: number; runId: number; params: Params; segment: number };
  /** A value of the objective after an epoch (ASHA and median prune on these). */
  'trial-report': { sweepId: number; number: number; runId: number; step: number; value: number };
  'trial-pruned': { sweepId: number; number: number; runId: number; step: number; reason: string };
  'trial-ended': { sweepId: number; number: number; runId: number; status: RunStatus; value: number | null; reason: string | null; best: BestTrial | null };
  /** An interrupted trial (its driver died, or the sweep was stopped) put back in the queue. */
  'trial-requeued': { sweepId: number; number: number; runId: number; reason: string };
  /** PBT: a member copied a better member's checkpoint and goes on with perturbed parameters. */
  'pbt-exploit': { sweepId: number; number: number; runId: number; source: number; epoch: number; params: Params; perturbed: { [path: string]: string } };
  progress: SweepProgress;
  ended: SweepOutcome;
}

/** What the driver keeps in sweeps.state (JSON), written with every trial and every event. */
export interface DriverState {
  /** The sampler's own state (PRNG and the like). */
  sampler: JsonValue;
  /** The number the next new trial gets. */
  nextNumber: number;
  /** PBT: each member's current parameters, epochs trained and checkpoint to go on from. */
  members?: { [number: string]: PbtMemberState };
}

export interface PbtMemberState {
  params: Params;
  epoch: number;
  checkpoint: string | null;
  /** Exploit steps so far: "epoch 2: copied member 3 (lr x1.2)". */
  history: string[];
}
