// A run whose process is gone but whose row still says 'running' (the window or the CLI that
// supervised it crashed) would spin in the tree forever. When the store opens, such runs are
// ended as failed. Only runs with a recorded pid that no longer exists are touched: the CLI may
// be supervising other runs right now, so the store's blanket failOrphans() is not used here.
import type { Store } from '../../core/store/types.ts';

export const ORPHAN_REASON = 'its process is gone: the VS Code window or command line that supervised it exited before the run ended';

/**
 * Ends the running runs whose process no longer exists; returns their ids. A sweep's trial is put
 * back in its sweep's queue instead (its data kept): `sweep --resume` runs it again, or goes on
 * from its checkpoint; failed, it would count as a finished trial with the worst value.
 */
export function failDeadRuns(store: Store, isAlive: (pid: number) => boolean = processExists): number[] {
  const dead = store.listRuns({ status: 'running' }).filter((run) => run.pid !== null && !isAlive(run.pid));
  for (const run of dead) {
    if (run.sweepId !== null && requeueTrial(store, run.id)) continue;
    store.endRun(run.id, 'failed', ORPHAN_REASON);
  }
  return dead.map((run) => run.id);
}

function requeueTrial(store: Store, runId: number): boolean {
  try {
    store.sweeps.requeueTrial(runId, true);
    return true;
  } catch {
    return false; // a run of a sweep without a trial number (made by an older Hyperlab)
  }
}

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
