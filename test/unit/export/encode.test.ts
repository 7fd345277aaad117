// The exporter's weight storage on hand-computed cases, and the ONNX Runtime check of the
// packed forms: what DequantizeLinear / Gather make of the written bytes is what dequantize() says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { emitOnnx } from '../../../src/core/export/emit-onnx.ts';
import { encodeE4M3, kmeansShare, quantizeFp8, quantizeLinear, roundHalfEven, ternarize, toFloat16 } from '../../../src/core/export/encode-weights.ts';
import { magnitudeMask, nmMask } from '../../../src/core/export/prune.ts';
import { dequantize, type StoredWeight } from '../../../src/core/export/stored-weight.ts';

test('round half to even', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven), [0, 2, 2, -0, -2, -2, 2, -3]);
});

test('INT8 per channel: scale = max|w|/127 per row, codes rounded and clamped; INT4 blocks of 2', () => {
  const w = Float32Array.of(1.27, -0.635, 0.005, 0, /* row 2 */ 0.1, 0.2, -0.4, 0.05);
  const q = quantizeLinear(w, 2, 4, 8, { kind: 'channel' });
  assert.equal(q.kind, 'linear');
  if (q.kind !== 'linear') return;
  assert.deepEqual([...q.scale], [Math.fround(1.27 / 127), Math.fround(0.4 / 127)]);
  assert.deepEqual([...q.q], [127, -64, 0, 0, 32, 64, -127, 16]); // -63.5 → -64 (even), 0.5 → 0, 31.75 → 32, 15.875 → 16
  assert.equal(q.axis, 0);
  const b = quantizeLinear(w, 2, 4, 4, { kind: 'block', size: 2 });
  if (b.kind !== 'linear') return;
  assert.deepEqual([...b.scale].map((s) => +s.toFixed(6)), [+(1.27 / 7).toFixed(6), +(0.005 / 7).toFixed(6), +(0.2 / 7).toFixed(6), +(0.4 / 7).toFixed(6)]);
  assert.deepEqual([...b.q], [7, -4, 7, 0, 4, 7, -7, 1]); // -3.5 → -4, 3.5 → 4, 0.875 → 1
  const t = quantizeLinear(Float32Array.of(0, 0), 1, 2, 8, { kind: 'tensor' });
  if (t.kind === 'linear') assert.deepEqual([...t.scale], [1]); // an all-zero tensor keeps a usable scale
});

test('FP8 E4M3FN: max normal 448, saturation, subnormals, ties to even, NaN', () => {
  assert.equal(encodeE4M3(448), 0x7e);
  assert.equal(encodeE4M3(1e6), 0x7e);
  assert.equal(encodeE4M3(-1e6), 0xfe);
  assert.equal(encodeE4M3(Infinity), 0x7e);
  assert.equal(encodeE4M3(NaN), 0x7f);
  assert.equal(encodeE4M3(2 ** -9), 0x01); // smallest subnormal
  assert.equal(encodeE4M3(2 ** -10), 0x00); // half of it: tie to even (0)
  assert.equal(encodeE4M3(3 * 2 ** -10), 0x02); // 1.5 × smallest: tie to even (2)
  assert.equal(encodeE4M3(1), 0x38);
  assert.equal(encodeE4M3(1.0625), 0x38); // halfway 1 and 1.125: even mantissa
  assert.equal(encodeE4M3(1.1875), 0x3a); // halfway 1.125 and 1.25: even mantissa 2
  assert.equal(encodeE4M3(-0), 0x80);
  const f = quantizeFp8(Float32Array.of(0.5, -1, 0.25));
  if (f.kind !== 'fp8e4m3') return;
  assert.equal(f.scale, Math.fround(1 / 448));
  assert.deepEqual([...dequantize(f, 1, 3)].map((v) => +v.toFixed(4)), [0.5, -1, 0.25]);
});

