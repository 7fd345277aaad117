// K-means codebooks, binary and ternary weights, and scaled float casts on hand-computed cases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantizeBinary, quantizeTernary } from '../../../src/core/compress/binary-ternary.ts';
import { dequantize } from '../../../src/core/compress/dequantize.ts';
import { quantizeFloat } from '../../../src/core/compress/float-quant.ts';
import { codebookGradient, quantizeKMeans } from '../../../src/core/compress/kmeans.ts';
import { quantizeLinear } from '../../../src/core/compress/linear.ts';
import { HyperlabError } from '../../../src/core/errors.ts';

const w = (shape: number[], values: number[]) => ({ name: 'layer.weight', shape, data: new Float32Array(values) });
const close = (actual: ArrayLike<number>, expected: number[], tol = 1e-6): void => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `[${i}] ${actual[i]} vs ${expected[i]}`);
};

test('k-means: linear init between min and max, Lloyd iterations to convergence', () => {
  // init [0, 1, 2, 3]; assignment by nearest; means [0.05, 0.95, 2.05, 2.95]; stable
  const q = quantizeKMeans(w([8], [0, 0.1, 0.9, 1, 2, 2.1, 3, 2.9]), { bits: 2 });
  assert.deepEqual(Array.from(q.indices), [0, 0, 1, 1, 2, 2, 3, 3]);
  close(q.centroids, [0.05, 0.95, 2.05, 2.95]);
  assert.equal(q.bits, 2);
  close(dequantize(q), [0.05, 0.05, 0.95, 0.95, 2.05, 2.05, 2.95, 2.95]);
  // an empty cluster keeps its linear position: init [0, 4/3, 8/3, 4]
  const sparse = quantizeKMeans(w([4], [0, 1.4, 1.6, 4]), { bits: 2 });
  assert.deepEqual(Array.from(sparse.indices), [0, 1, 1, 3]);
  close(sparse.centroids, [0, 1.5, 8 / 3, 4]);
  // a weight exactly between two centroids goes to the lower one: 1.5 between 1 and 2
  const tie = quantizeKMeans(w([5], [0, 1, 2, 3, 1.5]), { bits: 2 });
  assert.deepEqual(Array.from(tie.indices), [0, 1, 2, 3, 1]);
  close(tie.centroids, [0, 1.25, 2, 3]);
});

test('k-means on 10,000 weights: nearest-centroid assignment, sorted codebook, lower error than uniform levels', () => {
  let s = 5;
  const values = Array.from({ length: 10_000 }, () => {
    s = (s * 16807) % 2147483647;
    const u = s / 2147483647;
    return Math.tan((u - 0.5) * 2.8) * 0.05; // heavy-tailed like trained weights
  });
  const t = w([100, 100], values);
  const q = quantizeKMeans(t, { bits: 4 });
  assert.equal(q.centroids.length, 16);
  for (let j = 1; j < 16; j++) assert.ok(q.centroids[j]! >= q.centroids[j - 1]!, 'centroids ascending');
  for (let i = 0; i < t.data.length; i++) {
    const d = Math.abs(t.data[i]! - q.centroids[q.indices[i]!]!);
    for (let j = 0; j < 16; j++) assert.ok(d <= Math.abs(t.data[i]! - q.centroids[j]!) + 1e-7, `weight ${i} is nearest to its centroid`);
  }
  const mse = (r: Float32Array): number => r.reduce((sum, v, i) => sum + (v - t.data[i]!) ** 2, 0) / r.length;
  const uniform = quantizeLinear(t, { type: 'uint4', scheme: 'affine', granularity: { kind: 'tensor' } });
  assert.ok(mse(dequantize(q)) < mse(dequantize(uniform)), 'k-means places levels where the weights are');
  assert.deepEqual(quantizeKMeans(t, { bits: 4 }).indices, q.indices, 'deterministic');
});

test('k-means equals the textbook O(n·k) Lloyd loop (same init, same tie rule) on 5,000 weights', () => {
  let s = 77;
  const values = Array.from({ length: 5000 }, () => ((s = (s * 16807) % 2147483647) / 2147483647) ** 3 - 0.3);
  const t = w([5000], values);
  for (const bits of [2, 3, 5]) {
    const k = 2 ** bits;
    const data = t.data;
    let min = Infinity;
    let max = -Infinity;
    for (const v of data) { min = Math.min(min, v); max = Math.max(max, v); }
    const c = Array.from({ length: k }, (_, j) => min + (j * (max - min)) / (k - 1));
    let assign = new Int32Array(data.length).fill(-1);
    for (let iter = 0; iter < 1000; iter++) {
      const next = Int32Array.from(data, (v) => {
        let best = 0;
        for (let j = 1; j < k; j++) if (Math.abs(v - c[j]!) < Math.abs(v - c[best]!)) best = j;
        return best;
      });
      if (next.every((a, i) => a === assign[i])) break;
      assign = next;
      for (let j = 0; j < k; j++) {
        let sum = 0;
        let count = 0;
        next.forEach((a, i) => { if (a === j) { sum += data[i]!; count++; } });
        if (count) c[j] = sum / count;
      }
    }
    const q = quantizeKMeans(t, { bits });
    close(q.centroids, c, 1e-6);
    assert.deepEqual(Array.from(q.indices), Array.from(assign), `${bits} bits: same assignment`);
  }
});

