// A new sweep from a validated spec with a `search` section: its configuration (with the
// command line's --trials/--parallelism), the spec every trial starts from, and an empty state.
import { HyperlabError } from '../errors.ts';
import { searchConfigOf } from '../search/index.ts';
import type { SearchConfig } from '../search/types.ts';
import { producerSpecObject, type ProducerSpec } from '../spec/producer.ts';
import type { Spec } from '../spec/types.ts';
import type { JsonObject, Store, Sweep } from '../store/types.ts';
import type { DriverState } from './types.ts';

export interface NewSweepOptions {
  /** An engine spec, or a spec with a producer section (parseProducerSpec): its trials run its script. */
  spec: Spec | ProducerSpec;
  specPath: string | null;
  experiment: string;
  /** Override search.budget.trials. */
  trials?: number;
  /** Override search.parallelism. */
  parallelism?: number;
  name?: string;
}

function isScript(spec: Spec | ProducerSpec): spec is ProducerSpec {
  return 'config' in spec && 'hyperlab' in spec;
}

export function sweepConfig(given: Spec | ProducerSpec, options: { trials?: number; parallelism?: number } = {}): SearchConfig {
  // A script's spec has no engine layers (search.architecture is refused for it) and no PBT.
  const spec = isScript(given) ? { search: given.search, model: { layers: [] } } as unknown as Spec : given;
  const config = searchConfigOf(spec);
  if (config === null) {
    throw new HyperlabError('SPEC_INVALID', 'the spec has no "search" section, so there is nothing to sweep',
      'Add a search section (method, space, budget, objective), e.g. from media/templates/fashion-mnist-grid.hyperlab.json, or train it once with `hyperlab run`.');
  }
  if (config.space.length === 0) {
    throw new HyperlabError('SPEC_INVALID', 'search.space: empty; a sweep needs at least one parameter', 'Add a parameter, e.g. "train.optimizer.lr": {"type": "loguniform", "low": 1e-4, "high": 1e-1}.');
  }
  const budget = { ...config.budget };
  if (options.trials !== undefined) budget.trials = checkCount(options.trials, '--trials');
  const parallelism = options.parallelism !== undefined ? checkCount(options.parallelism, '--parallelism') : config.parallelism;
  if (config.method !== 'grid' && config.method !== 'pbt' && budget.trials === null && budget.timeSeconds === null) {
    throw new HyperlabError('SPEC_INVALID', `search.budget: a ${config.method} search needs a budget (trials or timeSeconds); only a grid ends by itself`,
      'Set search.budget.trials (e.g. 30) or search.budget.timeSeconds, or pass --trials N.');
  }
  if (config.method === 'pbt' && spec.train.epochs <= config.pbt.interval) {
    throw new HyperlabError('SPEC_INVALID', `search.pbt.interval: ${config.pbt.interval} epochs leaves no decision before train.epochs (${spec.train.epochs})`,
      'Train for more epochs than the interval, e.g. train.epochs = 4 × interval.');
  }
  return { ...config, budget, parallelism };
}

function checkCount(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new HyperlabError('USAGE', `${name} must be an integer ≥ 1, got ${value}`, `e.g. ${name} 4`);
  return value;
}

export function createSweep(store: Store, options: NewSweepOptions): Sweep {
  const config = sweepConfig(options.spec, options);
  const state: DriverState = { sampler: null, nextNumber: 0 };
  return store.sweeps.create({
    experiment: options.experiment, name: options.name ?? `${config.method} sweep`,
    config: config as unknown as JsonObject, specPath: options.specPath,
    spec: (isScript(options.spec) ? producerSpecObject(options.spec) : options.spec) as unknown as JsonObject,
    budgetTrials: config.method === 'pbt' ? config.pbt.populationSize : config.budget.trials, budgetSeconds: config.budget.timeSeconds,
    parallelism: config.parallelism, state: state as unknown as JsonObject,
  });
}
