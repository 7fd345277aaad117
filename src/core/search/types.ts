// The vocabulary of hyperparameter search, shared by the samplers, the pruners, the spec's
// `search` section and the sweep runtime that drives them. Everything here is plain data (JSON
// round-trips it), so a sweep can be stored and resumed exactly.
//
// How the parts fit:
//   - The spec's `search` section is validated by the spec (src/core/spec) and turned into a
//     SearchConfig by `searchConfigOf(spec)` (src/core/search/config.ts).
//   - A Sampler proposes the next trial's parameters from the history of every trial so far
//     (finished AND running: running trials are how parallel workers avoid duplicates). It keeps
//     no hidden state beyond what `state()` returns; `createSampler(config, state)` rebuilds it.
//     Given the same config, seed, history and state, `ask` returns the same parameters.
//   - A Pruner looks at a running trial's intermediate values against the history and says
//     whether to stop it now (median stopping, ASHA).
//   - PBT is not a per-trial sampler: its controller decides, at a checkpoint, whether a member
//     keeps training or copies a better member's checkpoint with perturbed parameters.
//   - `materializeTrial(spec, params, config)` (src/core/search/apply.ts) writes a trial's
//     parameters into a copy of the spec, virtual parameters included (`model.depth`,
//     `model.compound.*`), and returns the spec the trial runs.
//
// Values are "oriented" nowhere: TrialRecord.value is the metric as measured; every consumer
// reads it through `lossOf(trial, direction)` (src/core/search/objective.ts), which maps it to a
// number to minimize and maps NaN, ±Infinity and null (diverged or missing) to +Infinity, the
// worst possible value.
import type { JsonValue } from '../spec/types.ts';

export type { JsonValue };

/** A hyperparameter's value: what a spec field holds (strings for enums). */
export type ParamValue = number | string | boolean | null;

/** One trial's parameters, keyed by dotted spec path. Inactive conditional parameters are absent. */
export type Params = { [path: string]: ParamValue };

/**
 * Where a parameter's values come from.
 * - categorical: one of `choices` (any scalar JSON values).
 * - int: integers in [low, high] on the grid low, low + step, ...; `log` samples log-uniformly
 *   (step must be 1 then, as in Optuna).
 * - uniform: reals in [low, high]; `step` quantizes to low + k·step (null = continuous).
 * - loguniform: reals in [low, high] (0 < low), uniform in log space.
 */
export type Distribution =
  | { type: 'categorical'; choices: readonly ParamValue[] }
  | { type: 'int'; low: number; high: number; step: number; log: boolean }
  | { type: 'uniform'; low: number; high: number; step: number | null }
  | { type: 'loguniform'; low: number; high: number };

export type DistributionType = Distribution['type'];

/** A parameter is active only when the named (earlier) parameter takes one of these values. */
export interface ParamCondition {
  path: string;
  oneOf: readonly ParamValue[];
}

export interface ParamDef {
  /** Dotted spec path ("train.optimizer.lr", "model.layers.1.units") or a virtual parameter. */
  path: string;
  dist: Distribution;
  condition: ParamCondition | null;
}

/** Ordered: a conditional parameter comes after the parameter its condition names. */
export type SearchSpace = readonly ParamDef[];

/**
 * Virtual parameters: not spec fields, but rules that rewrite model.layers.
 * - model.depth: how many times the repeated block (search.architecture.block) appears.
 * - model.compound.phi/alpha/beta: EfficientNet compound scaling of a CNN (depth α^φ, width β^φ;
 *   the engine cannot resize inputs, so the resolution factor γ is fixed at 1).
 */
export const VIRTUAL_PARAMS = ['model.depth', 'model.compound.phi', 'model.compound.alpha', 'model.compound.beta'] as const;
export type VirtualParam = (typeof VIRTUAL_PARAMS)[number];

export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

export interface IntermediateValue {
  /** The resource spent so far (an epoch or a step count; the pruner's unit). */
  step: number;
  /** The objective metric at that step, as measured (not oriented). */
  value: number;
}

export interface TrialRecord {
  /** 0-based order in which the trials were asked for; unique within a sweep. */
  number: number;
  params: Params;
  state: TrialState;
  /** The objective as measured (not oriented); null while running or when none was reported. */
  value: number | null;
  intermediate: readonly IntermediateValue[];
}

export type Direction = 'min' | 'max';

export type SearchMethod = 'grid' | 'random' | 'tpe' | 'evolution' | 'pbt' | 'rl';

export interface Sampler {
  readonly method: SearchMethod;
  /**
   * The next trial's parameters. `history` holds every trial asked for so far, in any state;
   * trials still running count as taken (TPE lies about their value, grid skips their cell).
   * Throws SEARCH_EXHAUSTED (HyperlabError) when a finite space (grid) has no cell left.
   */
  ask(history: readonly TrialRecord[]): Params;
  /** Everything needed to go on exactly where this sampler stands (PRNG included). */
  state(): JsonValue;
}

