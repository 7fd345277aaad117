// What the commands need from the run machinery: start a spec, stop a run, know which runs
// this window is supervising. Implemented over the core supervisor in windowRunLauncher.ts.
import type { Params } from '../../core/protocol/messages.ts';

export interface LaunchRequest {
  /** Absolute path of the spec file. */
  specPath: string;
  spec: Params;
  experiment: string;
  overrides: Params;
  /** The run's name; default: what the overrides change (`lr=0.01 · adam`), or run-ID without any. */
  name?: string;
}

export interface RunLauncher {
  /** Queues the run (it starts when the pool has room) and returns its id in the store. */
  launch(request: LaunchRequest): number;
  /** Stops a run this window supervises: graceful stop, then kill after the timeout. */
  stop(runId: number): Promise<void>;
  /** True while this window supervises the run (queued or running here). */
  supervises(runId: number): boolean;
  /** Resolves when no run supervised here is queued or running. */
  whenIdle(): Promise<void>;
  /** The parallelism setting changed: start queued runs the new limit makes room for. */
  parallelismChanged(): void;
  /** Ends queued runs and stops running ones; resolves once every run has ended in the store. */
  dispose(): Promise<void>;
}
