// Store.metricRanges (the comparison table's query), on both drivers: per run and key, the
// count, min, max and last, equal to what the raw points say, NaN-aware, and filtered by ids.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore, type DriverName, type MetricPoint } from '../../../src/core/store/index.ts';

const DRIVERS: readonly DriverName[] = ['better-sqlite3', 'node:sqlite'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-ranges-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function walk(key: string, count: number, seed: number): MetricPoint[] {
  let state = seed;
  return Array.from({ length: count }, (_, step) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return { key, step, time: 1000 + step, value: state / 2147483648 };
  });
}

for (const driver of DRIVERS) {
  describe(`metricRanges on ${driver}`, () => {
    test('matches the raw points for every run and key, across block boundaries and late steps', () => {
      const store = openStore(path.join(dir, `${driver.replace(':', '-')}.db`), { driver });
      try {
        const a = store.createRun({ experiment: 'e' });
        const b = store.createRun({ experiment: 'e' });
        const empty = store.createRun({ experiment: 'e' });
        const loss = walk('loss', 300, 7);
        store.appendMetrics(a.id, loss.slice(0, 200));
        store.appendMetrics(a.id, loss.slice(200));
        store.appendMetrics(a.id, [{ key: 'loss', step: 5, time: 5000, value: -3 }]); // rewrites step 5: the minimum now
        store.appendMetrics(b.id, [{ key: 'acc', step: 0, time: 1, value: Number.NaN }, { key: 'acc', step: 70, time: 2, value: 0.25 }]);
        store.appendMetrics(b.id, [{ key: 'nan', step: 0, time: 1, value: Number.NaN }]);
        const values = loss.map((p) => p.value);
        values[5] = -3;
        const ranges = store.metricRanges();
        assert.deepEqual(ranges, [
          { runId: a.id, key: 'loss', count: 300, min: -3, max: Math.max(...values), last: values[299], lastStep: 299 },
          { runId: b.id, key: 'acc', count: 2, min: 0.25, max: 0.25, last: 0.25, lastStep: 70 },
          { runId: b.id, key: 'nan', count: 1, min: Number.NaN, max: Number.NaN, last: Number.NaN, lastStep: 0 },
        ]);
        assert.deepEqual(store.metricRanges([b.id, empty.id]).map((r) => r.key), ['acc', 'nan']);
        assert.deepEqual(store.metricRanges([]), []);
      } finally {
        store.close();
      }
    });
  });
}
