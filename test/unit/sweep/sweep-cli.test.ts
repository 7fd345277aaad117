// Sweeps end to end: the real `hyperlab` CLI, real engine processes on 600 FashionMNIST samples,
// a real store; SIGKILL and SIGINT of the CLI in the middle of a sweep.
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { TINY_MLP, cli, cliProcess, tempDir, waitFor, withStore, writeSpec } from './helpers.ts';

const lrOf = (params: { [key: string]: unknown }) => params['train.optimizer.lr'];

test('grid sweep through the CLI: every cell once, trials in runs ls, best trial in sweeps show', () => {
  const dir = tempDir();
  const spec = writeSpec(dir, 'grid', {
    ...TINY_MLP,
    search: {
      method: 'grid', parallelism: 2,
      space: { 'train.optimizer.lr': { type: 'categorical', choices: [0.001, 0.01, 0.1] }, 'train.batchSize': { type: 'categorical', choices: [32, 64] } },
      objective: { metric: 'val.acc', direction: 'max' },
    },
  });
  const result = cli(['sweep', spec, '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { outcome: { status: string; trials: number; best: { number: number; value: number } } };
  assert.equal(out.outcome.status, 'finished');
  assert.equal(out.outcome.trials, 6);
  assert.match(result.stderr, /sweep 1: trial 5 started \(run \d+\): train\.optimizer\.lr=/, 'a progress line per trial');

  const runs = JSON.parse(cli(['runs', 'ls', '--json'], dir).stdout) as { sweepId: number; status: string; params: { [k: string]: unknown } }[];
  assert.equal(runs.length, 6);
  assert.ok(runs.every((r) => r.sweepId === 1 && r.status === 'finished'));
  const cells = new Set(runs.map((r) => `${String(r.params['train.optimizer.lr'])}/${String(r.params['train.batchSize'])}`));
  assert.deepEqual([...cells].sort(), ['0.001/32', '0.001/64', '0.01/32', '0.01/64', '0.1/32', '0.1/64']);

  const shown = JSON.parse(cli(['sweeps', 'show', '1', '--json'], dir).stdout) as { best: { number: number; value: number }; trials: { number: number; value: number; status: string }[] };
  const bestValue = Math.max(...shown.trials.map((t) => t.value));
  assert.equal(shown.best.value, bestValue);
  assert.equal(out.outcome.best.value, bestValue);
  // each trial's value is its run's own last validation accuracy
  withStore(dir, (store) => {
    for (const trial of store.sweeps.trials(1)) {
      const points = store.points(trial.runId, 'epoch.val.acc');
      assert.equal(shown.trials.find((t) => t.number === trial.number)!.value, points[points.length - 1]!.value);
    }
  });
  const table = cli(['sweeps', 'show', '1'], dir).stdout;
  assert.match(table, new RegExp(`best: trial ${shown.best.number} `));
  assert.match(cli(['sweeps', 'ls'], dir).stdout, /1\s+grid\s+grid\s+finished\s+6\/-/);
});

test('SIGKILL of the CLI mid-sweep, then sweep --resume: the budgeted trials, none run twice, none lost', async () => {
  const dir = tempDir();
  const spec = writeSpec(dir, 'random', {
    ...TINY_MLP, train: { ...TINY_MLP.train, epochs: 2 },
    search: {
      method: 'random', parallelism: 2, budget: { trials: 6 }, seed: 3,
      space: { 'train.optimizer.lr': { type: 'loguniform', low: 0.001, high: 0.3 } },
      objective: { metric: 'val.acc', direction: 'max' },
    },
  });
  const first = cliProcess(['sweep', spec], dir);
  // killed while two trials ran and at least one had ended
  await waitFor(() => (first.stderr().match(/ finished: /g) ?? []).length >= 1 && (first.stderr().match(/ started \(run/g) ?? []).length >= 3, 'a trial to end and another to start');
  first.child.kill('SIGKILL');
  await first.exited;
  const before = withStore(dir, (store) => store.sweeps.trials(1).map((t) => ({ number: t.number, status: t.status, runId: t.runId })), { readonly: true });
  assert.ok(before.some((t) => t.status === 'running'), 'a trial was running when the driver died');
  const finishedBefore = before.filter((t) => t.status === 'finished');
  const pointsBefore = withStore(dir, (store) => new Map(finishedBefore.map((t) => [t.runId, store.points(t.runId, 'epoch.val.acc').map((p) => p.time)])), { readonly: true });

  const resumed = cli(['sweep', '--resume', '1', '--json'], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /re-queued: its driver ended while it ran/);
  withStore(dir, (store) => {
    const trials = store.sweeps.trials(1);
    const runs = store.listRuns({ sweepId: 1 });
    assert.equal(runs.length, 6, 'one run per budgeted trial');
    assert.deepEqual(trials.map((t) => t.number), [0, 1, 2, 3, 4, 5]);
    assert.ok(trials.every((t) => t.status === 'finished'));
    assert.equal(new Set(trials.map((t) => lrOf(t.params))).size, 6, 'six distinct parameter sets');
    for (const trial of trials) {
      assert.equal(store.points(trial.runId, 'epoch.val.acc').length, 2, `trial ${trial.number} trained its 2 epochs once`);
    }
    // the trials that had finished were not run again
    for (const [runId, times] of pointsBefore) assert.deepEqual(store.points(runId, 'epoch.val.acc').map((p) => p.time), times);
    assert.equal(store.sweeps.get(1)?.status, 'finished');
  });
});

test('ASHA prunes the weaker trials at its rungs: status pruned, curves kept', () => {
  const dir = tempDir();
  // Epochs long enough (2,400 samples, 128 units) that a stop decided at epoch 1 or 2 lands
  // before epoch 6 ends, even on a loaded machine: the driver prunes asynchronously.
  const spec = writeSpec(dir, 'asha', {
    ...TINY_MLP, data: { ...TINY_MLP.data, limit: 3000 },
    model: { layers: [{ type: 'flatten' }, { type: 'dense', units: 128, activation: 'relu' }, { type: 'dense', units: 10 }] },
    train: { ...TINY_MLP.train, epochs: 6 },
    search: {
      method: 'grid', parallelism: 1,
      // the good learning rate first, so the later, weaker ones meet a filled rung
      space: { 'train.optimizer.lr': { type: 'categorical', choices: [0.1, 0.00001, 0.00003, 0.0001] } },
      objective: { metric: 'val.acc', direction: 'max' },
      pruner: { kind: 'asha', minResource: 1, reductionFactor: 2 },
    },
  });
  const result = cli(['sweep', spec, '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  withStore(dir, (store) => {
    const trials = store.sweeps.trials(1);
    assert.deepEqual(trials.map((t) => t.status), ['finished', 'pruned', 'pruned', 'pruned'], 'rung 0 (epoch 1) stops 1e-5 and 3e-5; rung 1 (epoch 2) stops 1e-4 against 0.1');
    const rungs = trials.slice(1).map((t) => /^pruned: at rung (\d)/.exec(t.reason ?? '')?.[1]);
    assert.deepEqual(rungs.slice(0, 2), ['0', '0']);
    // 1e-4 is stopped at rung 1 against 0.1; on a loaded machine (CI dry run) its epochs 2 and 4
    // have arrived in one flush and it was recorded at rung 2: still stopped early, never promoted.
    assert.match(rungs[2] ?? '', /^[12]$/);
    for (const trial of trials.slice(1)) {
      const curve = store.points(trial.runId, 'epoch.val.acc');
      assert.ok(curve.length >= 1 && curve.length < 6, `trial ${trial.number} kept the ${curve.length} epoch(s) it trained`);
      assert.ok(store.points(trial.runId, 'loss').length > 0, 'its per-step loss curve is kept');
    }
    assert.equal(store.points(trials[0]!.runId, 'epoch.val.acc').length, 6);
    assert.deepEqual(store.listRuns({ status: 'pruned' }).map((r) => r.id).sort(), trials.slice(1).map((t) => t.runId).sort());
  });
  assert.match(cli(['runs', 'ls'], dir).stdout, /pruned/);
});

test('a wall-time budget: no trial starts once the time is spent, and the sweep says so', () => {
  const dir = tempDir();
  const spec = writeSpec(dir, 'timed', {
    ...TINY_MLP,
    search: {
      method: 'random', parallelism: 1, budget: { trials: null, timeSeconds: 3 }, seed: 2,
      space: { 'train.optimizer.lr': { type: 'loguniform', low: 0.001, high: 0.3 } },
      objective: { metric: 'val.acc', direction: 'max' },
    },
  });
  const result = cli(['sweep', spec, '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { sweep: { createdAt: number; elapsedMs: number }; outcome: { reason: string; trials: number } };
  assert.equal(out.outcome.reason, 'the time budget was spent');
  assert.ok(out.outcome.trials >= 1);
  assert.ok(out.sweep.elapsedMs >= 3000);
  withStore(dir, (store) => {
    for (const trial of store.sweeps.trials(1)) {
      assert.ok(trial.createdAt - out.sweep.createdAt < 3000, `trial ${trial.number} was asked for within the budget`);
      assert.equal(trial.status, 'finished', 'a trial started in time runs to its end');
    }
  });
});

test('a diverged trial counts as the worst value and the sweep goes on', () => {
  const dir = tempDir();
  const spec = writeSpec(dir, 'diverge', {
    ...TINY_MLP,
    search: {
      method: 'grid', parallelism: 1,
      space: { 'train.optimizer.lr': { type: 'categorical', choices: [1000000, 0.05] } },
      objective: { metric: 'val.loss', direction: 'min' },
    },
  });
  const result = cli(['sweep', spec, '--json'], dir);
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { outcome: { status: string; byStatus: { [s: string]: number }; best: { number: number } } };
  assert.equal(out.outcome.status, 'finished');
  assert.deepEqual(out.outcome.byStatus, { diverged: 1, finished: 1 });
  assert.equal(out.outcome.best.number, 1, 'the finite trial is the best');
  const shown = JSON.parse(cli(['sweeps', 'show', '1', '--json'], dir).stdout) as { trials: { number: number; status: string; value: number | null }[] };
  assert.deepEqual(shown.trials.map((t) => [t.status, t.value === null]), [['diverged', true], ['finished', false]]);
});

test('Ctrl-C stops the trials and leaves the sweep resumable; sweep stop from another process too', async () => {
  const dir = tempDir();
  const spec = writeSpec(dir, 'stop', {
    ...TINY_MLP, train: { ...TINY_MLP.train, epochs: 3 },
    search: {
      method: 'random', parallelism: 2, budget: { trials: 4 }, seed: 5,
      space: { 'train.optimizer.lr': { type: 'loguniform', low: 0.001, high: 0.3 } },
      objective: { metric: 'val.acc', direction: 'max' },
    },
  });
  const first = cliProcess(['sweep', spec], dir);
  await waitFor(() => /trial 1 started/.test(first.stderr()), 'two trials to start');
  first.child.kill('SIGINT');
  assert.equal(await first.exited, 1);
  assert.match(first.stdout(), /stopped: interrupted \(Ctrl-C\)[\s\S]*resume with: hyperlab sweep --resume 1/);
  withStore(dir, (store) => {
    assert.equal(store.sweeps.get(1)?.status, 'stopped');
    assert.ok(store.sweeps.trials(1).every((t) => t.status === 'queued' || t.status === 'finished'), 'stopped trials are queued again, none killed');
  });

  // One trial at a time, so the sweep is still going when the stop arrives (on a busy machine it could finish first).
  const second = cliProcess(['sweep', '--resume', '1', '--parallelism', '1'], dir);
  await waitFor(() => /started \(run/.test(second.stderr()), 'the resumed sweep to start a trial');
  const stop = cli(['sweep', 'stop', '1'], dir);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, /asked its driver \(process \d+\) to stop/);
  assert.equal(await second.exited, 1);

  const last = cli(['sweep', '--resume', '1', '--json'], dir);
  assert.equal(last.code, 0, last.stderr);
  withStore(dir, (store) => {
    const trials = store.sweeps.trials(1);
    assert.equal(trials.length, 4);
    assert.ok(trials.every((t) => t.status === 'finished'));
    for (const trial of trials) assert.equal(store.points(trial.runId, 'epoch.val.acc').length, 3);
    // one driver at a time: a sweep owned by a live process (this one stands in) is refused
    store.sweeps.update(1, { status: 'running', ownerPid: process.pid, ownerHost: os.hostname() });
  });
  const twice = cli(['sweep', '--resume', '1'], dir);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, new RegExp(`sweep 1 is being run by process ${process.pid}[\\s\\S]*hint: Stop it first \\(hyperlab sweep stop 1\\)`));
});

test('sweep usage errors name the fix: no spec, no search section, no budget, unknown sweep', () => {
  const dir = tempDir();
  const plain = writeSpec(dir, 'plain', TINY_MLP);
  const noBudget = writeSpec(dir, 'nobudget', { ...TINY_MLP, search: { method: 'random', space: { 'train.optimizer.lr': { type: 'loguniform', low: 0.001, high: 0.1 } } } });
  const missing = cli(['sweep'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /expected one spec file/);
  const noSearch = cli(['sweep', plain], dir);
  assert.equal(noSearch.code, 2);
  assert.match(noSearch.stderr, /no "search" section[\s\S]*hint: Add a search section/);
  const unbounded = cli(['sweep', noBudget], dir);
  assert.equal(unbounded.code, 2);
  assert.match(unbounded.stderr, /search\.budget/);
  assert.equal(cli(['sweep', noBudget, '--trials', '0'], dir).code, 2);
  assert.equal(cli(['sweeps', 'show', '9'], dir).code, 3);
  assert.equal(cli(['sweep', '--resume', '9'], dir).code, 3);
  assert.match(cli(['sweeps', 'nope'], dir).stderr, /Use one of: sweeps ls, sweeps show ID/);
  assert.match(cli(['help', 'sweep'], dir).stdout, /--resume ID/);
});
