// The compression modules' QuantizedTensor forms, written by hand, become the exporter's stored
// weights with the same values (dequantize) and are refused by name where ONNX has no encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QuantizedTensor } from '../../../src/core/compress/types.ts';
import { storedFromQuantized } from '../../../src/export/from-compress.ts';
import { dequantize } from '../../../src/export/stored-weight.ts';

test('linear int8 affine per channel, int4 blocks, ternary, binary, codebook, fp16 and fp8 map onto stored weights with the same values', () => {
  const base = { name: 'dense1.weight', shape: [2, 4] };
  const cases: [QuantizedTensor, number[]][] = [
    [{ ...base, kind: 'linear', type: 'int8', scheme: 'affine', granularity: { kind: 'channel', axis: 0 }, qmin: -128, qmax: 127, paramShape: [2], scale: Float32Array.of(0.5, 0.25), zeroPoint: Int32Array.of(1, -2), data: Int8Array.of(1, 3, -1, 127, -2, 2, 0, -128) },
      [0, 1, -1, 63, 0, 1, 0.5, -31.5]],
    [{ ...base, kind: 'linear', type: 'int4', scheme: 'symmetric', granularity: { kind: 'block', axis: 1, blockSize: 2 }, qmin: -7, qmax: 7, paramShape: [2, 2], scale: Float32Array.of(1, 2, 0.5, 4), zeroPoint: new Int32Array(4), data: Int8Array.of(1, -1, 3, 7, -7, 2, 0, 1) },
      [1, -1, 6, 14, -3.5, 1, 0, 4]],
    [{ ...base, kind: 'ternary', granularity: { kind: 'channel', axis: 0 }, paramShape: [2], scale: Float32Array.of(0.5, 2), threshold: Float32Array.of(0.1, 0.1), values: Int8Array.of(1, 0, -1, 1, 0, 0, 1, -1) },
      [0.5, 0, -0.5, 0.5, 0, 0, 2, -2]],
    [{ ...base, kind: 'binary', granularity: { kind: 'tensor' }, paramShape: [], scale: Float32Array.of(0.75), signs: Int8Array.of(1, -1, 1, 1, -1, -1, 1, -1) },
      [0.75, -0.75, 0.75, 0.75, -0.75, -0.75, 0.75, -0.75]],
    [{ ...base, kind: 'codebook', bits: 2, centroids: Float32Array.of(-1, 0, 0.5, 2), indices: Uint8Array.of(0, 1, 2, 3, 3, 2, 1, 0) },
      [-1, 0, 0.5, 2, 2, 0.5, 0, -1]],
    [{ ...base, kind: 'float', format: 'float16', saturate: true, granularity: { kind: 'tensor' }, paramShape: [], scale: Float32Array.of(1), codes: new Uint16Array(Float16Array.of(1, -2, 0.5, 0.25, 3, 0, -0.125, 65504).buffer) },
      [1, -2, 0.5, 0.25, 3, 0, -0.125, 65504]],
    [{ ...base, kind: 'float', format: 'float8e4m3fn', saturate: true, granularity: { kind: 'tensor' }, paramShape: [], scale: Float32Array.of(2), codes: Uint8Array.of(0x38, 0xb8, 0x7e, 0x01, 0, 0x80, 0x40, 0x30) },
      [2, -2, 896, 2 ** -8, 0, -0, 4, 1]],
  ];
  for (const [q, expected] of cases) assert.deepEqual([...dequantize(storedFromQuantized(q, 2, 4), 2, 4)], expected, q.kind);
});

test('forms without an ONNX weight encoding here are refused by name', () => {
  const q: QuantizedTensor = { name: 'conv0.weight', shape: [2, 4], kind: 'float', format: 'float4e2m1', saturate: true, granularity: { kind: 'tensor' }, paramShape: [], scale: Float32Array.of(1), codes: new Uint8Array(8) };
  assert.throws(() => storedFromQuantized(q, 2, 4), /conv0\.weight: float4e2m1 has no ONNX weight encoding/);
  const u: QuantizedTensor = { name: 'd.weight', shape: [2, 4], kind: 'linear', type: 'uint8', scheme: 'affine', granularity: { kind: 'tensor' }, qmin: 0, qmax: 255, paramShape: [], scale: Float32Array.of(1), zeroPoint: Int32Array.of(128), data: new Uint8Array(8) };
  assert.throws(() => storedFromQuantized(u, 2, 4), /unsigned uint8 weights/);
});
