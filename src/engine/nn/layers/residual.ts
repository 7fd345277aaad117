// Residual block y = body(x) + skip(x): skip is the identity, or a projection layer (a 1×1
// strided conv or a dense layer) when the body changes the shape.
import { Sequential } from '../sequential.ts';
import { BatchBuffer, modelError } from '../tensor.ts';
import type { Buffer, ForwardContext, Layer, Param, Tensor } from '../types.ts';

export class Residual implements Layer {
  readonly name: string;
  readonly kind = 'residual';
  readonly body: Sequential;
  readonly projection: Layer | null;
  private out: BatchBuffer | null = null;
  private dx: BatchBuffer | null = null;
  private outKey = '';
  private inKey = '';
  private lastBodyOutput: Tensor | null = null;

  constructor(name: string, body: readonly Layer[], projection: Layer | null = null) {
    if (body.length === 0) throw modelError(name, 'a residual block needs at least one layer in its body', 'Add layers to the block.');
    this.name = name;
    this.body = new Sequential(`${name}.body`, body);
    this.projection = projection;
  }

  outputShape(inputShape: readonly number[]): number[] {
    const bodyShape = this.body.outputShape(inputShape);
    const skipShape = this.projection ? this.projection.outputShape(inputShape) : [...inputShape];
    if (bodyShape.join('x') !== skipShape.join('x')) {
      throw modelError(this.name, `body output [${bodyShape.join(', ')}] differs from the skip path [${skipShape.join(', ')}]`, 'Add a projection (1×1 conv with the body\'s stride, or dense) or keep the body\'s shape.');
    }
    return bodyShape;
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const b = this.body.forward(x, ctx);
    this.lastBodyOutput = b;
    const s = this.projection ? this.projection.forward(x, ctx) : x;
    if (b.data.length !== s.data.length) this.outputShape(x.shape.slice(1));
    const outKey = b.shape.slice(1).join('x');
    const inKey = x.shape.slice(1).join('x');
    if (outKey !== this.outKey || inKey !== this.inKey) {
      this.outKey = outKey;
      this.inKey = inKey;
      this.out = new BatchBuffer(b.shape.slice(1));
      this.dx = new BatchBuffer(x.shape.slice(1));
    }
    const y = this.out!.get(x.shape[0]!);
    for (let i = 0; i < y.data.length; i++) y.data[i] = b.data[i]! + s.data[i]!;
    return y;
  }

  backward(dy: Tensor): Tensor {
    if (!this.dx || !this.lastBodyOutput) throw modelError(this.name, 'backward called before forward', 'Run forward on the batch first.');
    const gb = this.body.backward(dy);
    const dx = this.dx.get(dy.shape[0]!);
    dx.data.set(gb.data);
    const gs = this.projection ? this.projection.backward(dy) : dy;
    for (let i = 0; i < dx.data.length; i++) dx.data[i]! += gs.data[i]!;
    return dx;
  }

  params(): Param[] {
    return [...this.body.params(), ...(this.projection ? this.projection.params() : [])];
  }

  buffers(): Buffer[] {
    return [...this.body.buffers(), ...(this.projection ? this.projection.buffers() : [])];
  }
}
