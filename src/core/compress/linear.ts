// Linear (uniform) integer quantization in the ONNX QuantizeLinear / DequantizeLinear format:
//   q = saturate(round(r / S) + Z),   r ≈ S·(q − Z),
// with round = round half to even and r / S computed in float32, as the ONNX spec and ONNX
// Runtime do, then clamped ("saturate") to [qmin, qmax].
//
// Ranges (qmin..qmax):
//   affine    int8 −128..127, uint8 0..255, int4 −8..7, uint4 0..15 (the full storage range);
//   symmetric int8 −127..127, int4 −7..7 (restricted): Z = 0 and S = max|r| / qmax, so +max and
//             −max are both representable and negating a value never overflows, which is the
//             range TensorRT's INT8 requires and what PyTorch's symmetric observers give with
//             quant_min = −127. −128 (−8) stays a legal stored value that quantize never writes.
//             Symmetric needs a signed type.
// Affine parameters, as PyTorch's min-max observers compute them (so the two agree exactly):
//   the range is widened to include 0 (zero must be exact: padding, pruned weights, ReLU zeros),
//   S = fp32(fp32(rmax − rmin) / (qmax − qmin)), at least 2^-23 (float32 epsilon) so an
//   all-zero group stays valid, and Z = clamp(qmin − round(fp32(rmin / S))).
// Granularity (types.ts): per tensor, per channel along an axis, or per block along an axis
// (ONNX opset-21 blocked quantization). The scale and zero point arrays are laid out as ONNX's
// (paramShape, row-major).
import { compressError } from './errors.ts';
import { checkTensor, groupLayout, groupMinMax, type GroupLayout } from './groups.ts';
import { roundHalfEven } from './round.ts';
import type { Granularity, IntegerType, LinearQuantized, LinearScheme, WeightTensor } from './types.ts';

/** Smallest scale (float32 epsilon), as PyTorch's observers use. */
export const MIN_SCALE = 1.1920928955078125e-7;

export interface LinearOptions {
  readonly type: IntegerType;
  readonly scheme: LinearScheme;
  readonly granularity: Granularity;
}

export interface LinearParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** The clamping range of quantize for a storage type and scheme (see the file comment). */
export function integerRange(type: IntegerType, scheme: LinearScheme): { qmin: number; qmax: number } {
  if (scheme === 'symmetric') {
    if (type === 'int8') return { qmin: -127, qmax: 127 };
    if (type === 'int4') return { qmin: -7, qmax: 7 };
    throw compressError(type, 'symmetric quantization needs a signed type', 'Use int8 or int4 with symmetric, or the affine scheme for unsigned types.');
  }
  switch (type) {
    case 'int8': return { qmin: -128, qmax: 127 };
    case 'uint8': return { qmin: 0, qmax: 255 };
    case 'int4': return { qmin: -8, qmax: 7 };
    case 'uint4': return { qmin: 0, qmax: 15 };
  }
}

/** Scale and zero point that map [min, max] (widened to include 0) onto [qmin, qmax]. */
export function linearParams(min: number, max: number, qmin: number, qmax: number, scheme: LinearScheme): LinearParams {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (scheme === 'symmetric') {
    const amax = Math.max(-lo, hi);
    return { scale: Math.max(Math.fround(amax / qmax), MIN_SCALE), zeroPoint: 0 };
  }
  const scale = Math.max(Math.fround(Math.fround(hi - lo) / (qmax - qmin)), MIN_SCALE);
  const zeroPoint = Math.min(qmax, Math.max(qmin, qmin - roundHalfEven(Math.fround(lo / scale))));
  return { scale, zeroPoint };
}

/** ONNX QuantizeLinear of one value. */
export function quantizeValue(r: number, scale: number, zeroPoint: number, qmin: number, qmax: number): number {
  const q = roundHalfEven(Math.fround(r / scale)) + zeroPoint;
  return q < qmin ? qmin : q > qmax ? qmax : q;
}

/** ONNX DequantizeLinear of one value (float32 result). */
export function dequantizeValue(q: number, scale: number, zeroPoint: number): number {
  return Math.fround((q - zeroPoint) * scale);
}

/** Quantizes with parameters computed from the tensor's own range (weights). */
export function quantizeLinear(tensor: WeightTensor, options: LinearOptions): LinearQuantized {
  checkTensor(tensor);
  const layout = groupLayout(tensor.name, tensor.shape, options.granularity);
  const { qmin, qmax } = integerRange(options.type, options.scheme);
  const { min, max } = groupMinMax(tensor.data, layout);
  const scale = new Float32Array(layout.groups);
  const zeroPoint = new Int32Array(layout.groups);
  for (let g = 0; g < layout.groups; g++) {
    const p = min[g]! <= max[g]! ? linearParams(min[g]!, max[g]!, qmin, qmax, options.scheme) : linearParams(0, 0, qmin, qmax, options.scheme);
    scale[g] = p.scale;
    zeroPoint[g] = p.zeroPoint;
  }
  return quantizeWithParams(tensor, options, layout, scale, zeroPoint);
}

/** Quantizes with given parameters (calibrated activations, or parameters shared with a peer). */
export function quantizeWithParams(tensor: WeightTensor, options: LinearOptions, layout: GroupLayout, scale: Float32Array, zeroPoint: Int32Array): LinearQuantized {
  const { qmin, qmax } = integerRange(options.type, options.scheme);
  if (scale.length !== layout.groups || zeroPoint.length !== layout.groups) {
    throw compressError(tensor.name, `${scale.length} scales and ${zeroPoint.length} zero points for ${layout.groups} groups`, 'Give one scale and zero point per group of the granularity.');
  }
  const signed = options.type === 'int8' || options.type === 'int4';
  const data = signed ? new Int8Array(tensor.data.length) : new Uint8Array(tensor.data.length);
  for (let i = 0; i < data.length; i++) {
    const g = layout.index[i]!;
    data[i] = quantizeValue(tensor.data[i]!, scale[g]!, zeroPoint[g]!, qmin, qmax);
  }
  return {
    kind: 'linear', name: tensor.name, shape: [...tensor.shape], type: options.type, scheme: options.scheme,
    granularity: options.granularity, qmin, qmax, paramShape: layout.paramShape, scale, zeroPoint, data,
  };
}

/**
 * Packs 4-bit values two per byte as ONNX stores int4/uint4/float4e2m1 tensors: element 2i in
 * the low nibble, element 2i+1 in the high nibble; an odd count leaves the last high nibble 0.
 */
export function packNibbles(values: Int8Array | Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) {
    const nibble = values[i]! & 0x0f;
    out[i >> 1]! |= i & 1 ? nibble << 4 : nibble;
  }
  return out;
}

/** Inverse of packNibbles; `signed` sign-extends (int4). */
export function unpackNibbles(bytes: Uint8Array, count: number, signed: boolean): Int8Array | Uint8Array {
  const out = signed ? new Int8Array(count) : new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const nibble = (bytes[i >> 1]! >> (i & 1 ? 4 : 0)) & 0x0f;
    out[i] = signed && nibble >= 8 ? nibble - 16 : nibble;
  }
  return out;
}
