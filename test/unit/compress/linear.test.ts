// Linear INT8/INT4 quantization on hand-computed cases: scale, zero point, round half to even,
// clamping to the stated ranges, per-channel axes, blocks, 4-bit packing, dequantize.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dequantize } from '../../../src/core/compress/dequantize.ts';
import { integerRange, linearParams, packNibbles, quantizeLinear, quantizeValue, unpackNibbles } from '../../../src/core/compress/linear.ts';
import { roundHalfEven } from '../../../src/core/compress/round.ts';
import { HyperlabError } from '../../../src/core/errors.ts';

const t = (shape: number[], values: number[]) => ({ name: 'w', shape, data: new Float32Array(values) });

test('round half to even', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001, -3.7].map(roundHalfEven), [0, 2, 2, 0, -2, -2, 2, 3, -4]);
});

test('ranges: affine uses the full type, symmetric the restricted sign-symmetric range', () => {
  assert.deepEqual(integerRange('int8', 'affine'), { qmin: -128, qmax: 127 });
  assert.deepEqual(integerRange('int8', 'symmetric'), { qmin: -127, qmax: 127 });
  assert.deepEqual(integerRange('uint8', 'affine'), { qmin: 0, qmax: 255 });
  assert.deepEqual(integerRange('int4', 'affine'), { qmin: -8, qmax: 7 });
  assert.deepEqual(integerRange('int4', 'symmetric'), { qmin: -7, qmax: 7 });
  assert.deepEqual(integerRange('uint4', 'affine'), { qmin: 0, qmax: 15 });
  assert.throws(() => integerRange('uint8', 'symmetric'), (e: unknown) => e instanceof HyperlabError && /signed type/.test(e.message));
});

test('affine int8 per tensor: S = 127.5/255 = 0.5, Z = −128 − round(−10/0.5) = −108, ties to even, clamping', () => {
  const q = quantizeLinear(t([7], [-10, 117.5, 0.25, 0.75, 0, 1.25, -9.75]), { type: 'int8', scheme: 'affine', granularity: { kind: 'tensor' } });
  assert.deepEqual(Array.from(q.scale), [0.5]);
  assert.deepEqual(Array.from(q.zeroPoint), [-108]);
  assert.deepEqual(q.paramShape, []);
  // 0.25/0.5 = 0.5 → 0; 0.75/0.5 = 1.5 → 2; 1.25/0.5 = 2.5 → 2; −9.75/0.5 = −19.5 → −20
  assert.deepEqual(Array.from(q.data), [-128, 127, -108, -106, -108, -106, -128]);
  assert.deepEqual(Array.from(dequantize(q)), [-10, 117.5, 0, 1, 0, 1, -10]);
  // values outside the calibrated range (activations) saturate to the type's ends
  assert.equal(quantizeValue(1000, 0.5, -108, -128, 127), 127);
  assert.equal(quantizeValue(-1000, 0.5, -108, -128, 127), -128);
  assert.equal(quantizeValue(117.75, 0.5, -108, -128, 127), 127);
});

test('affine widens the range to include zero; uint8 zero point', () => {
  assert.deepEqual(linearParams(-1, 254, 0, 255, 'affine'), { scale: 1, zeroPoint: 1 });
  assert.deepEqual(linearParams(51, 255, 0, 255, 'affine'), { scale: 1, zeroPoint: 0 }, 'min 51 widened to 0');
  assert.deepEqual(linearParams(-255, -3, 0, 255, 'affine'), { scale: 1, zeroPoint: 255 }, 'max −3 widened to 0');
  const q = quantizeLinear(t([4], [-1, 0, 3.5, 254]), { type: 'uint8', scheme: 'affine', granularity: { kind: 'tensor' } });
  assert.equal(q.data instanceof Uint8Array, true);
  assert.deepEqual(Array.from(q.data), [0, 1, 5, 255]); // 3.5 → 4 (even) + 1
});

test('symmetric int8: S = max|r|/127, Z = 0, clamped to −127 (never −128)', () => {
  const q = quantizeLinear(t([9], [2.5, -2.5, 3.5, 0.5, -0.5, 1.5, 127, -127, -126.5]), { type: 'int8', scheme: 'symmetric', granularity: { kind: 'tensor' } });
  assert.deepEqual(Array.from(q.scale), [1]);
  assert.deepEqual(Array.from(q.zeroPoint), [0]);
  assert.deepEqual(Array.from(q.data), [2, -2, 4, 0, 0, 2, 127, -127, -126]);
  assert.equal(quantizeValue(-127.6, 1, 0, q.qmin, q.qmax), -127, 'an activation beyond the range clamps to −127');
});

