// Tuning by hand: the LR range test (its rule on a curve of known shape, and a real run), the
// overfit sanity check on a good and a broken setup, and the babysitting flow's two sweeps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rangeLr, suggestRange, type LrRangePoint } from '../../../src/engine/train/lr-range.ts';
import { fineGrid, logGrid } from '../../../src/core/sweep/tuning.ts';
import { TINY_MLP, cli, tempDir, withStore, writeSpec } from './helpers.ts';

test('the range rule on a known curve: steepest descent where the loss falls fastest, the minimum ÷ 10 as the top', () => {
  // flat at 2 up to 1e-4, a logistic fall centred at 1e-2 down to 0.5 near 1e-1, then a blow-up
  const options = { minLr: 1e-6, maxLr: 10, steps: 141 };
  const points: LrRangePoint[] = [];
  for (let i = 0; i < options.steps; i++) {
    const lr = rangeLr(options, i);
    const x = Math.log10(lr);
    const smoothed = 0.5 + 1.5 / (1 + Math.exp(3 * (x + 2))) + (x > -1 ? 4 * (x + 1) ** 2 : 0);
    points.push({ lr, loss: smoothed, smoothed });
  }
  const s = suggestRange(points);
  assert.ok(Math.abs(Math.log10(s.steepestLr!) + 2) <= 0.1, `steepest at 1e-2, got ${s.steepestLr}`);
  assert.ok(Math.abs(Math.log10(s.minLossLr!) + 1) <= 0.25, `minimum near 1e-1, got ${s.minLossLr}`);
  assert.deepEqual(s.suggested, { low: s.steepestLr, high: s.minLossLr! / 10 });
  assert.equal(suggestRange(points.slice(0, 2)).suggested, null, 'too few points: no suggestion');
  // each step multiplies the lr by the same factor
  assert.ok(Math.abs(rangeLr(options, 1) / rangeLr(options, 0) - rangeLr(options, 100) / rangeLr(options, 99)) < 1e-9);
  assert.equal(rangeLr(options, options.steps - 1), 10);
});

test('tune lr-range on a real run: lr grows exponentially, the loss is stored against it, the suggested range is where it falls', () => {
  const dir = tempDir();
  const spec = writeSpec(dir, 'lr', TINY_MLP);
  const result = cli(['tune', 'lr-range', spec, '--min', '1e-5', '--max', '10', '--steps', '100', '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { runId: number; status: string; summary: { suggestedLow: number; suggestedHigh: number; rule: string; minLossLr: number } };
  assert.equal(out.status, 'finished');
  assert.match(out.summary.rule, /steepest descent .* minimum ÷ 10/);
  withStore(dir, (store) => {
    const lrs = store.points(out.runId, 'lr_range.lr').map((p) => p.value);
    const smoothed = store.points(out.runId, 'lr_range.smoothed').map((p) => p.value);
    assert.equal(lrs.length, smoothed.length);
    assert.ok(lrs.length > 20);
    const ratio = lrs[1]! / lrs[0]!;
    for (let i = 1; i < lrs.length; i++) assert.ok(Math.abs(lrs[i]! / lrs[i - 1]! / ratio - 1) < 1e-5, 'a constant factor per step');
    const { suggestedLow: low, suggestedHigh: high } = out.summary;
    assert.ok(low > 1e-5 && low <= high && high < 10, `range ${low} … ${high}`);
    const at = (lr: number) => smoothed[lrs.findIndex((v) => v >= lr * 0.9999)]!;
    assert.ok(at(high) < smoothed[0]! - 0.1, `the loss at the top of the range (${at(high)}) is well below the start (${smoothed[0]})`);
    assert.equal(out.summary.suggestedHigh, out.summary.minLossLr / 10);
  });
});

test('tune overfit: a working setup fits 100 samples; a broken one (lr ≈ 0) is told it has a bug', () => {
  const dir = tempDir();
  const spec = writeSpec(dir, 'overfit', TINY_MLP);
  const good = cli(['tune', 'overfit', spec, '--set', 'train.optimizer.lr=0.1', '--json'], dir);
  assert.equal(good.code, 0, good.stderr);
  const passed = JSON.parse(good.stdout) as { passed: boolean; trainAcc: number; samples: number };
  assert.deepEqual([passed.passed, passed.samples], [true, 100]);
  assert.ok(passed.trainAcc >= 0.99);

  const broken = cli(['tune', 'overfit', spec, '--set', 'train.optimizer.lr=1e-9', '--epochs', '10'], dir);
  assert.equal(broken.code, 1);
  assert.match(broken.stdout, /failed: training accuracy \d+\.\d% on 100 samples after 10 epochs, below 99%: your model or pipeline has a bug/);
  withStore(dir, (store) => {
    const runs = store.listRuns({ sortBy: 'id', order: 'asc' });
    assert.equal(runs[1]!.params['data.limit'], 100);
    assert.equal(runs[1]!.status, 'finished', 'no validation set: no NaN validation loss reported as divergence (it was before)');
    assert.ok((runs[1]!.summary!['train.acc'] as number) < 0.5);
  });
});

test('tune babysit: regularization off, a coarse log grid, then a fine linear grid around its best', () => {
  assert.deepEqual(logGrid(1e-5, 1e-1, 5), [1e-5, 1e-4, 1e-3, 1e-2, 1e-1]);
  assert.deepEqual(fineGrid(0.01, 3), [0.005, 0.0125, 0.02]);
  const dir = tempDir();
  const spec = writeSpec(dir, 'babysit', {
    ...TINY_MLP,
    model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 32, activation: 'relu' }, { type: 'dropout', rate: 0.5 }, { type: 'dense', units: 10 }] },
    train: { ...TINY_MLP.train, weightDecay: 0.01 },
  });
  const result = cli(['tune', 'babysit', spec, '--coarse', '3', '--fine', '3', '--epochs-fine', '2', '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { steps: { sweepId: number; lrs: number[]; epochs: number; best: { params: { [k: string]: number } } }[] };
  assert.equal(out.steps.length, 2);
  assert.deepEqual(out.steps[0]!.lrs, [1e-5, 1e-3, 1e-1]);
  const best = out.steps[0]!.best.params['train.optimizer.lr']!;
  assert.deepEqual(out.steps[1]!.lrs, fineGrid(best, 3));
  withStore(dir, (store) => {
    for (const [i, step] of out.steps.entries()) {
      const trials = store.sweeps.trials(step.sweepId);
      assert.deepEqual(trials.map((t) => t.params['train.optimizer.lr']), step.lrs);
      for (const trial of trials) {
        const run = store.getRun(trial.runId)!;
        assert.equal(run.params['model.layers.2.rate'], 0, 'dropout off');
        assert.equal(run.params['train.weightDecay'], 0, 'weight decay off');
        assert.equal(store.points(trial.runId, 'epoch.val.acc').length, i === 0 ? 1 : 2);
      }
    }
  });
});
