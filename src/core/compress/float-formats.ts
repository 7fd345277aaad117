// Exact encode/decode of the low-precision float formats (ONNX type names), by round to nearest,
// ties to even, from any double (every float32 is one). Encoding returns the raw bit pattern the
// ONNX writer stores: float16/bfloat16 as uint16, float8 as uint8, float4 as a 4-bit code in a
// uint8 (pack two per byte with packNibbles).
//
// Formats (sign.exponent.mantissa, bias):
//   float16      1.5.10 bias 15   IEEE: max 65504, min normal 2^-14, min subnormal 2^-24, ±inf, NaN
//   bfloat16     1.8.7  bias 127  IEEE-like: max (2 − 2^-7)·2^127, min normal 2^-126, ±inf, NaN
//   float8e4m3fn 1.4.3  bias 7    max 448 (S.1111.110), min normal 2^-6, min subnormal 2^-9,
//                                 no inf, NaN = S.1111.111 (fn: finite, one NaN pattern per sign)
//   float8e5m2   1.5.2  bias 15   IEEE-like: max 57344, min normal 2^-14, min subnormal 2^-16, ±inf, NaN
//   float4e2m1   1.2.1  bias 1    values ±{0, 0.5, 1, 1.5, 2, 3, 4, 6}, no inf, no NaN (OCP MX v1.0)
//
// Rounding happens first, as if the exponent range were unbounded; a result above the largest
// finite value then overflows:
//   float16, bfloat16: to ±inf (IEEE; ONNX Cast has no saturate for them). NaN → quiet NaN.
//   float8 with saturate = true (ONNX Cast/QuantizeLinear default): to ±max finite, and ±inf
//     also becomes ±max finite (the ONNX table). So 464 = halfway between 448 and the
//     would-be 480 rounds to even 448, anything above 464 saturates to 448.
//   float8 with saturate = false: e4m3fn overflows and ±inf to NaN; e5m2 overflows and ±inf to ±inf.
//   NaN → NaN (0x7f) for both float8 formats.
//   float4e2m1: always saturates to ±6, ±inf too (OCP MX: conversions to FP4 clamp to max
//     normal); NaN has no encoding and is an error.
// Decoding is exact (every code is a float32 value); −0 keeps its sign.
import { compressError } from './errors.ts';
import type { FloatFormat } from './types.ts';
import { roundHalfEven } from './round.ts';

export interface FloatFormatInfo {
  readonly format: FloatFormat;
  readonly exponentBits: number;
  readonly mantissaBits: number;
  readonly bias: number;
  /** Bits per value in storage. */
  readonly bits: number;
  /** Code of the largest finite magnitude (sign bit clear). */
  readonly maxCode: number;
  readonly maxFinite: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  /** Code of +infinity, or null when the format has none. */
  readonly infCode: number | null;
  /** Code of the NaN we write, or null when the format has none. */
  readonly nanCode: number | null;
  /** Whether out-of-range values may saturate (float8 only; float4 always does). */
  readonly hasSaturate: boolean;
}

function info(format: FloatFormat, e: number, m: number, maxCode: number, infCode: number | null, nanCode: number | null, hasSaturate: boolean): FloatFormatInfo {
  const bias = 2 ** (e - 1) - 1;
  const partial: FloatFormatInfo = {
    format, exponentBits: e, mantissaBits: m, bias, bits: 1 + e + m, maxCode, maxFinite: 0,
    minNormal: 2 ** (1 - bias), minSubnormal: 2 ** (1 - bias - m), infCode, nanCode, hasSaturate,
  };
  return { ...partial, maxFinite: decodeWith(partial, maxCode) };
}

export const FLOAT_FORMATS: Readonly<Record<FloatFormat, FloatFormatInfo>> = {
  float16: info('float16', 5, 10, 0x7bff, 0x7c00, 0x7e00, false),
  bfloat16: info('bfloat16', 8, 7, 0x7f7f, 0x7f80, 0x7fc0, false),
  float8e4m3fn: info('float8e4m3fn', 4, 3, 0x7e, null, 0x7f, true),
  float8e5m2: info('float8e5m2', 5, 2, 0x7b, 0x7c, 0x7f, true),
  float4e2m1: info('float4e2m1', 2, 1, 0x7, null, null, true),
};

