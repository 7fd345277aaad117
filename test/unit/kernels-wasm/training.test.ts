// End to end: the same model, weights and batches trained a few steps with the WebAssembly and
// the JS kernels give the same losses (float32 rounding apart).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../../src/engine/kernels/js-kernels.ts';
import type { Kernels } from '../../../src/engine/kernels/types.ts';
import { Activation } from '../../../src/engine/nn/layers/activation.ts';
import { Conv2D } from '../../../src/engine/nn/layers/conv2d.ts';
import { Dense } from '../../../src/engine/nn/layers/dense.ts';
import { Flatten } from '../../../src/engine/nn/layers/flatten.ts';
import { MaxPool2D } from '../../../src/engine/nn/layers/pool2d.ts';
import { SoftmaxCrossEntropy } from '../../../src/engine/nn/losses/softmax-cross-entropy.ts';
import { Sequential } from '../../../src/engine/nn/sequential.ts';
import type { Layer, Optimizer } from '../../../src/engine/nn/types.ts';
import { Adam } from '../../../src/engine/optim/adam.ts';
import { Sgd } from '../../../src/engine/optim/sgd.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { wasmFor } from './helpers.ts';

type ModelFactory = (kernels: Kernels) => Layer[];

const mlp: ModelFactory = (kernels) => [
  new Dense('d1', 37, 33, { kernels }), new Activation('a1', 'relu', { kernels }),
  new Dense('d2', 33, 7, { kernels }), new Activation('a2', 'tanh', { kernels }), new Dense('d3', 7, 5, { kernels }),
];
const cnn: ModelFactory = (kernels) => [
  new Conv2D('c1', { inChannels: 1, outChannels: 3, kernel: 3, padding: 1 }, { kernels }), new Activation('a1', 'relu', { kernels }),
  new MaxPool2D('p1', { kernel: 2 }),
  new Conv2D('c2', { inChannels: 3, outChannels: 5, kernel: 3, stride: 2 }, { kernels }), new Activation('a2', 'leakyRelu', { kernels }),
  new Flatten('f'), new Dense('d', 5 * 2 * 2, 5, { kernels }),
];

function train(factory: ModelFactory, kernels: Kernels, makeOpt: (k: Kernels) => Optimizer, inputShape: number[], steps: number): number[] {
  const model = new Sequential('m', factory(kernels), new Rng(0), { inputGradient: false });
  const init = new Rng(42);
  for (const p of model.params()) for (let i = 0; i < p.value.length; i++) p.value[i] = 0.2 * init.normal();
  const data = new Rng(7);
  const loss = new SoftmaxCrossEntropy();
  const opt = makeOpt(kernels);
  const batch = 9;
  const size = inputShape.reduce((a, b) => a * b, 1);
  const x = kernels.alloc(batch * size);
  const y = new Float32Array(batch);
  const losses: number[] = [];
  // one fixed batch, so the loss must fall
  for (let i = 0; i < x.length; i++) x[i] = data.normal();
  for (let i = 0; i < batch; i++) y[i] = data.int(5);
  for (let s = 0; s < steps; s++) {
    model.zeroGrad();
    const out = model.forward({ data: x, shape: [batch, ...inputShape] }, { training: true, rng: new Rng(s) });
    const r = loss.compute(out, y);
    losses.push(r.loss);
    model.backward(r.grad);
    opt.step(model.params(), 0.05);
  }
  return losses;
}

const OPTIMIZERS: [string, (k: Kernels) => Optimizer][] = [
  ['sgd', (kernels) => new Sgd({ kernels })],
  ['nesterov', (kernels) => new Sgd({ momentum: 0.9, nesterov: true, kernels })],
  ['adamw', (kernels) => new Adam({ weightDecay: 0.01, kernels })],
];

for (const [modelName, factory, shape] of [['mlp', mlp, [37]], ['cnn', cnn, [1, 12, 12]]] as const) {
  for (const [optName, makeOpt] of OPTIMIZERS) {
    test(`training ${modelName} with ${optName}: 12 steps on WebAssembly kernels give the JS kernels' losses`, () => {
      const want = train(factory, jsKernels, makeOpt, [...shape], 12);
      const got = train(factory, wasmFor(), makeOpt, [...shape], 12);
      assert.ok(want[11]! < want[0]!, 'the model learns');
      for (let s = 0; s < want.length; s++) {
        assert.ok(Math.abs(got[s]! - want[s]!) <= 1e-4 * Math.abs(want[s]!), `step ${s}: wasm ${got[s]} vs js ${want[s]}`);
      }
    });
  }
}
