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

/**
 * The windows of one plane: output position o reads the in-bounds inputs at plane offsets
 * offsets[start[o]] … offsets[start[o + 1] − 1] (iy·W + ix, in row-major window order). Max and
 * average forward and average backward all walk this one table, built once per geometry.
 */
interface WindowTable {
  start: Int32Array;
  offsets: Int32Array;
}

function windowTable(g: PoolGeometry, kernel: number, stride: number, padding: number): WindowTable {
  const start = new Int32Array(g.outHeight * g.outWidth + 1);
  const offsets: number[] = [];
  let o = 0;
  for (let oy = 0; oy < g.outHeight; oy++) {
    for (let ox = 0; ox < g.outWidth; ox++) {
      start[o++] = offsets.length;
      for (let ky = 0; ky < kernel; ky++) {
        const iy = oy * stride - padding + ky;
        if (iy < 0 || iy >= g.height) continue;
        for (let kx = 0; kx < kernel; kx++) {
          const ix = ox * stride - padding + kx;
          if (ix >= 0 && ix < g.width) offsets.push(iy * g.width + ix);
        }
      }
    }
  }
  start[o] = offsets.length;
  return { start, offsets: Int32Array.from(offsets) };
}

abstract class Pool2D implements Layer {
  readonly name: string;
  abstract readonly kind: string;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  protected g: PoolGeometry | null = null;
  protected windows: WindowTable = { start: new Int32Array(1), offsets: new Int32Array(0) };
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
      this.windows = windowTable(g, this.kernel, this.stride, this.padding);
      this.out = new BatchBuffer([g.channels, g.outHeight, g.outWidth]);
      this.dx = new BatchBuffer([g.channels, g.height, g.width]);
    }
    this.batch = s[0]!;
    return { g, y: this.out!.get(this.batch) };
  }

  /** Visits every output o of the batch (after prepare): its window reads input indices base + offsets[from … to). */
  protected eachWindow(visit: (o: number, base: number, from: number, to: number) => void): void {
    const g = this.g!;
    const { start } = this.windows;
    const plane = g.height * g.width;
    const positions = start.length - 1;
    let o = 0;
    for (let base = 0; base < this.batch * g.channels * plane; base += plane) {
      for (let w = 0; w < positions; w++, o++) visit(o, base, start[w]!, start[w + 1]!);
    }
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
    const { y } = this.prepare(x);
    if (this.argmax.length !== y.data.length) this.argmax = new Int32Array(y.data.length);
    const { offsets } = this.windows;
    this.eachWindow((o, base, from, to) => {
      let best = -Infinity;
      let at = -1;
      for (let k = from; k < to; k++) {
        const v = x.data[base + offsets[k]!]!;
        // NaN propagates as in PyTorch
        if (v > best || Number.isNaN(v)) { best = v; at = base + offsets[k]!; if (Number.isNaN(v)) break; }
      }
      y.data[o] = best;
      this.argmax[o] = at;
    });
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
    const { y } = this.prepare(x);
    const { offsets } = this.windows;
    const inv = 1 / (this.kernel * this.kernel);
    this.eachWindow((o, base, from, to) => {
      let s = 0;
      for (let k = from; k < to; k++) s += x.data[base + offsets[k]!]!;
      y.data[o] = s * inv;
    });
    return y;
  }

  backward(dy: Tensor): Tensor {
    if (!this.g || !this.dx) throw modelError(this.name, 'backward called before forward', 'Run forward on the batch first.');
    const dx = this.dx.get(this.batch);
    dx.data.fill(0);
    const { offsets } = this.windows;
    const inv = 1 / (this.kernel * this.kernel);
    this.eachWindow((o, base, from, to) => {
      const d = dy.data[o]! * inv;
      for (let k = from; k < to; k++) dx.data[base + offsets[k]!]! += d;
    });
    return dx;
  }
}
