// The integrations against the real libraries: Lightning 2.6.6's Trainer (both import names) and
// transformers 5.18's Trainer, training a small MLP on FashionMNIST images, into a real store
// through `hyperlab run --` or the inbox and `hyperlab sync`. The libraries are installed by pip
// into a virtual environment of this test's own (kept in ~/.cache/hyperlab-test between runs);
// HYPERLAB_FRAMEWORKS_PYTHON names an interpreter that has them instead. Where pip cannot get them
// (neither is a Debian package; PyPI or a local index is needed) the tests are skipped with pip's
// reason printed, and the stand-in tests (integrations.test.ts) still run. Each script records what
// the Trainer handed to its loggers or callbacks (a second logger, a second callback), and the
// store must hold exactly that.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { openStore, type Store } from '../../../src/core/store/index.ts';
import { tempDir } from '../runner/helpers.ts';
import { PYTHON, SCRIPTS, cli, terminalEnv } from './helpers.ts';

const REQUIREMENTS = ['lightning==2.6.6', 'transformers==5.18.0', 'accelerate==1.15.0'];
const VENV = path.join(os.homedir(), '.cache', 'hyperlab-test', 'frameworks-venv');
const LIGHTNING = path.join(SCRIPTS, 'real', 'lightning_trainer.py');
const TRANSFORMERS = path.join(SCRIPTS, 'real', 'transformers_trainer.py');
let frameworks = '';

/** An interpreter with the pinned libraries: made once (pip, about a minute), then reused. */
function frameworksPython(): { python: string } | { unavailable: string } {
  const given = process.env['HYPERLAB_FRAMEWORKS_PYTHON'];
  if (given) return { python: given };
  const python = path.join(VENV, 'bin', 'python');
  const stamp = path.join(VENV, 'hyperlab-requirements.txt');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === REQUIREMENTS.join('\n')) return { python };
  const building = `${VENV}.building-${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(VENV), { recursive: true });
  const made = spawnSync(PYTHON, ['-m', 'venv', building], { encoding: 'utf8' });
  assert.equal(made.status, 0, `${PYTHON} -m venv failed (Debian: apt-get install python3-venv): ${made.stderr}`);
  const pip = spawnSync(path.join(building, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
    '--retries', '0', '--timeout', '5', ...REQUIREMENTS], { encoding: 'utf8', timeout: 900_000 });
  if (pip.status !== 0) {
    fs.rmSync(building, { recursive: true, force: true });
    return { unavailable: `pip could not install ${REQUIREMENTS.join(' ')} (set HYPERLAB_FRAMEWORKS_PYTHON to an interpreter that has them): ${(pip.stderr || String(pip.error)).trim().split('\n').slice(-2).join(' | ')}` };
  }
  fs.writeFileSync(path.join(building, 'hyperlab-requirements.txt'), REQUIREMENTS.join('\n'));
  fs.rmSync(VENV, { recursive: true, force: true });
  fs.renameSync(building, VENV);
  return { python };
}

const found = frameworksPython();
const skip = 'unavailable' in found ? found.unavailable : false;
if (skip) process.stdout.write(`# integrations-real: skipped: ${skip}\n`);
before(() => {
  if ('python' in found) frameworks = found.python;
});

