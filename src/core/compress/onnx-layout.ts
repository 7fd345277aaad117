// The bytes ONNX stores for a quantized tensor, so the ONNX writer does not re-derive layouts:
//   rawData — TensorProto.raw_data (little-endian): int8/uint8 one byte each, int4/uint4 and
//             float4e2m1 two per byte (low nibble first), float8 one byte, float16/bfloat16 two
//             bytes little-endian.
//   asLinear — binary and ternary weights are int8 values {−1, 0, +1} times a per-tensor or
//             per-channel α: exactly a symmetric int8 DequantizeLinear with zero point 0, which
//             every ONNX runtime executes.
import { compressError } from './errors.ts';
import { packNibbles } from './linear.ts';
import type { BinaryQuantized, FloatQuantized, LinearQuantized, TernaryQuantized } from './types.ts';

export function rawData(q: LinearQuantized | FloatQuantized): Uint8Array {
  if (q.kind === 'linear') {
    if (q.type === 'int4' || q.type === 'uint4') return packNibbles(q.data);
    return new Uint8Array(q.data.buffer.slice(q.data.byteOffset, q.data.byteOffset + q.data.byteLength));
  }
  if (q.codes instanceof Uint16Array) {
    const out = new Uint8Array(q.codes.length * 2);
    for (let i = 0; i < q.codes.length; i++) {
      out[2 * i] = q.codes[i]! & 0xff;
      out[2 * i + 1] = q.codes[i]! >> 8;
    }
    return out;
  }
  return q.format === 'float4e2m1' ? packNibbles(q.codes) : q.codes.slice();
}

export function asLinear(q: BinaryQuantized | TernaryQuantized): LinearQuantized {
  if (q.granularity.kind === 'block') throw compressError(q.name, 'block granularity has no binary/ternary form', 'Use per-tensor or per-channel.');
  const data = q.kind === 'binary' ? q.signs.slice() : q.values.slice();
  return {
    kind: 'linear', name: q.name, shape: q.shape, type: 'int8', scheme: 'symmetric', granularity: q.granularity,
    qmin: -127, qmax: 127, paramShape: q.paramShape, scale: q.scale.slice(), zeroPoint: new Int32Array(q.scale.length), data,
  };
}
