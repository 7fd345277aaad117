// The Lightning logger and the Hugging Face TrainerCallback (python/hyperlab/integrations), end to
// end: a real PyTorch training on FashionMNIST images, driven the way each framework's Trainer
// calls its logger or callbacks, into a real store through `hyperlab run --` or the inbox and
// `hyperlab sync`, with Debian's python3 alone: scripts/stand_ins.py provides the libraries' base
// classes at the seam, with the real names, modules and signatures, so that these tests choose
// what the Trainer hands over (a process of rank 1, text among the metrics). The real libraries
// run in integrations-real.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openStore, type Store } from '../../../src/core/store/index.ts';
import { tempDir } from '../runner/helpers.ts';
import { PYTHON, SCRIPTS, cli, python, terminalEnv } from './helpers.ts';

const LIGHTNING = path.join(SCRIPTS, 'lightning_fit.py');
const TRANSFORMERS = path.join(SCRIPTS, 'transformers_train.py');

interface Logged { step: number; epoch?: number; [key: string]: unknown }

function workspace(): string {
  const dir = tempDir('hyperlab-integrations-');
  fs.mkdirSync(path.join(dir, '.hyperlab'));
  return dir;
}

function withStore<T>(dir: string, read: (store: Store) => T): T {
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

function series(store: Store, runId: number, key: string): [number, number | null | undefined, number][] {
  return store.points(runId, key).map((p) => [p.step, p.epoch, p.value]);
}

test('importing hyperlab imports no integration and no framework; an integration without its framework says what to install', () => {
  const probe = spawnSync(PYTHON, ['-c', `
import sys, hyperlab
print(sorted(m for m in sys.modules if m.startswith("hyperlab.integrations") or m.split(".")[0] in ("lightning", "pytorch_lightning", "transformers", "torch")))
for name in ("lightning", "pytorch_lightning", "transformers"):
    try:
        __import__("hyperlab.integrations." + name)
    except ImportError as error:
        print(error)
`], { env: terminalEnv(), encoding: 'utf8' });
  assert.equal(probe.status, 0, probe.stderr);
  assert.deepEqual(probe.stdout.trim().split('\n'), [
    '[]',
    'hyperlab.integrations.lightning needs PyTorch Lightning: pip install lightning',
    'hyperlab.integrations.pytorch_lightning needs pytorch_lightning: pip install pytorch-lightning',
    'hyperlab.integrations.transformers needs Hugging Face transformers: pip install transformers',
  ]);
});

test('Lightning under hyperlab run --: hyperparameters as params, every logged metric at its step and epoch, text skipped, fit then test in one finished run, the kept checkpoint in the run folder', () => {
  const dir = workspace();
  const side = path.join(dir, 'side.json');
  const result = cli(['run', '--json', '--', PYTHON, LIGHTNING], dir, { SIDE: side, PACKAGE: 'lightning' });
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const { run } = JSON.parse(result.stdout) as { run: { id: number } };
  const expected = JSON.parse(fs.readFileSync(side, 'utf8')) as { logged: Logged[]; checkpoint: string; save_dir: string | null; version: string; name: string };
  const at = (key: string) => expected.logged.filter((l) => key in l).map((l) => [l.step, l['epoch'], l[key]]);
  withStore(dir, (store) => {
    const stored = store.getRun(run.id)!;
    assert.deepEqual([stored.experimentName, stored.name, stored.status], ['lightning-test', 'mlp', 'finished']);
    assert.deepEqual(store.tags(run.id), { lightning: '' });
    assert.deepEqual(stored.params, { data: 'fashion-mnist-768', lr: 0.05, hidden: 32, batch_size: 64, max_epochs: 2 });
    assert.deepEqual(store.metricKeys(run.id).sort(), ['test_acc', 'test_loss', 'train_loss', 'train_loss_epoch', 'val_acc', 'val_loss']);
    for (const key of ['train_loss', 'val_loss', 'val_acc', 'train_loss_epoch', 'test_loss']) assert.deepEqual(series(store, run.id, key), at(key), key);
    assert.deepEqual(series(store, run.id, 'train_loss').map(([step, epoch]) => [step, epoch]), [[4, 0], [8, 0], [12, 1], [16, 1]]);
    // save_dir is the run's folder under a host, so Lightning's checkpoint lands where the host keeps artifacts.
    assert.ok(expected.save_dir && expected.checkpoint.startsWith(path.join(expected.save_dir, 'lightning-test', 'mlp', 'checkpoints')), expected.checkpoint);
    const artifacts = store.artifacts(run.id);
    assert.deepEqual(artifacts.map((a) => [a.kind, a.path, a.size, a.meta?.['best'], a.meta?.['monitor']]),
      [['checkpoint', expected.checkpoint, fs.statSync(expected.checkpoint).size, true, 'val_acc']]);
    assert.equal(artifacts[0]!.meta?.['score'], Math.max(...at('val_acc').map((v) => v[2] as number)));
    assert.match(store.log(run.id).map((l) => l.text).join('\n'), /logged note='text is not a metric' \(str\), which is not a number/);
  });
});

test('Lightning (pytorch_lightning) from a terminal: an exception in training_step ends the run failed with the traceback, Ctrl-C ends it killed, each keeping its points; rank 1 records nothing', () => {
  const dir = workspace();
  const failed = python(LIGHTNING, dir, { PACKAGE: 'pytorch_lightning', MODE: 'raise' });
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /ValueError: bad batch at step 6/);
  const interrupted = python(LIGHTNING, dir, { PACKAGE: 'pytorch_lightning', MODE: 'interrupt' });
  assert.equal(interrupted.code, 1, interrupted.stderr);
  const rank1 = python(LIGHTNING, dir, { PACKAGE: 'pytorch_lightning', MODE: 'rank1' });
  assert.equal(rank1.code, 0, rank1.stderr);
  const synced = cli(['sync', '--json'], dir);
  assert.equal(synced.code, 0, synced.stderr);
  withStore(dir, (store) => {
    const runs = store.listRuns({ sortBy: 'id', order: 'asc' });
    assert.deepEqual(runs.map((r) => [r.experimentName, r.status]), [['lightning-test', 'failed'], ['lightning-test', 'killed']]);
    assert.match(runs[0]!.reason!, /ValueError: bad batch at step 6$/);
    assert.equal(runs[1]!.reason, 'interrupted (Ctrl-C)');
    for (const r of runs) assert.deepEqual(series(store, r.id, 'train_loss').map(([step]) => step), [4]);
  });
});

