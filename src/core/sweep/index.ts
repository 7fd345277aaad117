// Hyperparameter sweeps at run time (no 'vscode': the CLI and the extension share this).
//
//   const sweep = createSweep(store, { spec, specPath, experiment, trials?, parallelism? });
//   const driver = new SweepDriver({ store, sweepId: sweep.id, command: { argv: engineArgv, env } });
//   driver.on('trial-started' | 'trial-report' | 'trial-pruned' | 'trial-ended' | 'trial-requeued'
//             | 'pbt-exploit' | 'progress' | 'ended', listener);   // returns an unsubscribe function
//   const outcome = await driver.run();     // SweepOutcome: status, reason, trials by status, best
//   driver.stop(reason);                    // from a Cancel button or Ctrl-C; the sweep ends 'stopped'
//
// - Resuming is the same call on an existing sweep id: trials left queued or running by a dead
//   driver (SIGKILL, a crashed host) are re-queued (their orphaned producer is killed) and run
//   again; PBT members go on from their last checkpoint. Finished trials are never repeated:
//   each trial is a run with a unique (sweep, trial number), written in the same transaction as
//   the sampler state that produced it.
// - Stop from another process: `requestSweepStop(store, id)` sets the sweep 'stopped'; the owning
//   driver sees it within `pollMs` and stops its trials, which are re-queued for a later resume.
// - Trials are ordinary runs (sweep_id, trial number, trial parameters): Run Explorer, `runs ls`
//   and the Comparison panel show them. Intermediate values are the objective's stored per-epoch
//   points (objective.ts). A pruned trial ends 'pruned' with its curves; a diverged or failed one
//   counts as the worst value.
// - The driver never calls process.exit and writes nothing to the console (its Logger only).
export { SweepDriver } from './driver.ts';
export { createSweep, sweepConfig, type NewSweepOptions } from './create.ts';
export { requestSweepStop } from './stop.ts';
export { intermediateValues, objectiveKey, objectiveValue, trialRecord, trialState } from './objective.ts';
export type * from './types.ts';
