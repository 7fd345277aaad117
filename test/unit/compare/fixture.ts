// A small comparison dataset built through the real builder from plain run records.
import { buildCompareDataset } from '../../../src/core/compare/dataset.ts';
import type { CompareDataset } from '../../../src/core/compare/types.ts';
import type { MetricRange, Run } from '../../../src/core/store/types.ts';
import type { Params } from '../../../src/core/protocol/messages.ts';

export function run(id: number, name: string, params: Params, summary: Params | null = null, status: Run['status'] = 'finished'): Run {
  return { id, experimentId: 1, experimentName: 'mlp', sweepId: null, name, status, reason: null, params, summary, specPath: null, pid: null, createdAt: id, startedAt: id, endedAt: id };
}

export function range(runId: number, key: string, min: number, max: number, last: number): MetricRange {
  return { runId, key, count: 10, min, max, last, lastStep: 9 };
}

/** Four runs: lr over three decades, two optimizers, a constant batch size. */
export function fourRuns(): CompareDataset {
  const runs = [
    run(1, 'a', { 'train.optimizer.lr': 0.001, 'train.optimizer.kind': 'adam', 'train.batchSize': 64 }, { 'test.acc': 0.8 }),
    run(2, 'b', { 'train.optimizer.lr': 0.01, 'train.optimizer.kind': 'adam', 'train.batchSize': 64 }, { 'test.acc': 0.85 }),
    run(3, 'c', { 'train.optimizer.lr': 0.1, 'train.optimizer.kind': 'sgd', 'train.batchSize': 64 }, { 'test.acc': 0.7 }),
    run(4, 'd-failed', { 'train.optimizer.lr': 1, 'train.optimizer.kind': 'sgd', 'train.batchSize': 64 }, null, 'failed'),
  ];
  const ranges = [
    range(1, 'val.loss', 0.5, 2.0, 0.55), range(2, 'val.loss', 0.4, 2.1, 0.45), range(3, 'val.loss', 0.9, 2.3, 1.2),
    range(1, 'lr', 0.001, 0.001, 0.001),
  ];
  return buildCompareDataset(runs, ranges);
}
