// Stopping a sweep from outside its driver (another terminal, another window).
import { HyperlabError } from '../errors.ts';
import type { Store, Sweep } from '../store/types.ts';
import { hostName, isAlive, killOrphan } from './owner.ts';

/**
 * Marks the sweep 'stopped'. A live driver notices within its poll interval and stops its trials
 * (re-queued for resume). With no live driver, trials it left running are re-queued here.
 * Returns whether a live driver was told.
 */
export function requestSweepStop(store: Store, sweepId: number, reason = 'stop requested from another process'): { sweep: Sweep; driverAlive: boolean } {
  const sweep = store.sweeps.get(sweepId);
  if (!sweep) throw new HyperlabError('RUN_NOT_FOUND', `there is no sweep with id ${sweepId}`, 'List sweeps with `hyperlab sweeps ls`.');
  if (sweep.status === 'finished') return { sweep, driverAlive: false };
  const driverAlive = sweep.status === 'running' && sweep.ownerPid !== null && sweep.ownerHost === hostName() && isAlive(sweep.ownerPid);
  if (!driverAlive) {
    for (const trial of store.sweeps.trials(sweepId)) {
      if (trial.status !== 'running') continue;
      const pid = store.getRun(trial.runId)?.pid;
      if (pid) killOrphan(pid, 'engine');
      store.sweeps.requeueTrial(trial.runId, false);
    }
  }
  return { sweep: store.sweeps.update(sweepId, { status: 'stopped', reason, ...(driverAlive ? {} : { ownerPid: null, ownerHost: null }) }), driverAlive };
}
