import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../../../src/core/errors.ts';
import { parseSpec, specSchema } from '../../../src/core/spec/index.ts';
import { compoundCandidates, compoundScale, defaultBlock } from '../../../src/core/search/architecture.ts';
import { materializeTrial } from '../../../src/core/search/apply.ts';
import { searchConfigOf } from '../../../src/core/search/config.ts';
import { createSampler } from '../../../src/core/search/factory.ts';
import type { TrialRecord } from '../../../src/core/search/types.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const cnn = JSON.parse(fs.readFileSync(path.join(root, 'media/templates/fashion-mnist-cnn.hyperlab.json'), 'utf8'));

function problemsOf(input: object): string {
  try {
    parseSpec(input);
  } catch (error) {
    assert.ok(error instanceof HyperlabError && error.code === 'SPEC_INVALID');
    return error.message;
  }
  assert.fail('expected SPEC_INVALID');
}

const valid = {
  search: {
    method: 'tpe',
    budget: { trials: 30 },
    objective: { metric: 'val.acc', direction: 'max' },
    space: {
      'train.optimizer.kind': { type: 'categorical', choices: ['sgd', 'adam'] },
      'train.optimizer.lr': { type: 'loguniform', low: 1e-5, high: 0.1 },
      'train.optimizer.momentum': { type: 'uniform', low: 0.5, high: 0.95, when: { 'train.optimizer.kind': 'sgd' } },
      'model.layers.1.units': { type: 'int', low: 32, high: 512, step: 32 },
      'model.layers.1.activation': { type: 'categorical', choices: ['relu', 'gelu', 'tanh'] },
      'model.depth': { type: 'int', low: 1, high: 4 },
    },
  },
};

test('a search section is validated, completed with defaults and turned into an ordered SearchConfig', () => {
  const spec = parseSpec(valid);
  const config = searchConfigOf(spec)!;
  assert.equal(config.method, 'tpe');
  assert.deepEqual(config.space.map((d) => d.path), Object.keys(valid.search.space));
  assert.deepEqual(config.space[2]!.condition, { path: 'train.optimizer.kind', oneOf: ['sgd'] });
  assert.deepEqual(config.space[3]!.dist, { type: 'int', low: 32, high: 512, step: 32, log: false });
  assert.deepEqual(config.objective, { metric: 'val.acc', direction: 'max', value: 'last', epoch: null });
  assert.equal(config.tpe.startupTrials, 10);
  assert.equal(config.tpe.eiCandidates, 24);
  assert.deepEqual(config.architecture.block, { first: 1, last: 1 }, 'the default block: the hidden dense layer');
  assert.equal(searchConfigOf(parseSpec({})), null, 'no search section, no config');
  assert.equal(parseSpec({}).search, undefined);
});

