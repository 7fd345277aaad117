// `hyperlab run`'s progress line: redrawn in place on a terminal, plain lines (at most one a
// second) otherwise; with the producer's plan it shows step/total, epoch x/N, samples/s and ETA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Progress } from '../../../src/cli/commands/progress.ts';
import type { CliIO } from '../../../src/cli/io.ts';

function io(tty: boolean): CliIO & { err: string } {
  const out = { err: '' };
  return Object.assign(out, {
    stdout: () => {}, stderr: (text: string) => { out.err += text; }, cwd: '/', env: {}, programDir: '/',
    onInterrupt: () => () => {}, stderrIsTTY: tty,
  });
}

test('on a terminal the line is redrawn in place (\\r, erase line) with the plan\'s step/total, epoch, samples/s and ETA', () => {
  let now = 1_000_000;
  const term = io(true);
  const progress = new Progress(term, 7, () => now);
  progress.setPlan({ epochs: 8, stepsPerEpoch: 125, totalSteps: 1000, batchSize: 64 }, now);
  now += 10_000;
  progress.update(100, { 'train.loss': 0.5, 'train.lr': 0.001 });
  now += 27_000;
  progress.update(370, { 'train.loss': 0.41 });
  progress.end();
  const draws = term.err.split('\r\x1b[2K');
  assert.equal(draws[0], 'run 7 started\n');
  assert.equal(draws[1], 'run 7 · step 100/1000 · epoch 1/8 · 10% · 640 samples/s · ETA 1m 30s · train.loss 0.5');
  assert.equal(draws[2], 'run 7 · step 370/1000 · epoch 3/8 · 37% · 640 samples/s · ETA 1m 03s · train.loss 0.41\n');
});

test('not on a terminal: whole lines, at most one a second, the last state at the end, no control characters', () => {
  let now = 5_000;
  const log = io(false);
  const progress = new Progress(log, 2, () => now);
  progress.setPlan({ epochs: 2, stepsPerEpoch: 10, totalSteps: 20 }, now);
  now += 1000;
  progress.update(5, { loss: 1 });
  now += 500;
  progress.update(8, { loss: 0.9 });
  now += 600;
  progress.update(11, { loss: 0.8 });
  now += 200;
  progress.update(12, { loss: 0.7 });
  progress.end();
  assert.doesNotMatch(log.err, /[\r\x1b]/);
  assert.deepEqual(log.err.trimEnd().split('\n'), [
    'run 2 started',
    'run 2 · step 5/20 · epoch 1/2 · 25% · 5.0 steps/s · ETA 3s · loss 1',
    'run 2 · step 11/20 · epoch 2/2 · 55% · 5.2 steps/s · ETA 2s · loss 0.8',
    // Skipped (0.2 s after the last line), printed at the end as the final state.
    'run 2 · step 12/20 · epoch 2/2 · 60% · 5.2 steps/s · ETA 2s · loss 0.7',
  ]);
});