test('transformers from a terminal, then hyperlab sync: TrainingArguments and the model config as params, loss/eval_*/test_* as train./val./test. curves at global_step and epoch, the closing figures as summary, evaluate() after train() kept', () => {
  const dir = workspace();
  const side = path.join(dir, 'side.json');
  const ran = python(TRANSFORMERS, dir, { SIDE: side });
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stderr, /logged stage='done' \(str\), which is not a number/);
  const synced = cli(['sync'], dir);
  assert.equal(synced.code, 0, synced.stderr);
  const logged = JSON.parse(fs.readFileSync(side, 'utf8')) as Logged[];
  const at = (key: string) => logged.filter((l) => key in l).map((l) => [l.step, l['epoch'], l[key]]);
  withStore(dir, (store) => {
    const [run, ...others] = store.listRuns({});
    assert.equal(others.length, 0);
    assert.deepEqual([run!.experimentName, run!.name, run!.status], ['transformers-test', 'mlp-adamw', 'finished']);
    assert.deepEqual(store.tags(run!.id), { hf: '' });
    const params = run!.params;
    assert.deepEqual([params['learning_rate'], params['num_train_epochs'], params['train_batch_size'], params['hidden_size'], params['model_type'], params['report_to']],
      [0.003, 2, 64, 48, 'mlp', "['none']"]);
    assert.deepEqual(store.metricKeys(run!.id).sort(), ['test.accuracy', 'test.loss', 'test.runtime', 'test.samples_per_second',
      'train.grad_norm', 'train.learning_rate', 'train.loss', 'val.accuracy', 'val.loss', 'val.runtime', 'val.samples_per_second']);
    assert.deepEqual(series(store, run!.id, 'train.loss'), at('loss'));
    assert.deepEqual(series(store, run!.id, 'train.loss').map(([step, epoch]) => [step, epoch]), [[3, 0.375], [6, 0.75], [9, 1.125], [12, 1.5], [15, 1.875]]);
    assert.deepEqual(series(store, run!.id, 'train.learning_rate'), at('learning_rate'));
    // Two evaluations at step 16 (the epoch's and the evaluate() after train()): the later one is kept.
    const evals = at('eval_loss');
    assert.equal(evals.length, 3);
    assert.deepEqual(series(store, run!.id, 'val.loss'), [evals[0], evals[2]]);
    const predicted = logged.find((l) => 'predict' in l)!['predict'] as { [k: string]: number };
    assert.deepEqual(series(store, run!.id, 'test.loss'), [[16, 2, predicted['test_loss']]]);
    const closing = logged.find((l) => 'train_runtime' in l)!;
    assert.deepEqual(run!.summary, Object.fromEntries(['train_runtime', 'train_samples_per_second', 'train_steps_per_second', 'total_flos', 'train_loss'].map((k) => [k, closing[k]])));
  });
});

test('transformers under hyperlab run --: an exception out of trainer.train() ends the run failed with its message, the points before it kept', () => {
  const dir = workspace();
  const result = cli(['run', '--json', '--', PYTHON, TRANSFORMERS], dir, { MODE: 'raise' });
  assert.equal(result.code, 1, result.stderr + result.stdout);
  const { run } = JSON.parse(result.stdout) as { run: { id: number; status: string; reason: string } };
  assert.equal(run.status, 'failed');
  assert.match(run.reason, /RuntimeError: CUDA out of memory \(simulated\) at step 7/);
  withStore(dir, (store) => assert.deepEqual(series(store, run.id, 'train.loss').map(([step]) => step), [3, 6]));
});
