// Automatic run names say what differs from the spec; "Run Again with Changes…" pre-fills the overrides.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoRunName, overridesOf, overridesText } from '../../../src/core/compare/run-name.ts';
import { parseOverrides } from '../../../src/vscode/runs/overrides.ts';

test('a run is named by its overrides\' short titles: numbers with their name, words by themselves', () => {
  assert.equal(autoRunName({ 'train.optimizer.lr': 0.01, 'train.optimizer.kind': 'adam' }), 'lr=0.01 · adam');
  assert.equal(autoRunName({ 'train.epochs': 3, 'data.limit': 2000 }), 'epochs=3 · limit=2000');
  assert.equal(autoRunName({ 'model.layers.0.units': 0.000012345 }), 'units=1.23e-5');
  assert.equal(autoRunName({}), undefined, 'no overrides: the store names it run-ID');
  assert.equal(autoRunName({ 'train.seed': 3, 'train.epochs': 2 }), 'epochs=2', 'the seed alone is no difference worth the name when others are');
  assert.ok(autoRunName(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, i])))!.length <= 60);
});

test('the overrides of a run against its spec, written so the box parses them back to the same values', () => {
  const spec = { 'train.optimizer.lr': 0.001, 'train.optimizer.kind': 'sgd', 'train.epochs': 8, 'model.hidden': [128, 64], name: 'x' };
  const params = { ...spec, 'train.optimizer.lr': 0.01, 'train.optimizer.kind': 'adam', 'model.hidden': [256], 'train.seed': 1 };
  const overrides = overridesOf(params, spec);
  assert.deepEqual(overrides, { 'train.optimizer.lr': 0.01, 'train.optimizer.kind': 'adam', 'model.hidden': [256] });
  const text = overridesText(overrides);
  assert.equal(text, 'train.optimizer.lr=0.01 train.optimizer.kind=adam model.hidden=[256]');
  assert.deepEqual(parseOverrides(text), overrides);
  assert.deepEqual(parseOverrides(overridesText({ 'a.b': 'true', 'c.d': 'two words' })), { 'a.b': 'true', 'c.d': 'two words' });
});
