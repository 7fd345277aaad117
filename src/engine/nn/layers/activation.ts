// Element-wise activation layer: ReLU, LeakyReLU(slope), ELU(alpha), exact GELU, sigmoid, tanh.
import type { ActivationKind, Kernels } from '../../kernels/types.ts';
import { BatchBuffer, modelError, sizeOf } from '../tensor.ts';
import type { Buffer, ForwardContext, Layer, Param, Tensor } from '../types.ts';
import { kernelsOf, type LayerOptions } from './options.ts';

export interface ActivationOptions extends LayerOptions {
  /** LeakyReLU negative slope (default 0.01) or ELU alpha (default 1), as in PyTorch. */
  alpha?: number;
}

export const ACTIVATION_KINDS: readonly ActivationKind[] = ['relu', 'leakyRelu', 'elu', 'gelu', 'sigmoid', 'tanh'];

export class Activation implements Layer {
  readonly name: string;
  readonly kind: ActivationKind;
  readonly alpha: number;
  private readonly k: Kernels;
  private out: BatchBuffer | null = null;
  private dx: BatchBuffer | null = null;
  private sampleShape: readonly number[] = [];
  private input: Tensor | null = null;
  private output: Tensor | null = null;

  constructor(name: string, kind: ActivationKind, options?: ActivationOptions) {
    if (!ACTIVATION_KINDS.includes(kind)) {
      throw modelError(name, `unknown activation "${String(kind)}"`, `Use one of: ${ACTIVATION_KINDS.join(', ')}.`);
    }
    this.name = name;
    this.kind = kind;
    this.alpha = options?.alpha ?? (kind === 'leakyRelu' ? 0.01 : 1);
    this.k = kernelsOf(options);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  forward(x: Tensor, _ctx: ForwardContext): Tensor {
    const sample = x.shape.slice(1);
    if (!this.out || sample.length !== this.sampleShape.length || sample.some((d, i) => d !== this.sampleShape[i])) {
      this.sampleShape = sample;
      const alloc = (n: number): Float32Array => this.k.alloc(n);
      this.out = new BatchBuffer(sample, alloc);
      this.dx = new BatchBuffer(sample, alloc);
    }
    const y = this.out.get(x.shape[0]!);
    this.k.activationForward(this.kind, this.alpha, x.data, y.data, sizeOf(x.shape));
    this.input = x;
    this.output = y;
    return y;
  }

  backward(dy: Tensor): Tensor {
    if (!this.input || !this.output || !this.dx) throw modelError(this.name, 'backward called before forward', 'Run forward on the batch first.');
    const dx = this.dx.get(this.input.shape[0]!);
    this.k.activationBackward(this.kind, this.alpha, this.input.data, this.output.data, dy.data, dx.data, sizeOf(this.input.shape));
    return dx;
  }

  /** The last forward's output (for activation statistics and dead-unit counts). */
  lastOutput(): Tensor | null {
    return this.output;
  }

  params(): Param[] {
    return [];
  }

  buffers(): Buffer[] {
    return [];
  }
}
