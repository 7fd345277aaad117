// Activation ranges for INT8 QDQ: the input of every dense and conv layer (and each conv's
// output) over a calibration set, min-max, as uint8 affine scale and zero point (linearParams
// of the compression modules widens the range to include 0).
import type { Dataset } from '../engine/data/dataset.ts';
import { sampleSize } from '../engine/data/dataset.ts';
import { Conv2D } from '../engine/nn/layers/conv2d.ts';
import { Dense } from '../engine/nn/layers/dense.ts';
import { Residual } from '../engine/nn/layers/residual.ts';
import type { Sequential } from '../engine/nn/sequential.ts';
import type { ForwardContext, Layer, Tensor } from '../engine/nn/types.ts';
import { Rng } from '../engine/rng.ts';
import { linearParams } from '../core/compress/index.ts';
import type { ActivationQuant } from './stored-weight.ts';

type Ranges = Map<string, { min: number; max: number }>;

function observe(ranges: Ranges, name: string, x: Tensor): void {
  const r = ranges.get(name) ?? { min: 0, max: 0 };
  for (const v of x.data) { if (v < r.min) r.min = v; if (v > r.max) r.max = v; }
  ranges.set(name, r);
}

function forward(layers: readonly Layer[], x: Tensor, ctx: ForwardContext, ranges: Ranges): Tensor {
  let h = x;
  for (const layer of layers) {
    if (layer instanceof Dense || layer instanceof Conv2D) observe(ranges, layer.name, h);
    if (layer instanceof Residual) {
      const body = forward(layer.body.layers, h, ctx, ranges);
      const bodyCopy = { data: body.data.slice(), shape: body.shape };
      const skip = layer.projection ? forward([layer.projection], h, ctx, ranges) : h;
      const y = { data: new Float32Array(bodyCopy.data.length), shape: body.shape };
      for (let i = 0; i < y.data.length; i++) y.data[i] = bodyCopy.data[i]! + skip.data[i]!;
      h = y;
    } else {
      h = layer.forward(h, ctx);
      h = { data: h.data.slice(), shape: h.shape };
      if (layer instanceof Conv2D) observe(ranges, `${layer.name}:output`, h);
    }
  }
  return h;
}

export function calibrateActivations(model: Sequential, data: Dataset, samples: number): Map<string, ActivationQuant> {
  const ranges: Ranges = new Map();
  const ctx = { training: false, rng: new Rng(0) };
  const size = sampleSize(data.shape);
  const count = Math.min(samples, data.count);
  for (let start = 0; start < count; start += 250) {
    const n = Math.min(250, count - start);
    forward(model.layers, { data: data.x.slice(start * size, (start + n) * size), shape: [n, ...data.shape] }, ctx, ranges);
  }
  const out = new Map<string, ActivationQuant>();
  for (const [name, r] of ranges) out.set(name, linearParams(r.min, r.max, 0, 255, 'affine'));
  return out;
}
