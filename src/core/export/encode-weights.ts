// Weight storage for the export's variants, over the 2-D view [rows, fanIn] of a weight:
// symmetric linear INT8/INT4 (per tensor, channel or block), ternary (TWN), 4-bit k-means
// weight sharing, FP8 E4M3 and FP16. Rounding is to nearest, ties to even, as ONNX's
// QuantizeLinear; codes saturate at the format's largest finite value.
// The compress-core modules (src/core/compress/) hold the full set of methods; this is the
// subset the exporter writes, kept beside the code that turns it into ONNX initializers.
import type { StoredWeight } from './stored-weight.ts';

export type Granularity = { kind: 'tensor' } | { kind: 'channel' } | { kind: 'block'; size: number };

export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function maxAbs(values: Float32Array, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

/** Symmetric linear quantization: scale = max|w| / qmax over each group, q = clamp(round(w / scale)), zero point 0. */
export function quantizeLinear(values: Float32Array, rows: number, fanIn: number, bits: 8 | 4, g: Granularity): StoredWeight {
  const qmax = bits === 8 ? 127 : 7;
  const q = new Int8Array(values.length);
  const blocks = g.kind === 'block' ? Math.ceil(fanIn / g.size) : 1;
  const groups = g.kind === 'tensor' ? 1 : rows * blocks;
  const scale = new Float32Array(groups);
  const span = (s: number): [number, number][] => {
    if (g.kind === 'tensor') return [[0, values.length]];
    if (g.kind === 'channel') return [[s * fanIn, (s + 1) * fanIn]];
    const r = Math.floor(s / blocks), b = s % blocks;
    return [[r * fanIn + b * g.size, r * fanIn + Math.min(fanIn, (b + 1) * g.size)]];
  };
  for (let s = 0; s < groups; s++) {
    const [[from, to]] = span(s) as [[number, number]];
    const m = maxAbs(values, from, to);
    const sc = Math.fround(m > 0 ? m / qmax : 1);
    scale[s] = sc;
    for (let i = from; i < to; i++) q[i] = Math.max(-qmax, Math.min(qmax, roundHalfEven(values[i]! / sc)));
  }
  return { kind: 'linear', bits, q, scale, zeroPoint: null, axis: g.kind === 'channel' ? 0 : null, blockSize: g.kind === 'block' ? g.size : null };
}

/**
 * Ternary weights (Li & Liu 2016, TWN) per output channel: threshold Δ = 0.7·mean|w|, codes
 * sign(w) where |w| > Δ else 0, scale α = mean |w| over the kept weights. Stored as INT4 codes.
 */
export function ternarize(values: Float32Array, rows: number, fanIn: number): StoredWeight {
  const q = new Int8Array(values.length);
  const scale = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < fanIn; c++) sum += Math.abs(values[r * fanIn + c]!);
    const delta = (0.7 * sum) / fanIn;
    let kept = 0, keptSum = 0;
    for (let c = 0; c < fanIn; c++) {
      const v = values[r * fanIn + c]!;
      if (Math.abs(v) > delta) { q[r * fanIn + c] = v > 0 ? 1 : -1; kept++; keptSum += Math.abs(v); }
    }
    scale[r] = kept > 0 ? Math.fround(keptSum / kept) : 1;
  }
  return { kind: 'linear', bits: 4, q, scale, zeroPoint: null, axis: 0, blockSize: null };
}

/** k-means weight sharing (Han et al. 2016): 2^bits centroids per layer, linear init over [min, max], Lloyd iterations. */
export function kmeansShare(values: Float32Array, bits: number, iterations = 30): StoredWeight {
  const k = 2 ** bits;
  let min = Infinity, max = -Infinity;
  for (const v of values) { min = Math.min(min, v); max = Math.max(max, v); }
  const centroids = Float64Array.from({ length: k }, (_, i) => (k === 1 ? (min + max) / 2 : min + ((max - min) * i) / (k - 1)));
  const indices = new Uint8Array(values.length);
  const assign = (): void => {
    // centroids stay sorted (1-D Lloyd keeps the order), so the nearest is found by midpoints
    const order = Array.from(centroids.keys()).sort((a, b) => centroids[a]! - centroids[b]!);
    const mids = order.slice(1).map((c, i) => (centroids[order[i]!]! + centroids[c]!) / 2);
    for (let i = 0; i < values.length; i++) {
      let lo = 0, hi = mids.length;
      while (lo < hi) { const m = (lo + hi) >> 1; if (values[i]! > mids[m]!) lo = m + 1; else hi = m; }
      indices[i] = order[lo]!;
    }
  };
  for (let it = 0; it < iterations; it++) {
    assign();
    const sum = new Float64Array(k), count = new Float64Array(k);
    for (let i = 0; i < values.length; i++) { sum[indices[i]!]! += values[i]!; count[indices[i]!]!++; }
    let moved = 0;
    for (let c = 0; c < k; c++) if (count[c]! > 0) { const next = sum[c]! / count[c]!; moved = Math.max(moved, Math.abs(next - centroids[c]!)); centroids[c] = next; }
    if (moved === 0) break;
  }
  assign();
  return { kind: 'codebook', bits, indices, codebook: Float32Array.from(centroids) };
}

/** Positive E4M3FN magnitudes by code 0…126 (127 is NaN). */
const E4M3: Float64Array = Float64Array.from({ length: 127 }, (_, code) => {
  const e = code >> 3, m = code & 7;
  return e === 0 ? (m / 8) * 2 ** -6 : (1 + m / 8) * 2 ** (e - 7);
});
export const E4M3_MAX = 448;

/** FP8 E4M3FN code of v: round to nearest, ties to the even code; beyond ±448 saturates to ±448; NaN to 0x7f. */
export function encodeE4M3(v: number): number {
  if (Number.isNaN(v)) return 0x7f;
  const sign = v < 0 || Object.is(v, -0) ? 0x80 : 0;
  const a = Math.abs(v);
  if (a >= E4M3_MAX) return sign | 126;
  let lo = 0, hi = 126;
  while (hi - lo > 1) { const m = (lo + hi) >> 1; if (E4M3[m]! <= a) lo = m; else hi = m; }
  const dLo = a - E4M3[lo]!, dHi = E4M3[hi]! - a;
  const code = dLo < dHi ? lo : dHi < dLo ? hi : (lo % 2 === 0 ? lo : hi);
  return sign | code;
}

/** FP8 per tensor: scale = max|w| / 448 so the largest weight lands on the largest finite code. */
export function quantizeFp8(values: Float32Array): StoredWeight {
  const m = maxAbs(values, 0, values.length);
  const scale = Math.fround(m > 0 ? m / E4M3_MAX : 1);
  const codes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = encodeE4M3(values[i]! / scale);
  return { kind: 'fp8e4m3', codes, scale };
}

/** IEEE half precision, round to nearest even (Float16Array's conversion), overflow to ±Inf as IEEE says. */
export function toFloat16(values: Float32Array): StoredWeight {
  return { kind: 'float16', values: Float32Array.from(new Float16Array(values)) };
}