export interface PruneDecision {
  prune: boolean;
  /** ASHA: the rung the trial just reached (0-based), null for other pruners or between rungs. */
  rung: number | null;
  /** Why, for a log line: "below the median of 7 trials at step 3 (0.41 > 0.37)". */
  reason: string;
}

export interface Pruner {
  readonly kind: PrunerKind;
  /** Called after each intermediate value; `trial` is running and `history` holds all trials (it included). */
  shouldPrune(trial: TrialRecord, history: readonly TrialRecord[]): PruneDecision;
}

/** PBT at a member's checkpoint: keep going, or load `source`'s checkpoint and go on with `params`. */
export type PbtDecision =
  | { kind: 'continue' }
  | { kind: 'exploit'; source: number; params: Params; perturbed: { [path: string]: 'x0.8' | 'x1.2' | 'resampled' | 'copied' } };

export interface PbtController {
  /** The initial parameters of a new member (random over the space). */
  ask(history: readonly TrialRecord[]): Params;
  /** Decide for `member` (running, with intermediate values) against the population. */
  decide(member: TrialRecord, population: readonly TrialRecord[]): PbtDecision;
  state(): JsonValue;
}

// ── Options of each method and pruner: the spec's search.<method> objects, defaults filled ──

export interface GridOptions {
  /** Points per continuous parameter (evenly spaced; log-spaced on log scales, ends included). */
  points: number;
}

export interface TpeOptions {
  /** Trials sampled at random before TPE starts (Optuna: n_startup_trials = 10). */
  startupTrials: number;
  /** Candidates drawn from l(x), the best one by l(x)/g(x) kept (Optuna: n_ei_candidates = 24). */
  eiCandidates: number;
  /** One joint Parzen estimator over all parameters instead of one per parameter. */
  multivariate: boolean;
  /** Running trials join the "bad" group with the worst value seen, so parallel asks differ. */
  constantLiar: boolean;
  /** Weight of the prior (a wide Gaussian / uniform over categories) among the kernels (1.0). */
  priorWeight: number;
  /** Bandwidths at least (high − low)/min(100, 1 + n) (Optuna's consider_magic_clip). */
  magicClip: boolean;
  /** Equal weights for every observation instead of Optuna's ramp that down-weights old ones. */
  equalWeights: boolean;
}

export interface EvolutionOptions {
  /** Size of the living population (oldest dies first: ageing). */
  populationSize: number;
  /** Tournament size: members drawn at random, the best becomes the parent. */
  sampleSize: number;
  /** Each parameter is mutated with this probability (at least one always is). */
  mutationProbability: number;
}

export interface PbtOptions {
  populationSize: number;
  /** Members below this quantile copy one above 1 − quantile (0.25 = bottom 25% copy top 25%). */
  quantile: number;
  /** Each numeric parameter is resampled with this probability, else multiplied by 0.8 or 1.2. */
  resampleProbability: number;
  /** Decide every N steps of the intermediate values (epochs by default). */
  interval: number;
}

export interface RlOptions {
  /** REINFORCE step size on the logits. */
  learningRate: number;
  /** Decay of the moving-average baseline (b ← decay·b + (1 − decay)·reward). */
  baselineDecay: number;
  /** Numeric parameters are discretized into this many bins (log bins for log scales). */
  bins: number;
}

export type PrunerKind = 'none' | 'median' | 'asha';

export interface PrunerConfig {
  kind: PrunerKind;
  /** median: trials that must finish before any is pruned. */
  startupTrials: number;
  /** median: steps a trial runs before it may be pruned. */
  warmupSteps: number;
  /** asha: the resource of the first rung (r in Li et al.). */
  minResource: number;
  /** asha: η; a trial is promoted past a rung when in the top 1/η of that rung. */
  reductionFactor: number;
  /** asha: s; rung k sits at minResource·η^(s + k). */
  minEarlyStoppingRate: number;
}

export interface Objective {
  /** A stored metric key ("val.acc", "val.loss"). */
  metric: string;
  direction: Direction;
  /** last: the final value; best: the best over the run; epoch: the value at the end of `epoch`. */
  value: 'last' | 'best' | 'epoch';
  epoch: number | null;
}

export interface SearchConfig {
  method: SearchMethod;
  space: SearchSpace;
  budget: { trials: number | null; timeSeconds: number | null };
  parallelism: number;
  objective: Objective;
  seed: number;
  pruner: PrunerConfig;
  grid: GridOptions;
  tpe: TpeOptions;
  evolution: EvolutionOptions;
  pbt: PbtOptions;
  rl: RlOptions;
  /** The layers model.depth repeats: model.layers[first..last], inclusive. */
  architecture: { block: { first: number; last: number } };
}
