// A long run must not grow the WebAssembly memory step after step: every buffer is allocated
// once per model, and the batch sizes that alternate (the last, partial batch of each epoch, the
// evaluation batches) reuse the largest buffer seen. Measured on a fresh kernel instance.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOverrides, defaultSpec } from '../../../src/core/spec/index.ts';
import { WasmKernels } from '../../../src/engine/kernels/wasm-kernels.ts';
import { neverStop } from '../../../src/engine/train/reporter.ts';
import { runExperiment } from '../../../src/engine/train/run.ts';
import { blobData, recorder } from '../engine-train/helpers.ts';
import { ensureWasmBuilt } from './helpers.ts';

test('WebAssembly arena: no growth after the first epoch over many epochs with a partial last batch, BatchNorm, dropout and Adam', async () => {
  ensureWasmBuilt();
  const kernels = new WasmKernels({ variant: 'simd' });
  const spec = applyOverrides(defaultSpec(), {
    'model.layers': [
      { type: 'dense', units: 32, activation: 'relu' }, { type: 'batchnorm' }, { type: 'dropout', rate: 0.2 },
      { type: 'dense', units: 16, activation: 'gelu' }, { type: 'dense', units: 3 },
    ],
    // 240 training samples in batches of 36: six full batches and one of 24 per epoch
    'train.epochs': 12, 'train.batchSize': 36, 'train.statsEvery': 5, 'train.optimizer.kind': 'adam', 'train.optimizer.lr': 0.01,
  });
  const used: number[] = [];
  const reporter = recorder();
  const record = reporter.metrics;
  reporter.metrics = (step, epoch, values) => {
    record(step, epoch, values);
    if ('epoch.train.loss' in values) used.push(kernels.arena.bytesUsed);
  };
  const r = await runExperiment({ spec, specDir: '.', reporter, control: neverStop, checkpointDir: null, data: blobData(), kernels, now: () => 0 });
  assert.equal(r.status, 'finished');
  assert.equal(used.length, 12);
  assert.deepEqual(used.slice(1), new Array<number>(11).fill(used[0]!), `bytes used per epoch: ${used.join(', ')}`);
});
