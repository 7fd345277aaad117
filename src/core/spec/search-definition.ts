// The spec's `search` section: what to search, how, for how long, and what counts as better.
// Field shapes live here (validation, defaults and the JSON Schema come from them like every other
// section); rules that look at the rest of the spec (a parameter's path must name a real field,
// a condition must name an earlier parameter) are in search-rules.ts.
import type { FieldDef, ObjectField, TaggedField } from './fields.ts';

export const SEARCH_METHODS = ['grid', 'random', 'tpe', 'evolution', 'pbt', 'rl'] as const;
export const PRUNER_KINDS = ['none', 'median', 'asha'] as const;
export const DIRECTIONS = ['min', 'max'] as const;
export const OBJECTIVE_VALUES = ['last', 'best', 'epoch'] as const;

const when: FieldDef = {
  kind: 'map', default: null, nullable: true,
  values: { kind: 'scalar', default: null, list: true, description: 'The value (or list of values) that turns this parameter on.' },
  description: 'Conditional parameter: active only when the named earlier parameter of the space takes this value (or one of these values), e.g. {"train.optimizer.kind": ["sgd", "momentum"]}; null = always active.',
};

// Bounds have no default: a missing one stays null and search-rules.ts says it is required.
const bound = (what: string): FieldDef => ({ kind: 'number', default: null, description: what });

export const searchParamDefinition: TaggedField = {
  kind: 'tagged', ref: 'searchParam', tag: 'type',
  description: 'One searched parameter, keyed by its dotted spec path; `type` says how its values are drawn.',
  variants: {
    categorical: { description: 'One of a list of values (enums, batch sizes, activations, on/off).', fields: {
      choices: { kind: 'array', minItems: 1, default: [], items: { kind: 'scalar', default: null, description: 'A value.' }, description: 'The values to choose from.' },
      when,
    } },
    int: { description: 'An integer in [low, high] (units, layers, epochs).', fields: {
      low: bound('Smallest value.'),
      high: bound('Largest value.'),
      step: { kind: 'number', integer: true, min: 1, default: 1, description: 'Only low, low + step, ... (must be 1 with log).' },
      log: { kind: 'boolean', default: false, description: 'Sample uniformly in log space (16, 32, 64, ... equally likely ranges).' },
      when,
    } },
    uniform: { description: 'A real number in [low, high], uniformly.', fields: {
      low: bound('Smallest value.'),
      high: bound('Largest value.'),
      step: { kind: 'number', exclusiveMin: 0, default: null, nullable: true, description: 'Quantize to low + k·step; null = continuous.' },
      when,
    } },
    loguniform: { description: 'A positive real number in [low, high], uniformly in log space (learning rates, weight decays).', fields: {
      low: { kind: 'number', exclusiveMin: 0, default: null, description: 'Smallest value (> 0).' },
      high: { kind: 'number', exclusiveMin: 0, default: null, description: 'Largest value.' },
      when,
    } },
  },
};

