// Gradient monitor: one run's per-layer statistics, thinned for drawing, with vanishing and
// exploding alerts whose remedies open the spec at the field to change.
import type * as vscode from 'vscode';
import type { Store } from '../../core/store/types.ts';
import type { GradientsState } from '../../core/webview/contract.ts';
import { gradientsRun, layerStatsMessage } from '../../core/webview/gradients-data.ts';
import { openSpecField } from './openSpecField.ts';
import { PanelHost, type HandledMessage, type PanelServices } from './panelHost.ts';
import { pickRuns } from './panelSelection.ts';

export const GRADIENTS_TITLE = 'Hyperlab Gradient Monitor';

export class GradientsHost extends PanelHost<'gradients'> {
  private runId: number | null;
  private lastSeen = '';

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: GradientsState | undefined) {
    super('gradients', panel, services, GRADIENTS_TITLE);
    this.state = state ?? { runId: null, logY: true, hiddenLayers: [] };
    this.runId = this.state.runId;
  }

  setRun(runId: number): void {
    this.runId = runId;
    this.state = { ...(this.state ?? { logY: true, hiddenLayers: [] }), runId };
    this.sendRun();
  }

  protected onReady(): void {
    this.sendRun();
  }

  protected async onMessage(message: HandledMessage<'gradients'>): Promise<void> {
    const store = this.services.store();
    if (!store) return;
    switch (message.type) {
      case 'requestLayerStats': {
        if (message.runId !== this.runId) return this.log('warn', `rejected a request for run ${message.runId}, which the panel does not show; it was ignored.`);
        const reply = layerStatsMessage(store, message.runId, message.maxSteps);
        if (!reply) {
          this.post({ type: 'notice', level: 'info', message: `Run ${message.runId} is no longer in the store. Choose another run with "Run…".` });
          return;
        }
        this.lastSeen = `${reply.run.status}:${reply.steps[reply.steps.length - 1] ?? -1}`;
        this.post(reply);
        return;
      }
      case 'openSpecField': {
        const run = message.runId === this.runId ? store.getRun(message.runId) : undefined;
        if (!run) return this.log('warn', `rejected opening the spec of run ${message.runId}, which the panel does not show; it was ignored.`);
        await openSpecField(run, message.field);
        return;
      }
      case 'pickRun': {
        const picked = await pickRuns(store, { title: 'Run to show in the Gradient Monitor', many: false });
        if (picked?.[0] !== undefined) this.setRun(picked[0]);
        return;
      }
    }
  }

  protected onStoreChanged(): void {
    const store = this.services.store();
    if (!store || this.runId === null) return;
    const now = seen(store, this.runId, this.lastSeen);
    if (now === this.lastSeen) return;
    this.lastSeen = now;
    this.post({ type: 'changed', runIds: [this.runId] });
  }

  private sendRun(): void {
    const store = this.services.store();
    if (!store) {
      this.post({ type: 'notice', level: 'info', message: 'No runs yet: the store is created by the first run.' });
      return;
    }
    const run = this.runId === null ? undefined : store.getRun(this.runId);
    this.post({ type: 'run', run: run ? gradientsRun(run) : null, hasSpec: !!run?.specPath });
  }
}

/** The run's status and its latest layer-stat step; reads one step past the one seen, not all. */
function seen(store: Store, runId: number, before: string): string {
  const status = store.getRun(runId)?.status;
  const lastStep = Number(before.split(':')[1] ?? -1);
  const next = store.layerStats(runId, { fromStep: lastStep + 1, limit: 1 })[0];
  return `${status}:${next ? next.step : lastStep}`;
}
