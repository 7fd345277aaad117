// A spec with a producer section: its own fields are checked (path, value, fix), its other fields
// are the script's config as written, overrides resolve against that config, and the JSON Schema
// checks the engine's sections only in a spec without a producer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HyperlabError } from '../../../src/core/errors.ts';
import { parseProducerSpec, parseSpec, producerConfig, resolveProducerOverrides, specSchema } from '../../../src/core/spec/index.ts';
import { specProblems } from '../../../src/core/spec/spec-problems.ts';

function problemsOf(input: object): string {
  try {
    parseProducerSpec(input);
  } catch (error) {
    assert.ok(error instanceof HyperlabError);
    assert.equal(error.code, 'SPEC_INVALID');
    return error.message;
  }
  assert.fail('expected SPEC_INVALID');
}

test('a producer spec: defaults filled in its own fields, every other field is the script\'s config as written', () => {
  const spec = parseProducerSpec({
    $schema: './schema.json', name: 'mine', description: 'x',
    producer: { command: 'python3', args: ['train.py'] },
    train: { lr: 0.1, optimizer: 'sgd-ish' }, model: { layers: 'not the engine\'s' }, batch_size: 32,
  });
  assert.deepEqual(spec.producer, { command: 'python3', args: ['train.py'], cwd: null, env: {} });
  assert.equal(spec.name, 'mine');
  // Engine fields the engine would refuse (a string of layers, an unknown optimizer) are the script's business.
  assert.deepEqual(spec.config, { train: { lr: 0.1, optimizer: 'sgd-ish' }, model: { layers: 'not the engine\'s' }, batch_size: 32 });
  assert.equal(spec.search, undefined);
});

test('the producer section\'s mistakes name the path and the fix, all of them at once', () => {
  const message = problemsOf({ producer: { args: 'train.py', cwd: 3, env: { A: 1, HYPERLAB_CHANNEL_FD: '3' }, comand: 'python3' }, name: 4 });
  assert.match(message, /producer\.comand: unknown field; allowed: command, args, cwd, env — did you mean "command"\?/);
  assert.match(message, /producer\.args: "train\.py" is not allowed; expected an array/);
  assert.match(message, /producer\.cwd: 3 is not allowed; expected a string/);
  assert.match(message, /producer\.env\.A: 1 is not allowed; expected a string/);
  assert.match(message, /name: 4 is not allowed; expected a string/);
  assert.match(problemsOf({ producer: { command: '  ' } }), /producer\.command: required; give the program to run/);
  assert.match(problemsOf({ producer: null }), /producer: null is not an object; allowed fields: command, args, cwd, env/);
  assert.match(problemsOf({ producer: { command: 'x', env: { HYPERLAB_CHANNEL_FD: '3' } } }), /producer\.env\.HYPERLAB_CHANNEL_FD: set by Hyperlab for every run; remove it/);
});