test('every problem of a search section names its path and the fix', () => {
  const message = problemsOf({ search: {
    method: 'tpee',
    space: {
      'train.optimizer.lrr': { type: 'loguniform', low: 1e-5, high: 0.1 },
      'train.optimizer.momentum': { type: 'uniform', low: 0.5, high: 1, when: { 'train.optimizer.kind': 'sgd' } },
      'model.layers.7.units': { type: 'int', low: 8, high: 64 },
      'model.layers.1.units': { type: 'int', low: 0, high: 64 },
      'train.batchSize': { type: 'int', low: 64, high: 16 },
      'train.epochs': { type: 'normal', low: 1, high: 3 },
      'data.limit': { type: 'uniform', high: 3 },
    },
  } });
  assert.match(message, /search\.method: "tpee" is not one of grid, random, tpe, evolution, pbt, rl — did you mean "tpe"\?/);
  assert.match(message, /search\.space\["train\.epochs"\]\.type: "normal" is not one of categorical, int, uniform, loguniform/);
  // The rules beyond single fields run once every field is well-formed: fix the two above first.
  const rules = problemsOf({ search: { space: {
    'train.optimizer.lrr': { type: 'loguniform', low: 1e-5, high: 0.1 },
    'train.optimizer.momentum': { type: 'uniform', low: 0.5, high: 1, when: { 'train.optimizer.kind': 'sgd' } },
    'model.layers.7.units': { type: 'int', low: 8, high: 64 },
    'model.layers.1.units': { type: 'int', low: 0, high: 64 },
    'train.batchSize': { type: 'int', low: 64, high: 16 },
    'data.limit': { type: 'uniform', high: 3 },
  } } });
  assert.match(rules, /search\.space\["train\.optimizer\.lrr"\]: "train\.optimizer\.lrr" is not a field of this spec — did you mean "train\.optimizer\.lr"\?/);
  assert.match(rules, /search\.space\["train\.optimizer\.momentum"\]\.high: 1 is not allowed; expected a number ≥ 0 and < 1 \(for train\.optimizer\.momentum\)/);
  assert.match(rules, /search\.space\["train\.optimizer\.momentum"\]\.when: "train\.optimizer\.kind" is not a parameter listed before this one/);
  assert.match(rules, /search\.space\["model\.layers\.7\.units"\]: "model\.layers\.7\.units" is not a field of this spec/);
  assert.match(rules, /search\.space\["model\.layers\.1\.units"\]\.low: 0 is not allowed; expected an integer ≥ 1/);
  assert.match(rules, /search\.space\["train\.batchSize"\]: low 64 is above high 16/);
  assert.match(rules, /search\.space\["data\.limit"\]\.low: required/);
  assert.match(rules, /search\.budget: neither trials nor timeSeconds is set/);
});

test('conditions must name an earlier parameter and a value it can take; the objective epoch must exist', () => {
  const space = { 'train.optimizer.kind': { type: 'categorical', choices: ['sgd', 'adam'] }, 'train.optimizer.momentum': { type: 'uniform', low: 0.5, high: 0.9, when: { 'train.optimizer.kind': 'nesterov' } } };
  assert.match(problemsOf({ search: { budget: { trials: 3 }, space } }), /\.when\.train\.optimizer\.kind: "nesterov" can never be drawn for train\.optimizer\.kind; expected one of "sgd", "adam"/);
  assert.match(problemsOf({ train: { epochs: 3 }, search: { budget: { trials: 3 }, objective: { value: 'epoch', epoch: 5 }, space: { 'train.optimizer.lr': { type: 'loguniform', low: 1e-4, high: 1e-2 } } } }),
    /search\.objective\.epoch: 5 is after the last epoch \(train\.epochs = 3\)/);
  assert.match(problemsOf({ search: { method: 'grid', space: {} } }), /search\.space: no parameters/);
});

test('the JSON Schema describes the search section (parameters keyed by path, tagged by type)', () => {
  const schema = specSchema() as { properties: { search: { properties: Record<string, { additionalProperties?: unknown; enum?: unknown[] }> } }; definitions: Record<string, { oneOf: { properties: { type: { const: string } } }[] }> };
  const search = schema.properties.search.properties;
  assert.deepEqual(search['method']!.enum, ['grid', 'random', 'tpe', 'evolution', 'pbt', 'rl']);
  assert.equal((search['space']!.additionalProperties as { $ref: string }).$ref, '#/definitions/searchParam');
  assert.deepEqual(schema.definitions['searchParam']!.oneOf.map((v) => v.properties.type.const), ['categorical', 'int', 'uniform', 'loguniform']);
});

