// Tuning by hand, as specs: the sanity-check ("overfit a tiny subset") spec, regularization off,
// and the babysitting steps (a coarse log-scale LR grid, then a fine linear one around the best),
// each a grid sweep over train.optimizer.lr. Pure: the CLI (and the extension) run them.
import { applyOverrides } from '../spec/index.ts';
import type { LayerSpec, Spec } from '../spec/types.ts';

/** The spec with every regularizer off: dropout rate 0, no penalties, no noise, no augmentation, no early stopping, no SWA, no label smoothing. */
export function withoutRegularization(spec: Spec): Spec {
  const layers = (list: LayerSpec[]): LayerSpec[] => list.map((layer) => {
    if (layer.type === 'dropout') return { ...layer, rate: 0 };
    if (layer.type === 'residual') return { ...layer, layers: layers(layer.layers) };
    return layer;
  });
  const { search: _search, ...rest } = spec;
  return applyOverrides({ ...rest, model: { ...spec.model, layers: layers(spec.model.layers) } }, {
    'train.l1': 0, 'train.l2': 0, 'train.weightDecay': 0, 'train.noise.weights': 0, 'train.noise.inputs': 0,
    'train.earlyStopping.enabled': false, 'train.swa.enabled': false, 'train.loss.labelSmoothing': 0,
    'data.augmentation.shift': 0, 'data.augmentation.hflip': false, 'data.augmentation.noise': 0,
  });
}

export interface OverfitOptions {
  samples: number;
  epochs: number;
}

/** Training accuracy a correct model reaches on a tiny subset. */
export const OVERFIT_TARGET = 0.99;

/** The tiny-subset spec: `samples` training samples, no validation, regularization off. */
export function overfitSpec(spec: Spec, options: OverfitOptions): Spec {
  return applyOverrides(withoutRegularization(spec), {
    'data.limit': options.samples, 'data.validationFraction': 0, 'data.testLimit': Math.min(spec.data.testLimit ?? options.samples, options.samples),
    'train.epochs': options.epochs, 'train.batchSize': Math.min(spec.train.batchSize, options.samples), 'train.checkpoint.best': false, 'train.checkpoint.last': false,
    'train.statsEvery': 0,
  });
}

/** Learning rates log-spaced over [low, high], ends included. */
export function logGrid(low: number, high: number, count: number): number[] {
  if (count === 1) return [Math.sqrt(low * high)];
  return Array.from({ length: count }, (_, i) => round(Math.exp(Math.log(low) + (i * (Math.log(high) - Math.log(low))) / (count - 1))));
}

/** Learning rates linearly spaced from best/2 to 2·best, ends included. */
export function fineGrid(best: number, count: number): number[] {
  const low = best / 2, high = best * 2;
  if (count === 1) return [best];
  return Array.from({ length: count }, (_, i) => round(low + (i * (high - low)) / (count - 1)));
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}

export interface BabysitStep {
  name: string;
  epochs: number;
  lrs: number[];
}

/** A grid sweep over the learning rate of the spec with regularization off. */
export function lrGridSpec(spec: Spec, step: BabysitStep, objective: { metric: string; direction: 'min' | 'max' }, parallelism: number): Spec {
  const base = withoutRegularization(spec);
  return applyOverrides({ ...base, name: `${spec.name ?? 'experiment'}-${step.name}` }, {
    'train.epochs': step.epochs,
    search: {
      method: 'grid', parallelism,
      space: { 'train.optimizer.lr': { type: 'categorical', choices: step.lrs } },
      budget: { trials: null, timeSeconds: null },
      objective: { metric: objective.metric, direction: objective.direction, value: 'last' },
    },
  });
}
