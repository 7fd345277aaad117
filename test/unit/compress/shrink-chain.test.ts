// Structured pruning really shrinks a model: conv → BN → ReLU → pool → conv → ReLU → flatten →
// dense → ReLU → dense → ReLU → dense, built with the engine's own layers. Units whose weights
// and bias are zero (and whose BatchNorm output is zero) are selected by their zero norm,
// removed with the next layer's matching inputs, and the smaller model's outputs equal the
// original's; removing a live unit instead changes them (the comparison can fail).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectUnits } from '../../../src/core/compress/prune-structured.ts';
import { shrinkChain } from '../../../src/core/compress/shrink-chain.ts';
import type { ChainLayer } from '../../../src/core/compress/types.ts';
import { HyperlabError } from '../../../src/core/errors.ts';
import { Activation } from '../../../src/engine/nn/layers/activation.ts';
import { BatchNorm } from '../../../src/engine/nn/layers/batch-norm.ts';
import { Conv2D } from '../../../src/engine/nn/layers/conv2d.ts';
import { Dense } from '../../../src/engine/nn/layers/dense.ts';
import { Flatten } from '../../../src/engine/nn/layers/flatten.ts';
import { MaxPool2D } from '../../../src/engine/nn/layers/pool2d.ts';
import { Sequential } from '../../../src/engine/nn/sequential.ts';
import type { Layer } from '../../../src/engine/nn/types.ts';
import { Rng } from '../../../src/engine/rng.ts';

const rng = new Rng(42);
const randn = (n: number, scale = 0.5): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * scale);

function zeroUnits(weight: Float32Array, bias: Float32Array | null, units: number, dead: number[]): void {
  const size = weight.length / units;
  for (const u of dead) {
    weight.fill(0, u * size, (u + 1) * size);
    if (bias) bias[u] = 0;
  }
}

/** The original chain: input [2, 6, 6]. Dead units: conv1 {1}, conv2 {0, 3}, fc1 {2, 6}, fc2 {1}. */
function originalChain(): ChainLayer[] {
  const conv1 = { kind: 'conv2d' as const, name: 'conv1', inChannels: 2, outChannels: 4, kernelH: 3, kernelW: 3, weight: randn(4 * 2 * 9), bias: randn(4, 0.1) };
  zeroUnits(conv1.weight, conv1.bias, 4, [1]);
  const bn = { kind: 'batchnorm' as const, name: 'bn1', channels: 4, gamma: Float32Array.from([1.5, 0.7, 0.9, 1.1]), beta: Float32Array.from([0.1, 0, -0.2, 0.3]), runningMean: Float32Array.from([0.05, 0, -0.1, 0.2]), runningVar: Float32Array.from([1.2, 0.8, 0.5, 2]) };
  const conv2 = { kind: 'conv2d' as const, name: 'conv2', inChannels: 4, outChannels: 6, kernelH: 3, kernelW: 3, weight: randn(6 * 4 * 9), bias: randn(6, 0.1) };
  zeroUnits(conv2.weight, conv2.bias, 6, [0, 3]);
  const fc1 = { kind: 'dense' as const, name: 'fc1', inFeatures: 54, outFeatures: 8, weight: randn(8 * 54, 0.3), bias: randn(8, 0.1) };
  zeroUnits(fc1.weight, fc1.bias, 8, [2, 6]);
  const fc2 = { kind: 'dense' as const, name: 'fc2', inFeatures: 8, outFeatures: 5, weight: randn(5 * 8), bias: randn(5, 0.1) };
  zeroUnits(fc2.weight, fc2.bias, 5, [1]);
  const fc3 = { kind: 'dense' as const, name: 'fc3', inFeatures: 5, outFeatures: 3, weight: randn(3 * 5), bias: randn(3, 0.1) };
  return [
    conv1, bn, { kind: 'passthrough', name: 'relu1' }, { kind: 'passthrough', name: 'pool1' }, conv2, { kind: 'passthrough', name: 'relu2' },
    { kind: 'flatten', name: 'flatten', channels: 6, spatial: 9 }, fc1, { kind: 'passthrough', name: 'relu3' }, fc2, { kind: 'passthrough', name: 'relu4' }, fc3,
  ];
}

