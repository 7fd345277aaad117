// Display titles of the comparison's columns: short words for headers, plot axes and pickers,
// while the key (the column's name) stays what the filter takes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCompareDataset } from '../../../src/core/compare/dataset.ts';
import { parseFilter } from '../../../src/core/compare/filter.ts';
import { humanize, metricTitle, paramTitles, summaryTitle } from '../../../src/core/compare/title.ts';
import { range, run } from './fixture.ts';

test('a segment in words: units in parentheses, per second as /s, camelCase and snake_case split', () => {
  assert.equal(humanize('epoch_time_s'), 'epoch time (s)');
  assert.equal(humanize('samples_per_s'), 'samples/s');
  assert.equal(humanize('batchSize'), 'batch size');
  assert.equal(humanize('lr'), 'lr');
});

test('parameter titles: the shortest unique suffix, a generic leaf named by its parent, list indices kept with their list', () => {
  const titles = paramTitles(['train.optimizer.lr', 'train.optimizer.kind', 'model.layers.1.units', 'model.layers.2.units', 'train.lr', 'data.limit']);
  assert.deepEqual(Object.fromEntries(titles), {
    'train.optimizer.lr': 'optimizer lr',
    'train.optimizer.kind': 'optimizer',
    'model.layers.1.units': 'layers 1 units',
    'model.layers.2.units': 'layers 2 units',
    'train.lr': 'train lr',
    'data.limit': 'limit',
  });
  assert.equal(paramTitles(['train.optimizer.lr']).get('train.optimizer.lr'), 'lr');
  const shownFirst = paramTitles(['train.optimizer.lr', 'train.swa.lr', 'train.optimizer.kind', 'train.loss.kind'], new Set(['train.optimizer.lr']));
  assert.deepEqual(Object.fromEntries(shownFirst), { 'train.optimizer.lr': 'lr', 'train.swa.lr': 'swa lr', 'train.optimizer.kind': 'optimizer', 'train.loss.kind': 'loss' },
    'a varying parameter keeps the short title; the constant one beside it yields');
  const bothShown = paramTitles(['a.x.lr', 'b.y.lr'], new Set(['a.x.lr', 'b.y.lr']));
  assert.deepEqual([...bothShown.values()], ['x lr', 'y lr'], 'two shown alike both grow');
});

test('metric titles drop the epoch prefix unless a step-level key of that name exists', () => {
  const keys = new Set(['epoch.val.acc', 'epoch.epoch_time_s', 'loss', 'epoch.loss']);
  assert.equal(metricTitle('epoch.val.acc', keys), 'val acc');
  assert.equal(metricTitle('epoch.epoch_time_s', keys), 'epoch time (s)');
  assert.equal(metricTitle('epoch.loss', keys), 'epoch loss', '"loss" is the step-level key');
  assert.equal(summaryTitle('test.acc'), 'test acc');
  assert.equal(summaryTitle('time_s'), 'time (s)');
});

test('the dataset titles every column; keys stay the names the filter resolves', () => {
  const runs = [
    run(1, 'a', { 'train.optimizer.lr': 0.001, 'train.optimizer.kind': 'adam', 'train.epochs': 5, 'train.swa.lr': 0.01 }, { 'test.acc': 0.8, epochs: 5 }),
    run(2, 'b', { 'train.optimizer.lr': 0.01, 'train.optimizer.kind': 'sgd', 'train.epochs': 5, 'train.swa.lr': 0.01 }, { 'test.acc': 0.85, epochs: 5 }),
  ];
  const ranges = [range(1, 'epoch.val.acc', 0.5, 0.8, 0.8), range(1, 'epoch.epoch_time_s', 1, 2, 1.5), range(1, 'epoch.lr', 0.001, 0.001, 0.001)];
  const d = buildCompareDataset(runs, ranges);
  const titles = Object.fromEntries(d.columns.map((c) => [c.id, c.title]));
  assert.deepEqual(titles, {
    'run.name': 'name', 'run.experiment': 'experiment', 'run.status': 'status',
    'param.train.optimizer.lr': 'lr', 'param.train.optimizer.kind': 'optimizer',
    'param.train.epochs': 'train.epochs', // "epochs" twice: each column shows its key
    'param.train.swa.lr': 'swa lr', // constant: yields "lr" to the learning rate that varies
    'metric.epoch.epoch_time_s.last': 'epoch time (s) · last',
    'metric.epoch.lr.last': 'lr · last',
    'metric.epoch.val.acc.last': 'val acc · last', 'metric.epoch.val.acc.best': 'val acc · best',
    'summary.test.acc': 'test acc', 'summary.epochs': 'summary.epochs',
  });
  assert.equal(d.columns.find((c) => c.id === 'param.train.optimizer.kind')!.name, 'train.optimizer.kind', 'the key is unchanged');
  const parsed = parseFilter('optimizer.kind=adam epoch.val.acc.best>0.5 optimizer.lr<0.1', d.columns);
  assert.deepEqual(parsed.errors, []);
});
