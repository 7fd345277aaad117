// `hyperlab sweep SPEC` over a spec with a producer section, end to end: the real CLI runs each
// trial as Debian's python3 on a script using the real client; each trial's sampled value reaches
// the script (it writes what it received) and is what the trial's run records.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/core/store/index.ts';
import { PYTHON, SCRIPTS, cli } from '../client/helpers.ts';
import { tempDir } from '../runner/helpers.ts';

interface Received { HYPERLAB_PARAMS: string; lr: number; epochs: number }

test('a grid sweep of a producer spec: every trial\'s script trains with its sampled lr, and its run records it', () => {
  const dir = tempDir('hyperlab-producer-sweep-');
  const sides = path.join(dir, 'sides');
  fs.mkdirSync(sides);
  const spec = path.join(dir, 'quad-sweep.hyperlab.json');
  fs.writeFileSync(spec, JSON.stringify({
    name: 'quad-sweep',
    producer: { command: PYTHON, args: [path.join(SCRIPTS, 'configured.py')], env: { SIDE_DIR: sides } },
    train: { lr: 0.01, epochs: 2, steps: 2 },
    search: { method: 'grid', parallelism: 2, space: { 'train.lr': { type: 'categorical', choices: [0.1, 0.3, 0.5] } }, objective: { metric: 'val.loss', direction: 'min' } },
  }));
  const result = cli(['sweep', spec, '--json'], dir);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const out = JSON.parse(result.stdout) as { outcome: { status: string; trials: number; best: { params: { [k: string]: unknown }; runId: number } } };
  assert.equal(out.outcome.status, 'finished');
  assert.equal(out.outcome.trials, 3);
  // val.loss after 4 steps is 12.5·(1 − lr)^8: the largest lr is best only if each trial really trained with its own.
  assert.deepEqual(out.outcome.best.params, { 'train.lr': 0.5 });

  const received = fs.readdirSync(sides).map((f) => JSON.parse(fs.readFileSync(path.join(sides, f), 'utf8')) as Received);
  assert.deepEqual(received.map((r) => r.lr).sort(), [0.1, 0.3, 0.5]);
  for (const r of received) assert.deepEqual(JSON.parse(r.HYPERLAB_PARAMS), { train: { lr: r.lr, epochs: 2, steps: 2 } });

  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  try {
    const sweep = store.sweeps.list()[0]!;
    const trials = store.sweeps.trials(sweep.id);
    assert.equal(trials.length, 3);
    for (const trial of trials) {
      const run = store.getRun(trial.runId)!;
      assert.equal(run.status, 'finished');
      assert.equal(run.experimentName, 'quad-sweep', 'a trial stays with its sweep');
      // What the script reported: its defaults (model.hidden) with the spec's values and the trial's lr; no search section.
      assert.deepEqual(run.params, { train: { lr: trial.params['train.lr'], epochs: 2, steps: 2 }, model: { hidden: 8 } });
      const lr = trial.params['train.lr'] as number;
      const val = store.points(trial.runId, 'val.loss').map((p) => p.value);
      assert.equal(val.length, 2);
      assert.ok(Math.abs(val[1]! - 12.5 * (1 - lr) ** 8) < 1e-12, `trial lr ${lr}: val.loss ${val[1]}`);
    }
    assert.equal(out.outcome.best.runId, trials.find((t) => t.params['train.lr'] === 0.5)!.runId);
  } finally {
    store.close();
  }
});

test('a producer spec\'s sweep resumes from the store (no spec file, no engine): the next trial runs the script with its own sampled value', () => {
  const dir = tempDir('hyperlab-producer-sweep-');
  const sides = path.join(dir, 'sides');
  fs.mkdirSync(sides);
  const spec = path.join(dir, 'resume.hyperlab.json');
  fs.writeFileSync(spec, JSON.stringify({
    producer: { command: PYTHON, args: [path.join(SCRIPTS, 'configured.py')], env: { SIDE_DIR: sides } },
    train: { epochs: 1 },
    search: { method: 'random', seed: 3, budget: { trials: 1 }, space: { 'train.lr': { type: 'uniform', low: 0.05, high: 0.95 } } },
  }));
  const first = cli(['sweep', spec, '--json'], dir);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  const sweepId = (JSON.parse(first.stdout) as { sweep: { id: number } }).sweep.id;
  fs.rmSync(spec);
  const again = cli(['sweep', '--resume', String(sweepId), '--trials', '2', '--json'], dir);
  assert.equal(again.code, 0, again.stderr + again.stdout);
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  try {
    const trials = store.sweeps.trials(sweepId);
    assert.equal(trials.length, 2);
    const lrs = trials.map((t) => t.params['train.lr'] as number);
    assert.notEqual(lrs[0], lrs[1]);
    for (const trial of trials) assert.deepEqual(store.getRun(trial.runId)!.params, { train: { lr: trial.params['train.lr'], epochs: 1, steps: 3 }, model: { hidden: 8 } });
    const received = fs.readdirSync(sides).map((f) => (JSON.parse(fs.readFileSync(path.join(sides, f), 'utf8')) as Received).lr);
    assert.deepEqual(received.sort(), [...lrs].sort());
  } finally {
    store.close();
  }
});
