// The comparison dataset cache: the same answer while the store is unchanged (a Comparison panel
// re-shown or reopened skips the query), a fresh one after any write, from this process or another.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ComparisonCache } from '../../../src/core/compare/cache.ts';
import { openStore } from '../../../src/core/store/index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-compare-cache-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('answers from the cache until the store changes, in this connection or another one', () => {
  const file = path.join(dir, 'runs.db');
  const store = openStore(file);
  const first = store.createRun({ experiment: 'mlp', name: 'a', params: { lr: 0.1 } });
  store.appendMetrics(first.id, [{ key: 'loss', step: 0, time: 1, value: 2 }]);
  const cache = new ComparisonCache();
  const cold = cache.load(store, null);
  assert.equal(cache.load(store, null), cold, 'same store state: the same dataset');
  assert.equal(cache.hits, 1);
  assert.notEqual(cache.load(store, 'mlp'), cold, 'another experiment scope is another query');

  store.appendMetrics(first.id, [{ key: 'loss', step: 1, time: 2, value: 1 }]);
  const afterOwnWrite = cache.load(store, 'mlp');
  assert.equal(afterOwnWrite.dataset.columns.find((c) => c.id === 'metric.loss.last')?.values[0], 1, 'the new point is in');

  const other = openStore(file);
  other.createRun({ experiment: 'mlp', name: 'b', params: { lr: 0.01 } });
  other.close();
  assert.equal(cache.load(store, 'mlp').dataset.runIds.length, 2, 'a run written by another connection is in');
  store.close();
});