test('FP16: IEEE half rounding (65520 overflows to Infinity, 2^-25 rounds to 0)', () => {
  const h = toFloat16(Float32Array.of(1 / 3, 65504, 65520, 2 ** -24, 2 ** -25));
  assert.deepEqual([...dequantize(h, 1, 5)], [0.333251953125, 65504, Infinity, 2 ** -24, 0]);
});

test('ternary (TWN): Δ = 0.7·mean|w| per row, α = mean of the kept |w|', () => {
  const t = ternarize(Float32Array.of(1, -0.9, 0.1, 0.2), 1, 4); // mean|w| 0.55 → Δ 0.385
  if (t.kind !== 'linear') return;
  assert.deepEqual([...t.q], [1, -1, 0, 0]);
  assert.equal(t.scale[0], Math.fround(0.95));
});

test('k-means: 2 centroids split two clusters; every weight gets its nearest centroid', () => {
  const k = kmeansShare(Float32Array.of(-1, -1.2, -0.8, 2, 2.2, 1.8), 1);
  if (k.kind !== 'codebook') return;
  assert.deepEqual([...k.codebook].map((v) => +v.toFixed(5)), [-1, 2]);
  assert.deepEqual([...k.indices], [0, 0, 0, 1, 1, 1]);
});

test('pruning masks: exact sparsity, ties by position; 2:4 keeps the 2 largest of each 4', () => {
  const m = magnitudeMask(Float32Array.of(0.1, -3, 0.1, 2, 0.5, -0.05, 1, 4, 0.3, 0.2), 0.5);
  assert.deepEqual([...m], [0, 1, 0, 1, 1, 0, 1, 1, 0, 0]); // 0.05, 0.1, 0.1 (both, by position), 0.2, 0.3 go
  assert.deepEqual([...nmMask(Float32Array.of(1, -4, 3, 2, 0.1, 0.2, -0.3, 0.4), 1, 8, 2, 4, 'd')], [0, 1, 1, 0, 0, 0, 1, 1]);
  assert.throws(() => nmMask(new Float32Array(6), 1, 6, 2, 4, 'dense3'), /dense3 has 6 inputs per output/);
});

test('ONNX Runtime dequantizes the written INT4 blocks, FP8 codes, uint4 codebook indices and FP16 exactly as dequantize() says', async () => {
  const rows = 3, fan = 5; // odd element count: the last INT4 byte is half-used
  const w = Float32Array.from({ length: rows * fan }, (_, i) => Math.sin(i * 1.7) * (i + 1) / 10);
  const variants: StoredWeight[] = [quantizeLinear(w, rows, fan, 4, { kind: 'block', size: 2 }), quantizeLinear(w, rows, fan, 8, { kind: 'tensor' }), quantizeFp8(w), kmeansShare(w, 2), toFloat16(w), ternarize(w, rows, fan)];
  for (const stored of variants) {
    // a one-layer model: logits = x·Wᵀ; with x = identity rows the logits are Wᵀ's columns
    const bytes = emitOnnx({
      graphName: 't', layers: [{ kind: 'dense', name: 'd', weight: 'd.weight', bias: null, inFeatures: fan, outFeatures: rows }], tensors: new Map([['d.weight', w]]),
      stored: new Map([['d.weight', stored]]), activations: null, inputShape: [fan], classes: rows, normalizer: null, metadata: {}, producerVersion: 'test',
    }).bytes;
    const session = await ort.InferenceSession.create(bytes);
    const eye = new Float32Array(fan * fan);
    for (let i = 0; i < fan; i++) eye[i * fan + i] = 1;
    const y = (await session.run({ input: new ort.Tensor('float32', eye, [fan, fan]) }))['logits']!.data as Float32Array;
    const expected = dequantize(stored, rows, fan);
    for (let r = 0; r < rows; r++) for (let c = 0; c < fan; c++) assert.equal(y[c * rows + r], expected[r * fan + c], `${stored.kind} [${r}, ${c}]`);
  }
});
