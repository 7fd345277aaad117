// The SLURM executor: a run becomes one sbatch job. start() writes the run's job file and batch
// script into its folder (beside the store, which must be on a filesystem the nodes share),
// submits it, records the job in the store (cluster_jobs) and hands back a handle the tracker
// settles when the job has ended. preflight() checks the configuration before anything is
// submitted: sbatch on PATH, and sbatch --test-only on the same options (partition, time,
// account, ...), whose refusal is SLURM's own message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { CHANNEL_FD_ENV, RUN_DIR_ENV } from '../protocol/messages.ts';
import type { RunExecutor } from '../runner/executor.ts';
import { runDirectory } from '../runner/run-directory.ts';
import type { RunHandle, StartRunOptions } from '../runner/types.ts';
import type { ExecutionSpec } from '../spec/types.ts';
import type { Store } from '../store/index.ts';
import { CHANNEL_FILE, JOB_FILE, SCRIPT_FILE, batchScript } from './batch-script.ts';
import { SlurmCommands } from './commands.ts';
import { writeJobFile, type JobFile } from './job-file.ts';
import { ClusterTracker } from './tracker.ts';

export interface SlurmExecutorOptions {
  store: Store;
  execution: ExecutionSpec;
  /**
   * The job runner's command line on the node without the job file, e.g.
   * [node, '/opt/hyperlab/dist/cli.cjs', 'slurm-job']; its first word is replaced by
   * execution.node when that is set.
   */
  runner: readonly string[];
  logger?: Logger;
  slurm?: SlurmCommands;
  pollMs?: number;
  /** A tracker to share (one squeue call per poll for every run of the process). */
  tracker?: ClusterTracker;
}

/**
 * Environment variables of the producer's command that always travel in the job file. Besides
 * these, every variable the command sets or changes from this host's own environment travels (a
 * producer spec's producer.env, HYPERLAB_PARAMS); SLURM copies the rest from the submitting shell.
 */
const TRAVELLING_ENV = /^(HYPERLAB_|PYTHON|ELECTRON_RUN_AS_NODE$)/;

export class SlurmExecutor implements RunExecutor {
  readonly backend = 'slurm' as const;
  readonly tracker: ClusterTracker;
  private readonly options: SlurmExecutorOptions;
  private readonly slurm: SlurmCommands;
  private readonly logger: Logger;
  private readonly ownsTracker: boolean;
  private readonly submissions = new Map<number, Promise<boolean>>();

  constructor(options: SlurmExecutorOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
    this.slurm = options.slurm ?? new SlurmCommands();
    this.ownsTracker = options.tracker === undefined;
    this.tracker = options.tracker ?? new ClusterTracker({ store: options.store, slurm: this.slurm, logger: this.logger, ...(options.pollMs ? { pollMs: options.pollMs } : {}) });
  }

  /** Throws a HyperlabError naming the problem before anything is submitted. */
  async preflight(cwd: string): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-preflight-'));
    try {
      const script = path.join(dir, SCRIPT_FILE);
      fs.writeFileSync(script, batchScript({ runId: 0, runDir: dir, cwd, execution: this.options.execution, runner: this.runnerArgv() }));
      await this.slurm.testOnly(script, cwd);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  start(options: StartRunOptions): RunHandle {
    const submitted = this.submit(options);
    this.submissions.set(options.runId, submitted.then(() => true, () => false));
    return this.tracker.track(options.runId, {
      submitted,
      plainCommand: options.plainCommandMayFinish === true,
      channelTimeoutMs: this.options.execution.channelTimeout * 1000,
    });
  }

  attach(runId: number): RunHandle | undefined {
    const job = this.options.store.cluster.get(runId);
    const status = this.options.store.getRun(runId)?.status;
    if (!job || (status !== 'queued' && status !== 'running')) return undefined;
    return this.tracker.track(runId);
  }

  /** Whether the run's job was submitted (false: sbatch refused it, and the run failed with its message). */
  whenSubmitted(runId: number): Promise<boolean> {
    return this.submissions.get(runId) ?? Promise.resolve(this.options.store.cluster.get(runId) !== undefined);
  }

  close(): void {
    if (this.ownsTracker) this.tracker.close();
  }

  private async submit(options: StartRunOptions): Promise<void> {
    const { store, runId, command } = options;
    const runDir = runDirectory(store.path, runId);
    fs.mkdirSync(runDir, { recursive: true });
    const cwd = path.resolve(command.cwd ?? process.cwd());
    const argv = [...command.argv];
    if (this.options.execution.node && argv[0] === process.execPath) argv[0] = this.options.execution.node;
    const env: { [key: string]: string } = {};
    for (const [key, value] of Object.entries(command.env ?? {})) {
      if (value === undefined || key === CHANNEL_FD_ENV || key === RUN_DIR_ENV) continue;
      if (TRAVELLING_ENV.test(key) || process.env[key] !== value) env[key] = value;
    }
    const channel = path.join(runDir, CHANNEL_FILE);
    const job: JobFile = {
      version: 1, runId, argv, cwd, env, start: options.start ?? { spec: {}, overrides: {}, seed: 0 },
      runDir, channel, plainCommand: options.plainCommandMayFinish === true, channelTimeoutMs: this.options.execution.channelTimeout * 1000,
      ...(options.producerNamesRun ? { namesRun: options.producerNamesRun } : {}),
    };
    writeJobFile(path.join(runDir, JOB_FILE), job);
    const script = path.join(runDir, SCRIPT_FILE);
    fs.writeFileSync(script, batchScript({ runId, runDir, cwd, execution: this.options.execution, runner: this.runnerArgv() }), { mode: 0o755 });
    let jobId: string;
    try {
      jobId = await this.slurm.sbatch(script, cwd);
    } catch (error) {
      this.logger.log('warn', `run ${runId}: ${errorMessage(error)}`);
      throw error;
    }
    store.cluster.register({ runId, backend: 'slurm', jobId, channel });
    store.appendLog(runId, [{ stream: 'protocol', text: `submitted as SLURM job ${jobId} (${script})`, time: Date.now() }]);
    this.logger.log('info', `run ${runId}: submitted as SLURM job ${jobId}`);
  }

  private runnerArgv(): string[] {
    const runner = [...this.options.runner];
    if (this.options.execution.node) runner[0] = this.options.execution.node;
    return runner;
  }
}
