// Run detail: one run's params, summary, status and reason, log tail, artifacts, confusion
// matrix and per-class accuracy; refreshed while the run changes and the panel is visible.
import * as vscode from 'vscode';
import type { DetailState } from '../../core/webview/contract.ts';
import { runDetail } from '../../core/webview/panel-data.ts';
import { openSpecField } from './openSpecField.ts';
import { PanelHost, type HandledMessage, type PanelServices } from './panelHost.ts';
import { pickRuns } from './panelSelection.ts';

export const DETAIL_TITLE = 'Hyperlab Run Detail';
export const DEFAULT_LOG_LINES = 200;

export class DetailHost extends PanelHost<'detail'> {
  private runId: number | null;
  private lastSeen = '';

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: DetailState | undefined) {
    super('detail', panel, services, DETAIL_TITLE);
    this.state = state ?? { runId: null };
    this.runId = this.state.runId;
  }

  setRun(runId: number): void {
    this.runId = runId;
    this.state = { runId };
    this.send(DEFAULT_LOG_LINES);
  }

  protected onReady(): void {
    this.send(DEFAULT_LOG_LINES);
  }

  protected async onMessage(message: HandledMessage<'detail'>): Promise<void> {
    const store = this.services.store();
    if (!store) return;
    switch (message.type) {
      case 'requestDetail':
        if (message.runId !== this.runId) return this.log('warn', `rejected a request for run ${message.runId}, which the panel does not show; it was ignored.`);
        this.send(message.logLines);
        return;
      case 'openSpec': {
        const run = message.runId === this.runId ? store.getRun(message.runId) : undefined;
        if (!run) return this.log('warn', `rejected opening the spec of run ${message.runId}, which the panel does not show; it was ignored.`);
        await openSpecField(run, null);
        return;
      }
      case 'compressRun':
        if (message.runId !== this.runId) return this.log('warn', `rejected compressing run ${message.runId}, which the panel does not show; it was ignored.`);
        await vscode.commands.executeCommand('hyperlab.compressAndExport', message.runId);
        return;
      case 'editRun': {
        if (message.runId !== this.runId) return this.log('warn', `rejected an edit of run ${message.runId}, which the panel does not show; it was ignored.`);
        // The same commands as the Run Explorer's: one input box each, the store, then every view refreshed.
        const command = { name: 'hyperlab.renameRun', tags: 'hyperlab.tagRun', note: 'hyperlab.editRunNote', star: 'hyperlab.toggleStar' }[message.edit];
        await vscode.commands.executeCommand(command, message.runId);
        this.send(DEFAULT_LOG_LINES);
        return;
      }
      case 'pickRun': {
        const picked = await pickRuns(store, { title: 'Run to show in Run Detail', many: false });
        if (picked?.[0] !== undefined) this.setRun(picked[0]);
        return;
      }
    }
  }

  protected onStoreChanged(): void {
    const store = this.services.store();
    if (!store || this.runId === null) return;
    const now = seenOf(store, this.runId);
    if (now === this.lastSeen) return;
    this.lastSeen = now;
    this.post({ type: 'changed', runIds: [this.runId] });
  }

  private send(logLines: number): void {
    const store = this.services.store();
    if (!store) {
      this.post({ type: 'notice', level: 'info', message: 'No runs yet: the store is created by the first run.' });
      return;
    }
    const detail = this.runId === null ? null : runDetail(store, this.runId, logLines);
    if (this.runId !== null) this.lastSeen = seenOf(store, this.runId);
    this.post({ type: 'detail', detail });
  }
}

function seenOf(store: ReturnType<PanelServices['store']> & object, runId: number): string {
  const run = store.getRun(runId);
  if (!run) return 'deleted';
  const lastLog = store.log(runId, { tail: 1 })[0]?.seq ?? -1;
  return `${run.status}:${run.endedAt}:${lastLog}:${store.artifacts(runId).length}:${store.latest(runId).map((l) => l.step).join(',')}`;
}
