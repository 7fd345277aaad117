import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HyperlabError } from '../../../src/core/errors.ts';
import { applyOverrides, defaultSpec, flattenSpec, parseSpec, specSchema } from '../../../src/core/spec/index.ts';

const root = path.resolve(import.meta.dirname, '../../..');

function problemsOf(input: object | string): string {
  try {
    parseSpec(input);
  } catch (error) {
    assert.ok(error instanceof HyperlabError);
    assert.equal(error.code, 'SPEC_INVALID');
    return error.message;
  }
  assert.fail('expected SPEC_INVALID');
}

test('an empty object is a complete spec: every field takes its default', () => {
  const spec = parseSpec({});
  assert.deepEqual(spec, defaultSpec());
  assert.equal(spec.train.epochs, 10);
  assert.equal(spec.train.optimizer.kind, 'adam');
  assert.equal(spec.train.optimizer.momentumForm, 'pytorch');
  assert.equal(spec.train.loss.smoothingForm, 'uniform');
  assert.equal(spec.data.dataset, 'fashion-mnist');
  assert.equal(spec.model.layers.length, 3);
});

test('a wrong enum names the path, the value, the allowed values and the likely intent', () => {
  const message = problemsOf({ train: { optimizer: { kind: 'adamm' } } });
  assert.match(message, /train\.optimizer\.kind: "adamm" is not one of sgd, momentum, nesterov, rmsprop, adam, adamw, adagrad, adadelta — did you mean "adam"\?/);
});

test('unknown fields are errors with the allowed names', () => {
  const message = problemsOf({ train: { epoch: 3 } });
  assert.match(message, /train\.epoch: unknown field; allowed: epochs, batchSize/);
  assert.match(message, /did you mean "epochs"/);
});

test('every problem is listed, with array indices in the path', () => {
  const message = problemsOf({ train: { batchSize: 0, epochs: 2.5 }, model: { layers: [{ type: 'dense', units: -3 }, { type: 'conv' }] } });
  assert.match(message, /4 problems/);
  assert.match(message, /train\.batchSize: 0 is not allowed; expected an integer ≥ 1/);
  assert.match(message, /train\.epochs: 2\.5 is not allowed; expected an integer ≥ 1/);
  assert.match(message, /model\.layers\.0\.units: -3/);
  assert.match(message, /model\.layers\.1\.type: "conv" is not one of dense, conv2d.* did you mean "conv2d"/);
});

test('layers get their defaults filled in, residual blocks nest', () => {
  const spec = parseSpec({ model: { layers: [{ type: 'conv2d' }, { type: 'residual', layers: [{ type: 'batchnorm' }, { type: 'activation' }] }, { type: 'dropout', rate: 0.2 }] } });
  assert.deepEqual(spec.model.layers[0], { type: 'conv2d', filters: 16, kernel: 3, stride: 1, padding: 0, activation: 'none', init: null });
  assert.deepEqual(spec.model.layers[1], { type: 'residual', layers: [{ type: 'batchnorm', momentum: 0.1, eps: 1e-5 }, { type: 'activation', fn: 'relu', alpha: null }] });
  assert.match(problemsOf({ model: { layers: [{ type: 'dropout', rate: 1 }] } }), /model\.layers\.0\.rate: 1 is not allowed; expected a number ≥ 0 and < 1/);
});

test('invalid JSON and cross-field rules are SPEC_INVALID too', () => {
  assert.match(problemsOf('{"train": {'), /not valid JSON/);
  assert.match(problemsOf({ data: { dataset: 'csv' } }), /data\.path: null is not allowed when data\.dataset is "csv"/);
  assert.match(problemsOf({ train: { epochs: 3, swa: { enabled: true, startEpoch: 4 } } }), /train\.swa\.startEpoch: 4 is after the last epoch/);
});

