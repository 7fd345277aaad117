// Two trials should not ask for the same point: in a discrete space a sampler can draw a taken
// point again (and parallel workers would then train the same configuration twice). This redraws
// a bounded number of times; after that the space is as good as exhausted and a repeat is allowed.
import { pointKey } from '../space.ts';
import type { Params, SearchSpace, TrialRecord } from '../types.ts';

const REDRAWS = 64;

export function avoidTaken(space: SearchSpace, history: readonly TrialRecord[], draw: () => Params): Params {
  const taken = new Set(history.map((t) => pointKey(space, t.params)));
  let point = draw();
  for (let i = 0; i < REDRAWS && taken.has(pointKey(space, point)); i++) point = draw();
  return point;
}

/** The same rule, strictly for running trials: parallel workers never get the same point. */
export function isRunningPoint(space: SearchSpace, history: readonly TrialRecord[], point: Params): boolean {
  const key = pointKey(space, point);
  return history.some((t) => t.state === 'running' && pointKey(space, t.params) === key);
}
