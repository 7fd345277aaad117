// Commands receive a run from a tree item, from code (a run id), or from nobody (the palette),
// in which case the user picks one.
import * as vscode from 'vscode';
import { HyperlabError } from '../../core/errors.ts';
import type { Run, RunStatus, Store } from '../../core/store/types.ts';
import { formatDuration, runDuration } from '../runExplorer/runDescription.ts';
import { statusLook } from '../runExplorer/runStatusIcon.ts';
import { runIdOf } from './runSelection.ts';

export async function resolveRun(store: Store, arg: unknown, pick: { title: string; statuses?: RunStatus[] }): Promise<Run | undefined> {
  const id = runIdOf(arg);
  if (id !== undefined) {
    const run = store.getRun(id);
    if (!run) throw new HyperlabError('RUN_NOT_FOUND', `Run ${id} is not in the store.`, 'Refresh the Run Explorer: it may have been deleted.');
    return run;
  }
  const runs = store.listRuns({ sortBy: 'id', order: 'desc', limit: 200, ...(pick.statuses ? { status: pick.statuses } : {}) });
  if (runs.length === 0) {
    vscode.window.showInformationMessage(pick.statuses ? `No ${pick.statuses.join(' or ')} runs.` : 'No runs yet.');
    return undefined;
  }
  const now = Date.now();
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => {
      const duration = runDuration(run, now);
      return {
        label: `$(${statusLook(run.status).icon}) ${run.name}`,
        description: `#${run.id} · ${run.experimentName}`,
        detail: `${statusLook(run.status).label}${duration !== undefined ? ` · ${formatDuration(duration)}` : ''}${run.reason ? ` · ${run.reason}` : ''}`,
        run,
      };
    }),
    { title: pick.title, placeHolder: 'Which run?', matchOnDescription: true },
  );
  return picked?.run;
}

