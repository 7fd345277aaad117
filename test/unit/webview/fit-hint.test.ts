// The Curves fit hint: over-fitting, under-fitting (not converged, plateau) on loss pairs only,
// train and validation matched by x (epoch, step), and no hint for a run that fits well.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitHint, pairByX } from '../../../webview/curves/fit-hint.ts';

const curve = (xs: number[], ys: number[]) => ({ xs, ys });
const epochs = (ys: number[]) => curve(ys.map((_, i) => i + 1), ys);
const atEpoch = (x: number) => `epoch ${x}`;
const LOSS = 'epoch.train.loss';

test('over-fitting: validation loss rose in each of the last 2 evaluations while training loss fell', () => {
  const hint = fitHint(epochs([1.0, 0.7, 0.5, 0.4, 0.3]), epochs([1.05, 0.8, 0.6, 0.65, 0.72]), LOSS, atEpoch);
  assert.equal(hint?.kind, 'over-fitting');
  assert.match(hint.message, /^Over-fitting: validation loss rose in each of the last 2 evaluations \(0\.6 → 0\.72\) while training loss fell \(0\.5 → 0\.3\); the best validation loss was at epoch 3\./);
  assert.equal(fitHint(epochs([1.0, 0.7, 0.5, 0.4, 0.3]), epochs([1.05, 0.8, 0.6, 0.58, 0.62]), LOSS, atEpoch), null, 'one rise is noise, not a trend');
  assert.equal(fitHint(epochs([1.0, 0.7, 0.5, 0.52, 0.55]), epochs([1.05, 0.8, 0.6, 0.65, 0.72]), LOSS, atEpoch)?.kind, undefined, 'both rising is no over-fitting');
});

test('under-fitting, not converged: training and validation loss both still falling at the last evaluations', () => {
  const hint = fitHint(epochs([1.2, 0.9, 0.75, 0.64, 0.56]), epochs([1.25, 0.95, 0.8, 0.7, 0.62]), LOSS, atEpoch);
  assert.equal(hint?.kind, 'under-fitting');
  assert.match(hint.message, /^Under-fitting \(not converged\): training and validation loss both fell by more than 1\.0% in each of the last 2 evaluations \(the last: training −12\.5%, validation −11\.4% at epoch 5\)\. Train longer or raise the learning rate\.$/);
});

test('under-fitting, plateau: training loss flat and still close to where it started', () => {
  const hint = fitHint(epochs([2.31, 2.2, 2.19, 2.185, 2.18]), epochs([2.32, 2.21, 2.2, 2.19, 2.188]), LOSS, atEpoch);
  assert.equal(hint?.kind, 'under-fitting');
  assert.match(hint.message, /^Under-fitting \(plateau\): training and validation loss changed by at most 1\.0% per evaluation over the last 3, and training loss is 2\.18, still 94% of its first value \(2\.31 at epoch 1\)/);
  assert.match(hint.message, /Try a larger model, a higher learning rate or less regularization\.$/);
});

test('a run that learned in its first epoch and then converged gets no hint (the old "improved < 20% since epoch 1" rule called it under-fitting)', () => {
  // Train 0.40 → 0.344 (−14%), flat for the last 3 epochs, validation beside it: an ~88%-accurate FashionMNIST MLP.
  assert.equal(fitHint(epochs([0.4, 0.35, 0.347, 0.345, 0.344]), epochs([0.41, 0.362, 0.36, 0.359, 0.358]), LOSS, atEpoch), null);
});

test('accuracy pairs get no hint: only losses say how far from fitting a model is', () => {
  assert.equal(fitHint(epochs([0.5, 0.6, 0.7, 0.8, 0.9]), epochs([0.5, 0.6, 0.7, 0.65, 0.6]), 'epoch.train.acc', atEpoch), null);
  assert.equal(fitHint(epochs([1.0, 0.7, 0.5, 0.4, 0.3]), epochs([1.05, 0.8, 0.6, 0.65, 0.72]), 'train_loss', atEpoch)?.kind, 'over-fitting', 'snake_case loss keys count');
});

test('train and validation are matched by x, not by array position', () => {
  // Training loss every half epoch (flat to epoch 3, then falling), validation once per epoch,
  // rising after epoch 4. By position, validation's last three would meet training at
  // epochs 2-3 (flat: no hint); by x they meet it at epochs 4-6, where it falls.
  const train = curve([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6], [0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5]);
  const val = epochs([0.9, 0.88, 0.86, 0.85, 0.9, 0.95]);
  assert.deepEqual(pairByX(train, val).map((p) => [p.x, p.t]), [[1, 0.8], [2, 0.8], [3, 0.8], [4, 0.7], [5, 0.6], [6, 0.5]]);
  const hint = fitHint(train, val, LOSS, atEpoch);
  assert.equal(hint?.kind, 'over-fitting');
  assert.match(hint.message, /best validation loss was at epoch 4/);
  // By step: validation every 100 steps, training every 10; the train value current at each evaluation.
  const steps = Array.from({ length: 50 }, (_, i) => (i + 1) * 10);
  const byStep = fitHint(curve(steps, steps.map((s) => 2 / (1 + s / 100))), curve([100, 200, 300, 400, 500], [1.1, 0.8, 0.7, 0.75, 0.8]), LOSS, (x) => `step ${x}`);
  assert.match(byStep?.message ?? '', /^Over-fitting: .*training loss fell \(0\.5 → 0\.333\); the best validation loss was at step 300\./);
});

test('too few evaluations, or a validation series before any training point, give no hint', () => {
  assert.equal(fitHint(epochs([1, 0.5]), epochs([1, 0.9]), LOSS, atEpoch), null);
  assert.deepEqual(pairByX(curve([5, 6], [1, 1]), curve([1, 2, 6], [1, 1, 1])).map((p) => p.x), [6], 'no training point at or before x 1 or 2');
});
