// Sweeps in the window: start one from a spec's search section, resume or stop one, and keep a
// progress notification (with Cancel) per running sweep. The driver is the core's (the CLI's
// too); trials are engine processes on the extension host's runtime, like single runs.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage, HyperlabError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { formatNumber } from '../../core/format.ts';
import { isProducerSpec, parseProducerSpec, parseSpec, specExecution, specExperiment } from '../../core/spec/index.ts';
import { SweepDriver, createSweep, requestSweepStop, type SweepOutcome } from '../../core/sweep/index.ts';
import { producerCommand } from '../runs/producerCommand.ts';
import { chooseSpec, readSpecToRun } from '../runs/specFiles.ts';
import type { StoreSession } from '../store/storeSession.ts';
import { ensureTrusted } from '../trust/workspaceTrust.ts';

import { SlurmCommands, SlurmExecutor } from '../../core/slurm/index.ts';
import type { ClusterWatcher } from '../tracking/clusterWatcher.ts';
export interface SweepControllerOptions {
  session: StoreSession;
  /** Follows SLURM jobs; a sweep whose spec says execution.backend slurm runs its trials there. */
  cluster?: ClusterWatcher;
  logger: Logger;
  extensionPath: string;
  /** Opens the Sweep dashboard on a sweep. */
  showDashboard(sweepId: number): void;
  refreshViews(): void;
}

interface Active { driver: SweepDriver; done: Promise<SweepOutcome> }

export class SweepController implements vscode.Disposable {
  private readonly options: SweepControllerOptions;
  /** Sweeps whose trials are SLURM jobs. */
  private readonly onCluster = new Set<number>();
  private readonly active = new Map<number, Active>();

  constructor(options: SweepControllerOptions) {
    this.options = options;
  }

  /** Sweep ids this window is driving now. */
  driving(): number[] {
    return [...this.active.keys()];
  }

  /** "Hyperlab: Run Sweep": the active (or chosen) spec, which must have a search section. */
  async runSweep(arg?: unknown, overrides: { trials?: number; parallelism?: number } = {}): Promise<number | undefined> {
    if (!ensureTrusted('run a sweep')) return undefined;
    const specUri = await chooseSpec(arg instanceof vscode.Uri ? arg : undefined);
    if (!specUri) return undefined;
    const raw = await readSpecToRun(specUri);
    // A spec with a producer section sweeps its own script: each trial gets its values as HYPERLAB_PARAMS.
    const spec = isProducerSpec(raw) ? parseProducerSpec(raw) : parseSpec(raw);
    const experiment = specExperiment(spec.name, specUri.fsPath);
    const lease = this.options.session.lease();
    let sweepId: number;
    try {
      sweepId = createSweep(lease.store, { spec, specPath: specUri.fsPath, experiment, ...overrides }).id;
    } finally {
      lease.release();
    }
    this.drive(sweepId);
    return sweepId;
  }

  /** Goes on with a stopped or interrupted sweep: interrupted trials are re-queued, finished ones kept. */
  resumeSweep(sweepId: number): number {
    if (!ensureTrusted('resume a sweep')) return sweepId;
    if (this.active.has(sweepId)) throw new HyperlabError('USAGE', `Sweep ${sweepId} is already running in this window.`, 'Watch it in the Sweep dashboard.');
    const sweep = this.options.session.require().sweeps.get(sweepId);
    if (!sweep) throw new HyperlabError('RUN_NOT_FOUND', `There is no sweep ${sweepId}.`, 'Refresh the Run Explorer.');
    if (sweep.status === 'finished') throw new HyperlabError('USAGE', `Sweep ${sweepId} has finished: every trial of its budget ran.`, 'Start a new sweep, or raise the budget with `hyperlab sweep --resume ID --trials N`.');
    this.drive(sweepId);
    return sweepId;
  }