test('a trial spec: fields set by path, model.depth repeats the block (a searched layer field reaches every copy)', () => {
  const spec = parseSpec(valid);
  const config = searchConfigOf(spec)!;
  const trial = materializeTrial(spec, { 'train.optimizer.kind': 'sgd', 'train.optimizer.lr': 0.05, 'train.optimizer.momentum': 0.8, 'model.layers.1.units': 96, 'model.layers.1.activation': 'gelu', 'model.depth': 3 }, config);
  assert.equal(trial.train.optimizer.kind, 'sgd');
  assert.equal(trial.train.optimizer.lr, 0.05);
  assert.equal(trial.train.optimizer.momentum, 0.8);
  assert.deepEqual(trial.model.layers.map((l) => l.type), ['flatten', 'dense', 'dense', 'dense', 'dense']);
  for (const layer of trial.model.layers.slice(1, 4)) assert.deepEqual(layer, { type: 'dense', units: 96, activation: 'gelu', init: null });
  assert.deepEqual(trial.model.layers[4], { type: 'dense', units: 10, activation: 'none', init: null });
  assert.equal(trial.search, undefined, 'a trial is one run');
  const none = materializeTrial(spec, { 'model.depth': 0 }, config);
  assert.deepEqual(none.model.layers.map((l) => l.type), ['flatten', 'dense']);
});

test('compound scaling: depth α^φ and width β^φ on the CNN template; with only α searched, β = √(2/α)', () => {
  const layers = parseSpec(cnn).model.layers;
  const scaled = compoundScale(layers, 2, 1.2, 1.1);
  // d = 1.44: each one-conv stage gets ⌈1.44⌉ = 2 convs; w = 1.21: 16 → 19, 32 → 39 filters.
  const convs = scaled.filter((l) => l.type === 'conv2d');
  assert.deepEqual(convs.map((l) => (l.type === 'conv2d' ? l.filters : 0)), [19, 19, 39, 39]);
  assert.deepEqual(scaled.map((l) => l.type), ['conv2d', 'conv2d', 'maxpool', 'conv2d', 'conv2d', 'maxpool', 'flatten', 'dense', 'dense']);
  assert.ok(convs.every((l) => l.type === 'conv2d' && l.padding === 1 && l.stride === 1), 'copies keep the shape ("same" padding)');
  assert.deepEqual(compoundScale(layers, 0, 1.2, 1.1), layers, 'φ = 0 is the base network');
  const spec = parseSpec({ ...cnn, search: { budget: { trials: 4 }, space: { 'model.compound.alpha': { type: 'uniform', low: 1, high: 2, step: 0.25 } } } });
  const trial = materializeTrial(spec, { 'model.compound.alpha': 2 }, searchConfigOf(spec)!);
  // α = 2 → β = 1: twice the convs, the same widths.
  assert.deepEqual(trial.model.layers.filter((l) => l.type === 'conv2d').map((l) => (l.type === 'conv2d' ? l.filters : 0)), [16, 16, 32, 32]);
  for (const { alpha, beta } of compoundCandidates()) assert.ok(Math.abs(alpha * beta * beta - 2) <= 0.1 + 1e-9);
  assert.ok(compoundCandidates().some(({ alpha, beta }) => alpha === 1.2 && beta === 1.3));
  assert.match(problemsOf({ search: { budget: { trials: 2 }, space: { 'model.compound.phi': { type: 'int', low: 0, high: 2 } } } }), /compound scaling scales conv2d layers, and model\.layers has none/);
  assert.equal(defaultBlock(layers)?.first, 5);
});

test('a grid over the spec section runs end to end: sampler → trial specs, every cell valid', () => {
  const spec = parseSpec({ search: { method: 'grid', space: {
    'train.optimizer.lr': { type: 'categorical', choices: [0.001, 0.01, 0.1] },
    'train.batchSize': { type: 'categorical', choices: [32, 64, 128] },
  } } });
  const config = searchConfigOf(spec)!;
  const sampler = createSampler(config);
  const history: TrialRecord[] = [];
  for (let i = 0; i < 9; i++) history.push({ number: i, params: sampler.ask(history), state: 'complete', value: 0, intermediate: [] });
  const specs = history.map((t) => materializeTrial(spec, t.params, config));
  assert.equal(new Set(specs.map((s) => `${s.train.optimizer.lr}/${s.train.batchSize}`)).size, 9);
  assert.throws(() => sampler.ask(history), /all been tried/);
});
