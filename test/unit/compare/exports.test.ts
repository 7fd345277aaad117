// Comparison sees what `hyperlab export` recorded: the 'export' artifacts of each compared run
// become three columns (variants, smallest file, best test accuracy), shown by default; runs
// never exported leave them empty, and a store without exports has no such columns.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadComparison } from '../../../src/core/compare/load.ts';
import { defaultColumns } from '../../../src/core/compare/table-model.ts';
import { openStore, type DriverName } from '../../../src/core/store/index.ts';

const DRIVERS: readonly DriverName[] = ['better-sqlite3', 'node:sqlite'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-compare-exports-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

for (const driver of DRIVERS) {
  test(`export records as Comparison columns (${driver})`, () => {
    const store = openStore(path.join(dir, `${driver.replace(':', '-')}.db`), { driver });
    try {
      const exported = store.createRun({ experiment: 'mlp', name: 'exported' });
      const plain = store.createRun({ experiment: 'mlp', name: 'plain' });
      const other = store.createRun({ experiment: 'cnn', name: 'other experiment' });
      for (const r of [exported, plain, other]) store.appendMetrics(r.id, [{ key: 'val.acc', step: 0, time: 1, value: 0.8 }, { key: 'train.loss', step: 0, time: 1, value: 0.5 }]);

      assert.equal(loadComparison(store, null).dataset.columns.some((c) => c.id.startsWith('export.')), false, 'no exports, no export columns');

      const out = path.join(dir, `${driver.replace(':', '-')}-out`);
      store.addArtifact(exported.id, { kind: 'export', path: path.join(out, 'fp32/model.onnx'), size: 943_900, meta: { label: 'fp32', bytes: 943_900, testAcc: 0.8945 } });
      store.addArtifact(exported.id, { kind: 'export', path: path.join(out, 'int8-channel/model.onnx'), size: 240_100, meta: { label: 'int8-channel', bytes: 240_100, testAcc: 0.8951 } });
      store.addArtifact(exported.id, { kind: 'export', path: path.join(out, 'ternary/model.onnx'), size: 61_200, meta: { label: 'ternary', bytes: 61_200, testAcc: 0.8312 } });
      store.addArtifact(exported.id, { kind: 'export-report', path: path.join(out, 'report.json'), meta: { variants: ['fp32'], testSamples: 10 } });
      // Malformed meta (a hand-edited or older record) is skipped, not shown as NaN.
      store.addArtifact(exported.id, { kind: 'export', path: path.join(out, 'odd/model.onnx'), meta: { label: 'odd', bytes: 'big' } });
      store.addArtifact(other.id, { kind: 'export', path: path.join(out, 'cnn/model.onnx'), meta: { label: 'fp16', bytes: 418_600, testAcc: 0.9075 } });

      const all = loadComparison(store, null).dataset;
      const value = (id: string, runId: number) => all.columns.find((c) => c.id === id)!.values[all.runIds.indexOf(runId)];
      assert.equal(value('export.variants', exported.id), 'fp32, int8-channel, ternary');
      assert.equal(value('export.kB.smallest', exported.id), 61.2);
      assert.equal(value('export.test.acc.best', exported.id), 0.8951);
      assert.equal(value('export.variants', plain.id), null);
      assert.equal(value('export.kB.smallest', plain.id), null);
      assert.equal(value('export.variants', other.id), 'fp16');
      const columns = defaultColumns(all);
      const at = columns.indexOf('export.variants');
      assert.deepEqual(columns.slice(at, at + 4), ['export.variants', 'export.kB.smallest', 'export.test.acc.best', 'metric.train.loss.best'], 'shown on first open, after the objective and parameters, before the other metrics');
      const titles = all.columns.filter((c) => c.id.startsWith('export.')).map((c) => [c.title, c.goal ?? null]);
      assert.deepEqual(titles, [['exports', null], ['export kB · smallest', 'min'], ['export test acc · best', 'max']]);

      const cnnOnly = loadComparison(store, 'cnn').dataset;
      assert.deepEqual(cnnOnly.runIds, [other.id]);
      assert.equal(cnnOnly.columns.find((c) => c.id === 'export.variants')!.values[0], 'fp16', 'only the compared runs\' records');
      assert.equal(store.artifactsOfKind('export').length, 5);
      assert.equal(store.artifactsOfKind('export-report').length, 1);
    } finally {
      store.close();
    }
  });
}