  /** Stops a sweep: its running trials stop and are re-queued, so it can be resumed later. */
  stopSweep(sweepId: number, reason = 'stopped from VS Code'): boolean {
    const here = this.active.get(sweepId);
    if (here) {
      here.driver.stop(reason);
      return true;
    }
    const store = this.options.session.existing();
    if (!store?.sweeps.get(sweepId)) return false;
    requestSweepStop(store, sweepId);
    return true;
  }

  /** Resolves with the outcome once the sweep driven here ends (tests, and callers that wait). */
  async whenDone(sweepId: number): Promise<SweepOutcome | undefined> {
    return this.active.get(sweepId)?.done;
  }

  async dispose(): Promise<void> {
    // A SLURM sweep's jobs go on running when the window closes; Resume Sweep follows them again.
    const local = [...this.active].filter(([sweepId]) => !this.onCluster.has(sweepId)).map(([, active]) => active);
    for (const { driver } of local) driver.stop('VS Code closed; resume the sweep to go on');
    await Promise.allSettled(local.map((a) => a.done));
  }

  private drive(sweepId: number): void {
    const lease = this.options.session.lease();
    const store = lease.store;
    const sweep = store.sweeps.get(sweepId)!;
    const command = producerCommand({ extensionPath: this.options.extensionPath, specPath: sweep.specPath ?? store.path, custom: [] });
    // A spec whose execution.backend is slurm: every trial is a SLURM job (parallelism = jobs in flight).
    const execution = sweep.spec === null ? undefined : specExecution(sweep.spec);
    const executor = execution?.backend === 'slurm' && this.options.cluster ? new SlurmExecutor({
      store, execution, logger: this.options.logger, tracker: this.options.cluster.tracker(store),
      runner: [process.execPath, path.join(this.options.extensionPath, 'dist', 'cli.cjs'), 'slurm-job'],
      slurm: new SlurmCommands({ env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }),
    }) : undefined;
    const driver = new SweepDriver({ store, sweepId, command, clientDir: path.join(this.options.extensionPath, 'python'), logger: this.options.logger, ...(executor ? { executor } : {}) });
    if (executor) this.onCluster.add(sweepId);
    const done = driver.run();
    this.active.set(sweepId, { driver, done });
    this.options.logger.log('info', `Sweep ${sweepId} (${sweep.name}) started: ${sweep.budgetTrials ?? 'grid'} trials, parallelism ${sweep.parallelism}`);
    this.options.showDashboard(sweepId);
    this.options.refreshViews();
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Hyperlab sweep ${sweepId} (${sweep.name})`, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => driver.stop('cancelled from the progress notification'));
      let reported = 0;
      const unsubscribe = driver.on('progress', (p) => {
        const fraction = p.budget ? Math.min(1, p.ended / p.budget) : 0;
        const increment = Math.max(0, fraction * 100 - reported);
        reported += increment;
        const best = p.best ? ` · best ${formatNumber(p.best.value, 4)} (trial ${p.best.number})` : '';
        progress.report({ increment, message: `${p.ended}${p.budget ? `/${p.budget}` : ''} trials ended, ${p.running} running${best}` });
      });
      return done.finally(unsubscribe);
    });
    done.then((outcome) => {
      const best = outcome.best ? `; best ${formatNumber(outcome.best.value, 4)} in trial ${outcome.best.number} (run #${outcome.best.runId})` : '';
      this.options.logger.log(outcome.status === 'finished' ? 'info' : 'warn', `Sweep ${sweepId} ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''}${best}`);
      if (outcome.status === 'finished') {
        void vscode.window.showInformationMessage(`Hyperlab: sweep ${sweepId} finished: ${outcome.trials} trials${best}.`, 'Show Dashboard')
          .then((choice) => choice && this.options.showDashboard(sweepId));
      }
    }).catch((error: unknown) => {
      this.options.logger.log('error', `Sweep ${sweepId} driver failed: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(`Hyperlab: sweep ${sweepId} failed: ${errorMessage(error)}`);
    }).finally(() => {
      this.active.delete(sweepId);
      lease.release();
      this.options.refreshViews();
    });
  }
}
