// Curves: the selected runs' metrics against step, epoch or time. The host answers series
// requests (downsampled in SQL) and, while visible, tells the webview which runs gained points.
import type * as vscode from 'vscode';
import type { Store } from '../../core/store/types.ts';
import type { CurvesState } from '../../core/webview/contract.ts';
import { curveSeries, metricKeysOf, packCurveSeries, runRef } from '../../core/webview/panel-data.ts';
import { joiningRuns, newestRunId } from '../../core/webview/curves-join.ts';
import { PanelHost, type HandledMessage, type PanelServices } from './panelHost.ts';
import { pickRuns } from './panelSelection.ts';

export const CURVES_TITLE = 'Hyperlab Curves';
const DEFAULT_STATE: CurvesState = { runIds: [], metric: null, x: 'step', logY: false, smoothing: 0.6, hidden: [] };

export class CurvesHost extends PanelHost<'curves'> {
  private runIds: number[];
  private fingerprints = new Map<number, string>();
  /** Runs newer than this, of the experiments shown, join the chart as they start. */
  private sinceId: number;

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: CurvesState | undefined) {
    super('curves', panel, services, CURVES_TITLE);
    this.state = state ?? DEFAULT_STATE;
    this.runIds = [...this.state.runIds];
    const store = services.store();
    this.sinceId = store ? newestRunId(store) : 0;
  }

  /** Shows these runs (a new selection from the tree or palette). */
  setRuns(runIds: readonly number[]): void {
    this.runIds = [...runIds];
    this.state = { ...(this.state ?? DEFAULT_STATE), runIds: this.runIds };
    this.sendRuns();
  }

  get selection(): readonly number[] {
    return this.runIds;
  }

  protected onReady(): void {
    this.sendRuns();
  }

  protected async onMessage(message: HandledMessage<'curves'>): Promise<void> {
    const store = this.services.store();
    if (!store) return;
    switch (message.type) {
      case 'requestSeries': {
        const unknownRuns = message.runIds.filter((id) => !this.runIds.includes(id));
        if (unknownRuns.length) {
          this.log('warn', `rejected a series request for runs not shown in the panel (${unknownRuns.slice(0, 5).join(', ')}); it was ignored.`);
          return;
        }
        const series = curveSeries(store, message.runIds, message.keys, message.x, message.buckets);
        for (const id of message.runIds) this.fingerprints.set(id, fingerprint(store, id));
        this.post({ type: 'series', requestId: message.requestId, x: message.x, series: packCurveSeries(series) });
        return;
      }
      case 'pickRuns': {
        const picked = await pickRuns(store, { title: 'Runs to show in Curves', many: true, selected: this.runIds });
        if (picked) this.setRuns(picked);
        return;
      }
      case 'setRuns':
        this.setRuns(message.runIds.filter((id) => store.getRun(id) !== undefined));
        return;
      case 'filterRuns': {
        const text = message.text.trim();
        this.setRuns(text ? store.listRuns({ text, sortBy: 'id', order: 'desc', limit: 20 }).map((r) => r.id) : this.runIds);
        return;
      }
    }
  }

  protected onStoreChanged(): void {
    const store = this.services.store();
    if (!store) return;
    const joining = joiningRuns(store, this.runIds, this.sinceId);
    if (joining.length > 0) {
      this.sinceId = Math.max(this.sinceId, ...joining);
      this.setRuns([...this.runIds, ...joining]);
      return;
    }
    const changed: number[] = [];
    for (const id of this.runIds) {
      const now = fingerprint(store, id);
      if (this.fingerprints.get(id) !== now) changed.push(id);
    }
    if (changed.length === 0) return;
    // Status or key changes (a run ended, a new metric) need the run list again.
    const statusChanged = changed.some((id) => this.fingerprints.get(id)?.split('|')[0] !== fingerprint(store, id).split('|')[0]);
    if (statusChanged) this.sendRuns();
    else this.post({ type: 'changed', runIds: changed });
  }

  private sendRuns(): void {
    const store = this.services.store();
    if (!store) {
      this.post({ type: 'notice', level: 'info', message: 'No runs yet: the store is created by the first run. Run an experiment, then open Curves again.' });
      return;
    }
    const runs = this.runIds.map((id) => store.getRun(id)).filter((r) => r !== undefined);
    this.runIds = runs.map((r) => r.id);
    for (const id of this.runIds) this.fingerprints.set(id, '');
    this.post({ type: 'runs', runs: runs.map(runRef), keys: metricKeysOf(store, this.runIds) });
  }
}

/** Status, metric keys and each key's last step: changes when a run gains points or ends. */
function fingerprint(store: Store, runId: number): string {
  const run = store.getRun(runId);
  if (!run) return 'deleted';
  const latest = store.latest(runId);
  return `${run.status}:${latest.length}|${latest.map((l) => l.step).join(',')}`;
}
