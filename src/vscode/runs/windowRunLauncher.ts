// Runs experiments from this window: a queue in front of the core supervisor, so that at most
// `hyperlab.parallelism` producers run at once. The store is the only record: a queued run is
// a 'queued' row, and every run this window starts ends with a status even when the window closes.
import { autoRunName } from '../../core/compare/run-name.ts';
import * as fs from 'node:fs';
import { HyperlabError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { startRun } from '../../core/runner/supervisor.ts';
import type { RunHandle } from '../../core/runner/types.ts';
import { applyOverrides, isProducerSpec, specExecution } from '../../core/spec/index.ts';
import type { HyperlabSettings } from '../config/settings.ts';
import type { StoreLease } from '../store/storeLeases.ts';
import { producerCommand, runStart } from './producerCommand.ts';
import * as path from 'node:path';
import { SlurmCommands, SlurmExecutor } from '../../core/slurm/index.ts';
import type { ExecutionSpec } from '../../core/spec/index.ts';
import type { ClusterWatcher } from '../tracking/clusterWatcher.ts';
import type { LaunchRequest, RunLauncher } from './runLauncher.ts';

export interface WindowRunLauncherOptions {
  /** The current store, held until the run ends (it may be another file by the time it starts). */
  acquireStore: () => StoreLease;
  logger: Logger;
  extensionPath: string;
  settings: () => HyperlabSettings;
  /** Follows cluster (SLURM) runs; a spec whose execution.backend is slurm is submitted as a job. */
  cluster?: ClusterWatcher;
}

interface QueuedRun { runId: number; request: LaunchRequest; lease: StoreLease }

export class WindowRunLauncher implements RunLauncher {
  private readonly options: WindowRunLauncherOptions;
  private readonly queue: QueuedRun[] = [];
  private readonly active = new Map<number, RunHandle>();
  /** Each started run until it has ended and let its store lease go (after its artifact hashes). */
  private readonly releasing = new Set<Promise<void>>();
  private idleWaiters: (() => void)[] = [];
  /** Store leases of the SLURM runs submitted here, given back when their job ends or the window closes. */
  private readonly clusterLeases = new Map<number, StoreLease>();

  constructor(options: WindowRunLauncherOptions) {
    this.options = options;
  }

  launch(request: LaunchRequest): number {
    const settings = this.options.settings();
    const execution = request.spec['execution'];
    if (typeof execution === 'object' && execution !== null && !Array.isArray(execution) && execution['backend'] === 'slurm') {
      // A producer spec's overrides are its script's config; an engine spec's may set execution.* too.
      const resolved = isProducerSpec(request.spec) ? specExecution(request.spec) : applyOverrides(request.spec, request.overrides).execution;
      return this.submit(request, resolved!);
    }
    const script = isProducerSpec(request.spec) || settings.producerCommand.length > 0;
    if (!script) this.checkEngine(request);
    const lease = this.options.acquireStore();
    let runId: number;
    try {
      const name = request.name ?? autoRunName(request.overrides);
      // A script's run records the params the script reports, never values it may not have used.
      const params = script ? {} : request.overrides;
      runId = lease.store.createRun({ experiment: request.experiment, specPath: request.specPath, params, ...(name ? { name } : {}) }).id;
    } catch (error) {
      lease.release();
      throw error;
    }
    this.queue.push({ runId, request, lease });
    this.options.logger.log('info', `Run #${runId} of ${request.experiment} queued (${request.specPath})`);
    this.pump();
    return runId;
  }

  async stop(runId: number): Promise<void> {
    const job = this.options.cluster?.handle(runId);
    if (job) {
      job.stop('stopped by the user');
      await job.done;
      return;
    }
    const queued = this.queue.findIndex((q) => q.runId === runId);
    if (queued >= 0) {
      const [entry] = this.queue.splice(queued, 1);
      this.endQueued(entry!, 'stopped before it started');
      this.notifyIfIdle();
      return;
    }
    const handle = this.active.get(runId);
    if (!handle) return;
    handle.stop('stopped by the user');
    await handle.done;
  }

  supervises(runId: number): boolean {
    return this.options.cluster?.handle(runId) !== undefined || this.active.has(runId) || this.queue.some((q) => q.runId === runId);
  }

  whenIdle(): Promise<void> {
    if (this.active.size === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** hyperlab.parallelism changed: a raised limit starts queued runs now, not when a run ends. */
  parallelismChanged(): void {
    this.pump();
  }

  async dispose(): Promise<void> {
    // SLURM jobs run on: the next window (or hyperlab sync) follows them again.
    for (const runId of [...this.clusterLeases.keys()]) this.releaseCluster(runId);
    for (const q of this.queue.splice(0)) this.endQueued(q, 'the VS Code window closed before the run started');
    for (const handle of this.active.values()) handle.stop('the VS Code window closed');
    await Promise.allSettled([...this.active.values()].map((h) => h.done));
    await Promise.allSettled([...this.releasing]);
  }

  private pump(): void {
    const { parallelism } = this.options.settings();
    while (this.active.size < parallelism && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.start(next);
    }
    this.notifyIfIdle();
  }

  private endQueued({ runId, lease }: QueuedRun, reason: string): void {
    try {
      lease.store.endRun(runId, 'killed', reason);
    } finally {
      lease.release();
    }
  }

  private start({ runId, request, lease }: QueuedRun): void {
    // Another window (or the CLI) may have stopped or deleted the run while it waited here; the
    // store is the one record, so it does not start behind their back.
    const status = lease.store.getRun(runId)?.status;
    if (status !== 'queued') {
      lease.release();
      this.options.logger.log('info', `Run #${runId} was ${status === undefined ? 'deleted' : `ended (${status})`} elsewhere while queued; not starting it`);
      return;
    }
    const settings = this.options.settings();
    const stopMs = Math.round(settings.stopTimeoutSeconds * 1000);
    let how;
    try {
      how = runStart({ extensionPath: this.options.extensionPath, specPath: request.specPath, spec: request.spec, overrides: request.overrides, custom: settings.producerCommand });
    } catch (error) {
      try {
        lease.store.endRun(runId, 'failed', `it could not start: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        lease.release();
      }
      return;
    }
    const handle = startRun({
      store: lease.store,
      runId,
      command: how.command,
      start: how.start,
      // A script files its run under the experiment its init() names (else the spec's), and names it.
      ...(how.script ? { producerNamesRun: { experiment: true, name: true } } : {}),
      ...(isProducerSpec(request.spec) ? { plainCommandMayFinish: true } : {}),
      logger: this.options.logger,
      limits: { stopGraceMs: stopMs, killGraceMs: Math.max(1000, Math.round(stopMs / 2)) },
    });
    this.active.set(runId, handle);
    // Settles once the run has ended and its lease is given back (after its artifact hashes).
    const settled: Promise<void> = handle.done
      .then((outcome) => this.options.logger.log(outcome.status === 'finished' ? 'info' : 'warn',
        `Run #${runId} ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''} (${outcome.points} metric points)`))
      .catch((error: unknown) => this.options.logger.log('error', `Run #${runId} supervisor failed: ${String(error)}`))
      .finally(() => {
        this.active.delete(runId);
        this.pump();
      })
      // The store stays open (leased) until the run's artifact hashes are written.
      .then(() => handle.artifactsHashed.catch(() => undefined))
      .then(() => lease.release())
      .finally(() => this.releasing.delete(settled));
    this.releasing.add(settled);
  }

  /**
   * A SLURM run: submitted at once (SLURM queues it; hyperlab.parallelism counts this machine's
   * processes), followed by the window's cluster tracker. Closing the window leaves the job
   * running; the next window follows it again. sbatch's refusal (an unknown partition, no sbatch
   * on PATH) ends the run failed with SLURM's message, shown in the Run Explorer and the log.
   */
  private submit(request: LaunchRequest, execution: ExecutionSpec): number {
    const cluster = this.options.cluster;
    if (!cluster) throw new HyperlabError('CLUSTER', 'SLURM runs need a trusted workspace', 'Trust this workspace to submit jobs.');
    // Before the run is recorded: a command that cannot be prepared would leave it queued for ever.
    const how = runStart({ extensionPath: this.options.extensionPath, specPath: request.specPath, spec: request.spec, overrides: request.overrides, custom: this.options.settings().producerCommand });
    const lease = this.options.acquireStore();
    try {
      const name = request.name ?? autoRunName(request.overrides);
      // As a local run: a script's run records the params the script reports, never values it may not have used.
      const runId = lease.store.createRun({ experiment: request.experiment, specPath: request.specPath, params: how.script ? {} : request.overrides, ...(name ? { name } : {}) }).id;
      const executor = new SlurmExecutor({
        store: lease.store, execution, logger: this.options.logger, tracker: cluster.tracker(lease.store),
        runner: [process.execPath, path.join(this.options.extensionPath, 'dist', 'cli.cjs'), 'slurm-job'],
        slurm: new SlurmCommands({ env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }),
      });
      const handle = executor.start({
        store: lease.store, runId, command: how.command, start: how.start,
        // As a local run: a script files its run under the experiment its init() names, and names it.
        ...(how.script ? { plainCommandMayFinish: true, producerNamesRun: { experiment: true, name: true } } : {}),
      });
      this.options.logger.log('info', `Run #${runId} of ${request.experiment}: submitting to SLURM (${request.specPath})`);
      this.clusterLeases.set(runId, lease);
      void handle.done
        .then((outcome) => this.options.logger.log(outcome.status === 'finished' ? 'info' : 'warn',
          `Run #${runId} ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''} (${outcome.points} metric points)`))
        .finally(() => this.releaseCluster(runId));
      return runId;
    } catch (error) {
      lease.release();
      throw error;
    }
  }

  private releaseCluster(runId: number): void {
    this.clusterLeases.get(runId)?.release();
    this.clusterLeases.delete(runId);
  }

  /** The engine validates too, but a typo found before a process starts is a faster answer. */
  private checkEngine(request: LaunchRequest): void {
    applyOverrides(request.spec, request.overrides);
    const engine = producerCommand({ extensionPath: this.options.extensionPath, specPath: request.specPath, custom: [] }).argv[1]!;
    if (!fs.existsSync(engine)) {
      throw new HyperlabError('PRODUCER_FAILED', `The training engine is missing (${engine}).`, 'Reinstall the extension, or run `npm run build` in a development checkout.');
    }
  }

  private notifyIfIdle(): void {
    if (this.active.size > 0 || this.queue.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