function workspace(): string {
  const dir = tempDir('hyperlab-frameworks-');
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

function frameworkScript(script: string, cwd: string, env: { [key: string]: string }): { code: number | null; stderr: string } {
  const ran = spawnSync(frameworks, [script], { cwd, env: terminalEnv(env), encoding: 'utf8' });
  return { code: ran.status, stderr: ran.stderr };
}

type Point = [step: number, epoch: number | null | undefined, value: number];
const series = (store: Store, runId: number, key: string): Point[] => store.points(runId, key).map((p) => [p.step, p.epoch, p.value]);

interface LightningCall { step?: number; metrics?: { [key: string]: number }; hparams?: { [key: string]: unknown } }

test('real Lightning Trainer under hyperlab run --: hparams, every metric at the step and epoch Lightning gave its loggers, fit then test in one finished run, the best checkpoint', { skip }, () => {
  const dir = workspace();
  const side = path.join(dir, 'side.json');
  const result = cli(['run', '--json', '--', frameworks, LIGHTNING], dir, { SIDE: side });
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const { run } = JSON.parse(result.stdout) as { run: { id: number } };
  const recorded = JSON.parse(fs.readFileSync(side, 'utf8')) as { calls: LightningCall[]; checkpoint: string; score: number };
  const expected = new Map<string, Point[]>();
  for (const call of recorded.calls) {
    for (const [key, value] of Object.entries(call.metrics ?? {})) {
      if (key !== 'epoch') expected.set(key, [...(expected.get(key) ?? []), [call.step!, call.metrics!['epoch'], value]]);
    }
  }
  assert.deepEqual([...expected.keys()].sort(), ['test.acc', 'test.loss', 'train.loss', 'val.acc', 'val.loss']);
  withStore(dir, (store) => {
    const stored = store.getRun(run.id)!;
    assert.deepEqual([stored.experimentName, stored.name, stored.status, stored.params], ['lightning-real', 'mlp', 'finished', { lr: 0.05, hidden: 32 }]);
    assert.deepEqual(store.metricKeys(run.id).sort(), [...expected.keys()].sort());
    for (const [key, points] of expected) assert.deepEqual(series(store, run.id, key), points, key);
    assert.deepEqual(series(store, run.id, 'val.acc').map(([, epoch]) => epoch), [0, 1]);
    const artifacts = store.artifacts(run.id);
    assert.deepEqual(artifacts.map((a) => [a.kind, a.path, a.size, a.meta?.['best'], a.meta?.['monitor'], a.meta?.['score']]),
      [['checkpoint', recorded.checkpoint, fs.statSync(recorded.checkpoint).size, true, 'val.acc', recorded.score]]);
    assert.ok(recorded.checkpoint.startsWith(path.join(dir, '.hyperlab', 'runs', String(run.id))), `Lightning saved into the run's folder: ${recorded.checkpoint}`);
  });
});

test('real pytorch_lightning Trainer from a terminal: an exception in training_step ends the run failed with its traceback, Ctrl-C (Lightning exits 1 without re-raising) ends it killed', { skip }, () => {
  const dir = workspace();
  const side = path.join(dir, 'side.json');
  const failed = frameworkScript(LIGHTNING, dir, { PACKAGE: 'pytorch_lightning', MODE: 'raise', SIDE: side });
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /ValueError: bad batch at step 6/);
  const interrupted = frameworkScript(LIGHTNING, dir, { PACKAGE: 'pytorch_lightning', MODE: 'interrupt', SIDE: side });
  assert.equal(interrupted.code, 1);
  assert.match(interrupted.stderr, /Detected KeyboardInterrupt/);
  assert.equal(cli(['sync'], dir).code, 0);
  withStore(dir, (store) => {
    const runs = store.listRuns({ sortBy: 'id', order: 'asc' });
    assert.deepEqual(runs.map((r) => [r.status, r.reason?.split('\n').at(-1)]), [['failed', 'ValueError: bad batch at step 6'], ['killed', 'interrupted (Ctrl-C)']]);
    for (const r of runs) assert.deepEqual(series(store, r.id, 'train.loss').map(([step]) => step), [2, 5]);
  });
});

interface HfCall { step: number; epoch: number; logs?: { [key: string]: number }; predict?: { [key: string]: number } }

