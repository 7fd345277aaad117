// How one weight tensor is stored in an export, and the float values each storage stands for.
// Quantized forms are always over the 2-D view [outputs, fan-in] of the weight (a conv's
// [O, I, kh, kw] as [O, I·kh·kw]); the graph reshapes them back.

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
  /** FP8 E4M3 (OCP "fn": no infinities, 0x7f/0xff NaN) codes times one float scale. */
  | { kind: 'fp8e4m3'; codes: Uint8Array; scale: number }
  /** Weight sharing: an index per weight into a codebook of 2^bits floats. */
  | { kind: 'codebook'; bits: number; indices: Uint8Array; codebook: Float32Array };

/** Activation quantization of a layer's input (uint8, per tensor, from calibration). */
export interface ActivationQuant {
  scale: number;
  zeroPoint: number;
}

const E4M3_VALUES = (() => {
  const table = new Float32Array(256);
  for (let code = 0; code < 256; code++) {
    const sign = code & 0x80 ? -1 : 1;
    const exponent = (code >> 3) & 0xf;
    const mantissa = code & 7;
    if ((code & 0x7f) === 0x7f) table[code] = NaN;
    else if (exponent === 0) table[code] = sign * (mantissa / 8) * 2 ** -6;
    else table[code] = sign * (1 + mantissa / 8) * 2 ** (exponent - 7);
  }
  return table;
})();

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
    case 'fp8e4m3': {
      const out = new Float32Array(w.codes.length);
      for (let i = 0; i < out.length; i++) out[i] = Math.fround(E4M3_VALUES[w.codes[i]!]! * Math.fround(w.scale));
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
    case 'fp8e4m3': return w.codes.length + 4;
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
