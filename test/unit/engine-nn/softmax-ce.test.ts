import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smoothedTargets } from '../../../src/engine/nn/losses/label-smoothing.ts';
import { SoftmaxCrossEntropy } from '../../../src/engine/nn/losses/softmax-cross-entropy.ts';

test("label smoothing 'others': k=5, ε=0.01 gives [0.0025, 0.0025, 0.99, 0.0025, 0.0025]", () => {
  const q = smoothedTargets(5, 2, 0.01, 'others');
  [0.0025, 0.0025, 0.99, 0.0025, 0.0025].forEach((v, i) => assert.ok(Math.abs(q[i]! - v) < 1e-12, `${[...q]}`));
});

test("label smoothing 'uniform' (PyTorch): true 1 − ε + ε/k, others ε/k", () => {
  const q = smoothedTargets(4, 0, 0.2, 'uniform');
  [0.85, 0.05, 0.05, 0.05].forEach((v, i) => assert.ok(Math.abs(q[i]! - v) < 1e-12, `${[...q]}`));
  assert.ok(Math.abs(q.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test('softmax cross-entropy: value and gradient on a hand case', () => {
  const loss = new SoftmaxCrossEntropy();
  const r = loss.compute({ data: Float32Array.of(0, 0, Math.log(2), 1000, 1000, 1000), shape: [2, 3] }, Float32Array.of(2, 0));
  // sample 0: p = [1/4, 1/4, 1/2], −log 1/2; sample 1: uniform despite huge logits, −log 1/3
  assert.ok(Math.abs(r.loss - (Math.log(2) + Math.log(3)) / 2) < 1e-6, `${r.loss}`);
  const expected = [0.125, 0.125, -0.25, (1 / 3 - 1) / 2, 1 / 6, 1 / 6];
  expected.forEach((v, i) => assert.ok(Math.abs(r.grad.data[i]! - v) < 1e-6));
});

test('softmax cross-entropy: an out-of-range label is a typed error', () => {
  assert.throws(() => new SoftmaxCrossEntropy().compute({ data: new Float32Array(6), shape: [2, 3] }, Float32Array.of(0, 3)), /label 3 .* outside \[0, 3\)/);
});
