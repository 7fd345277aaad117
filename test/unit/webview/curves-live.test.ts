// Curves while runs train: new runs of the experiments shown join the chart (a run started while
// Curves was open never appeared), and a fit hint on a run still training says "so far".
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/core/store/index.ts';
import { joiningRuns, newestRunId } from '../../../src/core/webview/curves-join.ts';
import type { RunRef } from '../../../src/core/webview/contract.ts';
import { curveLines } from '../../../webview/curves/lines.ts';
import type { CurveColumns } from '../../../webview/curves/columns.ts';
import type { ThemeColors } from '../../../webview/shared/theme.ts';

test('runs created after the panel opened, of the experiments it shows, join once they start; other experiments\' do not', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-curves-join-'));
  const store = openStore(path.join(dir, 'runs.db'));
  try {
    const shown = store.createRun({ experiment: 'mlp' });
    store.createRun({ experiment: 'mlp' }); // older, not shown: stays out
    const since = newestRunId(store);
    const queued = store.createRun({ experiment: 'mlp' });
    const other = store.createRun({ experiment: 'cnn' });
    store.markRunning(other.id, 1);
    assert.deepEqual(joiningRuns(store, [shown.id], since), [], 'a queued run has nothing to draw yet');
    store.markRunning(queued.id, 1);
    assert.deepEqual(joiningRuns(store, [shown.id], since), [queued.id]);
    assert.deepEqual(joiningRuns(store, [shown.id, queued.id], since), [], 'once shown it is not added twice');
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an under-fitting hint on a run still training says "so far"; on an ended run it does not', () => {
  const theme: ThemeColors = { kind: 'dark', foreground: '#fff', muted: '#888', grid: '#333', background: '#000', focus: '#00f', error: '#f00', warning: '#fa0', palette: ['#1f77b4', '#ff7f0e', '#2ca02c'], font: '12px sans-serif' };
  const f64 = (values: number[]) => new Float64Array(values);
  const falling = (start: number): CurveColumns => ({ runId: 1, key: '', xs: f64([1, 2, 3, 4]), ys: f64([start, start * 0.8, start * 0.6, start * 0.45]), mins: f64([0, 0, 0, 0]), maxs: f64([0, 0, 0, 0]) });
  const series = [{ ...falling(2), key: 'epoch.train.loss' }, { ...falling(2.2), key: 'epoch.val.loss' }];
  const state = { runIds: [1], metric: 'epoch.train.loss', x: 'epoch' as const, logY: false, smoothing: 0, hidden: [] };
  const pair = { train: 'epoch.train.loss', val: 'epoch.val.loss' };
  const run = (status: RunRef['status']): RunRef => ({ id: 1, name: 'r1', experimentName: 'mlp', status, sweepId: null, startedAt: 0, endedAt: null });
  const live = curveLines([run('running')], series, state, pair, theme).hints;
  assert.equal(live.length, 1);
  assert.match(live[0]!, /^r1 \(so far, still training\): /);
  const ended = curveLines([run('finished')], series, state, pair, theme).hints;
  assert.match(ended[0]!, /^r1: /);
});
