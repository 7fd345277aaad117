// The text next to a run in the Run Explorer: which metric, how numbers and durations read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Run } from '../../../src/core/store/types.ts';
import { describeRun, formatDuration, formatNumber, keyMetric } from '../../../src/vscode/runExplorer/runDescription.ts';

const run = (over: Partial<Run>): Run => ({
  id: 1, experimentId: 1, experimentName: 'e', sweepId: null, name: 'run-1', status: 'finished', reason: null, params: {},
  summary: null, specPath: null, pid: null, createdAt: 0, startedAt: 1_000, endedAt: 126_000, ...over,
});

test('keyMetric prefers held-out accuracy, whatever the separator, over losses and training numbers', () => {
  assert.deepEqual(keyMetric({ 'train.loss': 0.3, 'val.acc': 0.87, steps: 100 }), { key: 'val.acc', value: 0.87 });
  assert.deepEqual(keyMetric({ 'train/acc': 0.9, 'train/loss': 0.2 }), { key: 'train/loss', value: 0.2 });
  assert.deepEqual(keyMetric({ steps: 8, 'epoch.val.loss': 1.28 }), { key: 'epoch.val.loss', value: 1.28 }, 'any loss before other numbers');
  assert.deepEqual(keyMetric({ steps: 8, name: 'x' }), { key: 'steps', value: 8 });
  assert.equal(keyMetric({ name: 'only text' }), undefined);
  assert.equal(keyMetric(null), undefined);
  assert.deepEqual(keyMetric([{ key: 'loss', step: 3, time: 0, value: 0.5 }, { key: 'lr', step: 3, time: 0, value: 0.01 }]), { key: 'loss', value: 0.5 });
});

test('numbers keep four significant digits; durations read like a clock', () => {
  assert.equal(formatNumber(0.87123), '0.8712');
  assert.equal(formatNumber(12), '12');
  assert.equal(formatNumber(0.00001234), '1.23e-5');
  assert.equal(formatNumber(Number.NaN), 'NaN');
  assert.equal(formatDuration(42_400), '42s');
  assert.equal(formatDuration(125_000), '2m 05s');
  assert.equal(formatDuration(3_725_000), '1h 02m');
});

test('describeRun: metric and duration; the reason for a failure; elapsed time while running', () => {
  assert.equal(describeRun(run({ summary: { 'val.acc': 0.87123 } }), null, 0), 'val.acc 0.8712 · 2m 05s');
  assert.equal(describeRun(run({ status: 'failed', reason: 'dataset not found: data/train.csv (check data.path)' }), null, 0),
    'dataset not found: data/train.csv (chec… · 2m 05s');
  assert.equal(describeRun(run({ status: 'running', endedAt: null }), [{ key: 'loss', step: 9, time: 0, value: 0.25 }], 31_000), 'loss 0.25 · 30s');
  assert.equal(describeRun(run({ status: 'queued', startedAt: null, endedAt: null }), null, 5_000), 'queued');
});

test('a running run with a plan reads epoch x/N, percent and ETA; the latest stored values give the step and rate', async () => {
  const { liveProgress } = await import('../../../src/core/progress.ts');
  const plan = { epochs: 8, stepsPerEpoch: 125, totalSteps: 1000, batchSize: 64 };
  const latest = [{ key: 'train.loss', step: 370, time: 1_037_000, value: 0.4 }, { key: 'train.lr', step: 360, time: 1_036_000, value: 0.001 }];
  const progress = liveProgress(plan, 1_000_000, latest);
  assert.equal(describeRun(run({ status: 'running', endedAt: null }), latest, 1_040_000, progress), 'epoch 3/8 · 37% · ETA 1m 03s');
  assert.equal(liveProgress(null, null, latest), null, 'a producer without a plan: no progress');
  assert.equal(describeRun(run({ summary: { 'val.acc': 0.87123 } }), null, 0, progress), 'val.acc 0.8712 · 2m 05s', 'an ended run shows its result');
});

test('an ended run shows its experiment\'s objective (the same key for every run), the best marked; a diverged one its NaN loss', () => {
  assert.equal(describeRun(run({ summary: { 'test.acc': 0.9 } }), null, 0, null, { key: 'val.acc', text: '0.8712', best: true }), 'val.acc 0.8712 (best) · 2m 05s');
  assert.equal(describeRun(run({ status: 'diverged', summary: { 'test.acc': 0.9 } }), null, 0, null, { key: 'val.acc', text: 'train.loss NaN', best: false }), 'train.loss NaN · 2m 05s');
});
