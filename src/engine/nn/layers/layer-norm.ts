// Layer normalization: statistics over all features of each sample (biased variance),
// identical in training and inference; elementwise γ, β over the per-sample shape.
import { BatchBuffer, expectSampleShape, makeParam, modelError, Scratch, sizeOf } from '../tensor.ts';
import type { Buffer, ForwardContext, Layer, Param, Tensor } from '../types.ts';

export class LayerNorm implements Layer {
  readonly name: string;
  readonly kind = 'layerNorm';
  readonly sampleShape: readonly number[];
  readonly eps: number;
  readonly gamma: Param;
  readonly beta: Param;
  private readonly out: BatchBuffer;
  private readonly dx: BatchBuffer;
  private readonly xhat = new Scratch();
  private invStd = new Float64Array(0);
  private batch = 0;

  constructor(name: string, sampleShape: readonly number[], options?: { eps?: number }) {
    if (sampleShape.length === 0 || sampleShape.some((d) => !(Number.isInteger(d) && d >= 1))) {
      throw modelError(name, `layer norm needs a positive per-sample shape, got [${sampleShape.join(', ')}]`, 'Place layer norm after a layer with a known output shape.');
    }
    this.name = name;
    this.sampleShape = [...sampleShape];
    this.eps = options?.eps ?? 1e-5;
    this.gamma = makeParam(`${name}.weight`, 'norm', this.sampleShape, 1);
    this.beta = makeParam(`${name}.bias`, 'norm', this.sampleShape);
    this.out = new BatchBuffer(this.sampleShape);
    this.dx = new BatchBuffer(this.sampleShape);
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (sizeOf(inputShape) !== sizeOf(this.sampleShape) || inputShape.length !== this.sampleShape.length) {
      throw modelError(this.name, `expects [${this.sampleShape.join(', ')}], got [${inputShape.join(', ')}]`, 'Match the layer norm shape to the previous layer\'s output.');
    }
    return [...inputShape];
  }

  forward(x: Tensor, _ctx: ForwardContext): Tensor {
    expectSampleShape(this.name, x, this.sampleShape);
    const n = (this.batch = x.shape[0]!);
    const D = this.gamma.value.length;
    const y = this.out.get(n);
    const xhat = this.xhat.get(n * D);
    if (this.invStd.length !== n) this.invStd = new Float64Array(n);
    for (let b = 0; b < n; b++) {
      const o = b * D;
      let s = 0;
      for (let i = 0; i < D; i++) s += x.data[o + i]!;
      const mean = s / D;
      let v = 0;
      for (let i = 0; i < D; i++) { const d = x.data[o + i]! - mean; v += d * d; }
      const inv = 1 / Math.sqrt(v / D + this.eps);
      this.invStd[b] = inv;
      for (let i = 0; i < D; i++) {
        const h = (x.data[o + i]! - mean) * inv;
        xhat[o + i] = h;
        y.data[o + i] = this.gamma.value[i]! * h + this.beta.value[i]!;
      }
    }
    return y;
  }

  backward(dy: Tensor): Tensor {
    const n = this.batch;
    const D = this.gamma.value.length;
    const dx = this.dx.get(n);
    const xhat = this.xhat.get(n * D);
    for (let b = 0; b < n; b++) {
      const o = b * D;
      let sumG = 0;
      let sumGX = 0;
      for (let i = 0; i < D; i++) {
        const gi = dy.data[o + i]!;
        this.gamma.grad[i]! += gi * xhat[o + i]!;
        this.beta.grad[i]! += gi;
        const gh = gi * this.gamma.value[i]!;
        sumG += gh;
        sumGX += gh * xhat[o + i]!;
      }
      const inv = this.invStd[b]!;
      for (let i = 0; i < D; i++) {
        const gh = dy.data[o + i]! * this.gamma.value[i]!;
        dx.data[o + i] = (inv / D) * (D * gh - sumG - xhat[o + i]! * sumGX);
      }
    }
    return dx;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  buffers(): Buffer[] {
    return [];
  }
}
