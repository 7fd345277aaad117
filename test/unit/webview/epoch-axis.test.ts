// The Curves epoch axis is derived from the epoch-level metrics' steps (the engine writes one
// point per epoch at the step that ended it): exact at every epoch end, and a step inside an
// epoch sits at its fraction of that epoch's steps. (The store's own `epoch` column holds the
// integer epoch of each step, which would draw per-step curves as staircases.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openStore } from '../../../src/core/store/index.ts';
import { curveSeries, stepToEpoch } from '../../../src/core/webview/panel-data.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-epoch-axis-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('epoch ends map to whole epochs; steps between them to their fraction of the epoch', () => {
  const ends = [21, 43, 65]; // 22 steps per epoch, steps 0..65
  assert.deepEqual(ends.map((s) => stepToEpoch(ends, s)), [1, 2, 3]);
  assert.equal(stepToEpoch(ends, 0), 0);
  assert.equal(stepToEpoch(ends, 32), 1 + 11 / 22);
  assert.equal(stepToEpoch(ends, 76), 3.5, 'past the last end: extrapolated by the last epoch\'s length');
});

test('curveSeries on the epoch axis puts epoch metrics on whole epochs and per-step metrics in between', () => {
  const store = openStore(path.join(dir, 'runs.db'));
  const run = store.createRun({ experiment: 'e', name: 'r' });
  const stepsPerEpoch = 22;
  for (let epoch = 1; epoch <= 3; epoch++) {
    const end = epoch * stepsPerEpoch - 1;
    store.appendMetrics(run.id, [
      ...Array.from({ length: stepsPerEpoch }, (_, i) => ({ key: 'loss', step: end - stepsPerEpoch + 1 + i, epoch, time: 1000 + end, value: 1 / epoch })),
      { key: 'epoch.train.loss', step: end, epoch, time: 1000 + end, value: 1 / epoch },
    ]);
  }
  const [epochLevel, perStep] = curveSeries(store, [run.id], ['epoch.train.loss', 'loss'], 'epoch', 1000);
  assert.deepEqual(epochLevel!.xs, [1, 2, 3]);
  assert.equal(perStep!.xs.length, 66);
  assert.equal(perStep!.xs[21], 1);
  assert.equal(perStep!.xs[65], 3);
  assert.ok(perStep!.xs.every((x, i) => i === 0 || x > perStep!.xs[i - 1]!), 'strictly increasing: no staircase');
  store.close();
});
