// The memory estimate before training: a model that cannot fit is refused before any of it is
// allocated, naming the layer and the figures (a conv2d of 100,000 filters took a machine to
// 20.8 GB; dense layers of 10^7 units died in V8 with "Array buffer allocation failed"); and the
// estimate of the WebAssembly kernels' memory matches what a real run takes from the arena.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HyperlabError } from '../../../src/core/errors.ts';
import type { LayerSpec } from '../../../src/core/spec/types.ts';
import type { LoadedData } from '../../../src/engine/data/load.ts';
import { WasmKernels } from '../../../src/engine/kernels/wasm-kernels.ts';
import { checkMemoryFits, type MemoryLimits } from '../../../src/engine/train/memory-check.ts';
import { estimateMemory } from '../../../src/engine/train/memory-estimate.ts';
import { neverStop } from '../../../src/engine/train/reporter.ts';
import { runExperiment } from '../../../src/engine/train/run.ts';
import { blobs, blobSpec, fixedClock, recorder } from './helpers.ts';
import { ensureWasmBuilt } from '../kernels-wasm/helpers.ts';

/** FashionMNIST-shaped data (1×28×28, 10 classes), small: 64 training and 500 test images. */
function imageData(): LoadedData {
  const image = (count: number, seed: number) => ({ ...blobs(count, seed, 10, 784), shape: [1, 28, 28] });
  return { train: image(64, 1), validation: image(16, 2), test: image(500, 3), classNames: Array.from({ length: 10 }, (_, i) => `c${i}`),
    shape: [1, 28, 28], images: true, background: 0, source: 'synthetic images' };
}

async function refusal(layers: LayerSpec[] | object[], data: LoadedData): Promise<{ error: HyperlabError; grewBytes: number; metrics: number }> {
  const reporter = recorder();
  const before = process.memoryUsage();
  let error: unknown;
  try {
    await runExperiment({ spec: blobSpec({ 'model.layers': layers, 'train.batchSize': 64 }), specDir: '.', reporter, control: neverStop, checkpointDir: null, data, now: fixedClock });
  } catch (e) {
    error = e;
  }
  const after = process.memoryUsage();
  assert.ok(error instanceof HyperlabError, `expected a refusal, got ${String(error)}`);
  return { error, grewBytes: Math.max(after.arrayBuffers - before.arrayBuffers, after.rss - before.rss), metrics: reporter.recorded.metrics.length };
}

test('a conv2d with 100,000 filters is refused before training, naming the layer and the estimate, without allocating it', async () => {
  const { error, grewBytes, metrics } = await refusal([{ type: 'conv2d', filters: 100_000, kernel: 3, padding: 1, activation: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 10 }], imageData());
  assert.equal(error.code, 'SPEC_INVALID');
  assert.match(error.message, /^model too large.*: model\.layers\.0 \(conv2d 100000 filters 3×3 on \[1, 28, 28\]\) needs about \d[\d.]* [GT]B .*; training needs about \d[\d.]* [GT]B in all/);
  assert.match(error.hint ?? '', /fewer units or filters.*train\.batchSize/);
  assert.equal(metrics, 0, 'no step ran');
  // The layer's output alone is 100,000 × 28 × 28 floats per image: 40 GB for 128 images.
  assert.ok(grewBytes < 200e6, `memory grew by ${grewBytes} bytes`);
});

test('a dense layer of 10^7 units is refused before V8 is asked for the array', async () => {
  const data = { ...imageData(), shape: [784] };
  const { error, grewBytes } = await refusal([{ type: 'dense', units: 10_000_000, activation: 'relu' }, { type: 'dense', units: 10 }], data);
  assert.match(error.message, /model\.layers\.0 \(dense 10000000 units on 784 inputs\) needs about \d[\d.]* GB \(\d[\d.]* GB of parameters/);
  assert.ok(grewBytes < 200e6, `memory grew by ${grewBytes} bytes`);
});

const plenty: MemoryLimits = { availableBytes: 1e12, totalBytes: 1e12, kernelBytes: null, maxArrayFloats: 2 ** 32 };

test('the limits each refuse on their own: free memory, the WebAssembly memory, the longest typed array', () => {
  // dense 784 → 400,000: 313.6 M weights, 1.25 GB each copy
  const spec = blobSpec({ 'model.layers': [{ type: 'dense', units: 400_000 }, { type: 'dense', units: 10 }] });
  const estimate = estimateMemory({ spec, inputShape: [784], trainCount: 64, evalCount: 64 });
  assert.doesNotThrow(() => checkMemoryFits(estimate, plenty));
  assert.throws(() => checkMemoryFits(estimate, { ...plenty, availableBytes: 2e9, totalBytes: 8e9 }), /model too large: model\.layers\.0 \(dense 400000 units.*more than the 2.00 GB of memory available \(8.00 GB in this machine\)/);
  assert.throws(() => checkMemoryFits(estimate, { ...plenty, kernelBytes: 2 ** 30 }), /too large for the WebAssembly kernels: model\.layers\.0 .*; their buffers need about .* more than the 1.07 GB/);
  assert.throws(() => checkMemoryFits(estimate, { ...plenty, maxArrayFloats: 2 ** 28 }), /model\.layers\.0 .* needs one array of 313,600,000 floats, more than the 268,435,456 a JavaScript typed array can hold/);
});

test('the estimate of the WebAssembly kernels\' memory covers what a real run takes from the arena, within 25%', async () => {
  ensureWasmBuilt();
  const kernels = new WasmKernels();
  const start = kernels.arena.bytesUsed;
  const data = imageData();
  const spec = blobSpec({ 'model.layers': [{ type: 'conv2d', filters: 8, kernel: 3, padding: 1, activation: 'relu' }, { type: 'maxpool', size: 2 }, { type: 'flatten' }, { type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units: 10 }],
    'train.optimizer.kind': 'adam', 'train.epochs': 1, 'train.batchSize': 32 });
  await runExperiment({ spec, specDir: '.', reporter: recorder(), control: neverStop, checkpointDir: null, data, now: fixedClock, kernels });
  const used = kernels.arena.bytesUsed - start;
  const estimate = estimateMemory({ spec, inputShape: data.shape, trainCount: data.train.count, evalCount: data.test.count });
  assert.ok(estimate.kernelBytes >= used && estimate.kernelBytes <= 1.25 * used, `estimated ${estimate.kernelBytes} bytes, the arena gave out ${used}`);
});
