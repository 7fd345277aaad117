// Inverted dropout. `rate` is the DROP probability (PyTorch's p); units are kept with
// probability 1 − rate and scaled by 1/(1 − rate) in training, so inference is the identity.
import { BatchBuffer, modelError, sizeOf } from '../tensor.ts';
import type { Buffer, ForwardContext, Layer, Param, Tensor } from '../types.ts';

export class Dropout implements Layer {
  readonly name: string;
  readonly kind = 'dropout';
  readonly rate: number;
  private out: BatchBuffer | null = null;
  private dx: BatchBuffer | null = null;
  private sampleSize = -1;
  /** Per element: 0 (dropped) or 1/(1 − rate) (kept); null when the last forward was inference. */
  private mask = new Float32Array(0);
  private maskActive = false;
  private batch = 0;
  private lastInputShape: readonly number[] = [];

  constructor(name: string, rate: number) {
    if (!(rate >= 0 && rate < 1)) {
      throw modelError(name, `dropout rate (drop probability) must be in [0, 1), got ${rate}`, 'Use e.g. 0.2 to drop 20% of the units in training.');
    }
    this.name = name;
    this.rate = rate;
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    this.lastInputShape = x.shape;
    this.batch = x.shape[0]!;
    if (!ctx.training || this.rate === 0) {
      this.maskActive = false;
      return x;
    }
    const size = sizeOf(x.shape);
    const per = size / this.batch;
    if (per !== this.sampleSize) {
      this.sampleSize = per;
      this.out = new BatchBuffer(x.shape.slice(1));
      this.dx = new BatchBuffer(x.shape.slice(1));
    }
    if (this.mask.length !== size) this.mask = new Float32Array(size);
    const keep = 1 - this.rate;
    const scale = 1 / keep;
    const y = this.out!.get(this.batch);
    for (let i = 0; i < size; i++) {
      const m = ctx.rng.next() < keep ? scale : 0;
      this.mask[i] = m;
      y.data[i] = x.data[i]! * m;
    }
    this.maskActive = true;
    return y;
  }

  backward(dy: Tensor): Tensor {
    if (!this.maskActive) return { data: dy.data, shape: this.lastInputShape };
    const dx = this.dx!.get(this.batch);
    for (let i = 0; i < dx.data.length; i++) dx.data[i] = dy.data[i]! * this.mask[i]!;
    return dx;
  }

  params(): Param[] {
    return [];
  }

  buffers(): Buffer[] {
    return [];
  }
}
