// Max and average pooling over NCHW windows (stride defaults to the kernel size, as in PyTorch).
// Average pooling divides by the full window, padding included (PyTorch's count_include_pad).
import { convOutputSize } from '../../kernels/types.ts';
import { BatchBuffer, modelError } from '../tensor.ts';
import type { Buffer, ForwardContext, Layer, Param, Tensor } from '../types.ts';

export interface Pool2DConfig {
  kernel: number;
  stride?: number;
  padding?: number;
}

interface PoolGeometry {
  channels: number;
  height: number;
  width: number;
  outHeight: number;
  outWidth: number;
}

abstract class Pool2D implements Layer {
  readonly name: string;
  abstract readonly kind: string;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  protected g: PoolGeometry | null = null;
  protected out: BatchBuffer | null = null;
  protected dx: BatchBuffer | null = null;
  protected batch = 0;

  constructor(name: string, config: Pool2DConfig) {
    this.name = name;
    this.kernel = config.kernel;
    this.stride = config.stride ?? config.kernel;
    this.padding = config.padding ?? 0;
    if (![this.kernel, this.stride].every((v) => Number.isInteger(v) && v >= 1) || !(Number.isInteger(this.padding) && this.padding >= 0 && this.padding * 2 <= this.kernel)) {
      throw modelError(name, `pooling needs integer kernel ≥ 1, stride ≥ 1 and 0 ≤ padding ≤ kernel/2, got ${JSON.stringify(config)}`, 'Fix the pool size, stride or padding.');
    }
  }

  outputShape(inputShape: readonly number[]): number[] {
    const g = this.geometryFor(inputShape);
    return [g.channels, g.outHeight, g.outWidth];
  }

  private geometryFor(shape: readonly number[]): PoolGeometry {
    if (shape.length !== 3) throw modelError(this.name, `expects input [C, H, W], got [${shape.join(', ')}]`, 'Pooling follows a conv layer; do not flatten before it.');
    const [channels, height, width] = shape as [number, number, number];
    const outHeight = convOutputSize(height, this.kernel, this.stride, this.padding);
    const outWidth = convOutputSize(width, this.kernel, this.stride, this.padding);
    if (outHeight < 1 || outWidth < 1) throw modelError(this.name, `window ${this.kernel} does not fit input ${height}×${width}`, 'Use a smaller pool size or fewer downsampling layers.');
    return { channels, height, width, outHeight, outWidth };
  }

  protected prepare(x: Tensor): { g: PoolGeometry; y: Tensor } {
    const s = x.shape;
    let g = this.g;
    if (!g || s[1] !== g.channels || s[2] !== g.height || s[3] !== g.width) {
      g = this.g = this.geometryFor(s.slice(1));
      this.out = new BatchBuffer([g.channels, g.outHeight, g.outWidth]);
      this.dx = new BatchBuffer([g.channels, g.height, g.width]);
    }
    this.batch = s[0]!;
    return { g, y: this.out!.get(this.batch) };
  }

  abstract forward(x: Tensor, ctx: ForwardContext): Tensor;
  abstract backward(dy: Tensor): Tensor;

  params(): Param[] {
    return [];
  }

  buffers(): Buffer[] {
    return [];
  }
}

export class MaxPool2D extends Pool2D {
  readonly kind = 'maxPool2d';
  /** Flat input index of each output's maximum (−1 for an all-padding window). */
  private argmax = new Int32Array(0);

  forward(x: Tensor, _ctx: ForwardContext): Tensor {
    const { g, y } = this.prepare(x);
    if (this.argmax.length !== y.data.length) this.argmax = new Int32Array(y.data.length);
    const { height, width, outHeight, outWidth } = g;
    const planes = this.batch * g.channels;
    let o = 0;
    for (let p = 0; p < planes; p++) {
      const base = p * height * width;
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++, o++) {
          let best = -Infinity;
          let at = -1;
          for (let ky = 0; ky < this.kernel; ky++) {
            const iy = oy * this.stride - this.padding + ky;
            if (iy < 0 || iy >= height) continue;
            for (let kx = 0; kx < this.kernel; kx++) {
              const ix = ox * this.stride - this.padding + kx;
              if (ix < 0 || ix >= width) continue;
              const v = x.data[base + iy * width + ix]!;
              // NaN propagates as in PyTorch
              if (v > best || Number.isNaN(v)) { best = v; at = base + iy * width + ix; if (Number.isNaN(v)) break; }
            }
          }
          y.data[o] = best;
          this.argmax[o] = at;
        }
      }
    }
    return y;
  }

  backward(dy: Tensor): Tensor {
    if (!this.dx) throw modelError(this.name, 'backward called before forward', 'Run forward on the batch first.');
    const dx = this.dx.get(this.batch);
    dx.data.fill(0);
    for (let o = 0; o < dy.data.length; o++) {
      const at = this.argmax[o]!;
      if (at >= 0) dx.data[at]! += dy.data[o]!;
    }
    return dx;
  }
}

export class AvgPool2D extends Pool2D {
  readonly kind = 'avgPool2d';

  forward(x: Tensor, _ctx: ForwardContext): Tensor {
    const { g, y } = this.prepare(x);
    const { height, width, outHeight, outWidth } = g;
    const inv = 1 / (this.kernel * this.kernel);
    const planes = this.batch * g.channels;
    let o = 0;
    for (let p = 0; p < planes; p++) {
      const base = p * height * width;
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++, o++) {
          let s = 0;
          for (let ky = 0; ky < this.kernel; ky++) {
            const iy = oy * this.stride - this.padding + ky;
            if (iy < 0 || iy >= height) continue;
            for (let kx = 0; kx < this.kernel; kx++) {
              const ix = ox * this.stride - this.padding + kx;
              if (ix >= 0 && ix < width) s += x.data[base + iy * width + ix]!;
            }
          }
          y.data[o] = s * inv;
        }
      }
    }
    return y;
  }

  backward(dy: Tensor): Tensor {
    const g = this.g;
    if (!g || !this.dx) throw modelError(this.name, 'backward called before forward', 'Run forward on the batch first.');
    const dx = this.dx.get(this.batch);
    dx.data.fill(0);
    const { height, width, outHeight, outWidth } = g;
    const inv = 1 / (this.kernel * this.kernel);
    const planes = this.batch * g.channels;
    let o = 0;
    for (let p = 0; p < planes; p++) {
      const base = p * height * width;
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++, o++) {
          const d = dy.data[o]! * inv;
          for (let ky = 0; ky < this.kernel; ky++) {
            const iy = oy * this.stride - this.padding + ky;
            if (iy < 0 || iy >= height) continue;
            for (let kx = 0; kx < this.kernel; kx++) {
              const ix = ox * this.stride - this.padding + kx;
              if (ix >= 0 && ix < width) dx.data[base + iy * width + ix]! += d;
            }
          }
        }
      }
    }
    return dx;
  }
}
