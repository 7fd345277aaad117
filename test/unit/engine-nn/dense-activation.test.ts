import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Activation, ACTIVATION_KINDS } from '../../../src/engine/nn/layers/activation.ts';
import { Dense } from '../../../src/engine/nn/layers/dense.ts';
import { initParams } from '../../../src/engine/nn/init.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { checkLayer, randomTensor } from './gradcheck.ts';

const TOL = 2e-3;

test('dense: forward is x·Wᵀ + b on a hand case', () => {
  const d = new Dense('d', 2, 2);
  d.weight.value.set([1, 2, 3, 4]);
  d.bias!.value.set([0.5, -1]);
  const y = d.forward({ data: Float32Array.of(1, 1, 2, 0), shape: [2, 2] }, { training: true, rng: new Rng(1) });
  assert.deepEqual([...y.data], [3.5, 6, 2.5, 5]);
  assert.deepEqual(y.shape, [2, 2]);
});

test('dense: gradients match finite differences', () => {
  const rng = new Rng(3);
  const d = new Dense('d', 5, 4);
  initParams(d.params(), { kind: 'heNormal' }, { kind: 'constant', value: 0.1 }, rng);
  const r = checkLayer(d, randomTensor([3, 5], rng));
  assert.ok(r.input.maxRelError < TOL, `dx ${r.input.maxRelError}`);
  for (const [name, res] of r.params) assert.ok(res.maxRelError < TOL, `${name} ${res.maxRelError}`);
});

test('dense: reuses its output buffer while the batch size is unchanged', () => {
  const d = new Dense('d', 3, 2);
  const ctx = { training: true, rng: new Rng(1) };
  const a = d.forward(randomTensor([4, 3], new Rng(1)), ctx);
  const b = d.forward(randomTensor([4, 3], new Rng(2)), ctx);
  assert.equal(a.data, b.data);
  const c = d.forward(randomTensor([5, 3], new Rng(2)), ctx);
  assert.notEqual(a.data, c.data);
});

test('dense: a wrong input width is a typed error naming the layer', () => {
  const d = new Dense('hidden1', 3, 2);
  assert.throws(() => d.forward(randomTensor([2, 4], new Rng(1)), { training: true, rng: new Rng(1) }), /hidden1.*\[3\].*\[4\]/);
});

for (const kind of ACTIVATION_KINDS) {
  test(`activation ${kind}: gradient matches finite differences`, () => {
    const rng = new Rng(11);
    const x = randomTensor([4, 6], rng, 2);
    // keep ReLU-family inputs away from the kink at 0, where the derivative is undefined
    for (let i = 0; i < x.data.length; i++) if (Math.abs(x.data[i]!) < 0.05) x.data[i] = 0.3;
    const layer = new Activation(kind, kind, { alpha: kind === 'leakyRelu' ? 0.1 : 1.3 });
    const r = checkLayer(layer, x, undefined, { h: 1e-2 });
    assert.ok(r.input.maxRelError < TOL, `${kind} dx ${r.input.maxRelError}`);
  });
}

test('activations: values at known points', () => {
  const x = Float32Array.of(-1, 0.5, 2);
  const run = (kind: (typeof ACTIVATION_KINDS)[number], alpha?: number) =>
    [...new Activation('a', kind, alpha === undefined ? {} : { alpha }).forward({ data: x, shape: [1, 3] }, { training: false, rng: new Rng(0) }).data];
  const close = (a: number[], b: number[]) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-6, `${a} vs ${b}`));
  close(run('relu'), [0, 0.5, 2]);
  close(run('leakyRelu'), [-0.01, 0.5, 2]);
  close(run('elu', 1), [Math.expm1(-1), 0.5, 2]);
  // torch.nn.functional.gelu(torch.tensor([-1., .5, 2.])) (exact erf form)
  close(run('gelu'), [-0.15865525, 0.34573123, 1.95449972]);
  close(run('sigmoid'), [1 / (1 + Math.E), 1 / (1 + Math.exp(-0.5)), 1 / (1 + Math.exp(-2))]);
  close(run('tanh'), [Math.tanh(-1), Math.tanh(0.5), Math.tanh(2)]);
});
