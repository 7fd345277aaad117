// Regularized ("ageing") evolution (Real et al. 2019). The population is the `populationSize`
// most recently asked trials that have finished (a FIFO by trial number: the oldest member dies
// whatever its value, which is the regularization). Until the population is full, points are
// random. Then `sampleSize` members are drawn at random (tournament), the best becomes the parent,
// and the child is the parent mutated: each parameter with probability `mutationProbability`,
// at least one. A numeric parameter moves by a Gaussian step of 1/5 of its (log) range; a
// categorical one switches to another choice. Parameters a condition turns on get a random value.
import { lossOf } from '../objective.ts';
import type { SearchRng } from '../rng.ts';
import { fromInternal, internalBounds, isActive, repairPoint, samplePoint, toInternal } from '../space.ts';
import type { Direction, EvolutionOptions, JsonValue, ParamDef, Params, ParamValue, Sampler, SearchSpace, TrialRecord } from '../types.ts';
import { avoidTaken } from './distinct.ts';

export class EvolutionSampler implements Sampler {
  readonly method = 'evolution' as const;

  private readonly space: SearchSpace;
  private readonly direction: Direction;
  private readonly options: EvolutionOptions;
  private readonly rng: SearchRng;

  constructor(space: SearchSpace, direction: Direction, options: EvolutionOptions, rng: SearchRng) {
    this.space = space;
    this.direction = direction;
    this.options = options;
    this.rng = rng;
  }

  state(): JsonValue {
    return { method: 'evolution', rng: this.rng.state };
  }

  /** The living population: the newest finished trials, oldest first. */
  population(history: readonly TrialRecord[]): TrialRecord[] {
    const finished = history.filter((t) => t.state !== 'running').sort((a, b) => a.number - b.number);
    return finished.slice(Math.max(0, finished.length - this.options.populationSize));
  }

  ask(history: readonly TrialRecord[]): Params {
    return avoidTaken(this.space, history, () => this.draw(history), this.rng);
  }

  private draw(history: readonly TrialRecord[]): Params {
    const population = this.population(history);
    if (population.length < this.options.populationSize) return samplePoint(this.space, this.rng);
    let parent: TrialRecord | null = null;
    for (let i = 0; i < this.options.sampleSize; i++) {
      const candidate = population[this.rng.int(population.length)]!;
      if (parent === null || lossOf(candidate, this.direction) < lossOf(parent, this.direction)) parent = candidate;
    }
    return this.mutate(parent!.params);
  }

  mutate(parent: Params): Params {
    const active = this.space.filter((def) => isActive(def, parent) && def.path in parent);
    const child: Params = { ...parent };
    const forced = active.length > 0 ? active[this.rng.int(active.length)]! : null;
    for (const def of active) {
      if (def === forced || this.rng.next() < this.options.mutationProbability) child[def.path] = this.mutateValue(def, parent[def.path]!);
    }
    return repairPoint(this.space, child, this.rng);
  }

  private mutateValue(def: ParamDef, value: ParamValue): ParamValue {
    const dist = def.dist;
    if (dist.type === 'categorical') {
      if (dist.choices.length < 2) return value;
      const others = dist.choices.filter((c) => c !== value);
      return others[this.rng.int(others.length)]!;
    }
    const { low, high } = internalBounds(dist);
    const x = typeof value === 'number' ? toInternal(dist, value) : (low + high) / 2;
    let moved = value;
    // A step can round back onto the same grid value; try a few times to really move.
    for (let i = 0; i < 8 && moved === value; i++) {
      const y = Math.min(high, Math.max(low, x + 0.2 * (high - low) * this.rng.normal()));
      moved = fromInternal(dist, y);
    }
    return moved;
  }
}
