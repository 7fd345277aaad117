// The status bar entry: the run going now, or how many, or idle; a click shows the Run Explorer.
import * as vscode from 'vscode';
import { liveProgress } from '../../core/progress.ts';
import type { Store } from '../../core/store/types.ts';
import type { StatusBarSnapshot } from '../api.ts';
import { statusText } from './statusText.ts';

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
    const running = store.listRuns({ status: 'running', sortBy: 'id', order: 'desc' });
    this.running = running.length;
    const notes = store.annotations(running.map((r) => r.id));
    const progress = (runId: number) => liveProgress(notes.get(runId)?.plan ?? null, notes.get(runId)?.planTime ?? null, store.latest(runId));
    const shown = statusText(running, store.countRuns({ status: 'queued' }), (runId) => store.latest(runId), Date.now(), progress);
    this.item.text = shown.text;
    this.item.tooltip = shown.tooltip;
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
