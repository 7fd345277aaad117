// Activation ranges for INT8 QDQ: the input of every dense and conv layer (and each conv's
// output) over a calibration set, as uint8 affine scale and zero point (linearParams of the
// compression modules widens the range to include 0). min-max keeps every value; percentile
// (99.99%) and entropy (TensorRT's KL method) cut outliers, from a second pass that fills each
// tensor's |x| histogram (the compression modules' calibration.ts).
import type { Dataset } from '../engine/data/dataset.ts';
import { sampleSize } from '../engine/data/dataset.ts';
import { Conv2D } from '../engine/nn/layers/conv2d.ts';
import { Dense } from '../engine/nn/layers/dense.ts';
import { Residual } from '../engine/nn/layers/residual.ts';
import type { Sequential } from '../engine/nn/sequential.ts';
import type { ForwardContext, Layer, Tensor } from '../engine/nn/types.ts';
import { Rng } from '../engine/rng.ts';
import { linearParams } from '../core/compress/index.ts';
import { addToHistogram, emptyHistogram, entropyRange, percentileRange } from '../core/compress/calibration.ts';
import type { Histogram } from '../core/compress/types.ts';
import type { ActivationCalibration } from './variants.ts';

/** The percentile kept by `percentile` calibration (outliers beyond it are clipped). */
export const CALIBRATION_PERCENTILE = 99.99;
import type { ActivationQuant } from './stored-weight.ts';

type Ranges = Map<string, { min: number; max: number }>;

/** What one forward pass collects: ranges (pass 1), or histograms over known ranges (pass 2). */
interface Observer { ranges: Ranges; histograms: Map<string, Histogram> | null }

function observe(seen: Observer, name: string, x: Tensor): void {
  if (seen.histograms) {
    const hist = seen.histograms.get(name);
    if (hist) addToHistogram(hist, x.data);
    return;
  }
  const r = seen.ranges.get(name) ?? { min: 0, max: 0 };
  for (const v of x.data) { if (v < r.min) r.min = v; if (v > r.max) r.max = v; }
  seen.ranges.set(name, r);
}

function forward(layers: readonly Layer[], x: Tensor, ctx: ForwardContext, ranges: Observer): Tensor {
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

export function calibrateActivations(model: Sequential, data: Dataset, samples: number, method: ActivationCalibration = 'minmax'): Map<string, ActivationQuant> {
  const ctx = { training: false, rng: new Rng(0) };
  const size = sampleSize(data.shape);
  const count = Math.min(samples, data.count);
  const pass = (seen: Observer) => {
    for (let start = 0; start < count; start += 250) {
      const n = Math.min(250, count - start);
      forward(model.layers, { data: data.x.slice(start * size, (start + n) * size), shape: [n, ...data.shape] }, ctx, seen);
    }
  };
  const ranges: Ranges = new Map();
  pass({ ranges, histograms: null });
  const cut = new Map<string, { min: number; max: number }>(ranges);
  if (method !== 'minmax') {
    const histograms = new Map<string, Histogram>();
    for (const [name, r] of ranges) {
      const hi = Math.max(Math.abs(r.min), Math.abs(r.max));
      if (hi > 0) histograms.set(name, emptyHistogram(hi));
    }
    pass({ ranges, histograms });
    for (const [name, hist] of histograms) {
      const observed = ranges.get(name)!;
      // Non-negative activations (after a ReLU) use all 256 uint8 levels for entropy's search.
      const range = method === 'percentile' ? percentileRange(observed, hist, CALIBRATION_PERCENTILE) : entropyRange(observed, hist, observed.min >= 0 ? 256 : 128);
      cut.set(name, { min: range.min, max: range.max });
    }
  }
  const out = new Map<string, ActivationQuant>();
  for (const [name, r] of cut) out.set(name, linearParams(r.min, r.max, 0, 255, 'affine'));
  return out;
}
