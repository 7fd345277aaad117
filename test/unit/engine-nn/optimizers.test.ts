import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeParam } from '../../../src/engine/nn/tensor.ts';
import type { Param } from '../../../src/engine/nn/types.ts';
import { Adadelta } from '../../../src/engine/optim/adadelta.ts';
import { Adagrad } from '../../../src/engine/optim/adagrad.ts';
import { Adam } from '../../../src/engine/optim/adam.ts';
import { clipGradNorm, clipGradValue } from '../../../src/engine/optim/clipping.ts';
import { applyPenalties, penaltyValue } from '../../../src/engine/optim/regularization.ts';
import { RmsProp } from '../../../src/engine/optim/rmsprop.ts';

function param(name: string, role: Param['role'], values: number[], grads: number[]): Param {
  const p = makeParam(name, role, [values.length]);
  p.value.set(values);
  p.grad.set(grads);
  return p;
}
const near = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('rmsprop: v = (1−β)g², θ −= α g/(√v + ε)', () => {
  const p = param('w', 'weight', [1], [2]);
  new RmsProp({ beta: 0.9, eps: 0 }).step([p], 0.1);
  near(p.value[0]!, 1 - (0.1 * 2) / Math.sqrt(0.4)); // v = 0.1·4
});

test('adam: first step moves every weight by α·sign(g) (bias correction), second by the formula', () => {
  const p = param('w', 'weight', [1, -1], [0.5, -3]);
  const opt = new Adam({ eps: 0 });
  opt.step([p], 0.01);
  near(p.value[0]!, 0.99);
  near(p.value[1]!, -0.99);
  p.grad.set([1, 1]);
  opt.step([p], 0.01);
  // m = 0.9·0.05 + 0.1·1 = 0.145; v = 0.999·0.00025 + 0.001 = 0.00124975
  const m = 0.145 / (1 - 0.81);
  const v = 0.00124975 / (1 - 0.999 ** 2);
  near(p.value[0]!, 0.99 - (0.01 * m) / Math.sqrt(v), 1e-6);
  assert.equal(opt.state().get('#step')![0], 2);
});

test('adamw: decoupled decay shrinks weights by (1 − αλ) and leaves biases alone', () => {
  const w = param('w', 'weight', [2], [0]);
  const b = param('b', 'bias', [2], [0]);
  new Adam({ weightDecay: 0.5 }).step([w, b], 0.1);
  near(w.value[0]!, 2 * (1 - 0.05));
  near(b.value[0]!, 2);
});

test('adagrad: s = Σg², θ −= α g/(√s + ε)', () => {
  const p = param('w', 'weight', [0], [3]);
  const opt = new Adagrad();
  opt.step([p], 0.1); // −0.1·3/3
  near(p.value[0]!, -0.1);
  p.grad[0] = 4;
  opt.step([p], 0.1); // s = 25 → −0.1·4/5
  near(p.value[0]!, -0.18);
});

test('adadelta: Zeiler update with PyTorch defaults', () => {
  const p = param('w', 'weight', [0], [1]);
  new Adadelta().step([p], 1);
  // v = 0.1; Δ = √(1e-6)/√(0.1 + 1e-6)·1
  near(p.value[0]!, -Math.sqrt(1e-6) / Math.sqrt(0.1 + 1e-6), 1e-9);
});

test('optimizer state round-trips through state()/loadState()', () => {
  const a = param('w', 'weight', [1, 2], [0.3, -0.2]);
  const b = param('w', 'weight', [1, 2], [0.3, -0.2]);
  const first = new Adam();
  first.step([a], 0.01);
  const second = new Adam();
  second.loadState(first.state());
  b.value.set(a.value);
  first.step([a], 0.01);
  second.step([b], 0.01);
  assert.deepEqual([...a.value], [...b.value]);
  assert.throws(() => new Adadelta().loadState(new Map([['w.bogus', new Float32Array(1)]])), /unexpected entry "w.bogus"/);
});

test('L2 adds λθ to weight grads only and reports (λ/2)‖θ‖²; L1 adds λ·sign θ', () => {
  const w = param('w', 'weight', [3, -4], [0, 0]);
  const b = param('b', 'bias', [10], [0]);
  const value = applyPenalties([w, b], { l2: 0.1 });
  near(value, 0.05 * 25);
  assert.deepEqual([...w.grad].map((v) => +v.toFixed(6)), [0.3, -0.4]);
  assert.equal(b.grad[0], 0);
  w.grad.fill(0);
  near(applyPenalties([w, b], { l1: 0.5 }), 0.5 * 7);
  assert.deepEqual([...w.grad], [0.5, -0.5]);
  near(penaltyValue([w, b], { l1: 0.5, l2: 0.1 }), 3.5 + 1.25);
});

test('L2 lowers the weight norm compared with no penalty (same gradients)', () => {
  const run = (l2: number) => {
    const w = param('w', 'weight', [1, -2, 3], [0, 0, 0]);
    const opt = new RmsProp();
    for (let t = 0; t < 20; t++) {
      w.grad.set([0.01, 0.01, -0.01]);
      applyPenalties([w], { l2 });
      opt.step([w], 0.01);
    }
    return Math.hypot(...w.value);
  };
  assert.ok(run(0.5) < run(0) - 0.05, `${run(0.5)} vs ${run(0)}`);
});

test('clip by norm: rescales to the max norm, returns the pre-clip norm, leaves small grads', () => {
  const a = param('a', 'weight', [0, 0], [3, 0]);
  const b = param('b', 'bias', [0], [4]);
  near(clipGradNorm([a, b], 1), 5);
  near(Math.hypot(a.grad[0]!, a.grad[1]!, b.grad[0]!), 1, 1e-5);
  near(a.grad[0]! / b.grad[0]!, 0.75);
  const c = param('c', 'weight', [0], [0.5]);
  near(clipGradNorm([c], 1), 0.5);
  assert.equal(c.grad[0], 0.5);
});

test('clip by value clamps every entry', () => {
  const a = param('a', 'weight', [0, 0, 0], [3, -0.2, -7]);
  near(clipGradValue([a], 0.5), Math.hypot(3, 0.2, 7), 1e-5);
  assert.deepEqual([...a.grad].map((v) => +v.toFixed(6)), [0.5, -0.2, -0.5]);
  assert.throws(() => clipGradValue([a], 0), /clip value must be > 0/);
});
