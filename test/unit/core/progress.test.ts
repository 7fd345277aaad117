// Live progress from a plan and the latest step: the numbers every surface shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeProgress, formatProgress, formatProgressLine, formatSeconds } from '../../../src/core/progress.ts';

const plan = { epochs: 8, stepsPerEpoch: 125, totalSteps: 1000, batchSize: 64 };
const t0 = 1_700_000_000_000;

test('step 370 of 1000 after 37 s: epoch 3/8, 37%, 10 steps/s = 640 samples/s, 63 s left', () => {
  const p = computeProgress(plan, t0, 370, t0 + 37_000);
  assert.equal(p.epoch, 3);
  assert.equal(p.fraction, 0.37);
  assert.equal(p.stepsPerSecond, 10);
  assert.equal(p.samplesPerSecond, 640);
  assert.equal(p.etaSeconds, 63);
  assert.equal(formatProgress(p), 'epoch 3/8 · 37% · ETA 1m 03s');
  assert.equal(formatProgressLine(p), 'step 370/1000 · epoch 3/8 · 37% · 640 samples/s · ETA 1m 03s');
});

test('before the first step there is no rate and no ETA; the epoch is the first', () => {
  const p = computeProgress(plan, t0, 0, t0);
  assert.equal(p.epoch, 1);
  assert.equal(p.etaSeconds, null);
  assert.equal(formatProgress(p), 'epoch 1/8 · 0%');
});

test('a resumed run measures only its own steps, starts at its checkpoint\'s epoch, and ends at 100%', () => {
  const resumed = { ...plan, startStep: 500, startEpoch: 4 };
  const p = computeProgress(resumed, t0, 600, t0 + 20_000);
  assert.equal(p.stepsPerSecond, 5);
  assert.equal(p.epoch, 5);
  assert.equal(p.etaSeconds, 80);
  assert.equal(computeProgress(resumed, t0, 500, t0 + 1000).epoch, 5, 'epoch 5 is the one being trained');
  const end = computeProgress(plan, t0, 1000, t0 + 100_000);
  assert.equal(formatProgress(end), 'epoch 8/8 · 100% · ETA 0s');
});

test('without a batch size the CLI line shows steps/s; durations read as people say them', () => {
  const p = computeProgress({ epochs: 2, stepsPerEpoch: 10, totalSteps: 20 }, t0, 5, t0 + 2000);
  assert.equal(formatProgressLine(p), 'step 5/20 · epoch 1/2 · 25% · 2.5 steps/s · ETA 6s');
  assert.equal(formatSeconds(80), '1m 20s');
  assert.equal(formatSeconds(7500), '2h 05m');
});
