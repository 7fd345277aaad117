// The comparison panel's pure parts: dataset, filter, table model, importance, spec diff, log axes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCompareDataset } from '../../../src/core/compare/dataset.ts';
import { filterRanges, parseFilter, withRange } from '../../../src/core/compare/filter.ts';
import { epsilonSquared, groupPairs, parameterImportance } from '../../../src/core/compare/importance.ts';
import { declaredLogParams, spansDecades } from '../../../src/core/compare/log-scale.ts';
import { diffSpecs } from '../../../src/core/compare/spec-diff.ts';
import { defaultColumns, EMPTY_STATE, nextSort, tableView } from '../../../src/core/compare/table-model.ts';
import type { CompareDataset } from '../../../src/core/compare/types.ts';
import { fourRuns, range, run } from './fixture.ts';

const col = (d: CompareDataset, id: string) => d.columns.find((c) => c.id === id)!;
const names = (d: CompareDataset, rows: { kind: string; index?: number }[]) => rows.map((r) => (r.kind === 'run' ? d.columns[0]!.values[r.index!] : `#${(r as { label?: string }).label}`));

test('the dataset has run facts, parameters, last and best metrics and numeric summaries, column-wise', () => {
  const d = fourRuns();
  assert.deepEqual(d.runIds, [1, 2, 3, 4]);
  assert.deepEqual(d.columns.map((c) => c.id), ['run.name', 'run.experiment', 'run.status', 'param.train.optimizer.lr', 'param.train.optimizer.kind',
    'param.train.batchSize', 'metric.lr.last', 'metric.val.loss.last', 'metric.val.loss.best', 'summary.test.acc']);
  assert.deepEqual(col(d, 'metric.val.loss.best').values, [0.5, 0.4, 0.9, null], 'best of a loss is its minimum; no metrics: empty');
  assert.deepEqual(col(d, 'metric.val.loss.last').values, [0.55, 0.45, 1.2, null]);
  assert.equal(col(d, 'metric.val.loss.best').goal, 'min');
  assert.equal(col(d, 'summary.test.acc').goal, 'max');
  assert.equal(col(d, 'param.train.optimizer.lr').log, true, 'positive over three decades: log');
  assert.equal(col(d, 'param.train.batchSize').varies, false);
  assert.equal(col(d, 'param.train.optimizer.kind').type, 'text');
  assert.equal(d.objective, 'metric.val.loss.best');
  assert.deepEqual(defaultColumns(d), ['run.name', 'run.status', 'metric.val.loss.best', 'param.train.optimizer.lr', 'param.train.optimizer.kind', 'metric.lr.last'], 'the objective first, then the params');
});

test('an objective and log parameters declared in the search section are honoured', () => {
  const search = { objective: { metric: 'val.loss', direction: 'minimize' }, space: { 'train.momentum': { distribution: 'loguniform', low: 0.5, high: 0.99 } } };
  const d = buildCompareDataset([run(1, 'a', { 'train.momentum': 0.5, search }), run(2, 'b', { 'train.momentum': 0.9, search })],
    [range(1, 'val.loss', 1, 2, 1), range(2, 'val.loss', 1, 2, 1), range(1, 'val.acc', 0.1, 0.5, 0.5)]);
  assert.equal(col(d, 'param.train.momentum').log, true, 'declared log although it spans less than a decade');
  assert.equal(d.objective, 'metric.val.loss.best');
  assert.equal(d.columns.some((c) => c.id.startsWith('param.search')), false, 'the search section is no parameter');
  assert.deepEqual([...declaredLogParams([{ param: 'lr', log: true }, { name: 'wd', type: 'log-uniform' }, { name: 'units', type: 'int' }])], ['lr', 'wd']);
  assert.equal(spansDecades([0.001, 0.1]), true);
  assert.equal(spansDecades([0.01, 0.1]), false);
  assert.equal(spansDecades([0, 1, 1000]), false, 'zero has no log');
});