test('the engine\'s tools refuse a producer spec with a message saying what it is', () => {
  assert.throws(() => parseSpec({ producer: { command: 'python3' }, train: { epochs: 2 } }),
    /producer: this spec runs a script of its own \(its producer section\), and this needs a spec for Hyperlab's engine/);
});

test('a producer spec\'s search: paths into the config, the engine-only parts refused', () => {
  const ok = parseProducerSpec({ producer: { command: 'python3' }, train: { lr: 0.1 }, search: { method: 'random', budget: { trials: 3 }, space: { 'train.lr': { type: 'loguniform', low: 1e-3, high: 1 }, 'dropout': { type: 'uniform', low: 0, high: 0.5 } } } });
  assert.equal((ok.search!['budget'] as { trials: number }).trials, 3);
  assert.equal(ok.search!['parallelism'], 1, 'defaults filled in');
  const message = problemsOf({ producer: { command: 'python3' }, search: { method: 'pbt', budget: { trials: 2 }, space: { 'model.depth': { type: 'int', low: 1, high: 3 }, 'producer.command': { type: 'categorical', choices: ['a'] }, 'train.lr': { type: 'uniform', low: 1, high: 0 } } } });
  assert.match(message, /search\.method: "pbt" resumes members from the engine's checkpoints/);
  assert.match(message, /search\.space\["model\.depth"\]: model\.depth rewrites the engine's layers/);
  assert.match(message, /search\.space\["producer\.command"\]: producer is Hyperlab's own field/);
  assert.match(message, /search\.space\["train\.lr"\]: low 1 is above high 0/);
  assert.match(problemsOf({ producer: { command: 'python3' }, search: { method: 'tpe', space: { lr: { type: 'uniform', low: 0, high: 1 } } } }), /search\.budget: neither trials nor timeSeconds is set/);
});

test('overrides resolve against the script\'s config: a unique tail completes, a new key passes as written, Hyperlab\'s fields are refused', () => {
  const spec = parseProducerSpec({ producer: { command: 'python3' }, train: { lr: 0.1, epochs: 3 }, model: { hidden: [64, 32] } });
  const overrides = resolveProducerOverrides(spec, ['lr=0.5', 'model.hidden=[8]', 'seed=7']);
  assert.deepEqual(overrides, { 'train.lr': 0.5, 'model.hidden': [8], seed: 7 });
  assert.deepEqual(producerConfig(spec, overrides), { train: { lr: 0.5, epochs: 3 }, model: { hidden: [8] }, seed: 7 });
  assert.deepEqual(spec.config, { train: { lr: 0.1, epochs: 3 }, model: { hidden: [64, 32] } }, 'the spec itself is untouched');
  assert.throws(() => resolveProducerOverrides(spec, ['name=x']), /override name: name is Hyperlab's own field/);
  assert.throws(() => resolveProducerOverrides(spec, ['__proto__.x=1']), /"__proto__" is not a spec field/);
  const twice = parseProducerSpec({ producer: { command: 'python3' }, train: { lr: 0.1 }, finetune: { lr: 0.01 } });
  assert.throws(() => resolveProducerOverrides(twice, ['lr=0.5']), /override lr: could mean finetune\.lr, train\.lr/);
});

test('the editor\'s problems of a producer spec point at the producer field; engine fields are not problems there', () => {
  const text = JSON.stringify({ producer: { command: 'python3', cwd: 5 }, train: { epoch: 3 } }, null, 2);
  const problems = specProblems(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.path, 'producer.cwd');
  assert.equal(text.slice(problems[0]!.offset, problems[0]!.offset + problems[0]!.length), '"cwd"');
  assert.equal(specProblems(JSON.stringify({ producer: { command: 'python3' }, train: { epoch: 3 } })).length, 0);
  assert.match(specProblems(JSON.stringify({ train: { epoch: 3 } }))[0]!.message, /train\.epoch: unknown field/);
});

test('the JSON Schema: producer (command required) for every spec, the engine\'s sections checked only without a producer', () => {
  const schema = specSchema() as Record<string, unknown>;
  const properties = schema['properties'] as Record<string, Record<string, unknown>>;
  assert.deepEqual(properties['producer']!['required'], ['command']);
  assert.deepEqual(Object.keys(properties['producer']!['properties'] as object), ['command', 'args', 'cwd', 'env']);
  assert.equal(properties['producer']!['additionalProperties'], false);
  assert.equal(properties['train'], undefined, 'a producer spec\'s train is its script\'s');
  assert.deepEqual(schema['if'], { required: ['producer'] });
  const otherwise = schema['else'] as { properties: Record<string, Record<string, unknown>>; additionalProperties: boolean };
  assert.equal(otherwise.additionalProperties, false);
  assert.equal(otherwise.properties['producer'], undefined, 'in the else branch a producer is impossible anyway');
  for (const key of ['train', 'model', 'data', 'name', 'search']) assert.ok(otherwise.properties[key], `${key} allowed without a producer`);
  assert.equal((otherwise.properties['train']!['properties'] as Record<string, unknown>)['epochs'] !== undefined, true);
  assert.equal(schema['additionalProperties'], undefined, 'a producer spec may have any config field');
});

test('a config too large for an environment variable is refused before any process starts, naming the fix', async () => {
  const { scriptLaunch, MAX_PARAMS_BYTES } = await import('../../../src/core/producer/launch.ts');
  const spec = parseProducerSpec({ producer: { command: 'python3', args: ['t.py'], cwd: 'sub', env: { A: 'b' } }, files: 'x'.repeat(MAX_PARAMS_BYTES) });
  assert.throws(() => scriptLaunch({ spec, specPath: '/w/s.hyperlab.json', overrides: {}, env: {}, clientDir: null }), (error: unknown) => {
    assert.ok(error instanceof HyperlabError);
    assert.match(error.message, /the script's config is 131,067 bytes as JSON; HYPERLAB_PARAMS holds at most 131,055 \(an environment variable's limit\)/);
    assert.match(error.hint ?? '', /Keep large values .* in a file and put its path in the spec/);
    return true;
  });
  const small = parseProducerSpec({ producer: { command: 'python3', args: ['t.py'], cwd: 'sub', env: { A: 'b', PYTHONUNBUFFERED: '0' } }, lr: 0.1 });
  const launch = scriptLaunch({ spec: small, specPath: '/w/s.hyperlab.json', overrides: { lr: 0.5 }, env: { A: 'a', HYPERLAB_PARAMS: '{"stale":1}', PYTHONPATH: '/p' }, clientDir: '/client' });
  assert.deepEqual(launch.command.argv, ['python3', 't.py']);
  assert.equal(launch.command.cwd, '/w/sub');
  assert.equal(launch.command.env!['A'], 'b', 'the spec\'s env over the host\'s');
  assert.equal(launch.command.env!['HYPERLAB_PARAMS'], '{"lr":0.5}', 'an inherited HYPERLAB_PARAMS is replaced');
  assert.equal(launch.command.env!['PYTHONUNBUFFERED'], '0', 'the spec\'s own choice stays');
  assert.equal(launch.command.env!['PYTHONPATH'], '/p:/client');
  assert.deepEqual(launch.start, { spec: { lr: 0.5 }, overrides: { lr: 0.5 }, seed: 0 });
});
