// Activation calibration (min-max, percentile, entropy) on hand-computed histograms, and the
// fake-quantization forward / straight-through backward of quantization-aware training.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addToHistogram, EMPTY_RANGE, emptyHistogram, entropyRange, entropyThreshold, minMaxRange, observeMinMax, percentileRange, percentileThreshold } from '../../../src/core/compress/calibration.ts';
import { dequantize } from '../../../src/core/compress/dequantize.ts';
import { fakeQuantizeActivations, fakeQuantizeWeights, straightThroughGradient } from '../../../src/core/compress/fake-quant.ts';
import { quantizeLinear } from '../../../src/core/compress/linear.ts';
import { HyperlabError } from '../../../src/core/errors.ts';

test('min-max over batches, and a clear error for non-finite activations', () => {
  let seen = observeMinMax(EMPTY_RANGE, Float32Array.from([0.5, -2, 3]));
  seen = observeMinMax(seen, Float32Array.from([4, 0]));
  assert.deepEqual(minMaxRange(seen), { method: 'minmax', min: -2, max: 4 });
  assert.throws(() => observeMinMax(seen, Float32Array.from([NaN])), (e: unknown) => e instanceof HyperlabError && /activations hold NaN at index 0/.test(e.message));
  assert.throws(() => observeMinMax(seen, Float32Array.from([1, -Infinity])), /hold -Infinity at index 1/);
  assert.throws(() => minMaxRange(EMPTY_RANGE), /no activations/);
});

test('percentile: the upper edge of the bin where the cumulative count reaches p%', () => {
  const hist = emptyHistogram(10, 10);
  addToHistogram(hist, Float32Array.from([...new Array(90).fill(0.5), ...new Array(9).fill(-9.5), 10]));
  assert.equal(hist.counts[0], 90);
  assert.equal(hist.counts[9], 10, '|−9.5| and the bound itself land in the last bin');
  assert.equal(percentileThreshold(hist, 90), 1);
  assert.equal(percentileThreshold(hist, 90.5), 10);
  assert.deepEqual(percentileRange({ min: -9.5, max: 10 }, hist, 90), { method: 'percentile', min: -1, max: 1 });
  assert.deepEqual(percentileRange({ min: 0, max: 10 }, hist, 90), { method: 'percentile', min: 0, max: 1 }, 'a ReLU output keeps min 0');
});

test('entropy (KL) calibration on a hand-computed 4-bin histogram with 2 levels', () => {
  // counts [4, 4, 2, 1] on [0, 4]; candidates i = 2, 3, 4:
  // i=2: P = [4, 7]/11, Q = [4, 4]/8            → KL = 4/11 ln(8/11) + 7/11 ln(14/11) ≈ 0.037666
  // i=3: P = [4, 4, 3]/11, Q = [4, 4, 2]/10     → KL ≈ 0.015271
  // i=4: P = [4, 4, 2, 1]/11, Q = [4, 4, 1.5, 1.5]/11 → KL ≈ 0.015446
  const hist = { lo: 0, hi: 4, counts: Float64Array.from([4, 4, 2, 1]) };
  const r = entropyThreshold(hist, 2, 2);
  assert.deepEqual(Array.from(r.candidates), [2, 3, 4]);
  const expected = [
    (4 / 11) * Math.log(8 / 11) + (7 / 11) * Math.log(14 / 11),
    2 * (4 / 11) * Math.log(4 / 11 / 0.4) + (3 / 11) * Math.log(3 / 11 / 0.2),
    (2 / 11) * Math.log(2 / 1.5) + (1 / 11) * Math.log(1 / 1.5),
  ];
  r.divergences.forEach((d, i) => assert.ok(Math.abs(d - expected[i]!) < 1e-12, `KL at i=${i + 2}: ${d} vs ${expected[i]}`));
  assert.ok(Math.abs(expected[0]! - 0.037666) < 1e-5 && Math.abs(expected[1]! - 0.015271) < 1e-5);
  assert.equal(r.threshold, 3);
});

test('entropy on 2048 bins clips outliers that min-max would keep; a ReLU spike at 0 does not decide it', () => {
  let s = 11;
  const uniform = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
  const x = new Float32Array(100_010);
  for (let i = 0; i < 100_000; i++) x[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  for (let i = 100_000; i < x.length; i++) x[i] = 50;
  const seen = observeMinMax(EMPTY_RANGE, x);
  const hist = emptyHistogram(Math.max(-seen.min, seen.max));
  addToHistogram(hist, x);
  const range = entropyRange(seen, hist);
  assert.ok(range.max > 2.5 && range.max < 20, `threshold ${range.max} between the bulk and the outliers`);
  assert.equal(range.min, -range.max);
  const relu = x.map((v) => Math.max(v, 0));
  const reluSeen = observeMinMax(EMPTY_RANGE, relu);
  const reluHist = emptyHistogram(reluSeen.max);
  addToHistogram(reluHist, relu);
  const reluRange = entropyRange(reluSeen, reluHist);
  assert.equal(reluRange.min, 0);
  assert.ok(reluRange.max > 2 && reluRange.max < 20, `ReLU threshold ${reluRange.max}`);
});

test('fake quantization: forward on the int8 grid, straight-through gradient zero where clamped', () => {
  // symmetric int8 on [−31.75, 31.75]: S = 0.25
  const x = Float32Array.from([-1, 0.125, 0.375, 40, -40, 31.75, 31.9]);
  const r = fakeQuantizeActivations(x, { method: 'minmax', min: -31.75, max: 31.75 }, 'int8', 'symmetric');
  assert.deepEqual(Array.from(r.y), [-1, 0, 0.5, 31.75, -31.75, 31.75, 31.75]);
  assert.deepEqual(Array.from(r.passMask), [1, 1, 1, 0, 0, 1, 0]);
  assert.deepEqual(Array.from(straightThroughGradient(Float32Array.from([1, 2, 3, 4, 5, 6, 7]), r.passMask)), [1, 2, 3, 0, 0, 6, 0]);
});

test('fake-quantized weights are exactly the dequantized export (per channel)', () => {
  const t = { name: 'fc.weight', shape: [3, 5], data: Float32Array.from({ length: 15 }, (_, i) => Math.sin(i * 1.7) * (1 + i)) };
  const options = { type: 'int8' as const, scheme: 'affine' as const, granularity: { kind: 'channel' as const, axis: 0 } };
  const r = fakeQuantizeWeights(t, options);
  assert.deepEqual(r.y, dequantize(quantizeLinear(t, options)));
  assert.ok(r.passMask.every((m) => m === 1), 'weights inside their own range always pass the gradient');
});
