// Tree-structured Parzen Estimator (Bergstra et al. 2011), following Optuna's TPESampler (5.0):
//   - the first `startupTrials` (10) trials are random;
//   - the finished trials are split: the best γ(n) = min(⌈0.1·n⌉, 25) form l(x), the rest g(x)
//     (complete trials rank first by value, then pruned ones by how far they got and their last
//     intermediate value, then pruned ones without values, then failed ones);
//   - observations are weighted by Optuna's ramp (old ones down-weighted once there are > 25);
//   - 24 candidates are drawn from l(x) and the one with the largest log l(x) − log g(x) wins;
//   - multivariate (the default, as in Optuna ≥ 4 for one objective): one joint estimator over
//     the unconditional parameters, each kernel a product over them (conditional ones stay
//     univariate, as Optuna samples parameters outside the intersection space independently);
//     univariate: one estimator per parameter, fitted on the trials where it is active;
//   - constant liar: running trials join g(x) as the worst, so parallel workers spread out; on top
//     of that a point equal to one already taken is redrawn, so two workers never get the same one.
import { lossOf, orient } from '../objective.ts';
import type { SearchRng } from '../rng.ts';
import { choiceIndex, fromInternal, isActive, isNumeric, samplePoint, toInternal } from '../space.ts';
import type { Direction, JsonValue, ParamDef, Params, Sampler, SearchSpace, TpeOptions, TrialRecord } from '../types.ts';
import { avoidTaken } from './distinct.ts';
import { type Coords, ParzenEstimator } from './parzen.ts';

/** Optuna's default_gamma: how many observations form l(x). */
export function tpeGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default_weights: flat up to 25 observations, then a ramp from 1/n for the oldest. */
export function tpeWeights(count: number): number[] {
  if (count === 0) return [];
  if (count < 25) return new Array<number>(count).fill(1);
  const rampLength = count - 25;
  const ramp = Array.from({ length: rampLength }, (_, i) => (rampLength === 1 ? 1 / count : 1 / count + ((1 - 1 / count) * i) / (rampLength - 1)));
  return [...ramp, ...new Array<number>(25).fill(1)];
}

type Scored = { trial: TrialRecord; key: [number, number] };

/** Sort keys as Optuna's _get_observation_pairs (plus failed trials, ranked just before running ones). */
function scoreOf(trial: TrialRecord, direction: Direction): [number, number] | null {
  switch (trial.state) {
    case 'complete':
      return [-Infinity, lossOf(trial, direction)];
    case 'pruned': {
      const last = trial.intermediate.reduce<{ step: number; value: number } | null>((a, b) => (a === null || b.step >= a.step ? b : a), null);
      return last === null ? [1, 0] : [-last.step, orient(last.value, direction)];
    }
    case 'failed':
      return [2, 0];
    case 'running':
      return [Infinity, Infinity];
  }
}

export class TpeSampler implements Sampler {
  readonly method = 'tpe' as const;

  private readonly space: SearchSpace;
  private readonly direction: Direction;
  private readonly options: TpeOptions;
  private readonly rng: SearchRng;

  constructor(space: SearchSpace, direction: Direction, options: TpeOptions, rng: SearchRng) {
    this.space = space;
    this.direction = direction;
    this.options = options;
    this.rng = rng;
  }

  state(): JsonValue {
    return { method: 'tpe', rng: this.rng.state };
  }

  ask(history: readonly TrialRecord[]): Params {
    return avoidTaken(this.space, history, () => this.draw(history), this.rng);
  }

  private draw(history: readonly TrialRecord[]): Params {
    const scored: Scored[] = [];
    for (const trial of history) {
      if (trial.state === 'running' && !this.options.constantLiar) continue;
      const key = scoreOf(trial, this.direction);
      if (key !== null) scored.push({ trial, key });
    }
    const n = scored.filter((s) => s.key[0] !== Infinity).length;
    if (n < this.options.startupTrials) return samplePoint(this.space, this.rng);

    const order = scored.map((_, i) => i).sort((a, b) => compareKeys(scored[a]!.key, scored[b]!.key) || a - b);
    const nBelow = tpeGamma(n);
    const below = order.slice(0, nBelow).sort((a, b) => a - b).map((i) => scored[i]!.trial);
    const above = order.slice(nBelow).sort((a, b) => a - b).map((i) => scored[i]!.trial);

    const params: Params = {};
    const joint = this.options.multivariate ? this.space.filter((d) => d.condition === null) : [];
    if (joint.length > 0) Object.assign(params, this.sampleJointly(joint, below, above));
    for (const def of this.space) {
      if (def.path in params || !isActive(def, params)) continue;
      Object.assign(params, this.sampleJointly([def], below, above));
    }
    return params;
  }

  /** One Parzen estimator over `defs` for l and one for g; the best of the candidates drawn from l. */
  private sampleJointly(defs: readonly ParamDef[], below: readonly TrialRecord[], above: readonly TrialRecord[]): Params {
    const dists = defs.map((d) => d.dist);
    const belowRows = this.rows(defs, below);
    const aboveRows = this.rows(defs, above);
    const parzen = { priorWeight: this.options.priorWeight, magicClip: this.options.magicClip };
    const weigh = (count: number): number[] => (this.options.equalWeights ? new Array<number>(count).fill(1) : tpeWeights(count));
    const l = new ParzenEstimator(dists, belowRows, weigh(belowRows.length), parzen);
    const g = new ParzenEstimator(dists, aboveRows, weigh(aboveRows.length), parzen);
    const candidates = l.sample(this.rng, this.options.eiCandidates);
    const logL = l.logPdf(candidates);
    const logG = g.logPdf(candidates);
    let best = 0;
    for (let i = 1; i < candidates.length; i++) if (logL[i]! - logG[i]! > logL[best]! - logG[best]!) best = i;
    const chosen = candidates[best]!;
    const out: Params = {};
    defs.forEach((def, j) => {
      out[def.path] = def.dist.type === 'categorical' ? def.dist.choices[chosen[j]!]! : fromInternal(def.dist, chosen[j]!);
    });
    return out;
  }

  /** The trials' coordinates for `defs`, skipping trials where one of them is inactive or off the space. */
  private rows(defs: readonly ParamDef[], trials: readonly TrialRecord[]): Coords[] {
    const rows: Coords[] = [];
    for (const trial of trials) {
      const row: number[] = [];
      for (const def of defs) {
        const value = trial.params[def.path];
        if (value === undefined) break;
        if (isNumeric(def.dist)) {
          const x = typeof value === 'number' ? toInternal(def.dist, value) : NaN;
          if (!Number.isFinite(x)) break;
          row.push(x);
        } else {
          const index = choiceIndex(def.dist, value);
          if (index < 0) break;
          row.push(index);
        }
      }
      if (row.length === defs.length) rows.push(row);
    }
    return rows;
  }
}

function compareKeys(a: [number, number], b: [number, number]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}
