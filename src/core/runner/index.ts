// The runner module's public surface.
export { startRun } from './supervisor.ts';
export { RunPool, type RunPoolOptions, type RunRequest, type PooledRun, type PoolEvents } from './pool.ts';
export { isLossKey } from './outcome.ts';
export { removeRunDirectory, runDirectory } from './run-directory.ts';
export * from './types.ts';
export { ARTIFACT_LIMITS, type ArtifactLimits } from './artifact-guard.ts';
export { localExecutor, type RunExecutor, type ExecutionBackend } from './executor.ts';
