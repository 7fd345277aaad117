import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { applyOverrides, defaultSpec, parseSpec } from '../../../src/core/spec/index.ts';
import { buildModel } from '../../../src/engine/train/build-model.ts';
import { neverStop } from '../../../src/engine/train/reporter.ts';
import { runExperiment } from '../../../src/engine/train/run.ts';
import { deriveSeed, STREAM } from '../../../src/engine/train/seeds.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { blobData, blobSpec, fixedClock, recorder } from './helpers.ts';

const FASHION = '/usr/share/datasets/fashion-mnist';
const model = (layers: unknown[], extra: Record<string, unknown> = {}) => applyOverrides(defaultSpec(), { 'model.layers': layers, ...extra }).model;

test('a CNN with residual, batch norm, layer norm, pooling and dropout builds with named parameters', () => {
  const m = buildModel(model([
    { type: 'conv2d', filters: 4, kernel: 3, padding: 1, activation: 'relu' },
    { type: 'residual', layers: [{ type: 'conv2d', filters: 4, kernel: 3, padding: 1 }, { type: 'batchnorm' }, { type: 'activation', fn: 'leakyrelu' }] },
    { type: 'maxpool', size: 2 }, { type: 'avgpool', size: 2 }, { type: 'flatten' }, { type: 'layernorm' }, { type: 'dropout', rate: 0.2 },
    { type: 'dense', units: 10, activation: 'none', init: 'glorot-uniform' },
  ]), { inputShape: [1, 28, 28], classes: 10, rng: new Rng(1) });
  assert.deepEqual(m.outputShape([1, 28, 28]), [10]);
  const names = m.params().map((p) => p.name);
  assert.ok(names.includes('conv2d0.weight') && names.includes('res1.conv2d0.weight') && names.includes('dense7.weight'), names.join());
  assert.ok(m.buffers().some((b) => b.name.endsWith('running_mean')));
});

test('init schemes follow the spec: normal with std, constant bias', () => {
  const m = buildModel(model([{ type: 'flatten' }, { type: 'dense', units: 10 }], { 'model.init': { weight: 'normal', std: 1, bias: 'constant', biasValue: 0.5 } }),
    { inputShape: [1, 28, 28], classes: 10, rng: new Rng(3) });
  const [w, b] = m.params();
  const variance = w!.value.reduce((s, v) => s + v * v, 0) / w!.value.length;
  assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
  assert.ok(b!.value.every((v) => v === 0.5));
});

test('shape mistakes are spec errors naming the layer path and the fix', () => {
  const build = (layers: unknown[], classes = 10) => () => buildModel(model(layers), { inputShape: [1, 28, 28], classes, rng: new Rng(0) });
  assert.throws(build([{ type: 'dense', units: 10 }]), /model\.layers\.0: dense needs a flat input but gets \[1, 28, 28\]/);
  assert.throws(build([{ type: 'flatten' }, { type: 'dense', units: 7 }]), /model\.layers: the last layer outputs \[7\] but the data has 10 classes/);
  assert.throws(build([{ type: 'residual', layers: [{ type: 'conv2d', filters: 3 }] }, { type: 'flatten' }, { type: 'dense', units: 10 }]), /model\.layers\.0\.layers: the inner layers turn \[1, 28, 28\] into \[3, 26, 26\] and a 1×1 conv2d with stride 1 projection gives \[3, 28, 28\]/);
  assert.throws(build([{ type: 'residual', layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }] }]), /model\.layers\.0\.layers: .*no projection maps images to flat features/);
});

test('a residual block that changes the shape gets a He-initialized projection: 1×1 conv with the block\'s stride, or dense', () => {
  const m = buildModel(model([
    { type: 'conv2d', filters: 16, kernel: 3, padding: 1, activation: 'relu' },
    { type: 'residual', layers: [{ type: 'conv2d', filters: 32, kernel: 3, stride: 2, padding: 1, activation: 'relu' }, { type: 'conv2d', filters: 32, kernel: 3, padding: 1 }] },
    { type: 'flatten' },
    { type: 'residual', layers: [{ type: 'dense', units: 64, activation: 'relu' }] },
    { type: 'dense', units: 10 },
  ], { 'model.init.weight': 'normal', 'model.init.std': 0.001 }), { inputShape: [1, 28, 28], classes: 10, rng: new Rng(1) });
  assert.deepEqual(m.outputShape([1, 28, 28]), [10]);
  const byName = new Map(m.params().map((p) => [p.name, p]));
  const conv = byName.get('res1.proj.weight')!;
  assert.deepEqual(conv.shape, [32, 16, 1, 1]);
  const dense = byName.get('res3.proj.weight')!;
  assert.deepEqual(dense.shape, [64, 32 * 14 * 14]);
  assert.ok(!byName.has('res1.proj.bias') && !byName.has('res3.proj.bias'));
  // He normal (σ² = 2/fan_in) although the model's scheme is normal(0, 0.001)
  const variance = (v: Float32Array): number => v.reduce((s, x) => s + x * x, 0) / v.length;
  assert.ok(Math.abs(variance(conv.value) / (2 / 16) - 1) < 0.25, String(variance(conv.value)));
  assert.ok(Math.abs(variance(dense.value) / (2 / (32 * 14 * 14)) - 1) < 0.05, String(variance(dense.value)));
  assert.ok(variance(byName.get('res1.conv2d0.weight')!.value) < 1e-5);
});

