// The Sweep dashboard's data from a stored sweep: trial values and per-epoch curves as the
// driver reads them, pruned trials kept with their curves, ASHA's rungs, the best trial's spec.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parseSpec } from '../../../src/core/spec/index.ts';
import { openStore } from '../../../src/core/store/index.ts';
import { createSweep } from '../../../src/core/sweep/index.ts';
import { ashaRungs, loadSweepView } from '../../../src/core/webview/sweep-source.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-sweep-source-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('trials carry the sampler\'s parameters, the objective the driver uses and the per-epoch curve; pruned ones too', () => {
  const store = openStore(path.join(dir, 'runs.db'));
  const spec = parseSpec({
    train: { epochs: 9, optimizer: { kind: 'sgd', lr: 0.01 } },
    search: {
      method: 'random', budget: { trials: 4 }, parallelism: 2,
      space: { 'train.optimizer.lr': { type: 'loguniform', low: 0.001, high: 0.1 } },
      objective: { metric: 'val.acc', direction: 'max', value: 'best' },
      pruner: { kind: 'asha', minResource: 1, reductionFactor: 3 },
    },
  });
  const sweep = createSweep(store, { spec, specPath: null, experiment: 'lr-search' });
  const accs = [[0.5, 0.7, 0.65], [0.4, 0.45], [0.6, 0.8, 0.85]];
  const statuses = ['finished', 'pruned', 'finished'] as const;
  const runIds = accs.map((curve, number) => {
    const trial = store.sweeps.addTrial(sweep.id, { number, params: { 'train.optimizer.lr': 0.001 * 10 ** number } }, null);
    store.markRunning(trial.runId, null);
    store.appendMetrics(trial.runId, curve.map((value, e) => ({ key: 'epoch.val.acc', step: (e + 1) * 100, epoch: e + 1, time: Date.now(), value })));
    if (statuses[number] === 'pruned') store.sweeps.markPruned(trial.runId, 'ASHA: below the top 1/3 at rung 1');
    else store.endRun(trial.runId, 'finished', null, {});
    return trial.runId;
  });
  const view = loadSweepView(store, sweep.id)!;
  assert.equal(view.sweep.method, 'random');
  assert.equal(view.sweep.pruner, 'asha');
  assert.deepEqual(view.sweep.rungs, [1, 3], 'rungs at 1·3^k below the 9 epochs');
  assert.deepEqual(view.trials.map((t) => t.status), ['finished', 'pruned', 'finished']);
  assert.deepEqual(view.trials.map((t) => t.value), [0.7, null, 0.85], "'best' of a max objective; a pruned trial has no final value");
  assert.deepEqual(view.trials[1]!.intermediate, { xs: [1, 2], ys: [0.4, 0.45] }, 'x is the epoch the pruner saw');
  assert.deepEqual(view.trials.map((t) => t.params['train.optimizer.lr']), [0.001, 0.01, 0.1]);
  assert.equal(view.bestRunId, runIds[2]);
  const best = JSON.parse(view.bestSpec!) as { train: { optimizer: { lr: number } }; search?: unknown };
  assert.equal(best.train.optimizer.lr, 0.1);
  assert.equal(best.search, undefined, 'the best trial\'s spec runs as a plain run');
  assert.equal(view.params[0]!.log, true, 'log-uniform: log axis');
  assert.equal(loadSweepView(store, 999), null);
  store.close();
});

test('ASHA rungs follow minResource·η^(s+k) and stop below the last epoch', () => {
  const pruner = { kind: 'asha' as const, startupTrials: 0, warmupSteps: 0, minResource: 1, reductionFactor: 2, minEarlyStoppingRate: 1 };
  assert.deepEqual(ashaRungs(pruner, 20), [2, 4, 8, 16]);
  assert.deepEqual(ashaRungs({ ...pruner, reductionFactor: 1 }, 20), []);
});
