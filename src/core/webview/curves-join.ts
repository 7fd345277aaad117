// Runs that join an open Curves panel on their own: new runs (created after `sinceId`) of the
// experiments it shows, as they start. A run started while Curves was open never appeared.
import type { Store } from '../store/types.ts';

/** Ids of runs newer than `sinceId` in the experiments of `shownIds`, oldest first. */
export function joiningRuns(store: Store, shownIds: readonly number[], sinceId: number): number[] {
  const experiments = new Set(shownIds.map((id) => store.getRun(id)?.experimentName).filter((e): e is string => e !== undefined));
  const shown = new Set(shownIds);
  const joining: number[] = [];
  for (const experiment of experiments) {
    for (const run of store.listRuns({ experiment, status: ['running', 'finished', 'failed', 'killed', 'diverged'], sortBy: 'id', order: 'desc', limit: 50 })) {
      if (run.id > sinceId && !shown.has(run.id)) joining.push(run.id);
    }
  }
  return joining.sort((a, b) => a - b);
}

/** The newest run id in the store (0 when empty): what "new" is measured against. */
export function newestRunId(store: Store): number {
  return store.listRuns({ sortBy: 'id', order: 'desc', limit: 1 })[0]?.id ?? 0;
}