test('filter terms: comparisons, ranges, contains, bare text, suffix names, clear errors', () => {
  const d = fourRuns();
  const view = (filter: string) => names(d, tableView(d, { ...EMPTY_STATE, filter }).rows);
  assert.deepEqual(view('lr>=0.01'), ['b', 'c', 'd-failed']);
  assert.deepEqual(view('lr:0.005..0.5 kind=sgd'), ['c']);
  assert.deepEqual(view('val.loss.best<0.6'), ['a', 'b']);
  assert.deepEqual(view('failed'), ['d-failed'], 'bare text matches the status or name');
  assert.deepEqual(view('kind:ad'), ['a', 'b']);
  assert.deepEqual(view('status!=finished'), ['d-failed']);
  assert.deepEqual(view('"d-failed"'), ['d-failed']);
  const errors = tableView(d, { ...EMPTY_STATE, filter: 'nope>1 val.loss<1 lr>x kind>a' }).errors;
  assert.equal(errors.length, 4);
  assert.match(errors[0]!, /no column named "nope"/);
  assert.match(errors[1]!, /could mean val\.loss\.last, val\.loss\.best/);
  assert.match(errors[2]!, /holds numbers/);
  assert.match(errors[3]!, /holds text/);
});

test('a brush becomes one range term in the filter text and reads back as the same interval', () => {
  const d = fourRuns();
  const lr = col(d, 'param.train.optimizer.lr');
  let text = withRange('kind=adam lr>0.5', lr, { min: 0.0012345, max: 0.02 }, d.columns);
  assert.equal(text, 'kind=adam train.optimizer.lr:0.001234..0.02', 'the old lr bound is replaced, other terms kept');
  assert.deepEqual([...filterRanges(parseFilter(text, d.columns).terms)], [['param.train.optimizer.lr', { min: 0.001234, max: 0.02 }]]);
  text = withRange(text, lr, null, d.columns);
  assert.equal(text, 'kind=adam');
  assert.deepEqual([...filterRanges(parseFilter('lr>=0.1 lr<=1', d.columns).terms)], [['param.train.optimizer.lr', { min: 0.1, max: 1 }]]);
});

test('sorting: ascending, descending, off; empty cells last either way; stable ties', () => {
  const d = fourRuns();
  const sorted = (sort: ReturnType<typeof nextSort>) => names(d, tableView(d, { ...EMPTY_STATE, sort }).rows);
  let sort = nextSort(null, 'metric.val.loss.best');
  assert.deepEqual(sorted(sort), ['b', 'a', 'c', 'd-failed']);
  sort = nextSort(sort, 'metric.val.loss.best');
  assert.deepEqual(sorted(sort), ['c', 'a', 'b', 'd-failed']);
  assert.equal(nextSort(sort, 'metric.val.loss.best'), null);
  assert.deepEqual(sorted({ column: 'param.train.optimizer.kind', direction: 'desc' }), ['c', 'd-failed', 'a', 'b']);
});

test('grouping by a parameter: headers in value order with counts and the best objective; collapsed groups hide runs', () => {
  const d = fourRuns();
  const objective = col(d, 'metric.val.loss.best');
  const state = { ...EMPTY_STATE, groupBy: 'param.train.optimizer.kind', sort: { column: 'run.name', direction: 'desc' as const } };
  const rows = tableView(d, state, objective).rows;
  assert.deepEqual(names(d, rows), ['#optimizer = adam', 'b', 'a', '#optimizer = sgd', 'd-failed', 'c']);
  assert.deepEqual(rows.filter((r) => r.kind === 'group').map((r) => r.kind === 'group' && [r.count, r.best]), [[2, 0.4], [2, 0.9]]);
  const collapsed = tableView(d, { ...state, collapsed: ['string:adam'] }, objective);
  assert.deepEqual(names(d, collapsed.rows), ['#optimizer = adam', '#optimizer = sgd', 'd-failed', 'c']);
  assert.equal(collapsed.matched.length, 4);
});

test('ε² is 0 for noise-like groups, near 1 for a clean effect, and corrected for the number of groups', () => {
  assert.equal(epsilonSquared([[1, 1], [1, 1]]), 0, 'no variance');
  assert.ok(epsilonSquared([[0, 0.01, 0.02], [1, 1.01, 1.02]]) > 0.99);
  // Every run its own group: η² would be 1, ε² must give no credit.
  assert.equal(epsilonSquared([[1], [5], [2], [7]]), 0);
  // Hand case: groups [1,2,3] and [4,5,6]: SSB = 13.5, SST = 17.5, MSW = 1 → (13.5 − 1) / 17.5.
  assert.ok(Math.abs(epsilonSquared([[1, 2, 3], [4, 5, 6]]) - 12.5 / 17.5) < 1e-12);
  const bins = groupPairs(Array.from({ length: 80 }, (_, i) => ({ key: i, y: i })), true);
  assert.equal(bins.length, 8);
  assert.deepEqual(bins.map((b) => b.length), [10, 10, 10, 10, 10, 10, 10, 10]);
});