/** The engine model for a chain (the passthrough names say which parameter-free layer it is). */
function engineModel(chain: ChainLayer[]): Sequential {
  const layers = chain.map((l): Layer => {
    switch (l.kind) {
      case 'conv2d': {
        const c = new Conv2D(l.name, { inChannels: l.inChannels, outChannels: l.outChannels, kernel: l.kernelH, padding: 1 });
        c.weight.value.set(l.weight);
        c.bias!.value.set(l.bias!);
        return c;
      }
      case 'dense': {
        const d = new Dense(l.name, l.inFeatures, l.outFeatures);
        d.weight.value.set(l.weight);
        d.bias!.value.set(l.bias!);
        return d;
      }
      case 'batchnorm': {
        const b = new BatchNorm(l.name, l.channels);
        b.gamma.value.set(l.gamma);
        b.beta.value.set(l.beta);
        b.runningMean.value.set(l.runningMean);
        b.runningVar.value.set(l.runningVar);
        return b;
      }
      case 'flatten': return new Flatten(l.name);
      case 'passthrough': return l.name.startsWith('pool') ? new MaxPool2D(l.name, { kernel: 2 }) : new Activation(l.name, 'relu');
    }
  });
  return new Sequential('model', layers, new Rng(0));
}

function forward(chain: ChainLayer[], x: Float32Array, batch: number): Float32Array {
  const model = engineModel(chain);
  return model.forward({ data: x, shape: [batch, 2, 6, 6] }, { training: false, rng: new Rng(0) }).data.slice();
}

function weightOf(chain: ChainLayer[], name: string): { name: string; shape: number[]; data: Float32Array } {
  const l = chain.find((c) => c.name === name)!;
  if (l.kind === 'dense') return { name, shape: [l.outFeatures, l.inFeatures], data: l.weight };
  if (l.kind === 'conv2d') return { name, shape: [l.outChannels, l.inChannels, l.kernelH, l.kernelW], data: l.weight };
  throw new Error(name);
}

