// Runs on a SLURM cluster: the executor (submit, track, stop = scancel), the tracker that ingests
// channel files and reconciles job states, the node-side job runner, and SLURM's tools as typed calls.
export { SlurmExecutor, type SlurmExecutorOptions } from './executor.ts';
export { ClusterTracker, DEFAULT_POLL_MS, type ClusterTrackerOptions } from './tracker.ts';
export { SlurmCommands } from './commands.ts';
export { runJob, STOP_ON_SIGTERM_ENV } from './job-runner.ts';
export { batchScript, outputPattern, sbatchOptions, CHANNEL_FILE, JOB_FILE, SCRIPT_FILE } from './batch-script.ts';
export { decideEnd, phaseOf, parseScontrolJob, parseSqueue, parseJobcompLine, type JobInfo } from './states.ts';
export { ingestChannel } from './channel-ingest.ts';
