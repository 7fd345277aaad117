// Flatten [N, ...] to [N, features]: shares the data, changes only the shape.
import { sizeOf } from '../tensor.ts';
import type { Buffer, ForwardContext, Layer, Param, Tensor } from '../types.ts';

export class Flatten implements Layer {
  readonly name: string;
  readonly kind = 'flatten';
  private inputShape: readonly number[] = [];

  constructor(name: string) {
    this.name = name;
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [sizeOf(inputShape)];
  }

  forward(x: Tensor, _ctx: ForwardContext): Tensor {
    this.inputShape = x.shape;
    return { data: x.data, shape: [x.shape[0]!, sizeOf(x.shape.slice(1))] };
  }

  backward(dy: Tensor): Tensor {
    return { data: dy.data, shape: this.inputShape };
  }

  params(): Param[] {
    return [];
  }

  buffers(): Buffer[] {
    return [];
  }
}