test('a network of shape-changing residual blocks trains (strided conv block, dense block)', async () => {
  const data = blobData(3, 16);
  const spec = blobSpec({
    'model.inputShape': [1, 4, 4],
    'model.layers': [
      { type: 'residual', layers: [{ type: 'conv2d', filters: 4, kernel: 3, stride: 2, padding: 1, activation: 'relu' }, { type: 'conv2d', filters: 4, kernel: 3, padding: 1 }] },
      { type: 'flatten' },
      { type: 'residual', layers: [{ type: 'dense', units: 8, activation: 'relu' }] },
      { type: 'dense', units: 3 },
    ],
    'train.epochs': 15, 'train.optimizer.kind': 'adam', 'train.optimizer.lr': 0.01,
  });
  const initial = buildModel(spec.model, { inputShape: data.shape, classes: 3, rng: new Rng(deriveSeed(spec.train.seed, STREAM.init)) }).params().map((p) => [p.name, Float32Array.from(p.value)] as const);
  const r = await runExperiment({ spec, specDir: '.', reporter: recorder(), control: neverStop, checkpointDir: null, data, now: fixedClock });
  assert.equal(r.status, 'finished');
  const losses = r.members[0]!.history.map((h) => h['train.loss']);
  assert.ok(losses[losses.length - 1]! < 0.5 * losses[0]!, losses.join(', '));
  assert.ok((r.summary['test.acc'] as number) > 0.9, String(r.summary['test.acc']));
  const trained = new Map(r.members[0]!.model.params().map((p) => [p.name, p.value]));
  for (const name of ['res0.proj.weight', 'res2.proj.weight']) {
    const before = initial.find(([n]) => n === name)![1];
    assert.ok(trained.get(name)!.some((v, i) => v !== before[i]), `${name} did not learn`);
  }
});

test('FashionMNIST, 2000 samples: the MLP template learns (test accuracy well above chance)', { skip: !fs.existsSync(FASHION) }, async () => {
  const template = parseSpec(fs.readFileSync(new URL('../../../media/templates/fashion-mnist-mlp.hyperlab.json', import.meta.url), 'utf8'));
  const spec = applyOverrides(template, ['data.limit=2000', 'data.testLimit=1000', 'train.epochs=2', 'model.layers.1.units=64', 'model.layers.2.units=32']);
  const reporter = recorder();
  const r = await runExperiment({ spec, specDir: '.', reporter, control: neverStop, checkpointDir: null });
  assert.equal(r.status, 'finished');
  // about 10% of the 2,000 validate (membership is drawn over all 60,000, see data/split.ts)
  assert.equal(r.data.train.count + r.data.validation.count, 2000);
  assert.ok(Math.abs(r.data.validation.count - 200) < 60, String(r.data.validation.count));
  assert.ok((r.summary['test.acc'] as number) > 0.6, String(r.summary['test.acc']));
  assert.deepEqual(Object.keys(r.summary['perClassAcc'] as object)[0], 'T-shirt/top');
  const epochKeys = Object.keys(reporter.recorded.metrics.find((m) => 'epoch.val.acc' in m.values)!.values).sort();
  assert.deepEqual(epochKeys, ['epoch.epoch_time_s', 'epoch.lr', 'epoch.samples_per_s', 'epoch.train.acc', 'epoch.train.loss', 'epoch.val.acc', 'epoch.val.loss']);
});

test('every template is a valid spec', () => {
  for (const name of ['fashion-mnist-mlp', 'fashion-mnist-cnn', 'csv-example']) {
    parseSpec(fs.readFileSync(new URL(`../../../media/templates/${name}.hyperlab.json`, import.meta.url), 'utf8'));
  }
});
