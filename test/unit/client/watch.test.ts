// run.watch on a real torch.nn.Module (Debian's PyTorch): the layer statistics the client sends
// equal those computed directly from p.grad, the weights and the activations.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { syncInbox } from '../../../src/core/inbox/index.ts';
import { openStore } from '../../../src/core/store/index.ts';
import type { LayerStat } from '../../../src/core/protocol/messages.ts';
import { tempDir } from '../runner/helpers.ts';
import { SCRIPTS, python } from './helpers.ts';

type Direct = { [step: string]: { [layer: string]: { [stat: string]: number } } };

test('run.watch: per-layer gradient norms (before clipping), weight norms, update ratios, activation moments and dead-ReLU fractions equal the direct computation', () => {
  const dir = tempDir('hyperlab-watch-');
  fs.mkdirSync(path.join(dir, '.hyperlab'));
  const side = path.join(dir, 'direct.json');
  const ran = python(path.join(SCRIPTS, 'watched.py'), dir, { SIDE: side });
  assert.equal(ran.code, 0, ran.stderr);
  const direct = JSON.parse(fs.readFileSync(side, 'utf8')) as Direct;
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'));
  try {
    syncInbox(store, path.join(dir, '.hyperlab', 'inbox'));
    const [run] = store.listRuns();
    const reported = store.layerStats(run!.id);
    // every=2 over 6 training steps (the evaluation passes between them do not count).
    assert.deepEqual(reported.map((r) => r.step), [0, 2, 4]);
    for (const { step, layers } of reported) {
      assert.deepEqual(layers.map((l) => l.name), ['conv1', 'fc1', 'fc2']);
      for (const layer of layers) {
        const expected = direct[String(step)]![layer.name]!;
        for (const [stat, value] of Object.entries(expected)) {
          const got = layer[stat as keyof LayerStat] as number;
          assert.ok(Math.abs(got - value) <= 1e-6 * Math.max(1, Math.abs(value)), `step ${step} ${layer.name}.${stat}: reported ${got}, direct ${value}`);
        }
        assert.equal(layer.deadFraction === undefined, layer.name === 'fc2', 'a dead fraction only after a ReLU');
      }
    }
    // The clip at 0.01 would cap every norm at 0.01: the reported ones are larger.
    assert.ok(reported.some((r) => r.layers.some((l) => l.gradNorm > 0.02)));
  } finally {
    store.close();
  }
});
