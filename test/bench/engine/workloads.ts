// The benchmark's training work on Hyperlab's engine: the same models, optimizers and step
// (zero grad, forward, softmax cross-entropy, backward, optimizer step) as the PyTorch worker
// in test/reference/bench_torch.py, on preloaded random batches.
import type { Kernels } from '../../../src/engine/kernels/types.ts';
import { Activation } from '../../../src/engine/nn/layers/activation.ts';
import { Conv2D } from '../../../src/engine/nn/layers/conv2d.ts';
import { Dense } from '../../../src/engine/nn/layers/dense.ts';
import { Flatten } from '../../../src/engine/nn/layers/flatten.ts';
import { MaxPool2D } from '../../../src/engine/nn/layers/pool2d.ts';
import { SoftmaxCrossEntropy } from '../../../src/engine/nn/losses/softmax-cross-entropy.ts';
import { Sequential } from '../../../src/engine/nn/sequential.ts';
import type { Layer, Optimizer } from '../../../src/engine/nn/types.ts';
import { initParams } from '../../../src/engine/nn/init.ts';
import { Adam } from '../../../src/engine/optim/adam.ts';
import { Sgd } from '../../../src/engine/optim/sgd.ts';
import { Rng } from '../../../src/engine/rng.ts';

export type ModelName = 'mlp' | 'lenet';
export type OptimizerName = 'sgd' | 'adam';

export interface Workload {
  model: ModelName;
  batch: number;
  optimizer: OptimizerName;
}

function layers(model: ModelName, kernels: Kernels): { layers: Layer[]; shape: number[] } {
  const o = { kernels };
  if (model === 'mlp') {
    return {
      shape: [1, 28, 28],
      layers: [
        new Flatten('flatten'), new Dense('dense1', 784, 256, o), new Activation('relu1', 'relu', o),
        new Dense('dense2', 256, 128, o), new Activation('relu2', 'relu', o), new Dense('dense3', 128, 10, o),
      ],
    };
  }
  return {
    shape: [1, 28, 28],
    layers: [
      new Conv2D('conv1', { inChannels: 1, outChannels: 6, kernel: 5, padding: 2 }, o), new Activation('relu1', 'relu', o), new MaxPool2D('pool1', { kernel: 2 }),
      new Conv2D('conv2', { inChannels: 6, outChannels: 16, kernel: 5 }, o), new Activation('relu2', 'relu', o), new MaxPool2D('pool2', { kernel: 2 }),
      new Flatten('flatten'), new Dense('dense1', 400, 120, o), new Activation('relu3', 'relu', o),
      new Dense('dense2', 120, 84, o), new Activation('relu4', 'relu', o), new Dense('dense3', 84, 10, o),
    ],
  };
}

/** A ready-to-run training step for `w` on `kernels`; each call trains one batch. */
export function makeTrainer(w: Workload, kernels: Kernels): () => number {
  const rng = new Rng(1);
  const built = layers(w.model, kernels);
  // like the engine's model builder: the input needs no gradient (PyTorch does not compute it either)
  const model = new Sequential('model', built.layers, rng.fork(), { inputGradient: false });
  for (const layer of built.layers) if (layer.params().length > 0) initParams(layer.params(), { kind: 'heUniform' }, { kind: 'zeros' }, rng);
  const optimizer: Optimizer = w.optimizer === 'adam' ? new Adam({ kernels }) : new Sgd({ momentum: 0.9, kernels });
  const lr = w.optimizer === 'adam' ? 1e-3 : 0.01;
  const loss = new SoftmaxCrossEntropy();
  const size = built.shape.reduce((a, b) => a * b, 1);
  const batches = Array.from({ length: 8 }, () => {
    const x = kernels.alloc(w.batch * size);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    const y = Float32Array.from({ length: w.batch }, () => rng.int(10));
    return { x, y };
  });
  const shape = [w.batch, ...built.shape];
  const params = model.params();
  const ctx = { training: true, rng };
  let i = 0;
  return () => {
    const { x, y } = batches[i++ % batches.length]!;
    model.zeroGrad();
    const r = loss.compute(model.forward({ data: x, shape }, ctx), y);
    model.backward(r.grad);
    optimizer.step(params, lr);
    return r.loss;
  };
}

/** Samples per second over `steps` steps after `warmup` untimed ones. */
export function measure(train: () => number, w: Workload, steps: number, warmup: number): number {
  for (let s = 0; s < warmup; s++) train();
  const start = performance.now();
  for (let s = 0; s < steps; s++) train();
  return (steps * w.batch) / ((performance.now() - start) / 1000);
}
