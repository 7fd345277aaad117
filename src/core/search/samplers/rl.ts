// A reinforcement-learning controller (Zoph & Le 2017): a policy over the space's choices, trained
// by REINFORCE with a moving-average baseline. Each parameter is one softmax over its choices
// (numeric ones cut into `bins` equal bins of their (log) range, a value drawn uniformly inside
// the chosen bin). Zoph & Le's controller is an RNN that conditions each choice on the previous
// ones; this one is factorized (independent softmaxes), which keeps it small and exact to resume.
// For each finished trial, in trial order: reward R = its loss's rank among the trials so far,
// on [−1, 1] (see rankReward), advantage A = R − b, then θ ← θ + lr·A·∇log π(choices) for the
// parameters that were active, and b ← d·b + (1 − d)·R. A pruned or failed trial ranks last. The
// policy, the baseline and the trials already learned from are the sampler's state.
import { lossOf } from '../objective.ts';
import type { SearchRng } from '../rng.ts';
import { choiceIndex, fromInternal, internalBounds, isActive, toInternal } from '../space.ts';
import type { Direction, JsonValue, ParamDef, Params, RlOptions, Sampler, SearchSpace, TrialRecord } from '../types.ts';
import { avoidTaken } from './distinct.ts';

export interface RlPolicyState {
  logits: { [path: string]: number[] };
  baseline: number | null;
  /** Trials already learned from, and their losses (null: pruned, failed or diverged). */
  seen: number[];
  losses: (number | null)[];
}

export class RlSampler implements Sampler {
  readonly method = 'rl' as const;
  private readonly policy: RlPolicyState;

  private readonly space: SearchSpace;
  private readonly direction: Direction;
  private readonly options: RlOptions;
  private readonly rng: SearchRng;

  constructor(space: SearchSpace, direction: Direction, options: RlOptions, rng: SearchRng, policy: RlPolicyState | null) {
    this.space = space;
    this.direction = direction;
    this.options = options;
    this.rng = rng;
    this.policy = policy ?? {
      logits: Object.fromEntries(space.map((def) => [def.path, new Array<number>(this.arms(def)).fill(0)])),
      baseline: null, seen: [], losses: [],
    };
  }

  state(): JsonValue {
    return { method: 'rl', rng: this.rng.state, policy: structuredClone(this.policy) as unknown as JsonValue };
  }

  /** The current probabilities of each parameter's choices (for tests and the dashboard). */
  probabilities(path: string): number[] {
    return softmax(this.policy.logits[path] ?? []);
  }

  ask(history: readonly TrialRecord[]): Params {
    this.learn(history);
    return avoidTaken(this.space, history, () => this.draw(), this.rng);
  }

  private arms(def: ParamDef): number {
    return def.dist.type === 'categorical' ? def.dist.choices.length : this.options.bins;
  }

  private draw(): Params {
    const params: Params = {};
    for (const def of this.space) {
      if (!isActive(def, params)) continue;
      const arm = this.rng.weighted(softmax(this.policy.logits[def.path]!));
      if (def.dist.type === 'categorical') {
        params[def.path] = def.dist.choices[arm]!;
      } else {
        const { low, high } = internalBounds(def.dist);
        const width = (high - low) / this.options.bins;
        params[def.path] = fromInternal(def.dist, low + width * (arm + this.rng.next()));
      }
    }
    return params;
  }

  private armOf(def: ParamDef, params: Params): number {
    const value = params[def.path];
    if (def.dist.type === 'categorical') return choiceIndex(def.dist, value ?? null);
    if (typeof value !== 'number') return -1;
    const { low, high } = internalBounds(def.dist);
    const bin = Math.floor(((toInternal(def.dist, value) - low) / (high - low)) * this.options.bins);
    return Math.min(this.options.bins - 1, Math.max(0, bin));
  }

  private learn(history: readonly TrialRecord[]): void {
    const seen = new Set(this.policy.seen);
    const fresh = history.filter((t) => t.state !== 'running' && !seen.has(t.number)).sort((a, b) => a.number - b.number);
    for (const trial of fresh) {
      this.policy.seen.push(trial.number);
      const loss = trial.state === 'complete' ? lossOf(trial, this.direction) : Infinity;
      this.policy.losses.push(Number.isFinite(loss) ? loss : null);
      const reward = rankReward(this.policy.losses, this.policy.losses.length - 1);
      const baseline = this.policy.baseline ?? 0;
      const advantage = reward - baseline;
      for (const def of this.space) {
        const arm = this.armOf(def, trial.params);
        if (arm < 0) continue;
        const logits = this.policy.logits[def.path]!;
        const p = softmax(logits);
        for (let a = 0; a < logits.length; a++) logits[a]! += this.options.learningRate * advantage * ((a === arm ? 1 : 0) - p[a]!);
      }
      const decay = this.options.baselineDecay;
      this.policy.baseline = decay * baseline + (1 - decay) * reward;
    }
  }
}

/**
 * The reward of losses[i]: its rank among all losses seen so far, mapped onto [−1, 1] (best = 1,
 * worst = −1; a missing or diverged one is the worst). Ranks make the step size independent of
 * the metric's units and of outliers, which raw values (Branin spans 0.4 to 300) are not.
 */
export function rankReward(losses: readonly (number | null)[], i: number): number {
  if (losses.length < 2) return 0;
  const mine = losses[i] ?? Infinity;
  let better = 0;
  let ties = 0;
  for (let j = 0; j < losses.length; j++) {
    if (j === i) continue;
    const other = losses[j] ?? Infinity;
    if (other < mine) better++;
    else if (other === mine) ties++;
  }
  const rank = better + ties / 2;
  return 1 - (2 * rank) / (losses.length - 1);
}

function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}
