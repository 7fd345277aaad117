// Random search: each active parameter drawn from its prior (log-uniform on log scales, uniform
// over the steps of quantized ones). In a finite space it avoids the points already taken.
import { SearchRng } from '../rng.ts';
import { samplePoint } from '../space.ts';
import type { JsonValue, Params, Sampler, SearchSpace, TrialRecord } from '../types.ts';
import { avoidTaken } from './distinct.ts';

export class RandomSampler implements Sampler {
  readonly method = 'random' as const;

  private readonly space: SearchSpace;
  private readonly rng: SearchRng;

  constructor(space: SearchSpace, rng: SearchRng) {
    this.space = space;
    this.rng = rng;
  }

  ask(history: readonly TrialRecord[]): Params {
    return avoidTaken(this.space, history, () => samplePoint(this.space, this.rng), this.rng);
  }

  state(): JsonValue {
    return { method: 'random', rng: this.rng.state };
  }
}
