import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initParams } from '../../../src/engine/nn/init.ts';
import { Activation } from '../../../src/engine/nn/layers/activation.ts';
import { BatchNorm } from '../../../src/engine/nn/layers/batch-norm.ts';
import { Conv2D } from '../../../src/engine/nn/layers/conv2d.ts';
import { Dense } from '../../../src/engine/nn/layers/dense.ts';
import { Dropout } from '../../../src/engine/nn/layers/dropout.ts';
import { Flatten } from '../../../src/engine/nn/layers/flatten.ts';
import { LayerNorm } from '../../../src/engine/nn/layers/layer-norm.ts';
import { AvgPool2D, MaxPool2D } from '../../../src/engine/nn/layers/pool2d.ts';
import { Residual } from '../../../src/engine/nn/layers/residual.ts';
import { Sequential } from '../../../src/engine/nn/sequential.ts';
import type { Layer } from '../../../src/engine/nn/types.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { checkLayer, randomTensor } from './gradcheck.ts';

const TOL = 3e-3;

function assertGradients(layer: Layer, shape: number[], opts: { training?: boolean; seed?: number } = {}): void {
  const rng = new Rng(opts.seed ?? 21);
  initParams(layer.params(), { kind: 'heNormal' }, { kind: 'constant', value: 0.05 }, rng);
  for (const p of layer.params()) if (p.role === 'norm') for (let i = 0; i < p.value.length; i++) p.value[i] = 1 + 0.3 * rng.normal();
  const x = randomTensor(shape, rng);
  const training = opts.training ?? true;
  const r = checkLayer(layer, x, () => ({ training, rng: new Rng(1234) }));
  assert.ok(r.input.maxRelError < TOL, `${layer.name} dx rel err ${r.input.maxRelError}`);
  for (const [name, res] of r.params) assert.ok(res.maxRelError < TOL, `${name} rel err ${res.maxRelError}`);
}