test('k-means: the centroid gradient sums its members; bits outside 2..8 are errors', () => {
  assert.deepEqual(Array.from(codebookGradient(Uint8Array.from([0, 1, 1, 3]), Float32Array.from([1, 2, 3, 4]), 4)), [1, 5, 0, 4]);
  for (const bits of [1, 9, 2.5]) {
    assert.throws(() => quantizeKMeans(w([2], [0, 1]), { bits }), (e: unknown) => e instanceof HyperlabError && /2 to 8 bits/.test(e.message));
  }
  assert.equal(quantizeKMeans(w([2], [0, 1]), { bits: 8 }).centroids.length, 256);
});

test('binary (XNOR-Net): α = mean|w| per tensor or per output channel, sign(0) = +1', () => {
  const t = quantizeBinary(w([4], [0.5, -1.5, 0, 2]));
  assert.deepEqual(Array.from(t.scale), [1]);
  assert.deepEqual(Array.from(t.signs), [1, -1, 1, 1]);
  const c = quantizeBinary(w([2, 2], [0.5, -1.5, 0, 3]), { kind: 'channel', axis: 0 });
  assert.deepEqual(Array.from(c.scale), [1, 1.5]);
  assert.deepEqual(c.paramShape, [2]);
  assert.deepEqual(Array.from(dequantize(c)), [1, -1, 1.5, 1.5]);
  assert.throws(() => quantizeBinary(w([4], [1, 2, 3, 4]), { kind: 'block', axis: 0, blockSize: 2 }), /per tensor or per channel/);
});

test('ternary (TWN): Δ = 0.7·mean|w|, zero at or below Δ, α = mean |w| above', () => {
  // mean|w| = 2.6/6, Δ ≈ 0.3033: 0.3 and below → 0; α = (0.8 + 1.2)/2 = 1
  const t = quantizeTernary(w([6], [0.1, -0.8, 0.3, 1.2, -0.2, 0]));
  close(t.threshold, [0.7 * 2.6 / 6]);
  assert.deepEqual(Array.from(t.values), [0, -1, 0, 1, 0, 0]);
  close(t.scale, [1]);
  close(dequantize(t), [0, -1, 0, 1, 0, 0]);
  // per channel: row 1 Δ = 0.3675 keeps ±1 (α 1); row 2 Δ = 1.4 keeps ±4 (α 4)
  const c = quantizeTernary(w([2, 4], [1, -1, 0.1, 0, 4, 0, 0, -4]), { kind: 'channel', axis: 0 });
  assert.deepEqual(Array.from(c.values), [1, -1, 0, 0, 1, 0, 0, -1]);
  close(c.scale, [1, 4]);
  close(c.threshold, [0.3675, 1.4]);
  // all weights equal: Δ = 0.7·|w| keeps every one
  assert.deepEqual(Array.from(quantizeTernary(w([3], [-2, 2, 2])).values), [-1, 1, 1]);
});

test('float casts: float16 plain; FP8 scaled by absmax; MXFP4 power-of-two block scales with saturation', () => {
  const h = quantizeFloat(w([3], [1, 65520, -(2 ** -25)]), { format: 'float16' });
  assert.deepEqual(Array.from(h.codes), [0x3c00, 0x7c00, 0x8000]);
  assert.deepEqual(Array.from(h.scale), [1]);

  const e4 = quantizeFloat(w([3], [0.5, -1, 0.25]), { format: 'float8e4m3fn', scaling: 'absmax' });
  assert.deepEqual(Array.from(e4.scale), [Math.fround(1 / 448)]);
  assert.deepEqual(Array.from(e4.codes), [0x76, 0xfe, 0x6e]); // 224, −448, 112
  close(dequantize(e4), [0.5, -1, 0.25], 1e-6);

  // one block of 4 along the input axis: amax 3.3 → X = 2^(1 − 2) = 0.5; 3.3/0.5 = 6.6 saturates to 6
  const mx = quantizeFloat(w([1, 4], [3.3, 1, -0.6, 0.1]), { format: 'float4e2m1', scaling: 'mx', granularity: { kind: 'block', axis: 1, blockSize: 4 } });
  assert.deepEqual(Array.from(mx.scale), [0.5]);
  assert.deepEqual(Array.from(mx.codes), [0x7, 0x4, 0xa, 0x0]); // 6, 2, −1, 0
  assert.deepEqual(Array.from(dequantize(mx)), [3, 1, -0.5, 0]);
  assert.deepEqual(mx.paramShape, [1, 1]);

  assert.throws(() => quantizeFloat(w([1], [1]), { format: 'bfloat16', scaling: 'absmax' }), /scaling 'absmax' is for float8\/float4/);
  assert.throws(() => quantizeFloat(w([2, 2], [1, 2, 3, 4]), { format: 'float8e5m2', granularity: { kind: 'channel', axis: 0 } }), /needs a scaling/);
});
