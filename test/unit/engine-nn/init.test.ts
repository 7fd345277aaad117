import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fansOf, initParams, initWeight, type WeightInit } from '../../../src/engine/nn/init.ts';
import { makeParam } from '../../../src/engine/nn/tensor.ts';
import { Rng } from '../../../src/engine/rng.ts';

function stats(v: Float32Array) {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let variance = 0;
  let maxAbs = 0;
  for (const x of v) { variance += (x - mean) ** 2; maxAbs = Math.max(maxAbs, Math.abs(x)); }
  return { mean, variance: variance / v.length, maxAbs };
}

test('fans: dense [out, in] and conv [outC, inC, kh, kw] as PyTorch', () => {
  assert.deepEqual(fansOf([64, 784]), { fanIn: 784, fanOut: 64 });
  assert.deepEqual(fansOf([16, 3, 5, 5]), { fanIn: 75, fanOut: 400 });
});

const shape = [256, 512]; // fan_in 512, fan_out 256
const cases: [WeightInit, number, number | null][] = [
  [{ kind: 'uniform', a: 0.3 }, 0.09 / 3, 0.3],
  [{ kind: 'normal', std: 0.1 }, 0.01, null],
  [{ kind: 'normal', std: 1 }, 1, null],
  [{ kind: 'glorotUniform' }, 2 / (512 + 256), Math.sqrt(6 / 768)],
  [{ kind: 'glorotNormal' }, 2 / (512 + 256), null],
  [{ kind: 'heUniform' }, 2 / 512, Math.sqrt(6 / 512)],
  [{ kind: 'heNormal' }, 2 / 512, null],
  [{ kind: 'pytorchDefault' }, 1 / (3 * 512), 1 / Math.sqrt(512)],
];
for (const [init, variance, bound] of cases) {
  test(`init ${JSON.stringify(init)}: variance ${variance.toExponential(3)} within 3%${bound ? ', inside the bound' : ''}`, () => {
    const v = new Float32Array(shape[0]! * shape[1]!);
    initWeight(v, shape, init, new Rng(42));
    const s = stats(v);
    assert.ok(Math.abs(s.variance / variance - 1) < 0.03, `variance ${s.variance} vs ${variance}`);
    assert.ok(Math.abs(s.mean) < 0.01 * Math.sqrt(variance) * 10);
    if (bound !== null) assert.ok(s.maxAbs <= bound && s.maxAbs > 0.99 * bound);
  });
}

test('init: He uniform on a conv uses fan_in = in·kh·kw', () => {
  const v = new Float32Array(64 * 32 * 3 * 3);
  initWeight(v, [64, 32, 3, 3], { kind: 'heUniform' }, new Rng(1));
  assert.ok(stats(v).maxAbs <= Math.sqrt(6 / 288));
  assert.ok(Math.abs(stats(v).variance / (2 / 288) - 1) < 0.05);
});

test('initParams: biases zero or constant, norm params untouched, same seed same weights', () => {
  const make = () => [makeParam('d.weight', 'weight', [4, 3]), makeParam('d.bias', 'bias', [4]), makeParam('bn.weight', 'norm', [4], 1)];
  const a = make();
  initParams(a, { kind: 'heNormal' }, { kind: 'constant', value: 0.1 }, new Rng(5));
  assert.ok(a[1]!.value.every((v) => Math.abs(v - 0.1) < 1e-7));
  assert.ok(a[2]!.value.every((v) => v === 1));
  const b = make();
  initParams(b, { kind: 'heNormal' }, { kind: 'zeros' }, new Rng(5));
  assert.deepEqual([...a[0]!.value], [...b[0]!.value]);
  assert.ok(b[1]!.value.every((v) => v === 0));
  assert.throws(() => initWeight(new Float32Array(2), [2, 1], { kind: 'normal', std: -1 }, new Rng(1)), /std must be ≥ 0/);
});