export const searchDefinition: ObjectField = { kind: 'object', optional: true,
  description: 'Hyperparameter search: a sweep of trials, each a run of this spec with the searched fields set. Absent = a single run.',
  fields: {
    method: { kind: 'enum', values: SEARCH_METHODS, default: 'tpe', description: 'grid: every cell once; random; tpe: Tree-structured Parzen Estimator (Optuna\'s algorithm); evolution: regularized evolution; pbt: population-based training (members copy better members\' checkpoints and perturb their parameters during training); rl: a REINFORCE controller over the choices.' },
    space: { kind: 'map', default: {}, values: searchParamDefinition,
      description: 'The parameters, keyed by dotted spec path ("train.optimizer.lr", "model.layers.1.units") or a virtual parameter: "model.depth" (how many times search.architecture.block appears), "model.compound.phi", "model.compound.alpha", "model.compound.beta" (EfficientNet compound scaling of the conv layers: depth α^φ, width β^φ). Order matters only for conditions: a condition names an earlier parameter.' },
    budget: { kind: 'object', description: 'When the sweep stops: whichever limit comes first.', fields: {
      trials: { kind: 'number', integer: true, min: 1, default: null, nullable: true, description: 'Number of trials; null = no limit (a grid stops when every cell is done).' },
      timeSeconds: { kind: 'number', exclusiveMin: 0, default: null, nullable: true, description: 'Wall-clock seconds after which no new trial starts; null = no limit.' },
    } },
    parallelism: { kind: 'number', integer: true, min: 1, max: 64, default: 1, description: 'Trials trained at the same time (one engine process each).' },
    objective: { kind: 'object', description: 'What the search optimizes.', fields: {
      metric: { kind: 'string', default: 'val.loss', description: 'A stored metric key, e.g. val.loss, val.acc, train.loss.' },
      direction: { kind: 'enum', values: DIRECTIONS, default: 'min', description: 'min for losses, max for accuracies.' },
      value: { kind: 'enum', values: OBJECTIVE_VALUES, default: 'last', description: 'last: the metric\'s final value; best: its best value over the run; epoch: its value at the end of `epoch`.' },
      epoch: { kind: 'number', integer: true, min: 1, default: null, nullable: true, description: 'With value "epoch": which epoch (1-based).' },
    } },
    seed: { kind: 'number', integer: true, min: 0, default: 0, description: 'Seed of the sampler: the same seed and results give the same trials.' },
    pruner: { kind: 'object', description: 'Early stopping of weak trials, judged on the objective metric after each epoch.', fields: {
      kind: { kind: 'enum', values: PRUNER_KINDS, default: 'none', description: 'none; median: stop a trial worse than the median of finished trials at the same epoch; asha: asynchronous successive halving.' },
      startupTrials: { kind: 'number', integer: true, min: 0, default: 5, description: 'median: finished trials needed before any is stopped.' },
      warmupSteps: { kind: 'number', integer: true, min: 0, default: 0, description: 'median: epochs a trial always runs.' },
      minResource: { kind: 'number', integer: true, min: 1, default: 1, description: 'asha: epochs at the first rung (r).' },
      reductionFactor: { kind: 'number', integer: true, min: 2, default: 4, description: 'asha: η; only the top 1/η of a rung goes on to the next, η times longer.' },
      minEarlyStoppingRate: { kind: 'number', integer: true, min: 0, default: 0, description: 'asha: s; the first rung is at r·η^s.' },
    } },
    grid: { kind: 'object', description: 'Grid search.', fields: {
      points: { kind: 'number', integer: true, min: 1, default: 5, description: 'Values per continuous parameter: evenly spaced, log-spaced for loguniform and log int (ends included). Categorical and stepped parameters use every value.' },
    } },
    tpe: { kind: 'object', description: 'TPE (defaults are Optuna\'s).', fields: {
      startupTrials: { kind: 'number', integer: true, min: 0, default: 10, description: 'Random trials before TPE starts.' },
      eiCandidates: { kind: 'number', integer: true, min: 1, default: 24, description: 'Candidates drawn from l(x) per suggestion; the best l(x)/g(x) is kept.' },
      multivariate: { kind: 'boolean', default: true, description: 'One joint estimator over the unconditional parameters (captures interactions; Optuna ≥ 4\'s default); false = one estimator per parameter.' },
      constantLiar: { kind: 'boolean', default: true, description: 'Count running trials as the worst, so parallel trials spread out.' },
      priorWeight: { kind: 'number', exclusiveMin: 0, default: 1, description: 'Weight of the prior kernel.' },
      magicClip: { kind: 'boolean', default: true, description: 'Lower-bound the kernel widths by (high − low)/min(100, n + 2).' },
      equalWeights: { kind: 'boolean', default: false, description: 'Weigh all observations equally (default: older ones fade once there are more than 25).' },
    } },
    evolution: { kind: 'object', description: 'Regularized evolution.', fields: {
      populationSize: { kind: 'number', integer: true, min: 2, default: 20, description: 'Living members; the oldest dies when a child is born.' },
      sampleSize: { kind: 'number', integer: true, min: 1, default: 5, description: 'Tournament size.' },
      mutationProbability: { kind: 'number', min: 0, max: 1, default: 0.2, description: 'Chance that each parameter mutates (at least one always does).' },
    } },
    pbt: { kind: 'object', description: 'Population-based training.', fields: {
      populationSize: { kind: 'number', integer: true, min: 2, default: 8, description: 'Members trained side by side.' },
      quantile: { kind: 'number', exclusiveMin: 0, max: 0.5, default: 0.25, description: 'The bottom quantile copies the top quantile.' },
      resampleProbability: { kind: 'number', min: 0, max: 1, default: 0.25, description: 'Chance that a copied parameter is drawn afresh instead of multiplied by 0.8 or 1.2.' },
      interval: { kind: 'number', integer: true, min: 1, default: 1, description: 'Epochs between exploit/explore decisions.' },
    } },
    rl: { kind: 'object', description: 'REINFORCE controller.', fields: {
      learningRate: { kind: 'number', exclusiveMin: 0, default: 0.5, description: 'Step size on the policy\'s logits.' },
      baselineDecay: { kind: 'number', min: 0, exclusiveMax: 1, default: 0.8, description: 'Decay of the moving-average baseline.' },
      bins: { kind: 'number', integer: true, min: 2, default: 8, description: 'Bins a numeric parameter is cut into.' },
    } },
    architecture: { kind: 'object', description: 'Architecture search.', fields: {
      block: { kind: 'array', nullable: true, default: null, items: { kind: 'number', integer: true, min: 0, default: null, description: 'A layer index.' },
        description: '[first, last]: the model.layers (inclusive) that model.depth repeats; null = the hidden layers, i.e. those after the last flatten (or the first layer) and before the output layer.' },
    } },
  },
};
