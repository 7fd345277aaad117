// Cluster runs (SLURM jobs) outlive the window: this follows them. At activation, and every few
// seconds after, it reattaches the store's unfinished cluster runs (submitted from this window
// before it closed, from the CLI, or from another window) to one tracker, which ingests what their
// channel files gained and ends each run as its job ends. Runs this window submits share the
// tracker. Nothing is started in an untrusted workspace (squeue is a process).
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { ClusterTracker, SlurmCommands } from '../../core/slurm/index.ts';
import type { Store } from '../../core/store/types.ts';
import type { StoreSession } from '../store/storeSession.ts';

const REATTACH_MS = 5000;

export class ClusterWatcher implements vscode.Disposable {
  private readonly session: StoreSession;
  private readonly logger: Logger;
  private readonly poller: ReturnType<typeof setInterval>;
  private current: { store: Store; tracker: ClusterTracker } | undefined;

  constructor(session: StoreSession, logger: Logger) {
    this.session = session;
    this.logger = logger;
    this.poller = setInterval(() => this.reattach(), REATTACH_MS);
    this.reattach();
  }

  /** The tracker of the current store (runs this window submits are followed by it too). */
  tracker(store: Store): ClusterTracker {
    if (this.current?.store !== store) {
      // The runs this window submitted to the old store are followed there until they end (their
      // leases keep it open); the ones it only reattached wait for whoever opens that store next.
      this.current?.tracker.retire();
      // ELECTRON_RUN_AS_NODE reaches the job through sbatch's copy of this environment: the
      // extension host's runtime runs the job runner on the node as plain Node.
      const slurm = new SlurmCommands({ env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
      this.current = { store, tracker: new ClusterTracker({ store, slurm, logger: this.logger }) };
    }
    return this.current.tracker;
  }

  /** The handle of a cluster run this window follows, if it does. */
  handle(runId: number) {
    return this.current?.tracker.handle(runId);
  }

  /** Follows the store's unfinished cluster runs not followed yet; returns how many it picked up. */
  reattach(): number {
    if (!vscode.workspace.isTrusted) return 0;
    const store = this.session.existing();
    if (this.current && this.current.store !== store) {
      // hyperlab.storePath (or the folder) changed: see tracker().
      this.current.tracker.retire();
      this.current = undefined;
    }
    if (!store) return 0;
    try {
      if (store.cluster.unfinished().length === 0) return 0;
      const handles = this.tracker(store).reattach();
      for (const handle of handles) {
        this.logger.log('info', `Run #${handle.runId}: following its SLURM job ${store.cluster.get(handle.runId)?.jobId ?? ''} again`);
        void handle.done.then((outcome) => this.logger.log(outcome.status === 'finished' ? 'info' : 'warn',
          `Run #${outcome.runId} ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''} (${outcome.points} metric points)`));
      }
      return handles.length;
    } catch (error) {
      this.logger.log('warn', `cluster runs: ${errorMessage(error)}`);
      return 0;
    }
  }

  /** The jobs go on running; the next window (or `hyperlab sync`) follows them. */
  dispose(): void {
    clearInterval(this.poller);
    this.current?.tracker.close();
    this.current = undefined;
  }
}
