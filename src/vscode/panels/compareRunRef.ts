// A run as the panels list it (no vscode import: the Chromium harness uses it outside VS Code).
import type { Run } from '../../core/store/types.ts';
import type { RunRef } from '../../core/webview/contract.ts';

export function runRef(run: Run): RunRef {
  return { id: run.id, name: run.name, experimentName: run.experimentName, status: run.status, sweepId: run.sweepId, startedAt: run.startedAt, endedAt: run.endedAt };
}
