// Fully connected layer y = x·Wᵀ + b, W stored [out, in] as in PyTorch's nn.Linear, so weights
// exchange with PyTorch and safetensors without transposes.
import type { Kernels } from '../../kernels/types.ts';
import { BatchBuffer, EMPTY_TENSOR, expectSampleShape, makeParam, modelError } from '../tensor.ts';
import type { Buffer, ForwardContext, Layer, Param, Tensor } from '../types.ts';
import { kernelsOf, type LayerOptions } from './options.ts';

export interface DenseOptions extends LayerOptions {
  /** Default true. */
  bias?: boolean;
}

export class Dense implements Layer {
  readonly name: string;
  readonly kind = 'dense';
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Param;
  readonly bias: Param | null;
  private readonly k: Kernels;
  private readonly out: BatchBuffer;
  private readonly dx: BatchBuffer;
  private input: Tensor | null = null;
  /** Set false by a model whose input needs no gradient (see SequentialOptions). */
  computeInputGradient = true;

  constructor(name: string, inFeatures: number, outFeatures: number, options?: DenseOptions) {
    if (!(inFeatures >= 1 && outFeatures >= 1) || !Number.isInteger(inFeatures) || !Number.isInteger(outFeatures)) {
      throw modelError(name, `dense sizes must be positive integers, got in=${inFeatures} out=${outFeatures}`, 'Set "units" to a positive integer.');
    }
    this.name = name;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.k = kernelsOf(options);
    // every hot buffer comes from the kernels, so WebAssembly kernels use them in place
    const alloc = (n: number): Float32Array => this.k.alloc(n);
    this.weight = makeParam(`${name}.weight`, 'weight', [outFeatures, inFeatures], 0, alloc);
    this.bias = options?.bias === false ? null : makeParam(`${name}.bias`, 'bias', [outFeatures], 0, alloc);
    this.out = new BatchBuffer([outFeatures], alloc);
    this.dx = new BatchBuffer([inFeatures], alloc);
  }

  outputShape(inputShape: readonly number[]): number[] {
    const features = inputShape.reduce((a, b) => a * b, 1);
    if (inputShape.length !== 1 || features !== this.inFeatures) {
      throw modelError(this.name, `expects a flat input of ${this.inFeatures} features, got [${inputShape.join(', ')}]`, 'Insert a flatten layer or fix "units" of the previous layer.');
    }
    return [this.outFeatures];
  }

  forward(x: Tensor, _ctx: ForwardContext): Tensor {
    expectSampleShape(this.name, x, [this.inFeatures]);
    const n = x.shape[0]!;
    const y = this.out.get(n);
    this.k.gemm(false, true, n, this.outFeatures, this.inFeatures, 1, x.data, 0, this.weight.value, 0, 0, y.data, 0);
    if (this.bias) this.k.addRowBias(y.data, this.bias.value, n, this.outFeatures);
    this.input = x;
    return y;
  }

  backward(dy: Tensor): Tensor {
    const x = this.input;
    if (!x) throw modelError(this.name, 'backward called before forward', 'Run forward on the batch first.');
    const n = x.shape[0]!;
    // dW += dyᵀ·x ; db += Σ dy ; dx = dy·W
    this.k.gemm(true, false, this.outFeatures, this.inFeatures, n, 1, dy.data, 0, x.data, 0, 1, this.weight.grad, 0);
    if (this.bias) this.k.accumulateRowSums(dy.data, n, this.outFeatures, this.bias.grad);
    if (!this.computeInputGradient) return EMPTY_TENSOR;
    const dx = this.dx.get(n);
    this.k.gemm(false, false, n, this.inFeatures, this.outFeatures, 1, dy.data, 0, this.weight.value, 0, 0, dx.data, 0);
    return dx;
  }

  params(): Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  buffers(): Buffer[] {
    return [];
  }
}