test('zero-norm units are selected, removed with the next layer inputs, and the outputs stay equal', () => {
  const chain = originalChain();
  const keep = new Map<string, Int32Array>([
    ['conv1', selectUnits(weightOf(chain, 'conv1'), 'l1', 0.25).keep],
    ['conv2', selectUnits(weightOf(chain, 'conv2'), 'l2', 2 / 6).keep],
    ['fc1', selectUnits(weightOf(chain, 'fc1'), 'l2', 0.25).keep],
    ['fc2', selectUnits(weightOf(chain, 'fc2'), 'l1', 0.2).keep],
  ]);
  assert.deepEqual(Array.from(keep.get('conv1')!), [0, 2, 3]);
  assert.deepEqual(Array.from(keep.get('conv2')!), [1, 2, 4, 5]);
  assert.deepEqual(Array.from(keep.get('fc1')!), [0, 1, 3, 4, 5, 7]);
  assert.deepEqual(Array.from(keep.get('fc2')!), [0, 2, 3, 4]);
  const small = shrinkChain(chain, keep);

  const shapes = small.flatMap((l) => (l.kind === 'dense' ? [[l.name, l.outFeatures, l.inFeatures]] : l.kind === 'conv2d' ? [[l.name, l.outChannels, l.inChannels]] : l.kind === 'batchnorm' ? [[l.name, l.channels]] : l.kind === 'flatten' ? [[l.name, l.channels]] : []));
  assert.deepEqual(shapes, [['conv1', 3, 2], ['bn1', 3], ['conv2', 4, 3], ['flatten', 4], ['fc1', 6, 36], ['fc2', 4, 6], ['fc3', 3, 4]]);

  // the right rows and columns: fc1's new [r, j] is old [keep[r], channel·9 + s] for kept channels
  const oldFc1 = weightOf(chain, 'fc1').data;
  const newFc1 = weightOf(small, 'fc1').data;
  const keptFeatures = [1, 2, 4, 5].flatMap((c) => Array.from({ length: 9 }, (_, s) => c * 9 + s));
  [0, 1, 3, 4, 5, 7].forEach((row, r) => keptFeatures.forEach((f, j) => assert.equal(newFc1[r * 36 + j], oldFc1[row * 54 + f])));
  // conv2 lost input channel 1: new filter 0 (old 1), input 1 is old input 2
  const oldConv2 = weightOf(chain, 'conv2').data;
  const newConv2 = weightOf(small, 'conv2').data;
  assert.deepEqual(Array.from(newConv2.subarray(9, 18)), Array.from(oldConv2.subarray((1 * 4 + 2) * 9, (1 * 4 + 3) * 9)));
  const bn = small.find((l) => l.kind === 'batchnorm');
  assert.ok(bn && bn.kind === 'batchnorm');
  assert.deepEqual(Array.from(bn.gamma), [1.5, 0.9, 1.1].map(Math.fround));
  assert.deepEqual(Array.from(bn.runningVar), [1.2, 0.5, 2].map(Math.fround));

  const batch = 4;
  const x = randn(batch * 2 * 36, 1);
  const before = forward(chain, x, batch);
  const after = forward(small, x, batch);
  assert.equal(after.length, before.length);
  for (let i = 0; i < before.length; i++) assert.ok(Math.abs(before[i]! - after[i]!) <= 1e-5 * (1 + Math.abs(before[i]!)), `output ${i}: ${before[i]} vs ${after[i]}`);
  assert.ok(before.some((v) => Math.abs(v) > 0.01), 'the model computes something');

  // removing a live unit changes the outputs: the comparison above can fail
  const wrong = shrinkChain(chain, new Map([['fc1', Int32Array.from([1, 2, 3, 4, 5, 6, 7])]]));
  const changed = forward(wrong, x, batch);
  assert.ok(changed.some((v, i) => Math.abs(v - before[i]!) > 1e-3));
});

test('the original chain is not modified and bad selections are clear errors', () => {
  const chain = originalChain();
  const copy = (chain[0] as { weight: Float32Array }).weight.slice();
  shrinkChain(chain, new Map([['conv1', Int32Array.from([0, 2])]]));
  assert.deepEqual((chain[0] as { weight: Float32Array }).weight, copy);
  const bad = (pattern: RegExp) => (e: unknown) => e instanceof HyperlabError && e.code === 'COMPRESS_INVALID' && pattern.test(e.message);
  assert.throws(() => shrinkChain(chain, new Map([['fc3', Int32Array.from([0, 1])]])), bad(/fc3: is the output layer/));
  assert.throws(() => shrinkChain(chain, new Map([['bn1', Int32Array.from([0])]])), bad(/bn1: is not a dense or conv layer/));
  assert.throws(() => shrinkChain(chain, new Map([['fc1', Int32Array.from([3, 1])]])), bad(/fc1: kept unit indices must be ascending/));
  assert.throws(() => shrinkChain(chain, new Map([['fc1', new Int32Array(0)]])), bad(/fc1: structured pruning would remove every unit/));
  const wrongSpatial = chain.map((l) => (l.kind === 'flatten' ? { ...l, spatial: 8 } : l));
  assert.throws(() => shrinkChain(wrongSpatial, new Map([['conv2', Int32Array.from([0, 1])]])), bad(/fc1: has 54 inputs but flatten before it gives 6 channels × 8 = 48/));
  const noFlatten = chain.filter((l) => l.kind !== 'flatten');
  assert.throws(() => shrinkChain(noFlatten, new Map([['conv2', Int32Array.from([0, 1])]])), bad(/fc1: follows a pruned convolution without a flatten/));
});
