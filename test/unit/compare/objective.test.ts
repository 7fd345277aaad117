// One objective per experiment by one rule, and the Comparison's best-first order and best mark.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCompareDataset } from '../../../src/core/compare/dataset.ts';
import { chooseObjective, experimentObjective, objectiveLabel } from '../../../src/core/compare/objective.ts';
import { bestRun, defaultSort, EMPTY_STATE, nextSort, tableView } from '../../../src/core/compare/table-model.ts';
import { range, run } from './fixture.ts';

test('the rule: the spec\'s search.objective, else epoch.val.acc (max), else the validation loss, else the training loss', () => {
  const keys = (...k: string[]) => new Set(k);
  assert.deepEqual(chooseObjective(keys('epoch.val.acc', 'epoch.val.loss', 'train.loss'), undefined), { key: 'epoch.val.acc', goal: 'max', declared: false });
  assert.deepEqual(chooseObjective(keys('epoch.val.loss', 'train.loss'), undefined), { key: 'epoch.val.loss', goal: 'min', declared: false });
  assert.deepEqual(chooseObjective(keys('train.loss', 'lr'), undefined), { key: 'train.loss', goal: 'min', declared: false });
  assert.equal(chooseObjective(keys('lr'), undefined), null);
  assert.deepEqual(chooseObjective(keys('epoch.val.acc', 'epoch.val.loss'), { objective: 'val.loss' }), { key: 'epoch.val.loss', goal: 'min', declared: true }, 'a key without the epoch. prefix finds the epoch series');
  assert.deepEqual(chooseObjective(keys('f1'), { objective: { metric: 'f1', direction: 'maximize' } }), { key: 'f1', goal: 'max', declared: true });
  assert.equal(objectiveLabel({ key: 'epoch.val.acc', goal: 'max', declared: false }), 'val.acc ↑');
});

test('each run\'s best value, the best run marked; a diverged run shows its NaN loss, not an accuracy', () => {
  const runs = [run(1, 'a', {}), run(2, 'b', {}), run(3, 'nan', {}, { 'test.acc': 0.9 }, 'diverged')];
  const ranges = [range(1, 'epoch.val.acc', 0.7, 0.81, 0.8), range(2, 'epoch.val.acc', 0.6, 0.86, 0.85), range(3, 'epoch.val.acc', 0.7, 0.95, 0.1),
    range(3, 'train.loss', 0.5, 2, Number.NaN)];
  const { objective, cells, bestRunId } = experimentObjective(runs, ranges);
  assert.equal(objective?.key, 'epoch.val.acc');
  assert.deepEqual(cells.get(1), { value: 0.81, text: '0.81' });
  assert.deepEqual(cells.get(3), { value: null, text: 'train.loss NaN' });
  assert.equal(bestRunId, 2, 'the diverged run\'s 0.95 is not the best');
});

test('Comparison: best-first by default and on the first click of a goal column; the best matched run is marked', () => {
  const runs = [run(1, 'a', { lr: 0.1 }), run(2, 'b', { lr: 0.01 }), run(3, 'c', { lr: 1 }, null, 'diverged')];
  const d = buildCompareDataset(runs, [range(1, 'epoch.val.acc', 0.5, 0.8, 0.8), range(2, 'epoch.val.acc', 0.5, 0.9, 0.9), range(3, 'epoch.val.acc', 0.5, 0.95, 0.1)]);
  assert.equal(d.objective, 'metric.epoch.val.acc.best', 'the engine\'s epoch-level validation accuracy, not test acc');
  const objective = d.columns.find((c) => c.id === d.objective)!;
  const sort = defaultSort(objective);
  assert.deepEqual(sort, { column: 'metric.epoch.val.acc.best', direction: 'desc' });
  const view = tableView(d, { ...EMPTY_STATE, sort }, objective);
  assert.deepEqual(view.rows.map((r) => (r.kind === 'run' ? r.index : -1)), [1, 0, 2], 'the diverged run\'s objective is empty: last');
  assert.equal(objective.values[2], null);
  assert.equal(bestRun(d, view.matched, objective), 1, 'b: the diverged c is not marked best');
  assert.equal(bestRun(d, [0], objective), 0, 'among the runs the filter keeps');
  assert.deepEqual(nextSort(null, 'metric.epoch.val.acc.best', 'max'), { column: 'metric.epoch.val.acc.best', direction: 'desc' }, 'accuracy: first click best (highest) first');
  assert.deepEqual(nextSort(null, 'metric.val.loss.best', 'min'), { column: 'metric.val.loss.best', direction: 'asc' });
  assert.deepEqual(nextSort({ column: 'x', direction: 'desc' }, 'x', 'max'), { column: 'x', direction: 'asc' });
  assert.equal(nextSort({ column: 'x', direction: 'asc' }, 'x', 'max'), null);
});

test('importance lists every varying parameter: one whose values each hold one run says "not enough runs per value" (it was left out)', async () => {
  const { parameterImportance, IMPORTANCE_METHOD } = await import('../../../src/core/compare/importance.ts');
  const runs = [1, 2, 3, 4, 5, 6].map((i) => run(i, `r${i}`, { 'train.optimizer.lr': i % 2 === 0 ? 0.1 : 0.01, 'data.limit': 1000 * i }));
  const d = buildCompareDataset(runs, runs.map((r, i) => range(r.id, 'val.loss', i % 2 === 0 ? 1 + i * 0.01 : 0.5 + i * 0.01, 2, 1)));
  const result = parameterImportance(d.columns, d.columns.find((c) => c.id === 'metric.val.loss.best')!);
  assert.deepEqual(result.map((r) => [r.name, r.enough]), [['train.optimizer.lr', true], ['data.limit', false]]);
  assert.ok(result[0]!.score > 0.9);
  assert.equal(result[1]!.score, 0);
  assert.match(IMPORTANCE_METHOD, /need not add up to 100%/);
});

test('tags are a Comparison column, and the filter\'s tag=baseline keeps the runs carrying that tag among others', () => {
  const runs = [run(1, 'a', { lr: 0.1 }), run(2, 'b', { lr: 0.01 }), run(3, 'c', { lr: 1 })];
  const tags = new Map([[1, ['baseline', 'best-lr']], [3, ['baseline']]]);
  const d = buildCompareDataset(runs, [range(1, 'val.loss', 1, 2, 1)], tags);
  const column = d.columns.find((c) => c.id === 'run.tags')!;
  assert.deepEqual([column.name, column.title, column.values], ['tag', 'tags', ['baseline, best-lr', null, 'baseline']]);
  const names = (filter: string) => tableView(d, { ...EMPTY_STATE, filter }).rows.map((r) => (r.kind === 'run' ? runs[r.index]!.name : ''));
  assert.deepEqual(names('tag=baseline'), ['a', 'c']);
  assert.deepEqual(names('tag=best-lr'), ['a']);
  assert.deepEqual(names('tag!=baseline'), ['b']);
  assert.equal(buildCompareDataset(runs, [], new Map()).columns.some((c) => c.id === 'run.tags'), false, 'no tags: no column');
});
