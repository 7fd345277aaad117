// examples/pytorch-fashion-mnist.hyperlab.json: the PyTorch example run through a spec's producer
// section (real python3 and PyTorch on 600 FashionMNIST images): the spec's values and the
// overrides are what the script trained with and what the run records; none goes unused.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/core/store/index.ts';
import { PYTHON, ROOT, cli } from '../client/helpers.ts';
import { tempDir } from '../runner/helpers.ts';

test('the example producer spec runs examples/pytorch_fashion_mnist.py with its config and the overrides', () => {
  const dir = tempDir('hyperlab-example-spec-');
  const spec = path.join(ROOT, 'examples', 'pytorch-fashion-mnist.hyperlab.json');
  // The spec says "python3": the one with PyTorch (Debian's, or HYPERLAB_PYTHON's) comes first on PATH.
  const env = { PATH: `${path.dirname(PYTHON)}${path.delimiter}${process.env['PATH'] ?? ''}` };
  const result = cli(['run', spec, '--set', 'limit=600', '--set', 'hidden=32', '--set', 'watch_every=1000', '--json'], dir, env);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const out = JSON.parse(result.stdout) as { run: { id: number; status: string; experimentName: string; name: string; params: { [k: string]: unknown } } };
  assert.equal(out.run.experimentName, 'pytorch-fashion-mnist');
  // Auto-names keep to 24 characters and count the rest (the hover card lists every change).
  assert.equal(out.run.name, 'limit=600 · hidden=32 +1');
  const { params } = out.run;
  assert.deepEqual([params['limit'], params['hidden'], params['epochs'], params['lr'], params['batch_size']], [600, 32, 1, 0.001, 64]);
  assert.equal(params['search'], undefined, 'the search section is Hyperlab\'s, not the script\'s');
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  try {
    assert.equal(store.log(out.run.id).some((l) => /does not declare/.test(l.text)), false, 'every value of the spec is one the script declares');
    assert.equal(store.points(out.run.id, 'val.accuracy').length, 1);
  } finally {
    store.close();
  }
});