test('real transformers Trainer from a terminal, then hyperlab sync: arguments and model config as params, logs as train./val./test. curves at global_step and epoch, the closing figures as summary', { skip }, () => {
  const dir = workspace();
  const side = path.join(dir, 'side.json');
  const ran = frameworkScript(TRANSFORMERS, dir, { SIDE: side });
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(cli(['sync'], dir).code, 0);
  const calls = JSON.parse(fs.readFileSync(side, 'utf8')) as HfCall[];
  const closing = ['train_runtime', 'train_samples_per_second', 'train_steps_per_second', 'total_flos', 'train_loss'];
  const expected = new Map<string, Point[]>();
  for (const call of calls) {
    for (const [name, value] of Object.entries(call.logs ?? call.predict ?? {})) {
      if (name === 'epoch' || closing.includes(name)) continue;
      const key = name.startsWith('eval_') ? `val.${name.slice(5)}` : name.startsWith('test_') ? `test.${name.slice(5)}` : `train.${name}`;
      const points = (expected.get(key) ?? []).filter(([step]) => step !== call.step); // a later value at a step replaces it
      expected.set(key, [...points, [call.step, call.epoch, value]]);
    }
  }
  withStore(dir, (store) => {
    const [run, ...others] = store.listRuns({});
    assert.equal(others.length, 0);
    assert.deepEqual([run!.experimentName, run!.name, run!.status], ['transformers-real', 'mlp-adamw', 'finished']);
    assert.deepEqual([run!.params['learning_rate'], run!.params['num_train_epochs'], run!.params['per_device_train_batch_size'], run!.params['hidden_size']], [0.003, 2, 64, 48]);
    assert.deepEqual(store.metricKeys(run!.id).sort(), [...expected.keys()].sort());
    assert.ok(expected.has('train.loss') && expected.has('val.loss') && expected.has('val.accuracy') && expected.has('test.loss'));
    for (const [key, points] of expected) assert.deepEqual(series(store, run!.id, key), points, key);
    assert.deepEqual(series(store, run!.id, 'train.loss').map(([step]) => step), [3, 6, 9, 12, 15]);
    const figures = calls.find((c) => c.logs && 'train_runtime' in c.logs)!.logs!;
    assert.deepEqual(run!.summary, Object.fromEntries(closing.map((k) => [k, figures[k]])));
  });
});

test('real transformers Trainer, log_checkpoints=True: each saved checkpoint\'s model file is an artifact of the run, byte for byte; optimizer and RNG states are not', { skip }, () => {
  const dir = workspace();
  const result = cli(['run', '--json', '--', frameworks, TRANSFORMERS], dir, { SAVE: 'epoch', SIDE: path.join(dir, 'side.json') });
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const { run } = JSON.parse(result.stdout) as { run: { id: number; status: string } };
  assert.equal(run.status, 'finished');
  // 512 images in batches of 64: a checkpoint after steps 8 and 16.
  const saved = [8, 16].map((step) => path.join(dir, 'out', `checkpoint-${step}`));
  for (const folder of saved) assert.ok(fs.readdirSync(folder).includes('optimizer.pt'), `${folder} is a whole Trainer checkpoint`);
  withStore(dir, (store) => {
    const artifacts = store.artifacts(run.id);
    assert.ok(artifacts.every((a) => a.kind === 'checkpoint'), artifacts.map((a) => `${a.kind} ${a.path}`).join('\n'));
    assert.deepEqual(artifacts.map((a) => [a.meta?.['step'], a.meta?.['epoch'], path.basename(a.meta?.['folder'] as string)]), [[8, 1, 'checkpoint-8'], [16, 2, 'checkpoint-16']]);
    for (const [i, artifact] of artifacts.entries()) {
      assert.equal(artifact.sha256, sha256(path.join(saved[i]!, 'model.safetensors')), 'the model file as the Trainer saved it');
    }
  });
});

test('real transformers Trainer under hyperlab run --: an exception out of trainer.train() ends the run failed with its message, the points before it kept', { skip }, () => {
  const dir = workspace();
  const result = cli(['run', '--json', '--', frameworks, TRANSFORMERS], dir, { MODE: 'raise', SIDE: path.join(dir, 'side.json') });
  assert.equal(result.code, 1, result.stderr + result.stdout);
  const { run } = JSON.parse(result.stdout) as { run: { id: number; status: string; reason: string } };
  assert.equal(run.status, 'failed');
  assert.match(run.reason, /RuntimeError: CUDA out of memory \(simulated\) at step 7$/);
  withStore(dir, (store) => assert.deepEqual(series(store, run.id, 'train.loss').map(([step]) => step), [3, 6]));
});

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
