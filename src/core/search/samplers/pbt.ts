// Population-based training's decisions (Jaderberg et al. 2017), pure: the sweep runtime trains
// the members, calls `decide` each time a member reports an intermediate value, and on "exploit"
// loads the source member's checkpoint into this member and goes on with the new parameters.
//   - ready: a member is judged every `interval` steps (its last reported step is a multiple);
//   - exploit (truncation selection): members are ranked by their latest intermediate value; one
//     in the bottom `quantile` copies a member drawn uniformly from the top `quantile`;
//   - explore: each numeric parameter of the copy is resampled from its prior with probability
//     `resampleProbability`, else multiplied by 0.8 or 1.2 (then snapped onto its grid and into
//     range); a categorical one is resampled with that probability, else kept.
import { orient } from '../objective.ts';
import type { SearchRng } from '../rng.ts';
import { isActive, samplePoint, samplePrior, snap } from '../space.ts';
import type { Direction, JsonValue, Params, PbtController, PbtDecision, PbtOptions, SearchSpace, TrialRecord } from '../types.ts';
import { avoidTaken } from './distinct.ts';

export class PbtSampler implements PbtController {
  readonly method = 'pbt' as const;

  private readonly space: SearchSpace;
  private readonly direction: Direction;
  private readonly options: PbtOptions;
  private readonly rng: SearchRng;

  constructor(space: SearchSpace, direction: Direction, options: PbtOptions, rng: SearchRng) {
    this.space = space;
    this.direction = direction;
    this.options = options;
    this.rng = rng;
  }

  state(): JsonValue {
    return { method: 'pbt', rng: this.rng.state };
  }

  ask(history: readonly TrialRecord[]): Params {
    return avoidTaken(this.space, history, () => samplePoint(this.space, this.rng), this.rng);
  }

  decide(member: TrialRecord, population: readonly TrialRecord[]): PbtDecision {
    const last = member.intermediate[member.intermediate.length - 1];
    if (last === undefined || last.step <= 0 || last.step % this.options.interval !== 0) return { kind: 'continue' };
    const ranked = population
      .filter((t) => (t.state === 'running' || t.state === 'complete') && t.intermediate.length > 0)
      .map((t) => ({ trial: t, loss: orient(t.intermediate[t.intermediate.length - 1]!.value, this.direction) }))
      .sort((a, b) => a.loss - b.loss || a.trial.number - b.trial.number);
    if (ranked.length < 2) return { kind: 'continue' };
    const cut = Math.max(1, Math.floor(ranked.length * this.options.quantile));
    const rank = ranked.findIndex((r) => r.trial.number === member.number);
    if (rank < 0 || rank < ranked.length - cut) return { kind: 'continue' };
    const top = ranked.slice(0, cut).filter((r) => r.trial.number !== member.number);
    if (top.length === 0) return { kind: 'continue' };
    const source = top[this.rng.int(top.length)]!.trial;
    return { kind: 'exploit', source: source.number, ...this.explore(source.params) };
  }

  /** The source's parameters, perturbed. */
  explore(params: Params): { params: Params; perturbed: { [path: string]: 'x0.8' | 'x1.2' | 'resampled' | 'copied' } } {
    const out: Params = {};
    const perturbed: { [path: string]: 'x0.8' | 'x1.2' | 'resampled' | 'copied' } = {};
    for (const def of this.space) {
      if (!isActive(def, out)) continue;
      const value = params[def.path];
      if (value === undefined || this.rng.next() < this.options.resampleProbability) {
        out[def.path] = samplePrior(def.dist, this.rng);
        perturbed[def.path] = 'resampled';
      } else if (def.dist.type === 'categorical' || typeof value !== 'number') {
        out[def.path] = value;
        perturbed[def.path] = 'copied';
      } else {
        const up = this.rng.next() < 0.5;
        let next = snap(def.dist, value * (up ? 1.2 : 0.8));
        // On an integer or stepped scale ×1.2 can round back to the same value: move one step.
        const step = def.dist.type === 'loguniform' ? null : def.dist.step;
        if (next === value && step !== null) next = snap(def.dist, value + (up ? step : -step));
        out[def.path] = next;
        perturbed[def.path] = up ? 'x1.2' : 'x0.8';
      }
    }
    return { params: out, perturbed };
  }
}
