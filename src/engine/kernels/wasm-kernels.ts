// Kernels on WebAssembly SIMD (AssemblyScript sources in assembly/). Arrays from alloc() live in
// the engine's one linear memory and are used in place; any other array is copied into a
// staging block before the call (and back after, for outputs), so every array works and only
// speed differs. Activations other than the ReLU family run the JS reference directly on the
// same arrays: they are cheap next to the matrix products and need exp/erf/tanh. So do the
// RMSProp, Adagrad, Adadelta and classic-momentum updates, which have no WebAssembly version yet.
import { jsKernels } from './js-kernels.ts';
import { WasmArena } from './wasm-memory.ts';
import { bestVariant, instantiateKernels, readKernelModule, type KernelExports, type WasmVariant } from './wasm-loader.ts';
import { HyperlabError } from '../../core/errors.ts';
import type { ActivationKind, AdamStepConstants, ConvGeometry, Kernels, RmsPropStepConstants } from './types.ts';

/** Staging slots: one per array argument position of the widest kernel. */
const SLOTS = 4;

function reluSlope(kind: ActivationKind, alpha: number): number | null {
  if (kind === 'relu') return 0;
  if (kind === 'leakyRelu') return alpha;
  return null;
}

export interface WasmKernelOptions {
  /** Default: the best this runtime validates ('relaxed' if it has relaxed SIMD). */
  variant?: WasmVariant;
  /** Folders to look for kernels-*.wasm in (default: kernelSearchDirs()). */
  dirs?: readonly string[];
}

export class WasmKernels implements Kernels {
  readonly name: string;
  readonly variant: WasmVariant;
  readonly arena: WasmArena;
  private readonly x: KernelExports;
  private readonly stage: { at: number; bytes: number }[] = [];

  constructor(options?: WasmKernelOptions) {
    const variant = options?.variant ?? bestVariant();
    if (variant === null) {
      throw new HyperlabError('KERNELS_UNAVAILABLE', 'this JavaScript runtime has no WebAssembly SIMD', 'Use HYPERLAB_KERNELS=js, or a runtime with WebAssembly SIMD (Node 16.4+, VS Code 1.60+).');
    }
    this.variant = variant;
    this.name = `wasm-${variant}`;
    this.arena = new WasmArena();
    this.x = instantiateKernels(readKernelModule(variant, options?.dirs), this.arena.memory);
    const scratch = this.arena.reserve(this.x.gemmScratchBytes());
    this.x.gemmSetScratch(scratch);
    for (let i = 0; i < SLOTS; i++) this.stage.push({ at: 0, bytes: 0 });
  }

  alloc(length: number): Float32Array {
    return this.arena.alloc(length);
  }

  /** Address of a[offset .. offset+length) in linear memory, staging a copy if `a` lives elsewhere. */
  private in(a: Float32Array, offset: number, length: number, slot: number, copy = true): number {
    if (this.arena.owns(a)) return a.byteOffset + offset * 4;
    const s = this.stage[slot]!;
    if (s.bytes < length * 4) {
      s.bytes = Math.max(length * 4, s.bytes * 2);
      s.at = this.arena.reserve(s.bytes);
      if (s.at < 0) throw new HyperlabError('KERNELS_UNAVAILABLE', 'WebAssembly memory is full', 'Use a smaller model or batch, or HYPERLAB_KERNELS=js.');
    }
    if (copy) this.arena.view(s.at, length).set(a.subarray(offset, offset + length));
    return s.at;
  }

