// Batch normalization over [N, F] (per feature) or [N, C, H, W] (per channel, over N·H·W).
// Training normalizes with the batch's biased variance and updates running statistics as
// PyTorch does: r ← (1 − momentum)·r + momentum·batch, with the UNBIASED variance in r_var.
// Inference uses the running statistics. A batch with one value per channel does not update them.
import { BatchBuffer, makeParam, modelError, Scratch } from '../tensor.ts';
import type { Buffer, ForwardContext, Layer, Param, Tensor } from '../types.ts';

export interface BatchNormOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Default 0.1 (PyTorch). */
  momentum?: number;
}

export class BatchNorm implements Layer {
  readonly name: string;
  readonly kind = 'batchNorm';
  readonly channels: number;
  readonly eps: number;
  readonly momentum: number;
  readonly gamma: Param;
  readonly beta: Param;
  readonly runningMean: Buffer;
  readonly runningVar: Buffer;
  /**
   * null: running statistics are exponential averages with `momentum`. A number n: this batch is
   * the n-th of a cumulative average (PyTorch's momentum=None), as SWA's statistics refresh uses.
   */
  cumulativeBatch: number | null = null;
  private out: BatchBuffer | null = null;
  private dx: BatchBuffer | null = null;
  private sampleKey = '';
  private readonly xhat = new Scratch();
  private readonly invStd: Float64Array;
  private trainedForward = false;
  private batch = 0;
  private plane = 1;

  constructor(name: string, channels: number, options?: BatchNormOptions) {
    if (!(Number.isInteger(channels) && channels >= 1)) throw modelError(name, `batch norm needs a positive feature/channel count, got ${channels}`, 'Place batch norm after a dense or conv layer.');
    this.name = name;
    this.channels = channels;
    this.eps = options?.eps ?? 1e-5;
    this.momentum = options?.momentum ?? 0.1;
    this.gamma = makeParam(`${name}.weight`, 'norm', [channels], 1);
    this.beta = makeParam(`${name}.bias`, 'norm', [channels]);
    this.runningMean = { name: `${name}.running_mean`, shape: [channels], value: new Float32Array(channels) };
    this.runningVar = { name: `${name}.running_var`, shape: [channels], value: new Float32Array(channels).fill(1) };
    this.invStd = new Float64Array(channels);
  }

  outputShape(inputShape: readonly number[]): number[] {
    if ((inputShape.length !== 1 && inputShape.length !== 3) || inputShape[0] !== this.channels) {
      throw modelError(this.name, `expects [${this.channels}] or [${this.channels}, H, W], got [${inputShape.join(', ')}]`, 'Match the batch norm size to the previous layer\'s units or filters.');
    }
    return [...inputShape];
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const sample = x.shape.slice(1);
    const key = sample.join('x');
    if (key !== this.sampleKey) {
      this.outputShape(sample);
      this.sampleKey = key;
      this.out = new BatchBuffer(sample);
      this.dx = new BatchBuffer(sample);
    }
    const n = (this.batch = x.shape[0]!);
    const C = this.channels;
    const plane = (this.plane = sample.length === 3 ? sample[1]! * sample[2]! : 1);
    const y = this.out!.get(n);
    const xs = x.data;
    const count = n * plane;
    const xhat = this.xhat.get(xs.length);
    this.trainedForward = ctx.training;
    for (let c = 0; c < C; c++) {
      let mean: number;
      let invStd: number;
      if (ctx.training) {
        let s = 0;
        for (let b = 0; b < n; b++) for (let p = 0, o = (b * C + c) * plane; p < plane; p++) s += xs[o + p]!;
        mean = s / count;
        let v = 0;
        for (let b = 0; b < n; b++) for (let p = 0, o = (b * C + c) * plane; p < plane; p++) { const d = xs[o + p]! - mean; v += d * d; }
        const biased = v / count;
        invStd = 1 / Math.sqrt(biased + this.eps);
        // One value per channel (a trailing batch of one sample, per-feature) has no unbiased
        // variance: PyTorch refuses such a batch; here it trains but leaves the running statistics
        // alone, rather than pulling running_var toward 0 every epoch.
        if (count > 1) {
          const m = this.cumulativeBatch === null ? this.momentum : 1 / this.cumulativeBatch;
          this.runningMean.value[c] = (1 - m) * this.runningMean.value[c]! + m * mean;
          this.runningVar.value[c] = (1 - m) * this.runningVar.value[c]! + m * (v / (count - 1));
        }
      } else {
        mean = this.runningMean.value[c]!;
        invStd = 1 / Math.sqrt(this.runningVar.value[c]! + this.eps);
      }
      this.invStd[c] = invStd;
      const gm = this.gamma.value[c]!;
      const bt = this.beta.value[c]!;
      for (let b = 0; b < n; b++) {
        for (let p = 0, o = (b * C + c) * plane; p < plane; p++) {
          const h = (xs[o + p]! - mean) * invStd;
          xhat[o + p] = h;
          y.data[o + p] = gm * h + bt;
        }
      }
    }
    return y;
  }

  backward(dy: Tensor): Tensor {
    if (!this.dx) throw modelError(this.name, 'backward called before forward', 'Run forward on the batch first.');
    const n = this.batch;
    const C = this.channels;
    const plane = this.plane;
    const count = n * plane;
    const dx = this.dx.get(n);
    const xhat = this.xhat.get(dx.data.length);
    const g = dy.data;
    for (let c = 0; c < C; c++) {
      let sumDy = 0;
      let sumDyXhat = 0;
      for (let b = 0; b < n; b++) {
        for (let p = 0, o = (b * C + c) * plane; p < plane; p++) { sumDy += g[o + p]!; sumDyXhat += g[o + p]! * xhat[o + p]!; }
      }
      this.gamma.grad[c]! += sumDyXhat;
      this.beta.grad[c]! += sumDy;
      const k = this.gamma.value[c]! * this.invStd[c]!;
      for (let b = 0; b < n; b++) {
        for (let p = 0, o = (b * C + c) * plane; p < plane; p++) {
          // training: the batch statistics depend on x too; inference: a fixed affine map
          dx.data[o + p] = this.trainedForward
            ? (k / count) * (count * g[o + p]! - sumDy - xhat[o + p]! * sumDyXhat)
            : k * g[o + p]!;
        }
      }
    }
    return dx;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  buffers(): Buffer[] {
    return [this.runningMean, this.runningVar];
  }
}
