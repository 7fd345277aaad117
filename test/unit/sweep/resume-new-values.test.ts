// PBT's engine side: a run resumed from a checkpoint with new hyperparameter values trains on
// with them (learning rate, momentum, schedule), from the checkpoint's weights, optimizer state
// and step, so a schedule can change during training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { neverStop } from '../../../src/engine/train/reporter.ts';
import { runExperiment, type RunResult } from '../../../src/engine/train/run.ts';
import { scheduledLr } from '../../../src/engine/train/schedule.ts';
import { blobData, blobSpec, fixedClock, recorder } from '../engine-train/helpers.ts';

const data = blobData();

async function train(overrides: Record<string, unknown>, checkpointDir: string | null) {
  const reporter = recorder();
  const result = await runExperiment({ spec: blobSpec(overrides), specDir: '.', reporter, control: neverStop, checkpointDir, data, now: fixedClock });
  return { result, metrics: reporter.recorded.metrics, logs: reporter.recorded.logs };
}

const weights = (r: RunResult): number[] => r.members[0]!.model.params().flatMap((p) => [...p.value]);
const lrAt = (metrics: { step: number; values: Record<string, number> }[]) => new Map(metrics.filter((m) => 'lr' in m.values && !('epoch.lr' in m.values)).map((m) => [m.step, m.values['lr']!]));

test('resumed with a new learning rate and momentum, training goes on with them from the checkpoint', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-pbt-resume-'));
  const base = { 'train.optimizer.kind': 'momentum', 'train.optimizer.momentum': 0.9, 'train.optimizer.lr': 0.05 };
  const first = await train({ ...base, 'train.epochs': 2 }, dir);
  const checkpoint = path.join(dir, 'last.safetensors');
  const stepsBefore = first.result.members[0]!.steps;
  assert.ok([...lrAt(first.metrics).values()].every((lr) => lr === 0.05));

  const same = await train({ ...base, 'train.epochs': 4, 'train.checkpoint.resumeFrom': checkpoint }, null);
  const changed = await train({ ...base, 'train.epochs': 4, 'train.optimizer.lr': 0.01, 'train.optimizer.momentum': 0.5, 'train.checkpoint.resumeFrom': checkpoint }, null);
  assert.match(changed.logs.join('\n'), /resumed from .* at epoch 2, step 30/);
  const lrs = lrAt(changed.metrics);
  assert.equal(Math.min(...lrs.keys()), stepsBefore, 'the step counter goes on from the checkpoint');
  assert.ok([...lrs.values()].every((lr) => lr === 0.01), 'every resumed step uses the new learning rate');
  assert.deepEqual(changed.result.members[0]!.history.map((h) => h.epoch), [3, 4]);
  assert.notDeepEqual(weights(changed.result), weights(same.result), 'the new values change the training');

  // Only the momentum changed: the run differs too, so the new momentum is in use (its velocity
  // carried over from the checkpoint, not reset: a fresh start from the same weights differs again).
  const momentumOnly = await train({ ...base, 'train.epochs': 4, 'train.optimizer.momentum': 0.5, 'train.checkpoint.resumeFrom': checkpoint }, null);
  assert.notDeepEqual(weights(momentumOnly.result), weights(same.result));
});

test('resumed with a new schedule, the learning rate follows it at the checkpoint\'s step', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-pbt-schedule-'));
  await train({ 'train.epochs': 1, 'train.optimizer.lr': 0.05 }, dir);
  const schedule = { kind: 'step', stepEpochs: 1, gamma: 0.5 };
  const resumed = await train({ 'train.epochs': 3, 'train.optimizer.lr': 0.2, 'train.schedule': schedule, 'train.checkpoint.resumeFrom': path.join(dir, 'last.safetensors') }, null);
  const spec = blobSpec({ 'train.epochs': 3, 'train.schedule': schedule });
  const clock = { stepsPerEpoch: 15, totalSteps: 45 };
  for (const [step, lr] of lrAt(resumed.metrics)) assert.equal(lr, scheduledLr(spec.train.schedule, 0.2, step, clock), `step ${step}`);
  assert.deepEqual([...new Set(lrAt(resumed.metrics).values())], [0.1, 0.05], 'epoch 2 at 0.2·0.5, epoch 3 at 0.2·0.25');
});

test('resumed with another optimizer, the weights carry over and the optimizer starts afresh (it failed before)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperlab-pbt-optimizer-'));
  const first = await train({ 'train.epochs': 1, 'train.optimizer.kind': 'adam', 'train.optimizer.lr': 0.01 }, dir);
  const resumed = await train({ 'train.epochs': 2, 'train.optimizer.kind': 'momentum', 'train.checkpoint.resumeFrom': path.join(dir, 'last.safetensors') }, null);
  assert.match(resumed.logs.join('\n'), /warn: the checkpoint's optimizer state does not fit momentum .*unexpected entry "dense0\.weight\.expAvg"/);
  assert.equal(resumed.result.status, 'finished');
  assert.deepEqual(resumed.result.members[0]!.history.map((h) => h.epoch), [2]);
  // it went on from the checkpoint's weights: its first loss is the first run's last one's neighbour, not a fresh start's
  const firstLoss = (m: { values: Record<string, number> }[]) => m.find((x) => 'loss' in x.values)!.values['loss']!;
  assert.ok(firstLoss(resumed.metrics) < firstLoss(first.metrics), 'trained weights, lower loss than at initialization');
});
