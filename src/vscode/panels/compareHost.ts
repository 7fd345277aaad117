// The Comparison panel's host: answers `ready` and `requestDataset` with the runs (newest first)
// as one column-wise dataset (cached while the store is unchanged), and `requestSpecDiff` with two shown runs' spec diff. While runs
// train, it tells the webview at most every few seconds that the dataset changed.
import type * as vscode from 'vscode';
import { comparisonCache } from '../../core/compare/cache.ts';
import { loadSpecDiff } from '../../core/compare/load.ts';
import type { ComparisonState } from '../../core/webview/contract.ts';
import { runRef } from './compareRunRef.ts';
import { PanelHost, type HandledMessage, type PanelServices } from './panelHost.ts';

export const COMPARISON_TITLE = 'Hyperlab Comparison';
/** Rebuilding 10,000 rows is cheap but not free: refresh a comparison at most this often. */
export const COMPARISON_REFRESH_MS = 3000;

export class ComparisonHost extends PanelHost<'comparison'> {
  private experiment: string | null;
  private shown = new Set<number>();
  private lastChange = 0;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private lastCounter = -1;

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: ComparisonState | undefined) {
    super('comparison', panel, services, COMPARISON_TITLE);
    this.state = state;
    this.experiment = state?.experiment ?? null;
    this.onDidDispose(() => clearTimeout(this.pending));
  }

  /** Shows the runs of one experiment (null: every run). */
  setExperiment(experiment: string | null): void {
    this.experiment = experiment;
    this.sendDataset();
  }

  protected onReady(): void {
    this.sendDataset();
  }

  protected onMessage(message: HandledMessage<'comparison'>): void {
    switch (message.type) {
      case 'requestDataset':
        this.experiment = message.experiment;
        this.sendDataset();
        return;
      case 'requestSpecDiff': {
        const store = this.services.store();
        if (!store) return;
        if (!this.shown.has(message.left) || !this.shown.has(message.right)) {
          this.log('warn', `rejected a spec diff of runs ${message.left} and ${message.right}, which the panel does not show; it was ignored.`);
          return;
        }
        const diff = loadSpecDiff(store, message.left, message.right);
        this.post({ type: 'specDiff', left: runRef(diff.left), right: runRef(diff.right), rows: diff.rows });
      }
    }
  }

  protected onStoreChanged(): void {
    const store = this.services.store();
    if (!store || store.changeCounter() === this.lastCounter || this.pending) return;
    const wait = Math.max(0, this.lastChange + COMPARISON_REFRESH_MS - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.lastChange = Date.now();
      this.post({ type: 'changed', runIds: [] });
    }, wait);
  }

  private sendDataset(): void {
    const store = this.services.store();
    if (!store) {
      this.post({ type: 'notice', level: 'info', message: 'No runs yet: run an experiment (Hyperlab: Run Experiment), and they appear here.' });
      return;
    }
    this.lastCounter = store.changeCounter();
    const loaded = comparisonCache.load(store, this.experiment);
    this.experiment = loaded.experiment;
    this.shown = new Set(loaded.dataset.runIds);
    this.post({ type: 'dataset', ...loaded });
  }
}
