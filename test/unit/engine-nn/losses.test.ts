import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryCrossEntropyWithLogits } from '../../../src/engine/nn/losses/bce-with-logits.ts';
import { MeanSquaredError } from '../../../src/engine/nn/losses/mse.ts';
import { SoftmaxCrossEntropy } from '../../../src/engine/nn/losses/softmax-cross-entropy.ts';
import type { Loss } from '../../../src/engine/nn/types.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { randomTensor } from './gradcheck.ts';

/** Central differences of the loss value against the analytic gradient, all entries. */
function checkLoss(loss: Loss, shape: number[], target: Float32Array, scale = 2): number {
  const x = randomTensor(shape, new Rng(8), scale);
  const analytic = Float32Array.from(loss.compute(x, target).grad.data);
  let worst = 0;
  for (let i = 0; i < x.data.length; i++) {
    const orig = x.data[i]!;
    const h = 1e-2;
    x.data[i] = orig + h;
    const fp = loss.compute(x, target).loss;
    const hp = x.data[i]! - orig;
    x.data[i] = orig - h;
    const fm = loss.compute(x, target).loss;
    const hm = orig - x.data[i]!;
    x.data[i] = orig;
    const numeric = (fp - fm) / (hp + hm);
    worst = Math.max(worst, Math.abs(numeric - analytic[i]!) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[i]!)));
  }
  return worst;
}

const labels = Float32Array.of(0, 3, 1);
test('softmax cross-entropy gradient (no smoothing)', () => assert.ok(checkLoss(new SoftmaxCrossEntropy(), [3, 4], labels) < 2e-3));
test("softmax cross-entropy gradient, label smoothing 'uniform'", () => assert.ok(checkLoss(new SoftmaxCrossEntropy({ labelSmoothing: 0.1 }), [3, 4], labels) < 2e-3));
test("softmax cross-entropy gradient, label smoothing 'others'", () => assert.ok(checkLoss(new SoftmaxCrossEntropy({ labelSmoothing: 0.1, smoothingForm: 'others' }), [3, 4], labels) < 2e-3));

test("label smoothing 'others' loss equals −Σ q log p with q = [1−ε, ε/(k−1), …]", () => {
  const r = new SoftmaxCrossEntropy({ labelSmoothing: 0.01, smoothingForm: 'others' }).compute({ data: Float32Array.of(1, 2, 3, 4, 5), shape: [1, 5] }, Float32Array.of(2));
  const z = [1, 2, 3, 4, 5];
  const lse = Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
  const q = [0.0025, 0.0025, 0.99, 0.0025, 0.0025];
  const expected = -q.reduce((a, qi, j) => a + qi * (z[j]! - lse), 0);
  assert.ok(Math.abs(r.loss - expected) < 1e-9, `${r.loss} vs ${expected}`);
});

test('mse: value, gradient and finite differences', () => {
  const r = new MeanSquaredError().compute({ data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] }, Float32Array.of(0, 2, 3, 2));
  assert.equal(r.loss, (1 + 0 + 0 + 4) / 4);
  assert.deepEqual([...r.grad.data], [0.5, 0, 0, 1]);
  const t = randomTensor([3, 2], new Rng(2)).data;
  assert.ok(checkLoss(new MeanSquaredError(), [3, 2], t) < 2e-3);
  assert.throws(() => new MeanSquaredError().compute({ data: new Float32Array(4), shape: [2, 2] }, new Float32Array(3)), /mse: expected 4 target values/);
});

test('bce with logits: stable at extreme logits, matches the definition, gradient checks', () => {
  const bce = new BinaryCrossEntropyWithLogits();
  const r = bce.compute({ data: Float32Array.of(0, 200, -200), shape: [3, 1] }, Float32Array.of(1, 1, 1));
  assert.ok(Math.abs(r.loss - (Math.log(2) + 0 + 200) / 3) < 1e-9, `${r.loss}`);
  assert.ok(Number.isFinite(r.loss));
  const t = Float32Array.of(1, 0, 0.3, 1, 0, 0.7);
  assert.ok(checkLoss(bce, [3, 2], t) < 2e-3);
});
