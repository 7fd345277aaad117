// The optional progress notification of a run (setting hyperlab.progressNotification, off by
// default): epoch x/N, % and ETA from the store, once a second; Cancel stops the run.
import * as vscode from 'vscode';
import { formatProgress, liveProgress } from '../../core/progress.ts';
import type { Store } from '../../core/store/types.ts';

const POLL_MS = 1000;

export function progressNotificationEnabled(): boolean {
  return vscode.workspace.getConfiguration('hyperlab').get<boolean>('progressNotification', false) === true;
}

export function showRunProgress(store: () => Store | undefined, runId: number, title: string, stop: () => Promise<void>): void {
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
    new Promise<void>((resolve) => {
      let shown = 0;
      const timer = setInterval(() => {
        const s = store();
        const run = s?.getRun(runId);
        if (!s || !run || (run.status !== 'running' && run.status !== 'queued')) {
          clearInterval(timer);
          resolve();
          return;
        }
        if (run.status === 'queued') return progress.report({ message: 'queued' });
        const note = s.annotations([runId]).get(runId);
        const p = liveProgress(note?.plan ?? null, note?.planTime ?? null, s.latest(runId));
        if (!p) return progress.report({ message: 'starting' });
        const percent = Math.floor(p.fraction * 100);
        progress.report({ message: formatProgress(p), increment: percent - shown });
        shown = percent;
      }, POLL_MS);
      token.onCancellationRequested(() => {
        clearInterval(timer);
        void stop().finally(resolve);
      });
    }));
}
