import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LayerStat } from '../../../src/core/protocol/messages.ts';
import { initParams } from '../../../src/engine/nn/init.ts';
import { Activation } from '../../../src/engine/nn/layers/activation.ts';
import { BatchNorm } from '../../../src/engine/nn/layers/batch-norm.ts';
import { Dense } from '../../../src/engine/nn/layers/dense.ts';
import { SoftmaxCrossEntropy } from '../../../src/engine/nn/losses/softmax-cross-entropy.ts';
import { Sequential } from '../../../src/engine/nn/sequential.ts';
import { diagnoseGradients } from '../../../src/engine/nn/stats/gradient-flags.ts';
import { layerStatistics, snapshotWeights } from '../../../src/engine/nn/stats/layer-stats.ts';
import { Sgd } from '../../../src/engine/optim/sgd.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { randomTensor } from './gradcheck.ts';

test('layer statistics: norms, update ratio, activation moments and dead ReLUs', () => {
  const d1 = new Dense('d1', 3, 4);
  const model = new Sequential('m', [d1, new BatchNorm('bn', 4), new Activation('act', 'relu'), new Dense('d2', 4, 2)]);
  initParams(model.params(), { kind: 'heNormal' }, { kind: 'zeros' }, new Rng(1));
  const bn = model.layers[1] as BatchNorm;
  bn.beta.value[0] = -100; // BN output of unit 0 ≈ −100 for every sample: a dead ReLU
  const x = randomTensor([8, 3], new Rng(2));
  const out = model.forward(x, { training: true, rng: new Rng(0) });
  const { grad } = new SoftmaxCrossEntropy().compute(out, Float32Array.of(0, 1, 0, 1, 0, 1, 0, 1));
  model.zeroGrad();
  model.backward(grad);
  const before = snapshotWeights(model);
  new Sgd().step(model.params(), 0.1);
  const stats = layerStatistics(model, before);
  assert.deepEqual(stats.map((s) => s.name), ['d1', 'd2']);
  const s1 = stats[0]!;
  assert.ok(Math.abs(s1.weightNorm - Math.hypot(...d1.weight.value)) < 1e-6);
  const dW = [...d1.weight.value].map((v, i) => v - before.get('d1.weight')![i]!);
  assert.ok(Math.abs(s1.updateRatio - Math.hypot(...dW) / s1.weightNorm) < 1e-9);
  assert.ok(Math.abs(s1.gradNorm - Math.hypot(...d1.weight.grad)) < 1e-6);
  assert.ok(Math.abs(Math.hypot(...dW) - 0.1 * s1.gradNorm) < 1e-5);
  // d1's activation is the ReLU output (after BN): unit 0 dead, the rest alive
  assert.equal(s1.deadFraction, 0.25);
  const relu = model.layerOutput(2)!;
  const mean = relu.data.reduce((a, b) => a + b, 0) / relu.data.length;
  assert.ok(Math.abs(s1.activationMean! - mean) < 1e-6);
  assert.ok(s1.activationStd! > 0);
  assert.equal(stats[1]!.deadFraction, undefined); // no ReLU after the last layer
});

const stat = (name: string, gradNorm: number): LayerStat => ({ name, gradNorm, weightNorm: 1, updateRatio: 1e-3 });

test('gradient flags: healthy stats give none', () => {
  assert.deepEqual(diagnoseGradients([stat('a', 0.5), stat('b', 1)]), []);
});

test('gradient flags: vanishing by depth ratio and by tiny norms', () => {
  const flags = diagnoseGradients([stat('first', 1e-6), stat('mid', 1e-3), stat('last', 1)]);
  const depth = flags.find((f) => f.reason === 'depthRatio');
  assert.equal(depth?.kind, 'vanishing');
  assert.deepEqual(depth?.layers, ['first', 'last']);
  assert.match(depth!.message, /first's norm 1\.0e-6 is 6\.0 orders of magnitude below last's/);
  const tiny = diagnoseGradients([stat('a', 1e-9)]);
  assert.deepEqual(tiny.map((f) => [f.kind, f.reason, f.layers]), [['vanishing', 'tinyNorm', ['a']]]);
});

test('gradient flags: exploding by NaN, huge norm and growth', () => {
  const nan = diagnoseGradients([stat('a', NaN), stat('b', 1)]);
  assert.deepEqual(nan.map((f) => [f.kind, f.reason, f.layers]), [['exploding', 'nonFinite', ['a']]]);
  const huge = diagnoseGradients([stat('a', 5e4)]);
  assert.deepEqual(huge.map((f) => f.reason), ['hugeNorm']);
  const grow = diagnoseGradients([stat('a', 50)], [stat('a', 0.1)]);
  assert.deepEqual(grow.map((f) => [f.kind, f.reason]), [['exploding', 'growing']]);
});

test('gradient flags: a deep sigmoid stack with small init shows vanishing, a ReLU/He one does not', () => {
  const run = (kind: 'sigmoid' | 'relu', init: { kind: 'normal'; std: number } | { kind: 'heNormal' }) => {
    const layers = [];
    for (let i = 0; i < 8; i++) layers.push(new Dense(`d${i}`, 16, 16), new Activation(`a${i}`, kind));
    layers.push(new Dense('out', 16, 4));
    const model = new Sequential('m', layers);
    initParams(model.params(), init, { kind: 'zeros' }, new Rng(3));
    const out = model.forward(randomTensor([32, 16], new Rng(4)), { training: true, rng: new Rng(0) });
    const { grad } = new SoftmaxCrossEntropy().compute(out, Float32Array.from({ length: 32 }, (_, i) => i % 4));
    model.zeroGrad();
    model.backward(grad);
    return diagnoseGradients(layerStatistics(model));
  };
  assert.ok(run('sigmoid', { kind: 'normal', std: 0.1 }).some((f) => f.kind === 'vanishing'));
  assert.deepEqual(run('relu', { kind: 'heNormal' }), []);
});