  /** After a call: copy a staged output back into `a`. */
  private out(a: Float32Array, offset: number, length: number, at: number): void {
    if (!this.arena.owns(a)) a.set(this.arena.view(at, length), offset);
  }

  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, a: Float32Array, aOffset: number, b: Float32Array, bOffset: number,
    beta: number, c: Float32Array, cOffset: number,
  ): void {
    if (m <= 0 || n <= 0) return;
    const pa = this.in(a, aOffset, m * k, 0);
    const pb = this.in(b, bOffset, k * n, 1);
    const pc = this.in(c, cOffset, m * n, 2, beta !== 0);
    this.x.gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, pa, pb, beta, pc);
    this.out(c, cOffset, m * n, pc);
  }

  im2col(g: ConvGeometry, x: Float32Array, xOffset: number, col: Float32Array): void {
    const inSize = g.channels * g.height * g.width;
    const colSize = g.channels * g.kernelH * g.kernelW * g.outHeight * g.outWidth;
    const px = this.in(x, xOffset, inSize, 0);
    const pcol = this.in(col, 0, colSize, 1, false);
    this.x.im2col(px, pcol, g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padH, g.padW, g.outHeight, g.outWidth);
    this.out(col, 0, colSize, pcol);
  }

  col2im(g: ConvGeometry, col: Float32Array, dx: Float32Array, dxOffset: number): void {
    const inSize = g.channels * g.height * g.width;
    const colSize = g.channels * g.kernelH * g.kernelW * g.outHeight * g.outWidth;
    const pcol = this.in(col, 0, colSize, 0);
    const pdx = this.in(dx, dxOffset, inSize, 1);
    this.x.col2im(pcol, pdx, g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padH, g.padW, g.outHeight, g.outWidth);
    this.out(dx, dxOffset, inSize, pdx);
  }

  addRowBias(y: Float32Array, bias: Float32Array, rows: number, cols: number): void {
    const py = this.in(y, 0, rows * cols, 0);
    this.x.addRowBias(py, this.in(bias, 0, cols, 1), rows, cols);
    this.out(y, 0, rows * cols, py);
  }

  addChannelBias(y: Float32Array, bias: Float32Array, batch: number, channels: number, plane: number): void {
    const size = batch * channels * plane;
    const py = this.in(y, 0, size, 0);
    this.x.addChannelBias(py, this.in(bias, 0, channels, 1), batch, channels, plane);
    this.out(y, 0, size, py);
  }

  accumulateRowSums(dy: Float32Array, rows: number, cols: number, dBias: Float32Array): void {
    const pd = this.in(dBias, 0, cols, 1);
    this.x.accumulateRowSums(this.in(dy, 0, rows * cols, 0), rows, cols, pd);
    this.out(dBias, 0, cols, pd);
  }

  accumulateChannelSums(dy: Float32Array, batch: number, channels: number, plane: number, dBias: Float32Array): void {
    const pd = this.in(dBias, 0, channels, 1);
    this.x.accumulateChannelSums(this.in(dy, 0, batch * channels * plane, 0), batch, channels, plane, pd);
    this.out(dBias, 0, channels, pd);
  }

  activationForward(kind: ActivationKind, alpha: number, x: Float32Array, y: Float32Array, length: number): void {
    const slope = reluSlope(kind, alpha);
    if (slope === null) { jsKernels.activationForward(kind, alpha, x, y, length); return; }
    const px = this.in(x, 0, length, 0);
    const py = this.in(y, 0, length, 1, false);
    this.x.leakyReluForward(px, py, length, slope);
    this.out(y, 0, length, py);
  }

  activationBackward(
    kind: ActivationKind, alpha: number, x: Float32Array, y: Float32Array,
    dy: Float32Array, dx: Float32Array, length: number,
  ): void {
    const slope = reluSlope(kind, alpha);
    if (slope === null) { jsKernels.activationBackward(kind, alpha, x, y, dy, dx, length); return; }
    const pdx = this.in(dx, 0, length, 2, false);
    this.x.leakyReluBackward(this.in(x, 0, length, 0), this.in(dy, 0, length, 1), pdx, length, slope);
    this.out(dx, 0, length, pdx);
  }

  addRowBiasActivation(kind: ActivationKind, alpha: number, y: Float32Array, bias: Float32Array, rows: number, cols: number): void {
    const slope = reluSlope(kind, alpha);
    if (slope === null) {
      this.addRowBias(y, bias, rows, cols);
      jsKernels.activationForward(kind, alpha, y, y, rows * cols);
      return;
    }
    const py = this.in(y, 0, rows * cols, 0);
    this.x.addRowBiasLeakyRelu(py, this.in(bias, 0, cols, 1), rows, cols, slope);
    this.out(y, 0, rows * cols, py);
  }

  sgdStep(w: Float32Array, g: Float32Array, lr: number): void {
    const n = w.length;
    const pw = this.in(w, 0, n, 0);
    this.x.sgdStep(pw, this.in(g, 0, n, 1), n, lr);
    this.out(w, 0, n, pw);
  }

  momentumStep(w: Float32Array, g: Float32Array, m: Float32Array, lr: number, mu: number, nesterov: boolean, first: boolean): void {
    const n = w.length;
    const pw = this.in(w, 0, n, 0);
    const pm = this.in(m, 0, n, 2, !first);
    this.x.momentumStep(pw, this.in(g, 0, n, 1), pm, n, lr, mu, nesterov ? 1 : 0, first ? 1 : 0);
    this.out(w, 0, n, pw);
    this.out(m, 0, n, pm);
  }

  adamStep(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c: AdamStepConstants): void {
    const n = w.length;
    const pw = this.in(w, 0, n, 0);
    const pm = this.in(m, 0, n, 2);
    const pv = this.in(v, 0, n, 3);
    this.x.adamStep(pw, this.in(g, 0, n, 1), pm, pv, n, c.stepSize, c.beta1, c.oneMinusBeta1, c.beta2, c.oneMinusBeta2, 1 / c.bc2Sqrt, c.eps, c.shrink);
    this.out(w, 0, n, pw);
    this.out(m, 0, n, pm);
    this.out(v, 0, n, pv);
  }

  rmspropStep(w: Float32Array, g: Float32Array, v: Float32Array, b: Float32Array | null, c: RmsPropStepConstants): void {
    jsKernels.rmspropStep(w, g, v, b, c);
  }

  adagradStep(w: Float32Array, g: Float32Array, s: Float32Array, lr: number, eps: number): void {
    jsKernels.adagradStep(w, g, s, lr, eps);
  }

  adadeltaStep(w: Float32Array, g: Float32Array, v: Float32Array, u: Float32Array, lr: number, rho: number, eps: number): void {
    jsKernels.adadeltaStep(w, g, v, u, lr, rho, eps);
  }

  classicMomentumStep(w: Float32Array, g: Float32Array, v: Float32Array, lr: number, mu: number, nesterov: boolean): void {
    jsKernels.classicMomentumStep(w, g, v, lr, mu, nesterov);
  }

  sum(x: Float32Array, offset: number, length: number): number {
    return this.x.sum(this.in(x, offset, length, 0), length);
  }

  sumSquares(x: Float32Array, offset: number, length: number): number {
    return this.x.sumSquares(this.in(x, offset, length, 0), length);
  }
}
