// Read-only documents generated from the store: a run's log (hyperlab-log:) and its details
// as JSON (hyperlab-run:). They follow the store: an open log grows while the run writes.
import * as vscode from 'vscode';
import type { Run, Store } from '../../core/store/types.ts';

export const LOG_SCHEME = 'hyperlab-log';
export const DETAILS_SCHEME = 'hyperlab-run';

export function logUri(run: Run): vscode.Uri {
  return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${fileSafe(run.name)}-${run.id}.log`, query: `run=${run.id}` });
}

export function detailsUri(run: Run): vscode.Uri {
  return vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${fileSafe(run.name)}-${run.id}.json`, query: `run=${run.id}` });
}

export function runLogText(store: Store, runId: number): string {
  return store.log(runId).map((line) => (line.stream === 'stderr' ? `[stderr] ${line.text}` : line.text)).join('\n');
}

export function runDetailsText(store: Store, run: Run): string {
  const details = {
    id: run.id,
    name: run.name,
    experiment: run.experimentName,
    status: run.status,
    reason: run.reason,
    specPath: run.specPath,
    createdAt: iso(run.createdAt),
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    params: run.params,
    summary: run.summary,
    latest: Object.fromEntries(store.latest(run.id).map((v) => [v.key, { step: v.step, value: v.value }])),
    artifacts: store.artifacts(run.id).map((a) => ({ kind: a.kind, path: a.path, size: a.size, sha256: a.sha256 })),
  };
  return `${JSON.stringify(details, null, 2)}\n`;
}

export class RunDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly storeOrUndefined: () => Store | undefined;
  private readonly scheme: string;

  constructor(scheme: string, storeOrUndefined: () => Store | undefined) {
    this.scheme = scheme;
    this.storeOrUndefined = storeOrUndefined;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const runId = Number(new URLSearchParams(uri.query).get('run'));
    const store = this.storeOrUndefined();
    const run = store?.getRun(runId);
    if (!store || !run) return `Run ${runId} is no longer in the store.\n`;
    return this.scheme === LOG_SCHEME ? runLogText(store, runId) : runDetailsText(store, run);
  }

  /** Tells VS Code to re-read every open document of this scheme. */
  refreshOpen(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === this.scheme) this.changed.fire(doc.uri);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function fileSafe(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'run';
}