test('importance ranks the parameter that drives the objective first, on a seeded synthetic sweep', () => {
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const runs = [];
  const ranges = [];
  for (let i = 1; i <= 200; i++) {
    const lr = 10 ** (-4 + 3 * rand());
    const units = [32, 64, 128][Math.floor(rand() * 3)]!;
    const dropout = rand() * 0.5;
    // The loss depends strongly on lr (a bowl around 1e-2.5), weakly on units, not at all on dropout.
    const loss = (Math.log10(lr) + 2.5) ** 2 + 0.3 * (units === 32 ? 1 : 0) + 0.05 * rand();
    runs.push(run(i, `r${i}`, { lr, units, dropout }));
    ranges.push(range(i, 'val.loss', loss, loss + 1, loss));
  }
  const d = buildCompareDataset(runs, ranges);
  const result = parameterImportance(d.columns, col(d, 'metric.val.loss.best'));
  assert.deepEqual(result.map((r) => r.name), ['lr', 'units', 'dropout']);
  assert.ok(result[0]!.score > 0.8, `lr explains most (${result[0]!.score})`);
  assert.ok(result[2]!.score < 0.05, `dropout explains about nothing (${result[2]!.score})`);
  assert.equal(result[0]!.groups, 8);
  assert.equal(result[1]!.groups, 3);
  const firstHalf = parameterImportance(d.columns, col(d, 'metric.val.loss.best'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(firstHalf[0]!.runs, 10, 'restricted to the given rows');
});

test('spec diff: same, changed, added and removed paths, nested values flattened, list indices in number order', () => {
  const left = { 'train.optimizer.lr': 0.001, 'model.layers.2.units': 128, 'model.layers.10.units': 10, 'train.epochs': 8, 'data.augment': ['flip'], 'search': { space: { lr: { log: true } } } };
  const right = { 'train.optimizer.lr': 0.01, 'model.layers.2.units': 128, 'model.layers.10.units': 10, 'train.schedule.kind': 'cosine', 'data.augment': ['flip', 'crop'], 'search': { space: { lr: { log: true } } } };
  assert.deepEqual(diffSpecs(left, right), [
    { path: 'data.augment', left: '["flip"]', right: '["flip","crop"]', change: 'changed' },
    { path: 'model.layers.2.units', left: '128', right: '128', change: 'same' },
    { path: 'model.layers.10.units', left: '10', right: '10', change: 'same' },
    { path: 'search.space.lr.log', left: 'true', right: 'true', change: 'same' },
    { path: 'train.epochs', left: '8', right: undefined, change: 'removed' },
    { path: 'train.optimizer.lr', left: '0.001', right: '0.01', change: 'changed' },
    { path: 'train.schedule.kind', left: undefined, right: '"cosine"', change: 'added' },
  ]);
});

test('the filter\'s own examples work with the titles the headers show: lr>0.001, optimizer=adam, "val acc · best"', () => {
  const params = (lr: number, kind: string) => ({ 'train.optimizer.lr': lr, 'train.optimizer.kind': kind, 'train.swa.lr': 0.05 });
  const d = buildCompareDataset([run(1, 'a', params(0.0005, 'adam')), run(2, 'b', params(0.01, 'adam')), run(3, 'c', params(0.1, 'sgd'))],
    [range(1, 'val.acc', 0.5, 0.81, 0.8), range(2, 'val.acc', 0.5, 0.9, 0.85), range(3, 'val.acc', 0.4, 0.7, 0.7)]);
  assert.equal(col(d, 'param.train.optimizer.lr').title, 'lr');
  assert.equal(col(d, 'param.train.optimizer.kind').title, 'optimizer');
  const view = (filter: string) => {
    const result = tableView(d, { ...EMPTY_STATE, filter });
    assert.deepEqual(result.errors, [], filter);
    return names(d, result.rows);
  };
  assert.deepEqual(view('lr>0.001'), ['b', 'c'], 'lr is the varying optimizer lr, not the constant swa lr');
  assert.deepEqual(view('optimizer=adam'), ['a', 'b'], 'the header title "optimizer" names train.optimizer.kind');
  assert.deepEqual(view('val_acc_best>0.85'), ['b'], 'a title with its spaces written as underscores');
  // The placeholder's own example, exactly as the panel shows it.
  assert.deepEqual(tableView(d, { ...EMPTY_STATE, filter: 'lr>0.001 optimizer.kind=adam val.acc.best:0.8..1' }).errors, []);
  assert.deepEqual(parseFilter('swa.lr=0.05', d.columns).errors, [], 'the constant one by a longer suffix');
});
