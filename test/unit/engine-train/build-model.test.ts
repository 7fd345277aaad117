import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { applyOverrides, defaultSpec, parseSpec } from '../../../src/core/spec/index.ts';
import { buildModel } from '../../../src/engine/train/build-model.ts';
import { neverStop } from '../../../src/engine/train/reporter.ts';
import { runExperiment } from '../../../src/engine/train/run.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { recorder } from './helpers.ts';

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
  assert.throws(build([{ type: 'residual', layers: [{ type: 'conv2d', filters: 3 }] }, { type: 'flatten' }, { type: 'dense', units: 10 }]), /model\.layers\.0\.layers: the inner layers turn \[1, 28, 28\] into \[3, 26, 26\]/);
});

test('FashionMNIST, 2000 samples: the MLP template learns (test accuracy well above chance)', { skip: !fs.existsSync(FASHION) }, async () => {
  const template = parseSpec(fs.readFileSync(new URL('../../../media/templates/fashion-mnist-mlp.hyperlab.json', import.meta.url), 'utf8'));
  const spec = applyOverrides(template, ['data.limit=2000', 'data.testLimit=1000', 'train.epochs=2', 'model.layers.1.units=64', 'model.layers.2.units=32']);
  const reporter = recorder();
  const r = await runExperiment({ spec, specDir: '.', reporter, control: neverStop, checkpointDir: null });
  assert.equal(r.status, 'finished');
  assert.equal(r.data.train.count, 1800);
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