/** Encodes one value. `saturate` matters for float8 only (see the file comment). */
export function encodeFloat(format: FloatFormat, x: number, saturate = true): number {
  const f = FLOAT_FORMATS[format];
  const signBit = 1 << (f.exponentBits + f.mantissaBits);
  if (Number.isNaN(x)) {
    if (f.nanCode === null) throw compressError(format, 'NaN has no encoding in float4e2m1', 'Remove NaN values (a diverged model) before casting to FP4.');
    return f.nanCode;
  }
  const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
  const a = Math.abs(x);
  const saturates = format === 'float4e2m1' || (f.hasSaturate && saturate);
  const overflow = (): number => {
    if (saturates) return sign | f.maxCode;
    if (f.infCode !== null) return sign | f.infCode;
    return f.nanCode!; // e4m3fn without saturation: overflow is NaN
  };
  if (a === Infinity) return overflow();
  let code: number;
  if (a < f.minNormal) {
    // subnormal range: multiples of the smallest subnormal; rounding up to 2^mantissaBits gives
    // exactly the code of the smallest normal, so no special case is needed
    code = roundHalfEven(a / f.minSubnormal);
  } else {
    let e = Math.floor(Math.log2(a));
    if (2 ** e > a) e--;
    else if (2 ** (e + 1) <= a) e++;
    let m = roundHalfEven((a / 2 ** e - 1) * 2 ** f.mantissaBits);
    if (m === 2 ** f.mantissaBits) {
      m = 0;
      e++;
    }
    code = (e + f.bias) * 2 ** f.mantissaBits + m;
  }
  if (code > f.maxCode) return overflow();
  return sign | code;
}

function decodeWith(f: FloatFormatInfo, code: number): number {
  const m = f.mantissaBits;
  const signBit = 1 << (f.exponentBits + m);
  const negative = (code & signBit) !== 0;
  const magnitude = code & (signBit - 1);
  const expField = magnitude >> m;
  const manField = magnitude & ((1 << m) - 1);
  const expAllOnes = (1 << f.exponentBits) - 1;
  let value: number;
  if (f.infCode !== null && expField === expAllOnes) {
    value = manField === 0 ? Infinity : NaN; // IEEE-like: float16, bfloat16, e5m2
  } else if (f.format === 'float8e4m3fn' && magnitude === 0x7f) {
    value = NaN;
  } else if (expField === 0) {
    value = manField * 2 ** (1 - f.bias - m);
  } else {
    value = (1 + manField / 2 ** m) * 2 ** (expField - f.bias);
  }
  if (Number.isNaN(value)) return NaN;
  return negative ? -value : value;
}

/** Decodes one code to its exact value. */
export function decodeFloat(format: FloatFormat, code: number): number {
  return decodeWith(FLOAT_FORMATS[format], code);
}

/** The value the format stores for x (encode then decode). */
export function roundToFormat(format: FloatFormat, x: number, saturate = true): number {
  return decodeFloat(format, encodeFloat(format, x, saturate));
}

/**
 * encodeFloat over a whole Float32Array, for tensors: integer round-to-nearest-even on the
 * float32 bits when the result is a normal number of the format, the general path above for
 * zeros, subnormals, overflow, inf and NaN. Same result as encodeFloat for every float32.
 */
export function encodeFloat32Array(format: FloatFormat, values: Float32Array, saturate = true): Uint16Array | Uint8Array {
  const f = FLOAT_FORMATS[format];
  const out = f.bits === 16 ? new Uint16Array(values.length) : new Uint8Array(values.length);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const shift = 23 - f.mantissaBits;
  const halfMinusOne = (1 << (shift - 1)) - 1;
  const rebias = f.bias - 127;
  const signShift = f.exponentBits + f.mantissaBits;
  const maxCode = f.maxCode;
  for (let i = 0; i < values.length; i++) {
    const b = bits[i]!;
    const exponent = (b >>> 23) & 0xff;
    const target = exponent + rebias;
    if (exponent === 0 || exponent === 0xff || target < 1) {
      out[i] = encodeFloat(format, values[i]!, saturate);
      continue;
    }
    // exponent field and mantissa side by side (< 2^31): a carry out of the mantissa while
    // rounding bumps the exponent, as it should
    const v = (target << 23) | (b & 0x7fffff);
    const code = (v + halfMinusOne + ((v >> shift) & 1)) >> shift;
    out[i] = code > maxCode ? encodeFloat(format, values[i]!, saturate) : ((b >>> 31) << signShift) | code;
  }
  return out;
}
