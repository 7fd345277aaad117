// How one weight tensor is stored in an export, and the float values each storage stands for.
// Quantized forms are always over the 2-D view [outputs, fan-in] of the weight (a conv's
// [O, I, kh, kw] as [O, I·kh·kw]); the graph reshapes them back.
import { decodeFloat } from '../core/compress/float-formats.ts';
import type { FloatFormat } from '../core/compress/types.ts';

export type StoredWeight =
  /** Plain float32; `sparse` stores the non-zeros as a COO sparse initializer. */
  | { kind: 'float32'; values: Float32Array; sparse: boolean }
  /** IEEE half precision initializer, Cast to float32 in the graph. `values` holds the float32 the halves stand for. */
  | { kind: 'float16'; values: Float32Array }
  /**
   * Linear integer codes q with value (q − zeroPoint)·scale: per tensor (axis null, one scale),
   * per output channel (axis 0, scale per row) or per block of `blockSize` along the fan-in
   * (scale [rows, ceil(fanIn/blockSize)]).
   */
  | { kind: 'linear'; bits: 8 | 4; q: Int8Array; scale: Float32Array; zeroPoint: Int8Array | null; axis: 0 | null; blockSize: number | null }
  /** bfloat16 bit patterns (the top half of a float32, rounded to nearest even), Cast to float32 in the graph. */
  | { kind: 'bfloat16'; codes: Uint16Array }
  /** FP8 codes times one float scale: E4M3 (OCP "fn": no infinities, 0x7f/0xff NaN) or E5M2 (IEEE-like). */
  | { kind: 'fp8'; format: 'float8e4m3fn' | 'float8e5m2'; codes: Uint8Array; scale: number }
  /** FP4 E2M1 codes (one per element here, two per byte in the file) times a scale per block of `blockSize` along the fan-in. */
  | { kind: 'fp4'; codes: Uint8Array; scale: Float32Array; blockSize: number }
  /** Weight sharing: an index per weight into a codebook of 2^bits floats. */
  | { kind: 'codebook'; bits: number; indices: Uint8Array; codebook: Float32Array };

/** Activation quantization of a layer's input (uint8, per tensor, from calibration). */
export interface ActivationQuant {
  scale: number;
  zeroPoint: number;
}

const decodeTables = new Map<FloatFormat, Float32Array>();

/** Every code's exact value (float-formats.ts's decoding), as float32: 256 entries for 8-bit formats, 16 for FP4. */
function decodeTable(format: 'float8e4m3fn' | 'float8e5m2' | 'float4e2m1'): Float32Array {
  let table = decodeTables.get(format);
  if (!table) {
    table = Float32Array.from({ length: format === 'float4e2m1' ? 16 : 256 }, (_, code) => decodeFloat(format, code));
    decodeTables.set(format, table);
  }
  return table;
}

/** The float32 values a stored weight stands for, computed as ONNX Runtime's DequantizeLinear does (in float32). */
export function dequantize(w: StoredWeight, rows: number, fanIn: number): Float32Array {
  switch (w.kind) {
    case 'float32': case 'float16':
      return w.values;
    case 'linear': {
      const out = new Float32Array(rows * fanIn);
      const blocks = w.blockSize === null ? 1 : Math.ceil(fanIn / w.blockSize);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < fanIn; c++) {
          const s = w.blockSize !== null ? r * blocks + Math.floor(c / w.blockSize) : w.axis === 0 ? r : 0;
          const zp = w.zeroPoint ? w.zeroPoint[s]! : 0;
          out[r * fanIn + c] = Math.fround((w.q[r * fanIn + c]! - zp) * w.scale[s]!);
        }
      }
      return out;
    }
    case 'bfloat16': {
      // a bfloat16 is the upper 16 bits of the float32 it stands for
      const bits = new Uint32Array(w.codes.length);
      for (let i = 0; i < bits.length; i++) bits[i] = w.codes[i]! << 16;
      return new Float32Array(bits.buffer);
    }
    case 'fp8': {
      const table = decodeTable(w.format);
      const out = new Float32Array(w.codes.length);
      for (let i = 0; i < out.length; i++) out[i] = Math.fround(table[w.codes[i]!]! * Math.fround(w.scale));
      return out;
    }
    case 'fp4': {
      const table = decodeTable('float4e2m1');
      const blocks = Math.ceil(fanIn / w.blockSize);
      const out = new Float32Array(rows * fanIn);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < fanIn; c++) out[r * fanIn + c] = Math.fround(table[w.codes[r * fanIn + c]!]! * w.scale[r * blocks + Math.floor(c / w.blockSize)]!);
      }
      return out;
    }
    case 'codebook': {
      const out = new Float32Array(w.indices.length);
      for (let i = 0; i < out.length; i++) out[i] = w.codebook[w.indices[i]!]!;
      return out;
    }
  }
}

/** Bytes the weight's own initializers take (payload, not protobuf framing). */
export function storedBytes(w: StoredWeight): number {
  switch (w.kind) {
    case 'float32': {
      if (!w.sparse) return w.values.length * 4;
      let nnz = 0;
      for (const v of w.values) if (v !== 0) nnz++;
      return nnz * 12;
    }
    case 'float16': return w.values.length * 2;
    case 'linear': return Math.ceil(w.q.length * w.bits / 8) + w.scale.length * 4 + (w.zeroPoint ? Math.ceil(w.zeroPoint.length * w.bits / 8) : 0);
    case 'bfloat16': return w.codes.length * 2;
    case 'fp8': return w.codes.length + 4;
    case 'fp4': return Math.ceil(w.codes.length / 2) + w.scale.length * 4;
    case 'codebook': return Math.ceil(w.indices.length * w.bits / 8) + w.codebook.length * 4;
  }
}

/** An INT32 bias with scale = input scale × weight scale per output (what QDQ Gemm/Conv fusion needs). */
export interface QuantizedBias {
  q: Int32Array;
  /** Per output channel, or one value. */
  scale: Float32Array;
}

export function quantizeBias(bias: Float32Array, input: ActivationQuant, weight: Extract<StoredWeight, { kind: 'linear' }>): QuantizedBias {
  const scale = Float32Array.from(weight.axis === 0 ? weight.scale : [weight.scale[0]!], (s) => Math.fround(input.scale * s));
  const q = Int32Array.from(bias, (b, c) => Math.round(b / scale[scale.length === 1 ? 0 : c]!));
  return { q, scale };
}

export function dequantizeBias(b: QuantizedBias): Float32Array {
  return Float32Array.from(b.q, (q, c) => Math.fround(q * b.scale[b.scale.length === 1 ? 0 : c]!));
}
