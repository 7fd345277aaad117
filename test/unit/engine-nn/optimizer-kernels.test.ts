// RMSProp, Adagrad, Adadelta and classic-form momentum run their element-wise updates through
// Kernels, like SGD and Adam (the WebAssembly kernels' versions: test/unit/kernels-wasm).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../../src/engine/kernels/js-kernels.ts';
import type { Kernels, MoreOptimizerKernels } from '../../../src/engine/kernels/types.ts';
import { makeParam } from '../../../src/engine/nn/tensor.ts';
import type { Optimizer, Param } from '../../../src/engine/nn/types.ts';
import { Adadelta } from '../../../src/engine/optim/adadelta.ts';
import { Adagrad } from '../../../src/engine/optim/adagrad.ts';
import { RmsProp } from '../../../src/engine/optim/rmsprop.ts';
import { Sgd } from '../../../src/engine/optim/sgd.ts';
import { Rng } from '../../../src/engine/rng.ts';

/** jsKernels with a call counter on the optimizer steps beyond SGD and Adam. */
function countingKernels(): { kernels: Kernels; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const count = (name: keyof MoreOptimizerKernels): void => { calls.set(name, (calls.get(name) ?? 0) + 1); };
  const kernels: Kernels = {
    ...jsKernels,
    rmspropStep: (...a) => { count('rmspropStep'); jsKernels.rmspropStep(...a); },
    adagradStep: (...a) => { count('adagradStep'); jsKernels.adagradStep(...a); },
    adadeltaStep: (...a) => { count('adadeltaStep'); jsKernels.adadeltaStep(...a); },
    classicMomentumStep: (...a) => { count('classicMomentumStep'); jsKernels.classicMomentumStep(...a); },
  };
  return { kernels, calls };
}

const optimizers: [string, keyof MoreOptimizerKernels, (kernels: Kernels) => Optimizer][] = [
  ['rmsprop', 'rmspropStep', (kernels) => new RmsProp({ kernels })],
  ['rmsprop with momentum, ε inside', 'rmspropStep', (kernels) => new RmsProp({ momentum: 0.8, epsInside: true, kernels })],
  ['adagrad', 'adagradStep', (kernels) => new Adagrad({ lrDecay: 0.01, initialAccumulator: 0.1, kernels })],
  ['adadelta', 'adadeltaStep', (kernels) => new Adadelta({ kernels })],
  ['classic momentum', 'classicMomentumStep', (kernels) => new Sgd({ momentum: 0.9, form: 'classic', kernels })],
  ['classic nesterov', 'classicMomentumStep', (kernels) => new Sgd({ momentum: 0.9, nesterov: true, form: 'classic', kernels })],
];

function train(optimizer: Optimizer, steps = 20): Param[] {
  const params = [makeParam('a.weight', 'weight', [3, 5]), makeParam('a.bias', 'bias', [3])];
  const rng = new Rng(11);
  for (const p of params) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.normal();
  for (let t = 0; t < steps; t++) {
    for (const p of params) for (let i = 0; i < p.grad.length; i++) p.grad[i] = rng.normal() * (t % 5 === 0 ? 50 : 1);
    optimizer.step(params, 0.05);
  }
  return params;
}

for (const [name, step, make] of optimizers) {
  test(`${name}: the update runs through the kernels' ${step}, once per parameter and step`, () => {
    const { kernels, calls } = countingKernels();
    train(make(kernels), 4);
    assert.deepEqual([...calls], [[step, 8]]);
  });
}

test('classic momentum: v ← μv − αg; θ ← θ + v, by hand for two steps', () => {
  const w = Float32Array.of(1), g = Float32Array.of(2), v = new Float32Array(1);
  jsKernels.classicMomentumStep(w, g, v, 0.1, 0.5, false);
  assert.deepEqual([w[0], v[0]], [Math.fround(0.8), Math.fround(-0.2)]);
  jsKernels.classicMomentumStep(w, g, v, 0.1, 0.5, false);
  // v = 0.5·(−0.2) − 0.2 = −0.3; θ = 0.8 − 0.3
  assert.ok(Math.abs(v[0]! + 0.3) < 1e-7 && Math.abs(w[0]! - 0.5) < 1e-7, `${w[0]} ${v[0]}`);
});
