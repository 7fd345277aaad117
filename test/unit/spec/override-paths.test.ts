// Overrides by an unambiguous tail of a field's path: the Run Experiment box's own example.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HyperlabError } from '../../../src/core/errors.ts';
import { applyOverrides, parseSpec } from '../../../src/core/spec/index.ts';
import { resolveOverridePaths } from '../../../src/core/spec/override-paths.ts';

const spec = { model: { layers: [{ type: 'dense', units: 32 }, { type: 'dense', units: 10 }] } };

test('the box\'s own example "optimizer.lr=0.01 epochs=3" names train.optimizer.lr and train.epochs, and runs', () => {
  const resolved = resolveOverridePaths(spec, { 'optimizer.lr': 0.01, epochs: 3 });
  assert.deepEqual(resolved, { 'train.optimizer.lr': 0.01, 'train.epochs': 3 });
  const applied = applyOverrides(parseSpec(spec), resolved);
  assert.equal(applied.train.optimizer.lr, 0.01);
  assert.equal(applied.train.epochs, 3);
});

test('full paths and layer paths are kept as they are', () => {
  assert.deepEqual(resolveOverridePaths(spec, { 'train.optimizer.lr': 1, 'model.layers.1.units': 12 }), { 'train.optimizer.lr': 1, 'model.layers.1.units': 12 });
  assert.deepEqual(resolveOverridePaths(spec, { '0.units': 5 }), { 'model.layers.0.units': 5 });
});

test('a tail that fits several fields is an error listing them; an unknown one is left for validation', () => {
  assert.throws(() => resolveOverridePaths(spec, { momentum: 0.9 }), (error: unknown) =>
    error instanceof HyperlabError && /could mean .*train\.async\.momentum.*train\.optimizer\.momentum/.test(error.message));
  assert.deepEqual(resolveOverridePaths(spec, { epochz: 3 }), { epochz: 3 });
  assert.throws(() => applyOverrides(parseSpec(spec), { epochz: 3 }), /epochz/);
});
