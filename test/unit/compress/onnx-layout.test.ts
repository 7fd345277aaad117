// The bytes handed to the ONNX writer, and the single quantizeTensor entry point.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dequantize } from '../../../src/core/compress/dequantize.ts';
import { asLinear, rawData } from '../../../src/core/compress/onnx-layout.ts';
import { bitsPerWeight, quantizeTensor } from '../../../src/core/compress/quantize-spec.ts';

const w = (shape: number[], values: number[]) => ({ name: 'fc.weight', shape, data: new Float32Array(values) });

test('raw data: int8 bytes as two\'s complement, int4 and fp4 packed low nibble first, fp16 little-endian', () => {
  const int8 = quantizeTensor(w([3], [-127, 0, 127]), { method: 'linear', type: 'int8', scheme: 'symmetric', granularity: { kind: 'tensor' } });
  assert.ok(int8.kind === 'linear');
  assert.deepEqual(Array.from(rawData(int8)), [0x81, 0x00, 0x7f]);
  const int4 = quantizeTensor(w([3], [-7, 1, 7]), { method: 'linear', type: 'int4', scheme: 'symmetric', granularity: { kind: 'tensor' } });
  assert.ok(int4.kind === 'linear');
  assert.deepEqual(Array.from(rawData(int4)), [0x19, 0x07]); // −7 = 0x9 low, 1 high; 7 low
  const fp16 = quantizeTensor(w([2], [1, -2]), { method: 'float', format: 'float16' });
  assert.ok(fp16.kind === 'float');
  assert.deepEqual(Array.from(rawData(fp16)), [0x00, 0x3c, 0x00, 0xc0]);
  const fp4 = quantizeTensor(w([3], [6, -0.5, 1]), { method: 'float', format: 'float4e2m1' });
  assert.ok(fp4.kind === 'float');
  assert.deepEqual(Array.from(rawData(fp4)), [0x97, 0x02]);
  const fp8 = quantizeTensor(w([2], [448, -1]), { method: 'float', format: 'float8e4m3fn' });
  assert.ok(fp8.kind === 'float');
  assert.deepEqual(Array.from(rawData(fp8)), [0x7e, 0xb8]);
});

test('ternary as a symmetric int8 DequantizeLinear gives the same values', () => {
  const t = quantizeTensor(w([2, 4], [1, -1, 0.1, 0, 4, 0, 0, -4]), { method: 'ternary', granularity: { kind: 'channel', axis: 0 } });
  assert.ok(t.kind === 'ternary');
  const linear = asLinear(t);
  assert.deepEqual(Array.from(linear.zeroPoint), [0, 0]);
  assert.deepEqual(dequantize(linear), dequantize(t));
  assert.equal(bitsPerWeight(t), 2);
  assert.equal(bitsPerWeight(quantizeTensor(w([4], [1, 2, 3, 4]), { method: 'kmeans', bits: 3 })), 3);
});