test('conv2d: stride 1, padding 1 gradients', () => assertGradients(new Conv2D('c', { inChannels: 2, outChannels: 3, kernel: 3, padding: 1 }), [2, 2, 5, 5]));
test('conv2d: stride 2, padding 1, 2×3 kernel gradients', () => assertGradients(new Conv2D('c', { inChannels: 2, outChannels: 2, kernel: [2, 3], stride: 2, padding: 1 }), [2, 2, 6, 7]));
test('conv2d: forward equals a hand-computed correlation', () => {
  const c = new Conv2D('c', { inChannels: 1, outChannels: 1, kernel: 2, bias: true });
  c.weight.value.set([1, 2, 3, 4]);
  c.bias!.value[0] = 1;
  const y = c.forward({ data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), shape: [1, 1, 3, 3] }, { training: false, rng: new Rng(0) });
  // [1 2;4 5]·[1 2;3 4] = 1+4+12+20 = 37 (+1 bias) ...
  assert.deepEqual([...y.data], [38, 48, 68, 78]);
  assert.deepEqual(y.shape, [1, 1, 2, 2]);
});
test('maxpool2d: gradients (kernel 2, stride 2) and forward', () => {
  assertGradients(new MaxPool2D('p', { kernel: 2 }), [2, 2, 4, 6]);
  const y = new MaxPool2D('p', { kernel: 2 }).forward({ data: Float32Array.of(1, 5, 2, 0, 3, 4, -1, 7), shape: [1, 1, 2, 4] }, { training: false, rng: new Rng(0) });
  assert.deepEqual([...y.data], [5, 7]);
});
test('maxpool2d: overlapping windows with padding gradients', () => assertGradients(new MaxPool2D('p', { kernel: 3, stride: 2, padding: 1 }), [2, 1, 5, 5]));
test('avgpool2d: gradients, stride and padding', () => {
  assertGradients(new AvgPool2D('p', { kernel: 2 }), [2, 2, 4, 4]);
  assertGradients(new AvgPool2D('p', { kernel: 3, stride: 2, padding: 1 }), [1, 2, 5, 5]);
});
test('flatten: gradients pass through with the input shape', () => assertGradients(new Flatten('f'), [2, 2, 3, 3]));
test('batchnorm 1d: training-mode gradients', () => assertGradients(new BatchNorm('bn', 4), [5, 4]));
test('batchnorm 2d: training-mode gradients', () => assertGradients(new BatchNorm('bn', 3), [3, 3, 2, 2]));
test('batchnorm: eval-mode gradients', () => assertGradients(new BatchNorm('bn', 3), [3, 3, 2, 2], { training: false }));
test('batchnorm: running stats use momentum 0.1 and the unbiased variance', () => {
  const bn = new BatchNorm('bn', 1);
  bn.forward({ data: Float32Array.of(1, 2, 3, 6), shape: [4, 1] }, { training: true, rng: new Rng(0) });
  // mean 3, biased var 3.5, unbiased 14/3
  assert.ok(Math.abs(bn.runningMean.value[0]! - 0.3) < 1e-6);
  assert.ok(Math.abs(bn.runningVar.value[0]! - (0.9 + 0.1 * 14 / 3)) < 1e-6);
  const y = bn.forward({ data: Float32Array.of(3), shape: [1, 1] }, { training: false, rng: new Rng(0) });
  assert.ok(Math.abs(y.data[0]! - (3 - 0.3) / Math.sqrt(bn.runningVar.value[0]! + 1e-5)) < 1e-5);
});
test('batchnorm: a training batch of one sample (the last, partial batch) leaves the running statistics alone', () => {
  const bn = new BatchNorm('bn', 2);
  bn.forward({ data: Float32Array.of(1, 5, 3, 9), shape: [2, 2] }, { training: true, rng: new Rng(0) });
  const mean = [...bn.runningMean.value], variance = [...bn.runningVar.value];
  for (let epoch = 0; epoch < 5; epoch++) bn.forward({ data: Float32Array.of(2, 7), shape: [1, 2] }, { training: true, rng: new Rng(0) });
  assert.deepEqual([...bn.runningMean.value], mean);
  assert.deepEqual([...bn.runningVar.value], variance);
  // per channel over N·H·W a single image still has statistics: they update
  const conv = new BatchNorm('bn2d', 1);
  conv.forward({ data: Float32Array.of(1, 2, 3, 6), shape: [1, 1, 2, 2] }, { training: true, rng: new Rng(0) });
  assert.ok(Math.abs(conv.runningVar.value[0]! - (0.9 + 0.1 * 14 / 3)) < 1e-6);
});
test('layernorm: gradients over a flat and an image sample', () => {
  assertGradients(new LayerNorm('ln', [6]), [3, 6]);
  assertGradients(new LayerNorm('ln', [2, 2, 3]), [2, 2, 2, 3]);
});
test('dropout: gradients with a fixed mask', () => assertGradients(new Dropout('d', 0.4), [4, 10]));
test('dropout: drop rate, inverted scaling, identity at inference', () => {
  const d = new Dropout('d', 0.25);
  const x = { data: new Float32Array(40000).fill(1), shape: [100, 400] };
  const y = d.forward(x, { training: true, rng: new Rng(3) });
  const dropped = y.data.filter((v) => v === 0).length / y.data.length;
  assert.ok(Math.abs(dropped - 0.25) < 0.01, `dropped ${dropped}`);
  assert.ok(y.data.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6));
  assert.equal(d.forward(x, { training: false, rng: new Rng(3) }).data, x.data);
  assert.throws(() => new Dropout('drop1', 1), /drop1.*\[0, 1\)/);
});
test('residual: identity skip gradients', () => {
  assertGradients(new Residual('res', [new Dense('res.d1', 4, 4), new Activation('res.a', 'tanh'), new Dense('res.d2', 4, 4)]), [3, 4]);
});
test('residual: conv body with a strided 1×1 projection gradients', () => {
  const block = new Residual(
    'res',
    [new Conv2D('res.c1', { inChannels: 2, outChannels: 3, kernel: 3, stride: 2, padding: 1 }), new Activation('res.a', 'gelu'), new Conv2D('res.c2', { inChannels: 3, outChannels: 3, kernel: 3, padding: 1 })],
    new Conv2D('res.proj', { inChannels: 2, outChannels: 3, kernel: 1, stride: 2, bias: false }),
  );
  assert.deepEqual(block.outputShape([2, 6, 6]), [3, 3, 3]);
  assertGradients(block, [2, 2, 6, 6]);
});
test('residual: dense body that changes the width, with a dense projection, gradients', () => {
  assertGradients(new Residual('res', [new Dense('res.d1', 5, 3), new Activation('res.a', 'tanh')], new Dense('res.proj', 5, 3, { bias: false })), [3, 5]);
});
test('residual: mismatched shapes without projection is a typed error', () => {
  const block = new Residual('res1', [new Dense('res1.d', 4, 3)]);
  assert.throws(() => block.outputShape([4]), (e: Error & { hint?: string }) => /res1.*\[3\].*\[4\]/.test(e.message) && /projection/.test(e.hint ?? ''));
});
test('sequential: a small CNN gradient check end to end, and names must be unique', () => {
  const model = new Sequential('m', [
    // no bias: BatchNorm right after cancels it, so its true gradient is 0
    new Conv2D('conv1', { inChannels: 1, outChannels: 2, kernel: 3, padding: 1, bias: false }),
    new BatchNorm('bn1', 2),
    new Activation('act1', 'elu'),
    new AvgPool2D('pool1', { kernel: 2 }),
    new Flatten('flat'),
    new LayerNorm('ln', [8]),
    new Dense('fc', 8, 3),
  ]);
  assert.deepEqual(model.outputShape([1, 4, 4]), [3]);
  assertGradients(model, [3, 1, 4, 4]);
  assert.throws(() => new Sequential('m', [new Flatten('x'), new Flatten('x')]), /"x": two layers share this name/);
});

test('sequential with inputGradient false: same parameter gradients, first layer skips dL/dx', () => {
  const make = (inputGradient: boolean) => {
    const m = new Sequential('m', [
      new Conv2D('c', { inChannels: 1, outChannels: 2, kernel: 3, padding: 1 }),
      new Activation('a', 'relu'),
      new Flatten('f'),
      new Dense('d', 32, 3),
    ], new Rng(0), { inputGradient });
    initParams(m.params(), { kind: 'heNormal' }, { kind: 'constant', value: 0.1 }, new Rng(4));
    return m;
  };
  const x = randomTensor([2, 1, 4, 4], new Rng(6));
  const dy = randomTensor([2, 3], new Rng(7));
  const run = (m: Sequential) => {
    m.zeroGrad();
    m.forward(x, { training: true, rng: new Rng(0) });
    return m.backward(dy);
  };
  const full = make(true);
  const lean = make(false);
  assert.equal(run(full).data.length, 32);
  assert.equal(run(lean).data.length, 0);
  assert.equal((lean.layers[0] as Conv2D).computeInputGradient, false);
  full.params().forEach((p, i) => assert.deepEqual([...p.grad], [...lean.params()[i]!.grad], p.name));
});
