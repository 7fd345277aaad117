// Fixture stores for the Comparison panel: a seeded sweep over learning rate (log-uniform),
// optimizer and width, with a loss bowl around lr = 10^-2.5, written through the real store.
import type { MetricPoint, Store } from '../../src/core/store/types.ts';

export interface SweepOptions { runs: number; steps?: number; seed?: number; experiment?: string }

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
}

export function fillSweep(store: Store, options: SweepOptions): void {
  const rand = seededRandom(options.seed ?? 7);
  const steps = options.steps ?? 20;
  for (let i = 0; i < options.runs; i++) {
    const lr = Number((10 ** (-4 + 3 * rand())).toPrecision(3));
    const kind = rand() < 0.5 ? 'adam' : 'sgd';
    const units = [64, 128, 256][Math.floor(rand() * 3)]!;
    const final = 0.3 + 0.25 * (Math.log10(lr) + 2.5) ** 2 + (kind === 'sgd' ? 0.1 : 0) + 0.05 * rand();
    const run = store.createRun({ experiment: options.experiment ?? 'fashion-mnist-mlp', name: `trial-${String(i + 1).padStart(4, '0')}`, params: {
      'data.dataset': 'fashion-mnist', 'train.epochs': 2, 'train.optimizer.kind': kind, 'train.optimizer.lr': lr, 'model.layers.1.units': units,
    } });
    const points: MetricPoint[] = [];
    for (let s = 0; s < steps; s++) {
      const t = s / Math.max(1, steps - 1);
      points.push({ key: 'train.loss', step: s, time: 1_700_000_000_000 + s * 100, value: final + (2.3 - final) * (1 - t) ** 2 + 0.02 * rand() });
      if (s % 10 === 9 || s === steps - 1) {
        points.push({ key: 'val.loss', step: s, time: 1_700_000_000_000 + s * 100, value: final + 0.05 + (2.3 - final) * (1 - t) ** 2 });
        points.push({ key: 'val.acc', step: s, time: 1_700_000_000_000 + s * 100, value: Math.max(0.1, 0.95 - final / 2 - (1 - t) * 0.6) });
      }
    }
    store.appendMetrics(run.id, points);
    store.markRunning(run.id, null);
    store.endRun(run.id, 'finished', null, { 'test.acc': Math.max(0.1, 0.95 - final / 2), epochs: 2 });
  }
}
