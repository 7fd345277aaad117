// Run detail lists the params a person chose first: the non-default ones of an expanded spec.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Params } from '../../../src/core/protocol/messages.ts';
import { applyOverrides, flattenSpec, parseSpec } from '../../../src/core/spec/index.ts';
import { nonDefaultParams } from '../../../src/core/webview/param-defaults.ts';

const TEMPLATE = path.resolve(import.meta.dirname, '..', '..', '..', 'media', 'templates', 'fashion-mnist-mlp.hyperlab.json');

test('an expanded spec (~80 values) folds to the few that differ from the defaults', () => {
  const raw = JSON.parse(fs.readFileSync(TEMPLATE, 'utf8')) as Record<string, unknown>;
  delete raw['$schema'];
  const spec = applyOverrides(parseSpec(raw), ['train.optimizer.lr=0.02', 'train.optimizer.kind=sgd']);
  const params = flattenSpec(spec) as Params;
  const chosen = nonDefaultParams(params);
  assert.ok(Object.keys(params).length > 60, `the expanded spec has ${Object.keys(params).length} values`);
  assert.ok(chosen.includes('train.optimizer.lr') && chosen.includes('train.optimizer.kind'), chosen.join(', '));
  assert.ok(!chosen.includes('train.loss.kind'), 'a default value is not listed');
  assert.ok(chosen.length < 20, `only ${chosen.length} differ: ${chosen.join(', ')}`);
});

test('nested params are compared by dotted name; names the defaults lack count as chosen', () => {
  assert.deepEqual(nonDefaultParams({ train: { optimizer: { lr: 0.001, kind: 'adam' } }, custom: 3 }), ['custom']);
});

test('"differs from defaults" leaves out the spec\'s name and fields that are null or none where the default has nothing', async () => {
  const raw = JSON.parse(fs.readFileSync(TEMPLATE, 'utf8')) as Record<string, unknown>;
  const params = flattenSpec(applyOverrides(parseSpec({ ...raw, name: 'my run' }), ['train.optimizer.lr=0.02'])) as Params;
  const chosen = nonDefaultParams(params);
  assert.ok(!chosen.includes('name'), chosen.join(', '));
  for (const name of chosen) assert.ok(params[name] !== null, `${name} is null but listed as a choice`);
  assert.ok(chosen.includes('train.optimizer.lr'));
  assert.deepEqual(nonDefaultParams({ 'data.path': null, 'model.layers.0.activation': 'none', extra: null }), []);
});

test('the summary for people hides bookkeeping that says nothing and writes seconds as a duration', async () => {
  const { summaryForPeople } = await import('../../../src/core/webview/summary-display.ts');
  const shown = summaryForPeople({ 'test.acc': 0.89, swaEpochs: 0, members: 1, stoppedEarly: false, time_s: 14.52, confusion: [[1]], classNames: ['a'], perClassAcc: { a: 1 } });
  assert.deepEqual(shown, { 'test.acc': 0.89, time: '15 s' });
  assert.deepEqual(summaryForPeople({ swaEpochs: 3, members: 5, stoppedEarly: true, time_s: 3725 }), { swaEpochs: 3, members: 5, stoppedEarly: true, time: '1 h 2 min' });
});
