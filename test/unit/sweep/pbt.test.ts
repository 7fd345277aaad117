// PBT through the real CLI and engine: members train in segments; a weak member copies a better
// member's checkpoint and goes on with perturbed parameters, so its run's lr changes mid-run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { TINY_MLP, cli, tempDir, withStore, writeSpec } from './helpers.ts';

test('PBT: a member copies a better member\'s checkpoint and its learning rate changes mid-run', () => {
  const dir = tempDir();
  const spec = writeSpec(dir, 'pbt', {
    ...TINY_MLP, train: { ...TINY_MLP.train, epochs: 3 },
    search: {
      method: 'pbt', parallelism: 2, budget: { trials: 4 }, seed: 1,
      space: { 'train.optimizer.lr': { type: 'loguniform', low: 0.0001, high: 0.3 } },
      pbt: { populationSize: 4, interval: 1, quantile: 0.25 },
      objective: { metric: 'val.acc', direction: 'max' },
    },
  });
  const result = cli(['sweep', spec, '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  withStore(dir, (store) => {
    const trials = store.sweeps.trials(1);
    assert.equal(trials.length, 4);
    const exploits: { runId: number; epoch: number; lr: number; file: string }[] = [];
    for (const trial of trials) {
      assert.equal(trial.status, 'finished');
      // every epoch trained once, across the segments
      assert.deepEqual(store.points(trial.runId, 'epoch.val.acc').map((p) => p.epoch), [1, 2, 3]);
      for (const line of store.log(trial.runId)) {
        const m = /^\[pbt\] after epoch (\d+): copied member (\d+)'s checkpoint; (\{.*\})/.exec(line.text);
        if (m) exploits.push({ runId: trial.runId, epoch: Number(m[1]), lr: (JSON.parse(m[3]!) as { [k: string]: number })['train.optimizer.lr']!, file: `pbt-epoch-${m[1]}-from-${m[2]}.safetensors` });
      }
    }
    assert.ok(exploits.length >= 1, 'at least one member exploited another');
    for (const exploit of exploits) {
      const lrs = store.points(exploit.runId, 'lr');
      const after = lrs.filter((p) => (p.epoch ?? 0) === exploit.epoch + 1).map((p) => p.value);
      const before = lrs.filter((p) => (p.epoch ?? 0) === exploit.epoch).map((p) => p.value);
      assert.ok(after.length > 0 && after.every((lr) => lr === exploit.lr), `run ${exploit.runId} trains epoch ${exploit.epoch + 1} at the new lr ${exploit.lr}`);
      assert.ok(before.length > 0 && before.every((lr) => lr !== exploit.lr), 'and trained the epoch before at another lr');
      const artifacts = store.artifacts(exploit.runId);
      // the last segment's checkpoints (best only if that segment improved it), each once, not once per segment
      const names = artifacts.map((a) => a.path.replace(/^.*\//, ''));
      assert.ok(names.includes('last.safetensors'));
      assert.equal(new Set(names).size, names.length, `no checkpoint recorded twice: ${names.join(', ')}`);
      const copied = artifacts[0]?.path;
      assert.ok(copied, 'the run has its checkpoint artifacts');
      assert.ok(fs.existsSync(copied.replace(/[^/]+$/, exploit.file)), `the copied checkpoint ${exploit.file} is in its run folder`);
    }
  });
});
