// `hyperlab run SPEC` for a spec with a producer section, end to end: the real CLI starts Debian's
// python3 on a script using the real client (python/); what the script received (written to a
// side file by the script itself) and what the store holds are compared.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/core/store/index.ts';
import { PYTHON, SCRIPTS, cli } from '../client/helpers.ts';
import { tempDir } from '../runner/helpers.ts';

const CONFIGURED = path.join(SCRIPTS, 'configured.py');

interface Received { HYPERLAB_PARAMS: string | null; lr: number; epochs: number; cwd: string; argv: string[]; greeting: string | null; config: unknown }
interface RunJson { run: { id: number; status: string; experimentName: string; name: string; params: unknown } }

function writeSpec(dir: string, spec: object): string {
  const file = path.join(dir, 'quad.hyperlab.json');
  fs.writeFileSync(file, JSON.stringify(spec, null, 2));
  return file;
}

test('hyperlab run SPEC --set: the override reaches the script (HYPERLAB_PARAMS, run.config), the script trains with it, and the run records it', () => {
  const dir = tempDir('hyperlab-producer-');
  fs.mkdirSync(path.join(dir, 'work'));
  const side = path.join(dir, 'side.json');
  const spec = writeSpec(dir, {
    name: 'quadratic',
    producer: { command: PYTHON, args: [CONFIGURED, '--fast'], cwd: 'work', env: { GREETING: 'hello', SIDE: side } },
    train: { lr: 0.1, epochs: 2 },
  });
  // "lr" completes to train.lr, the one config path it ends.
  const result = cli(['run', spec, '--set', 'lr=0.5', '--json'], dir);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const received = JSON.parse(fs.readFileSync(side, 'utf8')) as Received;
  assert.deepEqual(JSON.parse(received.HYPERLAB_PARAMS!), { train: { lr: 0.5, epochs: 2 } });
  assert.equal(received.lr, 0.5);
  assert.equal(received.cwd, fs.realpathSync(path.join(dir, 'work')));
  assert.deepEqual(received.argv, ['--fast']);
  assert.equal(received.greeting, 'hello');

  const out = JSON.parse(result.stdout) as RunJson;
  assert.equal(out.run.status, 'finished');
  assert.equal(out.run.experimentName, 'quadratic', 'the script names no experiment: the spec\'s name files it');
  assert.equal(out.run.name, 'lr=0.5');
  // The run's params are the script's config as it ran: its defaults with the spec's values and the override.
  assert.deepEqual(out.run.params, { train: { lr: 0.5, epochs: 2, steps: 3 }, model: { hidden: 8 } });
  assert.deepEqual(out.run.params, received.config);
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  try {
    const losses = store.points(out.run.id, 'train.loss').map((p) => p.value);
    assert.equal(losses.length, 6);
    // x ← x − lr·x from 5: with lr 0.5 the first loss is 0.5·2.5² (with the spec's 0.1 it would be 10.125).
    assert.equal(losses[0], 0.5 * 2.5 ** 2);
    assert.equal(store.points(out.run.id, 'val.loss').length, 2);
  } finally {
    store.close();
  }
});

test('a value the script does not declare is not recorded as a param; the run\'s log says so', () => {
  const dir = tempDir('hyperlab-producer-');
  const side = path.join(dir, 'side.json');
  const spec = writeSpec(dir, {
    producer: { command: PYTHON, args: [CONFIGURED], env: { SIDE: side } },
    train: { lr: 0.2, epochs: 1, momentum: 0.9 },
  });
  const result = cli(['run', spec, '--set', 'model.dropout=0.3', '--json'], dir);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const out = JSON.parse(result.stdout) as RunJson;
  assert.deepEqual(out.run.params, { train: { lr: 0.2, epochs: 1, steps: 3 }, model: { hidden: 8 } });
  assert.equal(out.run.experimentName, 'quad', 'no name in the spec, none in the script: the spec\'s file name');
  const received = JSON.parse(fs.readFileSync(side, 'utf8')) as Received;
  assert.deepEqual(JSON.parse(received.HYPERLAB_PARAMS!), { train: { lr: 0.2, epochs: 1, momentum: 0.9 }, model: { dropout: 0.3 } });
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  try {
    const log = store.log(out.run.id).map((l) => l.text).join('\n');
    assert.match(log, /HYPERLAB_PARAMS sets train\.momentum, model\.dropout, which the config passed to hyperlab\.init\(\) does not declare: not in run\.config and not recorded/);
  } finally {
    store.close();
  }
});

test('the experiment the script names in init() files the run; the spec\'s is not left behind empty', () => {
  const dir = tempDir('hyperlab-producer-');
  const spec = writeSpec(dir, { name: 'from-spec', producer: { command: PYTHON, args: [CONFIGURED], env: { EXPERIMENT: 'from-script' } }, train: { epochs: 1 } });
  const result = cli(['run', spec, '--json'], dir);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const out = JSON.parse(result.stdout) as RunJson;
  assert.equal(out.run.experimentName, 'from-script');
  assert.match(out.run.name, /^run-\d+$/);
  const store = openStore(path.join(dir, '.hyperlab', 'runs.db'), { readonly: true });
  try {
    assert.deepEqual(store.listExperiments().map((e) => e.name), ['from-script']);
  } finally {
    store.close();
  }
});

test('a producer spec\'s mistakes are usage errors naming the field and the fix; no run is recorded', () => {
  const dir = tempDir('hyperlab-producer-');
  const cases: [object, string[], RegExp][] = [
    [{ producer: { args: ['train.py'] } }, [], /producer\.command: required; give the program to run, e.g\. "python3"/],
    [{ producer: { command: PYTHON, env: { HYPERLAB_PARAMS: '{}' } } }, [], /producer\.env\.HYPERLAB_PARAMS: set by Hyperlab for every run; remove it/],
    [{ producer: { command: PYTHON, cwdd: 'x' } }, [], /producer\.cwdd: unknown field; allowed: command, args, cwd, env — did you mean "cwd"\?/],
    [{ producer: { command: PYTHON }, train: { lr: 0.1 } }, ['producer.command=sh'], /override producer\.command: producer is Hyperlab's own field, not part of the script's config/],
  ];
  for (const [body, sets, expected] of cases) {
    const spec = writeSpec(dir, body);
    const result = cli(['run', spec, ...sets.flatMap((s) => ['--set', s])], dir);
    assert.equal(result.code, 2, `${JSON.stringify(body)}: ${result.stderr}`);
    assert.match(result.stderr, expected);
  }
  assert.equal(fs.existsSync(path.join(dir, '.hyperlab', 'runs.db')), false, 'nothing was recorded');
});
