// The shared vocabulary of compression: weight views, pruning results, quantized tensors and
// the layer descriptions that structured pruning shrinks. Types only; the arithmetic lives in
// one small pure module per method beside this file, and dequantize.ts turns every
// QuantizedTensor variant back into float32.
//
// Layout conventions (the engine's, which are PyTorch's, so weights exchange without transposes):
// tensors are row-major Float32Arrays; a dense weight is [out, in]; a conv2d weight is
// [out, in, kh, kw]. So the OUTPUT axis (neurons, filters) is axis 0 and the INPUT axis is
// axis 1 for both, and "along the input dimension" (N:M groups, quantization blocks) means
// consecutive elements along axis 1 for a fixed output unit (and, for conv, fixed kh, kw).
//
// Stability: the export helper builds on these types. Changes here are additive only.

/** Axis of a weight tensor that indexes output units (dense rows, conv filters). */
export const OUT_AXIS = 0;
/** Axis of a weight tensor that indexes input features / input channels. */
export const IN_AXIS = 1;

/** A read-only view of one weight tensor of a model (row-major, engine layout). */
export interface WeightTensor {
  /** Stable name, e.g. "dense1.weight" (the checkpoint key). Used in errors and reports. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

// ---------------------------------------------------------------------------------------------
// Pruning

/** The result of pruning one tensor: a keep-mask (1 keep, 0 pruned) the same length as data. */
export interface PruneResult {
  readonly name: string;
  readonly mask: Uint8Array;
  /** Number of zeros in the mask. */
  readonly pruned: number;
  /** Number of elements. */
  readonly total: number;
  /** pruned / total. */
  readonly sparsity: number;
}

/** One line of the per-layer sparsity report: counted on the actual values, not a mask. */
export interface LayerSparsity {
  readonly name: string;
  readonly total: number;
  /** Elements exactly equal to zero (±0). */
  readonly zeros: number;
  readonly sparsity: number;
}

export interface SparsityReport {
  readonly layers: readonly LayerSparsity[];
  readonly total: number;
  readonly zeros: number;
  /** zeros / total over every listed layer. */
  readonly sparsity: number;
}

/** Norm that ranks whole output units for structured pruning. */
export type UnitNorm = 'l1' | 'l2';

/** Which output units (dense rows, conv filters) of one layer survive structured pruning. */
export interface UnitSelection {
  readonly name: string;
  /** Indices of the kept output units, ascending. */
  readonly keep: Int32Array;
  /** The norm of every output unit (length = units), in the criterion's metric (L2 not squared). */
  readonly norms: Float64Array;
  readonly criterion: UnitNorm;
}

/**
 * One layer of a sequential chain as structured pruning sees it. The export helper converts the
 * engine's model into this, calls shrinkChain, and builds a smaller model from the result.
 * `passthrough` is any layer that acts per channel/feature and has no parameters (activations,
 * pooling, dropout): a removed unit stays removed through it.
 */
export type ChainLayer =
  | {
      readonly kind: 'dense';
      readonly name: string;
      readonly inFeatures: number;
      readonly outFeatures: number;
      /** [out, in]. */
      readonly weight: Float32Array;
      readonly bias: Float32Array | null;
    }
  | {
      readonly kind: 'conv2d';
      readonly name: string;
      readonly inChannels: number;
      readonly outChannels: number;
      readonly kernelH: number;
      readonly kernelW: number;
      /** [out, in, kh, kw]. */
      readonly weight: Float32Array;
      readonly bias: Float32Array | null;
    }
  | {
      readonly kind: 'batchnorm';
      readonly name: string;
      readonly channels: number;
      readonly gamma: Float32Array;
      readonly beta: Float32Array;
      readonly runningMean: Float32Array;
      readonly runningVar: Float32Array;
    }
  | {
      /** [C, H, W] → [C·H·W]: one channel becomes `spatial` = H·W consecutive features. */
      readonly kind: 'flatten';
      readonly name: string;
      readonly channels: number;
      readonly spatial: number;
    }
  | { readonly kind: 'passthrough'; readonly name: string };

// ---------------------------------------------------------------------------------------------
// Quantization

/**
 * Which elements share a scale (and zero point):
 * - tensor: one for the whole tensor;
 * - channel: one per index of `axis` (axis 0 = per output channel for weights);
 * - block: one per `blockSize` consecutive elements along `axis`, for each index of every other
 *   axis (ONNX opset-21 blocked quantization; for weights axis = IN_AXIS, blockSize 32 or 64).
 *   The last block of a row may be shorter.
 */
export type Granularity =
  | { readonly kind: 'tensor' }
  | { readonly kind: 'channel'; readonly axis: number }
  | { readonly kind: 'block'; readonly axis: number; readonly blockSize: number };

/** Affine: r = S·(q − Z) with Z chosen so rmin..rmax (widened to include 0) maps onto the grid.
 * Symmetric: Z = 0 and a restricted, sign-symmetric grid (see linear.ts). */
export type LinearScheme = 'affine' | 'symmetric';

/** Integer storage types (the ONNX names). 4-bit values are kept one per byte until packed. */
export type IntegerType = 'int8' | 'uint8' | 'int4' | 'uint4';

/** Linear (uniform) integer quantization, the ONNX QuantizeLinear/DequantizeLinear format. */
export interface LinearQuantized {
  readonly kind: 'linear';
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: IntegerType;
  readonly scheme: LinearScheme;
  readonly granularity: Granularity;
  /** Clamping range used by quantize (inclusive). */
  readonly qmin: number;
  readonly qmax: number;
  /** Shape of scale and zeroPoint in ONNX layout: [] (tensor), [D_axis] (channel),
   * shape with D_axis replaced by ceil(D_axis / blockSize) (block). */
  readonly paramShape: readonly number[];
  readonly scale: Float32Array;
  /** Integers within [qmin, qmax]; all 0 for symmetric. */
  readonly zeroPoint: Int32Array;
  /** One integer per element (4-bit types too; see packNibbles for the ONNX byte layout). */
  readonly data: Int8Array | Uint8Array;
}

/** K-means weight sharing (Deep Compression): b-bit indices into 2^b float centroids. */
export interface CodebookQuantized {
  readonly kind: 'codebook';
  readonly name: string;
  readonly shape: readonly number[];
  /** 2..8. */
  readonly bits: number;
  /** Exactly 2^bits, non-decreasing (an empty cluster keeps its initial value). */
  readonly centroids: Float32Array;
  /** One index per element. */
  readonly indices: Uint8Array;
}

/** Binary weights (XNOR-Net): w ≈ α·sign(w), sign(0) = +1. */
export interface BinaryQuantized {
  readonly kind: 'binary';
  readonly name: string;
  readonly shape: readonly number[];
  /** tensor or channel (axis 0, XNOR-Net's per-filter α). */
  readonly granularity: Granularity;
  readonly paramShape: readonly number[];
  /** α = mean |w| per group. */
  readonly scale: Float32Array;
  /** ±1 per element. */
  readonly signs: Int8Array;
}

/** Ternary weights (TWN): w ≈ α·t, t ∈ {−1, 0, +1}; t = 0 where |w| ≤ Δ. */
export interface TernaryQuantized {
  readonly kind: 'ternary';
  readonly name: string;
  readonly shape: readonly number[];
  readonly granularity: Granularity;
  readonly paramShape: readonly number[];
  /** α = mean |w| over |w| > Δ per group (0 when none is above). */
  readonly scale: Float32Array;
  /** Δ = 0.7·mean |w| per group. */
  readonly threshold: Float32Array;
  /** −1, 0 or +1 per element. */
  readonly values: Int8Array;
}

/** Low-precision float formats (the ONNX type names). */
export type FloatFormat = 'float16' | 'bfloat16' | 'float8e4m3fn' | 'float8e5m2' | 'float4e2m1';

/**
 * A tensor stored in a low-precision float format: value = decode(code) · scale of its group.
 * fp16/bf16 use one scale of 1. fp8/fp4 may carry a per-tensor/channel/block scale that maps
 * the tensor's range onto the format's (max|w| → the format's max finite value), as MX formats
 * and scaled-FP8 deployments do; with scale 1 the values are the plain cast.
 */
export interface FloatQuantized {
  readonly kind: 'float';
  readonly name: string;
  readonly shape: readonly number[];
  readonly format: FloatFormat;
  /** Whether encoding saturated out-of-range values to ±max finite (ONNX `saturate=1`). */
  readonly saturate: boolean;
  readonly granularity: Granularity;
  readonly paramShape: readonly number[];
  readonly scale: Float32Array;
  /** Raw bit patterns, one per element: Uint16Array for float16/bfloat16, Uint8Array otherwise
   * (fp4 codes in the low nibble; see packNibbles). */
  readonly codes: Uint16Array | Uint8Array;
}

export type QuantizedTensor = LinearQuantized | CodebookQuantized | BinaryQuantized | TernaryQuantized | FloatQuantized;

// ---------------------------------------------------------------------------------------------
// Activation calibration

/** Histogram of |x| or x over [lo, hi] with counts.length equal-width bins. */
export interface Histogram {
  readonly lo: number;
  readonly hi: number;
  readonly counts: Float64Array;
}

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';

/** A calibrated activation range, ready for linearParams (affine uses both ends; symmetric
 * uses max(|min|, |max|)). */
export interface ActivationRange {
  readonly method: CalibrationMethod;
  readonly min: number;
  readonly max: number;
}
