// The status bar's wording: idle, one run by name, a count, the queue, and a tooltip listing each run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Run } from '../../../src/core/store/types.ts';
import { statusText, TOOLTIP_RUNS } from '../../../src/vscode/statusBar/statusText.ts';

const run = (id: number, name: string): Run => ({
  id, experimentId: 1, experimentName: 'mlp', sweepId: null, name, status: 'running', reason: null, params: {}, summary: null, specPath: null, pid: 1,
  createdAt: 0, startedAt: 1_000, endedAt: null,
});

test('nothing going reads as idle, not "0 running"', () => {
  const shown = statusText([], 0, () => [], 10_000);
  assert.equal(shown.text, '$(beaker) Hyperlab');
  assert.equal(shown.busy, false);
  assert.equal(statusText([], 3, () => [], 10_000).text, '$(clock) 3 queued');
});

test('one run is named, with its latest loss in the tooltip; several are counted and each listed', () => {
  const one = statusText([run(4, 'lr=0.01')], 0, () => [{ key: 'loss', step: 10, time: 0, value: 0.4321 }], 61_000);
  assert.equal(one.text, '$(sync~spin) lr=0.01');
  assert.match(one.tooltip, /lr=0\.01 \(#4, mlp\): loss 0\.4321 · 1m 00s/);
  const many = statusText(Array.from({ length: 10 }, (_, i) => run(i + 1, `run-${i + 1}`)), 2, () => [], 5_000);
  assert.equal(many.text, '$(sync~spin) 10 running, 2 queued');
  assert.equal(many.tooltip.split('\n').filter((l) => l.startsWith('run-')).length, TOOLTIP_RUNS);
  assert.match(many.tooltip, /and 2 more/);
});

test('with the producer\'s plan, one run shows its percentage and ETA, and the tooltip epoch x/N', async () => {
  const { computeProgress } = await import('../../../src/core/progress.ts');
  const progress = computeProgress({ epochs: 8, stepsPerEpoch: 125, totalSteps: 1000 }, 0, 370, 37_000);
  const one = statusText([run(4, 'lr=0.01')], 0, () => [], 40_000, () => progress);
  assert.equal(one.text, '$(sync~spin) lr=0.01 · 37% · ETA 1m 03s');
  assert.match(one.tooltip, /lr=0\.01 \(#4, mlp\): epoch 3\/8 · 37% · ETA 1m 03s/);
});