test('overrides set fields by dotted path, JSON-parsed when they parse, and are validated', () => {
  const spec = applyOverrides(defaultSpec(), ['train.epochs=3', 'data.limit=5000', 'train.optimizer.kind=sgd', 'model.layers.1.units=64', 'data.path=/tmp/x y']);
  assert.equal(spec.train.epochs, 3);
  assert.equal(spec.data.limit, 5000);
  assert.equal(spec.train.optimizer.kind, 'sgd');
  assert.equal(spec.data.path, '/tmp/x y');
  assert.deepEqual(spec.model.layers[1], { type: 'dense', units: 64, activation: 'relu', init: null });
  const fromObject = applyOverrides(defaultSpec(), { 'train.optimizer.lr': 0.1, 'train.clip.norm': 1 });
  assert.equal(fromObject.train.optimizer.lr, 0.1);
  assert.equal(fromObject.train.clip.norm, 1);
  assert.throws(() => applyOverrides(defaultSpec(), ['train.epoch=3']), /train\.epoch: unknown field.*did you mean "epochs"/);
  assert.throws(() => applyOverrides(defaultSpec(), ['train.epochs=zero']), /train\.epochs: "zero" is not allowed/);
  assert.throws(() => applyOverrides(defaultSpec(), ['train.epochs']), /not of the form path=value/);
});

test('flattenSpec gives dotted keys for runs and searches', () => {
  const flat = flattenSpec(defaultSpec());
  assert.equal(flat['train.optimizer.lr'], 0.001);
  assert.equal(flat['model.layers.1.units'], 128);
  assert.equal(flat['data.augmentation.shift'], 0);
});

function schemaAt(schema: Record<string, unknown>, keys: string[], definitions: Record<string, Record<string, unknown>>): Record<string, unknown> | undefined {
  let node: Record<string, unknown> | undefined = schema;
  for (const [i, key] of keys.entries()) {
    const properties = node?.['properties'] as Record<string, Record<string, unknown>> | undefined;
    // The engine's sections are in the root's `else` (a spec without a producer section).
    const engine: Record<string, Record<string, unknown>> | undefined = i === 0 ? ((node?.['else'] as Record<string, unknown>)['properties'] as Record<string, Record<string, unknown>>) : undefined;
    node = properties?.[key] ?? engine?.[key];
  }
  const ref = node?.['$ref'];
  return typeof ref === 'string' ? definitions[ref.replace('#/definitions/', '')] : node;
}

test('the JSON Schema has every field with its default, and rejects unknown fields', () => {
  const schema = specSchema() as Record<string, unknown>;
  const definitions = schema['definitions'] as Record<string, Record<string, unknown>>;
  const defaults = defaultSpec() as unknown as Record<string, unknown>;
  let checked = 0;
  const walk = (value: unknown, keys: string[]): void => {
    const node = schemaAt(schema, keys, definitions);
    assert.ok(node, `schema lacks ${keys.join('.')}`);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const closed = keys.length === 0 ? (node['else'] as Record<string, unknown>)['additionalProperties'] : node['additionalProperties'];
      assert.equal(closed, false, `${keys.join('.') || 'the root'} allows unknown fields`);
      for (const [k, v] of Object.entries(value)) walk(v, [...keys, k]);
    } else {
      assert.deepEqual(node['default'], value, `default of ${keys.join('.')}`);
      checked++;
    }
  };
  walk(defaults, []);
  assert.ok(checked > 60);
  const layer = definitions['layer']!;
  const variants = (layer['oneOf'] as Record<string, Record<string, Record<string, unknown>>>[]).map((v) => v['properties']!['type']!['const']);
  assert.deepEqual(variants, ['dense', 'conv2d', 'maxpool', 'avgpool', 'flatten', 'residual', 'dropout', 'batchnorm', 'layernorm', 'activation']);
  const dropout = (layer['oneOf'] as Record<string, Record<string, Record<string, unknown>>>[])[6]!;
  assert.match(String(dropout['properties']!['rate']!['description']), /DROP probability/);
});

test('media/schema/hyperlab.schema.json is the generated schema (regenerate with src/core/spec/schema-cli.ts)', () => {
  const onDisk = JSON.parse(fs.readFileSync(path.join(root, 'media/schema/hyperlab.schema.json'), 'utf8'));
  assert.deepEqual(onDisk, JSON.parse(JSON.stringify(specSchema())));
});
