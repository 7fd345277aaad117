// The Sweep dashboard's data rules: trial values and curves read from a real store, the best
// trial, the best-so-far line, worker lanes, importance and the best trial's spec.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Run } from '../../../src/core/store/types.ts';
import { assignWorkers, bestSoFar, quantileBins, trialParams, withParams } from '../../../src/core/webview/sweep-data.ts';
import { fixtureLoss, fixtureSweepView, sweepFixtureStore, SWEEP_BATCHES, SWEEP_EPOCHS, SWEEP_LRS } from '../../fixtures/stores/sweepStore.ts';

const fixture = sweepFixtureStore();
after(() => fixture.remove());

test('each trial carries its parameters, its last objective value and its per-epoch curve', () => {
  const view = fixtureSweepView(fixture);
  assert.equal(view.trials.length, SWEEP_LRS.length);
  const third = view.trials[2]!;
  assert.deepEqual(third.params, { 'train.optimizer.lr': SWEEP_LRS[2], 'train.batchSize': SWEEP_BATCHES[2] });
  assert.equal(third.value, fixtureLoss(SWEEP_LRS[2]!, SWEEP_BATCHES[2]!, SWEEP_EPOCHS));
  assert.deepEqual(third.intermediate.xs, [1, 2, 3, 4, 5], 'epoch-end points land on whole epochs');
  assert.deepEqual(third.intermediate.ys, [1, 2, 3, 4, 5].map((e) => fixtureLoss(SWEEP_LRS[2]!, SWEEP_BATCHES[2]!, e)));
  assert.equal(view.trials[9]!.status, 'running');
  assert.equal(view.trials[9]!.intermediate.xs.length, 3);
});

test('the best trial is the finished one with the lowest loss; a failed or running trial never is', () => {
  const view = fixtureSweepView(fixture);
  const finished = view.trials.filter((t) => t.status === 'finished');
  const expected = finished.reduce((a, b) => (b.value! < a.value! ? b : a));
  assert.equal(view.bestRunId, expected.runId);
  assert.equal(expected.params['train.optimizer.lr'], 0.01, 'the fixture is best at lr = 0.01');
  assert.ok(view.bestSpec);
  const spec = JSON.parse(view.bestSpec) as { train: { optimizer: { lr: number; kind: string }; batchSize: number } };
  assert.equal(spec.train.optimizer.lr, 0.01);
  assert.equal(spec.train.optimizer.kind, 'sgd', 'fields not searched keep the sweep spec\'s values');
  assert.equal(spec.train.batchSize, 32);
});

test('trials that overlap in time go to different workers; parallelism 2 uses exactly 2 lanes', () => {
  const view = fixtureSweepView(fixture);
  assert.deepEqual(view.trials.map((t) => t.worker), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  assert.deepEqual(assignWorkers([{ start: 0, end: 10 }, { start: 5, end: 20 }, { start: 11, end: 30 }, { start: 12, end: null }, { start: null, end: null }]), [0, 1, 0, 2, 0]);
});

test('best so far only improves, ignores failed trials and starts at the first finished one', () => {
  assert.deepEqual(bestSoFar([
    { value: null, status: 'failed' }, { value: 3, status: 'finished' }, { value: 1, status: 'failed' }, { value: 4, status: 'finished' }, { value: 2, status: 'finished' },
  ], 'min'), [null, 3, 3, 3, 2]);
  assert.deepEqual(bestSoFar([{ value: 0.5, status: 'finished' }, { value: 0.7, status: 'finished' }, { value: 0.6, status: 'pruned' }], 'max'), [0.5, 0.7, 0.7]);
});

test('learning rate explains more of the loss than batch size, and lr is drawn on a log axis', () => {
  const view = fixtureSweepView(fixture);
  assert.equal(view.importance[0]?.path, 'train.optimizer.lr');
  const lr = view.params.find((p) => p.path === 'train.optimizer.lr')!;
  assert.equal(lr.log, true);
  assert.equal(view.params.find((p) => p.path === 'train.batchSize')!.log, false);
  assert.match(view.importanceMethod, /need not add up to 100%/);
});

test('trial parameters are read from flat dotted keys and from nested params alike', () => {
  const run = { params: { 'model.layers.1.units': 64, train: { optimizer: { kind: 'adam' } } } } as unknown as Run;
  assert.deepEqual(trialParams(run, [{ path: 'model.layers.1.units' }, { path: 'train.optimizer.kind' }, { path: 'train.missing' }]),
    { 'model.layers.1.units': 64, 'train.optimizer.kind': 'adam', 'train.missing': null });
});

test('withParams sets array elements by index and refuses prototype keys', () => {
  const spec = { model: { layers: [{ units: 8 }, { units: 16 }] } };
  const out = withParams(spec, { 'model.layers.1.units': 32, '__proto__.polluted': 1 }) as { model: { layers: { units: number }[] } };
  assert.equal(out.model.layers[1]!.units, 32);
  assert.equal(spec.model.layers[1]!.units, 16, 'the input is not changed');
  assert.equal(({} as { polluted?: number }).polluted, undefined);
});

test('quantile bins keep equal values together and make the number of bins asked for', () => {
  const pairs = [5, 1, 3, 3, 3, 2, 8, 7, 6].map((key, i) => ({ key, y: i }));
  const bins = quantileBins(pairs, 3);
  assert.equal(bins.length, 3);
  assert.deepEqual(bins.map((b) => b.length).reduce((a, b) => a + b), 9);
  // keys 1, 2 | 3, 3, 3 | 5, 6, 7, 8: the three 3s are never split.
  assert.deepEqual(bins.map((b) => b.map((i) => pairs[i]!.key)), [[1, 2, 3, 3, 3], [5, 6, 7], [8]].map((keys) => keys), 'bins close at a value change once they hold n/bins');
});
