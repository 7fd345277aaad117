// Small in-memory problems and a recording reporter for the training-loop tests.
import { applyOverrides, defaultSpec, type Spec } from '../../../src/core/spec/index.ts';
import type { Dataset } from '../../../src/engine/data/dataset.ts';
import type { LoadedData } from '../../../src/engine/data/load.ts';
import type { TrainControl, TrainReporter } from '../../../src/engine/train/reporter.ts';
import { Rng } from '../../../src/engine/rng.ts';

/** k Gaussian blobs in `features` dimensions. */
export function blobs(count: number, seed: number, k = 3, features = 4): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(count * features);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % k;
    y[i] = c;
    for (let f = 0; f < features; f++) x[i * features + f] = (f % k === c ? 1.5 : -0.5) + rng.normal();
  }
  return { x, y, count, shape: [features] };
}

export function blobData(k = 3, features = 4): LoadedData {
  return {
    train: blobs(240, 1, k, features), validation: blobs(60, 2, k, features), test: blobs(90, 3, k, features),
    classNames: Array.from({ length: k }, (_, i) => `c${i}`), shape: [features], images: false, background: 0, source: 'blobs',
  };
}

/** A spec for the blobs: a 4-16-3 MLP, few epochs, nothing written to disk. */
export function blobSpec(overrides: Record<string, unknown> = {}): Spec {
  return applyOverrides(defaultSpec(), {
    'model.layers': [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 3 }],
    'train.epochs': 3, 'train.batchSize': 16, 'train.statsEvery': 0, 'train.metricsEvery': 1,
    'train.optimizer.kind': 'sgd', 'train.optimizer.lr': 0.05,
    ...overrides,
  });
}

export interface Recorded {
  metrics: { step: number; epoch: number | undefined; values: Record<string, number> }[];
  logs: string[];
  layerStats: { step: number; names: string[] }[];
  artifacts: string[];
}

export function recorder(): TrainReporter & { recorded: Recorded } {
  const recorded: Recorded = { metrics: [], logs: [], layerStats: [], artifacts: [] };
  return {
    recorded,
    metrics: (step, epoch, values) => recorded.metrics.push({ step, epoch, values }),
    layerStats: (step, layers) => recorded.layerStats.push({ step, names: layers.map((l) => l.name) }),
    log: (level, message) => recorded.logs.push(`${level}: ${message}`),
    artifact: (kind, path) => recorded.artifacts.push(`${kind}:${path}`),
  };
}

/** Stops once `steps` steps have run (checked between steps, like a host's stop message). */
export function stopAfter(steps: number): TrainControl & { pauses: number } {
  const control = { pauses: 0, shouldStop: () => control.pauses > steps, pause: async () => { control.pauses++; } };
  return control;
}

export const fixedClock = (): number => 0;