test('per-channel axes: axis 0 scales rows, axis 1 scales columns', () => {
  const values = [127, -3.5, 31.75, 1.25, -63.5, 0.75];
  const rows = quantizeLinear(t([2, 3], values), { type: 'int8', scheme: 'symmetric', granularity: { kind: 'channel', axis: 0 } });
  assert.deepEqual(Array.from(rows.scale), [1, 0.5]);
  assert.deepEqual(rows.paramShape, [2]);
  assert.deepEqual(Array.from(rows.data), [127, -4, 32, 2, -127, 2]); // −3.5 → −4, 2.5 → 2, 1.5 → 2
  const cols = quantizeLinear(t([2, 3], values), { type: 'int8', scheme: 'symmetric', granularity: { kind: 'channel', axis: 1 } });
  assert.deepEqual(Array.from(cols.scale), [1, 0.5, 0.25]);
  assert.deepEqual(cols.paramShape, [3]);
  assert.deepEqual(Array.from(cols.data), [127, -7, 127, 1, -127, 3]);
  assert.deepEqual(Array.from(dequantize(cols)), [127, -3.5, 31.75, 1, -63.5, 0.75]);
  assert.throws(() => quantizeLinear(t([2, 3], values), { type: 'int8', scheme: 'symmetric', granularity: { kind: 'channel', axis: 2 } }), /axis 2/);
});

test('per-block along the input axis: ONNX blocked layout, a short last block', () => {
  // shape [2, 6], blocks of 4 along axis 1 → param shape [2, 2]; int4 symmetric S = max|r|/7
  const values = [7, 1, -2, 3.5, 0.5, 14, /* row 2 */ -3.5, 0.5, 1, 1.75, -7, 6.5];
  const q = quantizeLinear(t([2, 6], values), { type: 'int4', scheme: 'symmetric', granularity: { kind: 'block', axis: 1, blockSize: 4 } });
  assert.deepEqual(q.paramShape, [2, 2]);
  assert.deepEqual(Array.from(q.scale), [1, 2, 0.5, 1]);
  assert.deepEqual(Array.from(q.data), [7, 1, -2, 4, 0, 7, -7, 1, 2, 4, -7, 6]); // 3.5 → 4, 0.5/2 = 0.25 → 0, 6.5 → 6
  assert.deepEqual(Array.from(dequantize(q)), [7, 1, -2, 4, 0, 14, -3.5, 0.5, 1, 2, -7, 6]);
});

test('int4 affine and symmetric clamping', () => {
  const sym = quantizeLinear(t([4], [7, -3.5, 6.5, 1.5]), { type: 'int4', scheme: 'symmetric', granularity: { kind: 'tensor' } });
  assert.deepEqual([sym.scale[0], sym.qmin, sym.qmax], [1, -7, 7]);
  assert.deepEqual(Array.from(sym.data), [7, -4, 6, 2]);
  assert.equal(quantizeValue(-7.5, 1, 0, -7, 7), -7, 'round(−7.5) = −8 clamps to −7');
  const aff = quantizeLinear(t([4], [-8, 7, 2.5, -0.5]), { type: 'int4', scheme: 'affine', granularity: { kind: 'tensor' } });
  assert.deepEqual([aff.scale[0], aff.zeroPoint[0]], [1, 0]);
  assert.deepEqual(Array.from(aff.data), [-8, 7, 2, 0]);
  assert.deepEqual([aff.qmin, aff.qmax], [-8, 7]);
});

test('an all-zero tensor gets the smallest scale, not a division by zero', () => {
  const q = quantizeLinear(t([3], [0, 0, 0]), { type: 'int8', scheme: 'affine', granularity: { kind: 'tensor' } });
  assert.equal(q.scale[0], Math.fround(2 ** -23));
  assert.deepEqual(Array.from(dequantize(q)), [0, 0, 0]);
});

test('non-finite weights and mismatched shapes are clear errors naming the tensor', () => {
  assert.throws(() => quantizeLinear({ name: 'dense1.weight', shape: [2], data: new Float32Array([1, NaN]) }, { type: 'int8', scheme: 'affine', granularity: { kind: 'tensor' } }), (e: unknown) => e instanceof HyperlabError && e.code === 'COMPRESS_INVALID' && /dense1\.weight.*not finite/.test(e.message));
  assert.throws(() => quantizeLinear({ name: 'dense1.weight', shape: [3], data: new Float32Array([1, 2]) }, { type: 'int8', scheme: 'affine', granularity: { kind: 'tensor' } }), /dense1\.weight: shape \[3\] does not match 2 values/);
});

test('int4 packing: low nibble first, as ONNX stores int4', () => {
  const packed = packNibbles(new Int8Array([1, -1, 7, -8, 3]));
  assert.deepEqual(Array.from(packed), [0xf1, 0x87, 0x03]);
  assert.deepEqual(Array.from(unpackNibbles(packed, 5, true)), [1, -1, 7, -8, 3]);
  assert.deepEqual(Array.from(unpackNibbles(packNibbles(new Uint8Array([15, 0, 9])), 3, false)), [15, 0, 9]);
});
