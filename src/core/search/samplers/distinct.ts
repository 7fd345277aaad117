// Two trials should not ask for the same point: in a discrete space a sampler can draw a taken
// point again (TPE's best candidate often is the same cell), and parallel workers would then
// train the same configuration twice. The sampler's own draw is retried a few times, then points
// are drawn from the prior; only when hundreds of those are all taken (the space is as good as
// exhausted) is a repeat allowed.
import type { SearchRng } from '../rng.ts';
import { pointKey, samplePoint } from '../space.ts';
import type { Distribution, Params, SearchSpace, TrialRecord } from '../types.ts';

const OWN_DRAWS = 8;
const PRIOR_DRAWS = 256;

export function avoidTaken(space: SearchSpace, history: readonly TrialRecord[], draw: () => Params, rng: SearchRng): Params {
  // In a space of continuous parameters only, two draws coincide with probability 0; skip the
  // O(history) keys (they were most of a random ask's time at 200 trials).
  if (space.every((def) => isContinuous(def.dist))) return draw();
  const taken = new Set(history.map((t) => pointKey(space, t.params)));
  let point = draw();
  for (let i = 0; i < OWN_DRAWS && taken.has(pointKey(space, point)); i++) point = draw();
  for (let i = 0; i < PRIOR_DRAWS && taken.has(pointKey(space, point)); i++) point = samplePoint(space, rng);
  return point;
}

function isContinuous(dist: Distribution): boolean {
  return dist.type === 'loguniform' || (dist.type === 'uniform' && dist.step === null);
}
