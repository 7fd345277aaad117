// examples/pytorch_fashion_mnist.py, a real PyTorch CNN on a FashionMNIST subset, under
// `hyperlab run --`: the run has its config, curves, per-layer statistics and checkpoint.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/core/store/index.ts';
import { tempDir } from '../runner/helpers.ts';
import { PYTHON, ROOT, cli } from './helpers.ts';

test('the PyTorch FashionMNIST example, tracked: learns (val accuracy well above chance), with layer statistics for every weighted layer and its checkpoint', () => {
  const dir = tempDir('hyperlab-example-');
  const result = cli(['run', '--set', 'epochs=1', '--set', 'limit=2000', '--set', 'watch_every=5', '--json', '--', PYTHON, path.join(ROOT, 'examples', 'pytorch_fashion_mnist.py')], dir);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const out = JSON.parse(result.stdout) as { run: { id: number; experimentName: string; params: { [k: string]: unknown }; summary: { [k: string]: number } } };
  assert.equal(out.run.experimentName, 'pytorch-fashion-mnist');
  assert.equal(out.run.params['limit'], 2000);
  assert.equal(out.run.params['lr'], 0.001);
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  try {
    const id = out.run.id;
    const steps = Math.ceil(1800 / 64); // 2000 images, 10% held out for validation
    assert.equal(out.run.summary['steps'], steps);
    assert.equal(store.points(id, 'train.loss').length, Math.ceil(steps / 10));
    const [val] = store.points(id, 'val.accuracy');
    assert.ok(val!.value > 0.5, `val accuracy ${val!.value} after one epoch on 1,800 images (chance: 0.1)`);
    assert.ok(out.run.summary['test.accuracy']! > 0.5);
    const stats = store.layerStats(id);
    assert.deepEqual(stats.map((s) => s.step), Array.from({ length: Math.ceil(steps / 5) }, (_, i) => i * 5));
    assert.deepEqual(stats[0]!.layers.map((l) => l.name), ['Conv2d 0', 'Conv2d 3', 'Linear 7', 'Linear 9']);
    for (const layer of stats.at(-1)!.layers) assert.ok(layer.gradNorm > 0 && layer.weightNorm > 0 && layer.updateRatio > 0, JSON.stringify(layer));
    const [checkpoint] = store.artifacts(id);
    assert.equal(checkpoint?.kind, 'checkpoint');
    assert.ok(fs.statSync(checkpoint!.path).size > 100_000, 'the saved state_dict');
    assert.equal(checkpoint!.size, fs.statSync(checkpoint!.path).size);
  } finally {
    store.close();
  }
});
