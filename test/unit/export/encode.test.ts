// What ONNX Runtime makes of the exported weight bytes: for each storage the exporter writes
// (compression modules' INT4 blocks, INT8, FP8 E4M3/E5M2, BF16, uint4 codebook indices, FP16, ternary), a
// one-layer model's output equals dequantize() exactly. And the exporter's pruning masks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { dequantize as compressDequantize, quantizeTensor, type QuantizeSpec } from '../../../src/core/compress/index.ts';
import { emitOnnx } from '../../../src/export/emit-onnx.ts';
import { storedFromQuantized } from '../../../src/export/from-compress.ts';
import { globalMagnitudeMasks, magnitudeMask, nmMask } from '../../../src/export/prune.ts';
import { dequantize } from '../../../src/export/stored-weight.ts';

test('ONNX Runtime dequantizes the written INT4 blocks, INT8, FP8 (E4M3 and E5M2) codes, uint4 codebook indices, FP16, BF16 and ternary codes exactly as dequantize() says', async () => {
  const rows = 3, fan = 5; // odd element count: the last INT4 byte is half-used
  const w = Float32Array.from({ length: rows * fan }, (_, i) => Math.sin(i * 1.7) * (i + 1) / 10);
  const specs: QuantizeSpec[] = [
    { method: 'linear', type: 'int4', scheme: 'symmetric', granularity: { kind: 'block', axis: 1, blockSize: 2 } },
    { method: 'linear', type: 'int8', scheme: 'affine', granularity: { kind: 'channel', axis: 0 } },
    { method: 'float', format: 'float8e4m3fn', scaling: 'absmax', saturate: true },
    { method: 'kmeans', bits: 2 },
    { method: 'float', format: 'float16' },
    { method: 'float', format: 'bfloat16' },
    { method: 'float', format: 'float8e5m2', scaling: 'absmax', saturate: true },
    { method: 'ternary', granularity: { kind: 'channel', axis: 0 } },
    { method: 'binary', granularity: { kind: 'tensor' } },
  ];
  for (const spec of specs) {
    const q = quantizeTensor({ name: 'd.weight', shape: [rows, fan], data: w }, spec);
    const stored = storedFromQuantized(q, rows, fan);
    // the exporter's reading of the stored form is the compression modules' own
    assert.deepEqual([...dequantize(stored, rows, fan)], [...compressDequantize(q)], spec.method);
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
    assert.ok(expected.some((v, i) => v !== w[i]), `${spec.method}: the storage changes the values`);
    for (let r = 0; r < rows; r++) for (let c = 0; c < fan; c++) assert.equal(y[c * rows + r], expected[r * fan + c], `${JSON.stringify(spec)} [${r}, ${c}]`);
  }
});

test('pruning masks: exact sparsity, ties by position; global pruning spares the layer with the larger weights; 2:4 keeps the 2 largest of each 4', () => {
  const m = magnitudeMask(Float32Array.of(0.1, -3, 0.1, 2, 0.5, -0.05, 1, 4, 0.3, 0.2), 0.5);
  assert.deepEqual([...m], [0, 1, 0, 1, 1, 0, 1, 1, 0, 0]); // 0.05, 0.1, 0.1 (both, by position), 0.2, 0.3 go
  const g = globalMagnitudeMasks(new Map([['a', Float32Array.of(0.1, 0.2, 0.3, 0.4)], ['b', Float32Array.of(5, -6, 0.05, 7)]]), 0.5);
  assert.deepEqual([...g.get('a')!], [0, 0, 0, 1]);
  assert.deepEqual([...g.get('b')!], [1, 1, 0, 1]);
  assert.deepEqual([...nmMask(Float32Array.of(1, -4, 3, 2, 0.1, 0.2, -0.3, 0.4), [1, 8], 2, 4, 'd')!], [0, 1, 1, 0, 0, 0, 1, 1]);
  // conv [1 filter, 4 channels, 1×2 kernel]: groups run over the 4 channels at each kernel position
  assert.deepEqual([...nmMask(Float32Array.of(1, 9, 2, 8, 3, 7, 4, 6), [1, 4, 1, 2], 2, 4, 'c')!], [0, 1, 0, 1, 1, 0, 1, 0]);
  assert.throws(() => nmMask(new Float32Array(6), [1, 6], 2, 4, 'dense3'), /dense3 has 6 inputs/);
  assert.equal(nmMask(new Float32Array(9), [1, 1, 3, 3], 2, 4, 'conv2d0', true), null);
});
