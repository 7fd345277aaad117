// The Sweep dashboard's host: one sweep's view (history, intermediate values, slices, contour,
// timeline, importance, best trial), pushed again while the sweep's trials change; "Run it again"
// starts a plain run of the best trial's spec, "Open in Comparison" compares the experiment.
import * as vscode from 'vscode';
import type { Params } from '../../core/protocol/messages.ts';
import type { Store } from '../../core/store/types.ts';
import type { SweepState } from '../../core/webview/contract.ts';
import { loadSweepView } from '../../core/webview/sweep-source.ts';
import { PanelHost, type HandledMessage, type PanelServices } from './panelHost.ts';

export const SWEEP_TITLE = 'Hyperlab Sweep';

export interface SweepActions {
  /** Starts a plain run of a spec (the best trial's) in the sweep's experiment; returns its id. */
  runSpec(spec: Params, specPath: string, experiment: string): number;
}

export class SweepHost extends PanelHost<'sweep'> {
  private sweepId: number | null;
  private lastSeen = '';
  private readonly actions: SweepActions;

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: SweepState | undefined, actions: SweepActions) {
    super('sweep', panel, services, SWEEP_TITLE);
    this.state = state ?? { sweepId: null, contourX: null, contourY: null, slice: null, logY: false };
    this.sweepId = this.state.sweepId;
    this.actions = actions;
  }

  setSweep(sweepId: number): void {
    this.sweepId = sweepId;
    this.state = { ...(this.state ?? { contourX: null, contourY: null, slice: null, logY: false }), sweepId, contourX: null, contourY: null };
    this.send();
  }

  protected onReady(): void {
    const store = this.services.store();
    // Without a choice, the newest sweep: what a person opening the dashboard after Run Sweep wants.
    if (this.sweepId === null && store) this.sweepId = store.sweeps.list()[0]?.id ?? null;
    this.send();
  }

  protected async onMessage(message: HandledMessage<'sweep'>): Promise<void> {
    const store = this.services.store();
    if (!store) return;
    switch (message.type) {
      case 'requestSweep':
        if (message.sweepId !== this.sweepId) return this.log('warn', `rejected a request for sweep ${message.sweepId}, which the panel does not show; it was ignored.`);
        this.send();
        return;
      case 'pickSweep': {
        const picked = await pickSweep(store);
        if (picked !== undefined) this.setSweep(picked);
        return;
      }
      case 'runBestAgain': {
        const sweep = message.sweepId === this.sweepId ? store.sweeps.get(message.sweepId) : undefined;
        const view = sweep ? loadSweepView(store, sweep.id) : null;
        if (!sweep || !view?.bestSpec) return this.log('warn', `no best trial to run again for sweep ${message.sweepId}; it was ignored.`);
        if (!sweep.specPath) {
          void vscode.window.showWarningMessage(`Sweep ${sweep.id} has no spec file on record, so its data paths cannot be resolved for a new run.`);
          return;
        }
        const runId = this.actions.runSpec(JSON.parse(view.bestSpec) as Params, sweep.specPath, sweep.experimentName);
        vscode.window.setStatusBarMessage(`$(play) Hyperlab: run #${runId} started with the best parameters of sweep ${sweep.id}`, 5000);
        return;
      }
      case 'openInComparison': {
        const sweep = message.sweepId === this.sweepId ? store.sweeps.get(message.sweepId) : undefined;
        if (!sweep) return;
        await vscode.commands.executeCommand('hyperlab.compareRuns', { kind: 'sweep', sweep });
        return;
      }
      case 'openRun': {
        const run = store.getRun(message.runId);
        if (!run || run.sweepId !== this.sweepId) return this.log('warn', `rejected opening run ${message.runId}, which is not a trial of the sweep shown; it was ignored.`);
        await vscode.commands.executeCommand('hyperlab.showRunDetailPanel', message.runId);
        return;
      }
    }
  }

  protected onStoreChanged(): void {
    const store = this.services.store();
    if (!store || this.sweepId === null) return;
    const now = seenOf(store, this.sweepId);
    if (now === this.lastSeen) return;
    this.lastSeen = now;
    this.post({ type: 'changed', runIds: [] });
  }

  private send(): void {
    const store = this.services.store();
    if (!store) {
      this.post({ type: 'notice', level: 'info', message: 'No runs yet: the store is created by the first run or sweep.' });
      return;
    }
    const view = this.sweepId === null ? null : loadSweepView(store, this.sweepId);
    this.lastSeen = this.sweepId === null ? '' : seenOf(store, this.sweepId);
    if (this.sweepId !== null && !view) {
      this.post({ type: 'notice', level: 'info', message: `Sweep ${this.sweepId} is no longer in the store. Choose another with "Sweep…".` });
      return;
    }
    this.post({ type: 'sweep', view });
  }
}

/** What changes when a trial moves: the sweep's row, each trial's status and latest step. */
function seenOf(store: Store, sweepId: number): string {
  const sweep = store.sweeps.get(sweepId);
  if (!sweep) return 'gone';
  const runs = store.listRuns({ sweepId, limit: 100_000 });
  return `${sweep.status}:${sweep.updatedAt}:${runs.map((r) => `${r.id}${r.status[0]}`).join(',')}:${store.changeCounter()}`;
}

async function pickSweep(store: Store): Promise<number | undefined> {
  const items = store.sweeps.list().map((s) => ({
    label: `${s.name} #${s.id}`,
    description: `${s.experimentName} · ${s.status}`,
    detail: Object.entries(s.trialCounts).map(([status, n]) => `${n} ${status}`).join(', ') || 'no trials yet',
    sweepId: s.id,
  }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No sweeps yet: run one with "Hyperlab: Run Sweep" on a spec with a search section.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title: 'Sweep to show', matchOnDescription: true }))?.sweepId;
}

