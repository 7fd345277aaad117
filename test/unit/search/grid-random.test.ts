import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HyperlabError } from '../../../src/core/errors.ts';
import { createSampler } from '../../../src/core/search/factory.ts';
import { gridCells } from '../../../src/core/search/samplers/grid.ts';
import type { Params, SearchSpace, TrialRecord } from '../../../src/core/search/types.ts';
import { configFor } from './helpers.ts';

const optimizerSpace: SearchSpace = [
  { path: 'train.optimizer.kind', dist: { type: 'categorical', choices: ['sgd', 'adam'] }, condition: null },
  { path: 'train.optimizer.lr', dist: { type: 'loguniform', low: 1e-4, high: 1e-1 }, condition: null },
  { path: 'train.optimizer.momentum', dist: { type: 'uniform', low: 0.5, high: 0.9, step: 0.2 }, condition: { path: 'train.optimizer.kind', oneOf: ['sgd'] } },
  { path: 'train.batchSize', dist: { type: 'int', low: 16, high: 128, step: 1, log: true }, condition: null },
];

test('the grid visits every cell exactly once: log grids, steps, and a conditional parameter only where active', () => {
  const config = configFor('grid', optimizerSpace, 0, { grid: { points: 4 } });
  const sampler = createSampler(config);
  const history: TrialRecord[] = [];
  for (;;) {
    let params: Params;
    try {
      params = sampler.ask(history);
    } catch (error) {
      assert.ok(error instanceof HyperlabError && error.code === 'SEARCH_EXHAUSTED');
      break;
    }
    // Half the trials are still running when the next is asked: a running cell is taken too.
    history.push({ number: history.length, params, state: history.length % 2 ? 'running' : 'complete', value: 1, intermediate: [] });
  }
  // kind × lr × batch, momentum (3 steps: 0.5, 0.7, 0.9) only under sgd: (3 + 1)·4·4 = 64 cells.
  assert.equal(history.length, 64);
  const keys = history.map((t) => JSON.stringify(t.params));
  assert.equal(new Set(keys).size, 64, 'no cell twice');
  assert.deepEqual([...new Set(history.map((t) => t.params['train.optimizer.lr']))], [1e-4, 1e-3, 1e-2, 1e-1], 'lr on a log grid, ends exact');
  assert.deepEqual([...new Set(history.map((t) => t.params['train.batchSize']))].sort((a, b) => (a as number) - (b as number)), [16, 32, 64, 128]);
  assert.deepEqual([...new Set(history.filter((t) => t.params['train.optimizer.kind'] === 'sgd').map((t) => t.params['train.optimizer.momentum']))], [0.5, 0.7, 0.9]);
  assert.ok(history.filter((t) => t.params['train.optimizer.kind'] === 'adam').every((t) => !('train.optimizer.momentum' in t.params)), 'momentum absent under adam');
  assert.equal(gridCells(optimizerSpace, 4).length, 64);
});

test('a resumed grid (a new sampler over the same history) continues with the first cell not taken', () => {
  const config = configFor('grid', [{ path: 'a', dist: { type: 'categorical', choices: [1, 2, 3] }, condition: null }]);
  const first = createSampler(config);
  const history: TrialRecord[] = [{ number: 0, params: first.ask([]), state: 'failed', value: null, intermediate: [] }];
  const resumed = createSampler(config, JSON.parse(JSON.stringify(first.state())));
  assert.deepEqual(resumed.ask(history), { a: 2 });
});

test('random search: log-uniform over decades, quantized values on their grid, conditions respected', () => {
  const sampler = createSampler(configFor('random', optimizerSpace, 7));
  const history: TrialRecord[] = [];
  const draws: Params[] = [];
  for (let i = 0; i < 3000; i++) draws.push(sampler.ask(history));
  // lr: three decades, each should hold a third of the draws.
  const decades = [0, 0, 0];
  for (const d of draws) decades[Math.min(2, Math.floor(Math.log10(d['train.optimizer.lr'] as number) + 4))]!++;
  for (const count of decades) assert.ok(Math.abs(count / 3000 - 1 / 3) < 0.035, `decade shares ${decades.join(', ')}`);
  for (const d of draws) {
    const lr = d['train.optimizer.lr'] as number;
    assert.ok(lr >= 1e-4 && lr <= 1e-1);
  }
  // momentum: only under sgd, only on {0.5, 0.7, 0.9}, each about a third.
  const sgd = draws.filter((d) => d['train.optimizer.kind'] === 'sgd');
  assert.ok(Math.abs(sgd.length / 3000 - 0.5) < 0.03);
  assert.ok(draws.filter((d) => d['train.optimizer.kind'] === 'adam').every((d) => !('train.optimizer.momentum' in d)));
  const momenta = new Map<unknown, number>();
  for (const d of sgd) momenta.set(d['train.optimizer.momentum'], (momenta.get(d['train.optimizer.momentum']) ?? 0) + 1);
  assert.deepEqual([...momenta.keys()].sort(), [0.5, 0.7, 0.9]);
  for (const count of momenta.values()) assert.ok(Math.abs(count / sgd.length - 1 / 3) < 0.04);
  // batch size: log int in [16, 128], integers, 16–32 about as likely as 64–128.
  const batches = draws.map((d) => d['train.batchSize'] as number);
  assert.ok(batches.every((b) => Number.isInteger(b) && b >= 16 && b <= 128));
  const low = batches.filter((b) => b < 32).length;
  const high = batches.filter((b) => b >= 64).length;
  assert.ok(Math.abs(low - high) / 3000 < 0.04, `[16,32): ${low}, [64,128]: ${high}`);
});

test('random search is reproducible by seed and differs across seeds', () => {
  const a = createSampler(configFor('random', optimizerSpace, 3)).ask([]);
  const b = createSampler(configFor('random', optimizerSpace, 3)).ask([]);
  const c = createSampler(configFor('random', optimizerSpace, 4)).ask([]);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('random search state round-trips through JSON: the restored sampler asks what the original asks', () => {
  const config = configFor('random', optimizerSpace, 12);
  const sampler = createSampler(config);
  for (let i = 0; i < 5; i++) sampler.ask([]);
  const restored = createSampler(config, JSON.parse(JSON.stringify(sampler.state())));
  assert.deepEqual(restored.ask([]), sampler.ask([]));
  assert.throws(() => createSampler(config, { method: 'tpe', rng: 1 }), /not a random state/);
});
