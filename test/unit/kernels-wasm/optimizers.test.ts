// The optimizers beyond SGD and Adam on the WebAssembly kernels: their updates (the JS reference
// run on the arena's arrays, until they get WebAssembly versions) give the JS kernels' weights
// bit for bit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../../src/engine/kernels/js-kernels.ts';
import type { Kernels } from '../../../src/engine/kernels/types.ts';
import { makeParam } from '../../../src/engine/nn/tensor.ts';
import type { Optimizer } from '../../../src/engine/nn/types.ts';
import { Adadelta } from '../../../src/engine/optim/adadelta.ts';
import { Adagrad } from '../../../src/engine/optim/adagrad.ts';
import { RmsProp } from '../../../src/engine/optim/rmsprop.ts';
import { Sgd } from '../../../src/engine/optim/sgd.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { wasmFor } from './helpers.ts';

const optimizers: [string, (kernels: Kernels) => Optimizer][] = [
  ['rmsprop', (kernels) => new RmsProp({ kernels })],
  ['rmsprop with momentum, ε inside', (kernels) => new RmsProp({ momentum: 0.8, epsInside: true, kernels })],
  ['adagrad', (kernels) => new Adagrad({ lrDecay: 0.01, initialAccumulator: 0.1, kernels })],
  ['adadelta', (kernels) => new Adadelta({ kernels })],
  ['classic momentum', (kernels) => new Sgd({ momentum: 0.9, form: 'classic', kernels })],
  ['classic nesterov', (kernels) => new Sgd({ momentum: 0.9, nesterov: true, form: 'classic', kernels })],
];

/** 20 steps on weights and gradients placed by `kernels` (in the wasm arena for WasmKernels). */
function train(kernels: Kernels, make: (kernels: Kernels) => Optimizer): number[][] {
  const optimizer = make(kernels);
  const params = [makeParam('a.weight', 'weight', [3, 5], 0, (n) => kernels.alloc(n)), makeParam('a.bias', 'bias', [3], 0, (n) => kernels.alloc(n))];
  const rng = new Rng(11);
  for (const p of params) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.normal();
  for (let t = 0; t < 20; t++) {
    for (const p of params) for (let i = 0; i < p.grad.length; i++) p.grad[i] = rng.normal() * (t % 5 === 0 ? 50 : 1);
    optimizer.step(params, 0.05);
  }
  return params.map((p) => [...p.value]);
}

for (const [name, make] of optimizers) {
  test(`${name} on the WebAssembly kernels: the JS kernels' weights, bit for bit`, () => {
    const wasm = wasmFor();
    const reference = train(jsKernels, make);
    assert.deepEqual(train(wasm, make), reference);
    assert.ok(reference.flat().every(Number.isFinite));
  });
}
