// The one seam every heavy numerical operation goes through. Layers call only this interface,
// so a faster implementation (WebAssembly SIMD) can replace the JS reference without touching
// them. Arrays are row-major Float32Arrays; offsets let callers address one sample of a batch
// without allocating a subarray view per call.

export type ActivationKind = 'relu' | 'leakyRelu' | 'elu' | 'gelu' | 'sigmoid' | 'tanh';

/** Geometry of a 2-D convolution or pooling window over one NCHW sample. */
export interface ConvGeometry {
  channels: number;
  height: number;
  width: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  outHeight: number;
  outWidth: number;
}

/** Adam(W) step constants for one parameter: θ ← θ·shrink − stepSize·m / (√v / bc2Sqrt + eps). */
export interface AdamStepConstants {
  stepSize: number;
  beta1: number;
  /** 1 − β1 and 1 − β2 in float64: a kernel working in float32 must not compute them itself. */
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  bc2Sqrt: number;
  eps: number;
  shrink: number;
}

/** RMSProp step constants: v ← βv + (1−β)g²; d = √v + ε (√(v + ε) when epsInside). */
export interface RmsPropStepConstants {
  lr: number;
  beta: number;
  eps: number;
  epsInside: boolean;
  /** μ; with a buffer b: b ← μb + g/d, θ ← θ − lr·b; without: θ ← θ − lr·g/d. */
  momentum: number;
}

/** Element-wise updates of the optimizers beyond SGD and Adam. */
export interface MoreOptimizerKernels {
  /** RMSProp (PyTorch): `b` is the momentum buffer, null when momentum is 0. */
  rmspropStep(w: Float32Array, g: Float32Array, v: Float32Array, b: Float32Array | null, c: RmsPropStepConstants): void;
  /** Adagrad (PyTorch): s ← s + g²; θ ← θ − lr·g/(√s + ε). */
  adagradStep(w: Float32Array, g: Float32Array, s: Float32Array, lr: number, eps: number): void;
  /** Adadelta (PyTorch): v ← ρv + (1−ρ)g²; Δ = √(u+ε)/√(v+ε)·g; u ← ρu + (1−ρ)Δ²; θ ← θ − lr·Δ. */
  adadeltaStep(w: Float32Array, g: Float32Array, v: Float32Array, u: Float32Array, lr: number, rho: number, eps: number): void;
  /**
   * Classic momentum: v ← μv − lr·g; θ ← θ + v. Nesterov (Sutskever 2013, θ stored at the
   * look-ahead point): θ ← θ − μ·v_old + (1 + μ)·v.
   */
  classicMomentumStep(w: Float32Array, g: Float32Array, v: Float32Array, lr: number, mu: number, nesterov: boolean): void;
}

export interface Kernels extends MoreOptimizerKernels {
  readonly name: string;
  /**
   * A zeroed Float32Array for a buffer used every step (weights, gradients, activations,
   * optimizer moments). The WebAssembly kernels place it in their linear memory and work on
   * it in place; arrays from elsewhere still work but are copied in and out on every call.
   * Allocate once per model and reuse: allocations are not reclaimed while the engine runs.
   */
  alloc(length: number): Float32Array;
  /**
   * C = alpha·op(A)·op(B) + beta·C, with op(A) m×k and op(B) k×n.
   * Stored shapes: A is m×k (k×m when transA), B is k×n (n×k when transB), C is m×n.
   * beta = 0 overwrites C (NaNs already in C do not leak through).
   */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, a: Float32Array, aOffset: number, b: Float32Array, bOffset: number,
    beta: number, c: Float32Array, cOffset: number,
  ): void;
  /** Unfold one sample (C×H×W at xOffset) into col: (C·kh·kw) × (outH·outW); padding reads as 0. */
  im2col(g: ConvGeometry, x: Float32Array, xOffset: number, col: Float32Array): void;
  /** The adjoint of im2col: ADD col's entries back into dx (C×H×W at dxOffset). */
  col2im(g: ConvGeometry, col: Float32Array, dx: Float32Array, dxOffset: number): void;
  /** y[r·cols + c] += bias[c] for every row r (dense layers). */
  addRowBias(y: Float32Array, bias: Float32Array, rows: number, cols: number): void;
  /** y[(n·C + c)·plane + p] += bias[c] (conv layers, NCHW). */
  addChannelBias(y: Float32Array, bias: Float32Array, batch: number, channels: number, plane: number): void;
  /** dBias[c] += Σ_r dy[r·cols + c]. */
  accumulateRowSums(dy: Float32Array, rows: number, cols: number, dBias: Float32Array): void;
  /** dBias[c] += Σ_{n,p} dy[(n·C + c)·plane + p]. */
  accumulateChannelSums(dy: Float32Array, batch: number, channels: number, plane: number, dBias: Float32Array): void;
  /** y = f(x) element-wise; `alpha` is the LeakyReLU slope or the ELU alpha. */
  activationForward(kind: ActivationKind, alpha: number, x: Float32Array, y: Float32Array, length: number): void;
  /** dx = f'(x)·dy, given the forward's input x and output y. */
  activationBackward(
    kind: ActivationKind, alpha: number, x: Float32Array, y: Float32Array,
    dy: Float32Array, dx: Float32Array, length: number,
  ): void;
  /** y[r·cols + c] = f(y[r·cols + c] + bias[c]): a dense layer's bias and activation in one pass. */
  addRowBiasActivation(kind: ActivationKind, alpha: number, y: Float32Array, bias: Float32Array, rows: number, cols: number): void;
  /** Plain SGD: w ← w − lr·g over the whole arrays. */
  sgdStep(w: Float32Array, g: Float32Array, lr: number): void;
  /** PyTorch's momentum: m ← μm + g (m ← g when `first`); w ← w − lr·(nesterov ? g + μm : m). */
  momentumStep(w: Float32Array, g: Float32Array, m: Float32Array, lr: number, mu: number, nesterov: boolean, first: boolean): void;
  /** Adam(W): m ← β1m + (1−β1)g; v ← β2v + (1−β2)g²; then the step in AdamStepConstants. */
  adamStep(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c: AdamStepConstants): void;
  /** Σ x[i] over [offset, offset+length), accumulated in float64. */
  sum(x: Float32Array, offset: number, length: number): number;
  /** Σ x[i]² over [offset, offset+length), accumulated in float64. */
  sumSquares(x: Float32Array, offset: number, length: number): number;
}

/** Output size of a window sweep along one axis. */
export function convOutputSize(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}
