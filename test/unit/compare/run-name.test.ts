// Automatic run names say what differs from the spec; "Run Again with Changes…" pre-fills the overrides.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AUTO_NAME_LENGTH, autoRunName, describeOverrides, overridesAgainstSpecFile, overridesOf, overridesText } from '../../../src/core/compare/run-name.ts';
import { parseOverrides } from '../../../src/vscode/runs/overrides.ts';

test('a run is named by its overrides\' short titles: numbers with their name, words by themselves', () => {
  assert.equal(autoRunName({ 'train.optimizer.lr': 0.01, 'train.optimizer.kind': 'adam' }), 'lr=0.01 · adam');
  assert.equal(autoRunName({ 'train.epochs': 3, 'data.limit': 2000 }), 'epochs=3 · limit=2000');
  assert.equal(autoRunName({ 'model.layers.0.units': 0.000012345 }), 'units=1.23e-5');
  assert.equal(autoRunName({}), undefined, 'no overrides: the store names it run-ID');
  assert.equal(autoRunName({ 'train.seed': 3, 'train.epochs': 2 }), 'epochs=2', 'the seed alone is no difference worth the name when others are');
});

test('a long auto-name is cut to what fits the sidebar: three differences and 24 characters at most, numbers to 3 digits, the rest counted; the whole set is describeOverrides', () => {
  const many = {
    'train.optimizer.lr': 0.0123456, 'train.optimizer.kind': 'adam', 'train.epochs': 12, 'data.limit': 20000,
    'model.layers.1.units': 512, 'train.optimizer.weightDecay': 0.0005,
  };
  assert.equal(autoRunName(many), 'lr=0.0123 · adam +4');
  assert.equal(describeOverrides(many), 'lr=0.01235 · adam · epochs=12 · limit=20000 · units=512 · weight decay=5e-4');
  // Parts are added while the name stays within AUTO_NAME_LENGTH; the first is always there.
  assert.equal(autoRunName({ 'model.layers.1.units': 512, 'train.optimizer.weightDecay': 0.0005, 'train.batchSize': 256 }), 'units=512 +2');
  assert.equal(autoRunName({ 'data.path': 'a-very-long-folder-name-for-the-data-of-this-run' }), 'a-very-long-folder-name…', 'a word value names itself, cut to the length');
  assert.equal(autoRunName({ 'model.hidden': [1024, 512, 256, 128] }), 'hidden=[1024,512,2…');
  assert.equal(autoRunName({ 'train.optimizer.lr': 0.01, 'train.epochs': 3, 'data.limit': 12000 }), 'lr=0.01 · epochs=3 +1');
  assert.equal(autoRunName({ 'data.path': 'a-very-long-folder-name-for-the-data', 'train.epochs': 3 }), 'a-very-long-folder-n… +1');
  const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, i]));
  assert.equal(autoRunName(twenty), 'p0=0 · p1=1 · p2=2 +17');
  for (const overrides of [many, twenty, { 'x.y': 'z'.repeat(80) }]) assert.ok(autoRunName(overrides)!.length <= AUTO_NAME_LENGTH);
});

test('a run\'s changes against its spec file as it is now; none when the file is gone or not a spec', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-name-'));
  try {
    const spec = path.join(dir, 'a.hyperlab.json');
    fs.writeFileSync(spec, JSON.stringify({ train: { epochs: 2, optimizer: { kind: 'sgd', lr: 0.1 } } }));
    const params = { 'train.epochs': 5, 'train.optimizer.kind': 'sgd', 'train.optimizer.lr': 0.01, 'train.seed': 7 };
    assert.deepEqual(overridesAgainstSpecFile(params, spec), { 'train.epochs': 5, 'train.optimizer.lr': 0.01 });
    assert.equal(overridesAgainstSpecFile(params, path.join(dir, 'gone.json')), undefined);
    assert.equal(overridesAgainstSpecFile(params, null), undefined);
    fs.writeFileSync(spec, '{ not json');
    assert.equal(overridesAgainstSpecFile(params, spec), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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
