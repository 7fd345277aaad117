// 2-D convolution over NCHW with stride and zero padding, via im2col + GEMM per sample.
// Weight [outC, inC, kh, kw] as PyTorch's nn.Conv2d.
import { convOutputSize, type ConvGeometry, type Kernels } from '../../kernels/types.ts';
import { BatchBuffer, EMPTY_TENSOR, expectSampleShape, makeParam, modelError, Scratch } from '../tensor.ts';
import type { Buffer, ForwardContext, Layer, Param, Tensor } from '../types.ts';
import { kernelsOf, type LayerOptions } from './options.ts';

export interface Conv2DConfig {
  inChannels: number;
  outChannels: number;
  kernel: number | [number, number];
  stride?: number | [number, number];
  padding?: number | [number, number];
  bias?: boolean;
}

function pair(v: number | [number, number] | undefined, fallback: number): [number, number] {
  if (v === undefined) return [fallback, fallback];
  return typeof v === 'number' ? [v, v] : v;
}

export class Conv2D implements Layer {
  readonly name: string;
  readonly kind = 'conv2d';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly weight: Param;
  readonly bias: Param | null;
  private readonly k: Kernels;
  private geometry: ConvGeometry | null = null;
  private out: BatchBuffer | null = null;
  private dx: BatchBuffer | null = null;
  private readonly col: Scratch;
  private readonly dcol: Scratch;
  private input: Tensor | null = null;
  /** Set false by a model whose input needs no gradient (see SequentialOptions). */
  computeInputGradient = true;

  constructor(name: string, config: Conv2DConfig, options?: LayerOptions) {
    this.name = name;
    this.inChannels = config.inChannels;
    this.outChannels = config.outChannels;
    this.kernelSize = pair(config.kernel, 1);
    this.stride = pair(config.stride, 1);
    this.padding = pair(config.padding, 0);
    const positive = [this.inChannels, this.outChannels, ...this.kernelSize, ...this.stride];
    if (positive.some((v) => !(Number.isInteger(v) && v >= 1)) || this.padding.some((v) => !(Number.isInteger(v) && v >= 0))) {
      throw modelError(name, `conv2d needs positive integer channels/kernel/stride and padding ≥ 0, got ${JSON.stringify(config)}`, 'Fix filters, kernel, stride or padding of this layer.');
    }
    this.k = kernelsOf(options);
    const [kh, kw] = this.kernelSize;
    this.weight = makeParam(`${name}.weight`, 'weight', [this.outChannels, this.inChannels, kh, kw], 0, this.allocate);
    this.bias = config.bias === false ? null : makeParam(`${name}.bias`, 'bias', [this.outChannels], 0, this.allocate);
    this.col = new Scratch(this.allocate);
    this.dcol = new Scratch(this.allocate);
  }

  /** Hot buffers come from the kernels, so WebAssembly kernels use them in place. */
  private readonly allocate = (n: number): Float32Array => this.k.alloc(n);

  outputShape(inputShape: readonly number[]): number[] {
    const g = this.geometryFor(inputShape);
    return [this.outChannels, g.outHeight, g.outWidth];
  }

  private geometryFor(inputShape: readonly number[]): ConvGeometry {
    if (inputShape.length !== 3 || inputShape[0] !== this.inChannels) {
      throw modelError(this.name, `expects input [${this.inChannels}, H, W], got [${inputShape.join(', ')}]`, 'Image inputs are channels × height × width; match inChannels to the previous layer.');
    }
    const [height, width] = [inputShape[1]!, inputShape[2]!];
    const [kernelH, kernelW] = this.kernelSize;
    const [strideH, strideW] = this.stride;
    const [padH, padW] = this.padding;
    const outHeight = convOutputSize(height, kernelH, strideH, padH);
    const outWidth = convOutputSize(width, kernelW, strideW, padW);
    if (outHeight < 1 || outWidth < 1) {
      throw modelError(this.name, `kernel ${kernelH}×${kernelW} does not fit input ${height}×${width} with padding ${padH}`, 'Use a smaller kernel, more padding, or fewer downsampling layers before this one.');
    }
    return { channels: this.inChannels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outHeight, outWidth };
  }

  forward(x: Tensor, _ctx: ForwardContext): Tensor {
    let g = this.geometry;
    if (!g || x.shape[2] !== g.height || x.shape[3] !== g.width || x.shape[1] !== g.channels) {
      g = this.geometry = this.geometryFor(x.shape.slice(1));
      this.out = new BatchBuffer([this.outChannels, g.outHeight, g.outWidth], this.allocate);
      this.dx = new BatchBuffer([g.channels, g.height, g.width], this.allocate);
    }
    expectSampleShape(this.name, x, [g.channels, g.height, g.width]);
    const n = x.shape[0]!;
    const y = this.out!.get(n);
    const plane = g.outHeight * g.outWidth;
    const kdim = g.channels * g.kernelH * g.kernelW;
    const col = this.col.get(kdim * plane);
    const inSize = g.channels * g.height * g.width;
    for (let s = 0; s < n; s++) {
      this.k.im2col(g, x.data, s * inSize, col);
      this.k.gemm(false, false, this.outChannels, plane, kdim, 1, this.weight.value, 0, col, 0, 0, y.data, s * this.outChannels * plane);
    }
    if (this.bias) this.k.addChannelBias(y.data, this.bias.value, n, this.outChannels, plane);
    this.input = x;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const x = this.input;
    const g = this.geometry;
    if (!x || !g) throw modelError(this.name, 'backward called before forward', 'Run forward on the batch first.');
    const n = x.shape[0]!;
    const plane = g.outHeight * g.outWidth;
    const kdim = g.channels * g.kernelH * g.kernelW;
    const inSize = g.channels * g.height * g.width;
    const col = this.col.get(kdim * plane);
    const dcol = this.dcol.get(kdim * plane);
    const dx = this.dx!.get(n);
    if (this.computeInputGradient) dx.data.fill(0);
    for (let s = 0; s < n; s++) {
      const dyOff = s * this.outChannels * plane;
      // dW += dy_s · colᵀ ; dcol = Wᵀ · dy_s ; dx_s = col2im(dcol)
      this.k.im2col(g, x.data, s * inSize, col);
      this.k.gemm(false, true, this.outChannels, kdim, plane, 1, dy.data, dyOff, col, 0, 1, this.weight.grad, 0);
      if (!this.computeInputGradient) continue;
      this.k.gemm(true, false, kdim, plane, this.outChannels, 1, this.weight.value, 0, dy.data, dyOff, 0, dcol, 0);
      this.k.col2im(g, dcol, dx.data, s * inSize);
    }
    if (this.bias) this.k.accumulateChannelSums(dy.data, n, this.outChannels, plane, this.bias.grad);
    return this.computeInputGradient ? dx : EMPTY_TENSOR;
  }

  params(): Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  buffers(): Buffer[] {
    return [];
  }
}
