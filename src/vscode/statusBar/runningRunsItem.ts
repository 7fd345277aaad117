// The status bar entry: how many runs are going right now; a click shows the Run Explorer.
import * as vscode from 'vscode';
import type { Store } from '../../core/store/types.ts';
import type { StatusBarSnapshot } from '../api.ts';

export const FOCUS_VIEW_COMMAND = 'workbench.view.extension.hyperlab';

export class RunningRunsItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hyperlab.runningRuns', vscode.StatusBarAlignment.Left, 50);
  private readonly storeOrUndefined: () => Store | undefined;
  private running = 0;

  constructor(storeOrUndefined: () => Store | undefined) {
    this.storeOrUndefined = storeOrUndefined;
    this.item.name = 'Hyperlab Runs';
    this.item.command = FOCUS_VIEW_COMMAND;
    this.update();
  }

  /** Re-reads the counts; hidden while the workspace has no store yet. */
  update(): void {
    const store = this.storeOrUndefined();
    if (!store) {
      this.running = 0;
      this.item.hide();
      return;
    }
    this.running = store.countRuns({ status: 'running' });
    const queued = store.countRuns({ status: 'queued' });
    this.item.text = this.running > 0 ? `$(sync~spin) ${this.running} running` : '$(beaker) 0 running';
    this.item.tooltip = `Hyperlab: ${this.running} run${this.running === 1 ? '' : 's'} running${queued ? `, ${queued} queued` : ''}. Click to show the Run Explorer.`;
    this.item.show();
  }

  get runningCount(): number {
    return this.running;
  }

  snapshot(): StatusBarSnapshot {
    this.update();
    return { running: this.running, text: this.item.text, visible: this.storeOrUndefined() !== undefined };
  }

  dispose(): void {
    this.item.dispose();
  }
}
