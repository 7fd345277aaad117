// Which runs a panel command is about: tree nodes (a run, an experiment = its runs, several
// selected nodes), code ({ runIds }, { sweepId }, a run id), or nobody: then the user picks.
import * as vscode from 'vscode';
import type { Run, Store } from '../../core/store/types.ts';
import { runIdOf } from '../commands/runSelection.ts';

const MAX_RUNS = 20;

export function runIdsFromArgs(store: Store, args: readonly unknown[]): number[] {
  const ids = new Set<number>();
  const add = (arg: unknown) => {
    const id = runIdOf(arg);
    if (id !== undefined) return void ids.add(id);
    if (typeof arg !== 'object' || arg === null) return;
    const record = arg as { kind?: unknown; runs?: unknown; experiment?: { name?: unknown }; runIds?: unknown; sweepId?: unknown };
    if ((record.kind === 'experiment' || record.kind === 'sweep') && Array.isArray(record.runs)) {
      for (const run of record.runs as Run[]) if (typeof run?.id === 'number') ids.add(run.id);
    } else if (Array.isArray(record.runIds)) {
      for (const r of record.runIds) if (Number.isSafeInteger(r)) ids.add(r as number);
    } else if (typeof record.sweepId === 'number') {
      for (const run of store.listRuns({ sweepId: record.sweepId, sortBy: 'id', order: 'desc', limit: MAX_RUNS })) ids.add(run.id);
    }
  };
  // A context-menu click passes (clicked node, all selected nodes).
  const [first, selected] = args;
  if (Array.isArray(selected) && selected.length > 0) selected.forEach(add);
  else add(first);
  return [...ids].filter((id) => store.getRun(id) !== undefined).slice(0, MAX_RUNS);
}

export async function pickRuns(store: Store, options: { title: string; many: boolean; selected?: readonly number[] }): Promise<number[] | undefined> {
  const runs = store.listRuns({ sortBy: 'id', order: 'desc', limit: 200 });
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('No runs yet: run an experiment first.');
    return undefined;
  }
  const items = runs.map((run) => ({
    label: run.name || `Run ${run.id}`,
    description: `#${run.id} · ${run.experimentName} · ${run.status}`,
    picked: options.selected?.includes(run.id) ?? false,
    run,
  }));
  if (options.many) {
    const picked = await vscode.window.showQuickPick(items, { title: options.title, canPickMany: true, placeHolder: 'Which runs?', matchOnDescription: true });
    return picked?.map((p) => p.run.id).slice(0, MAX_RUNS);
  }
  const picked = await vscode.window.showQuickPick(items, { title: options.title, placeHolder: 'Which run?', matchOnDescription: true });
  return picked ? [picked.run.id] : undefined;
}
