// While runs are going, their elapsed time in the tree should move even when no metric arrives.
import type * as vscode from 'vscode';

const TICK_MS = 2000;

export class ActivityTicker implements vscode.Disposable {
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(isActive: () => boolean, tick: () => void) {
    this.timer = setInterval(() => {
      if (isActive()) tick();
    }, TICK_MS);
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
