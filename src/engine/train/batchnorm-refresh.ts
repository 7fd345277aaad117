// SWA's last step: BatchNorm running statistics recomputed for the averaged weights with one
// pass over the training data, as a cumulative average of batch statistics (PyTorch update_bn).
import type { Dataset } from '../data/dataset.ts';
import { sampleSize } from '../data/dataset.ts';
import type { Sequential } from '../nn/sequential.ts';
import type { Buffer, Layer } from '../nn/types.ts';
import { Rng } from '../rng.ts';

interface NormLayer { layer: Layer; momentum: number; mean: Buffer; variance: Buffer }

function batchNorms(layers: readonly Layer[], out: NormLayer[] = []): NormLayer[] {
  for (const layer of layers) {
    const inner = (layer as { body?: { layers: readonly Layer[] }; layers?: readonly Layer[] });
    if (layer.kind === 'batchNorm') {
      const buffers = layer.buffers();
      out.push({ layer, momentum: (layer as unknown as { momentum: number }).momentum, mean: buffers.find((b) => b.name.endsWith('running_mean'))!, variance: buffers.find((b) => b.name.endsWith('running_var'))! });
    } else if (inner.body) batchNorms(inner.body.layers, out);
    else if (inner.layers) batchNorms(inner.layers, out);
  }
  return out;
}

export function refreshBatchNorm(model: Sequential, data: Dataset, batchSize: number): boolean {
  const norms = batchNorms(model.layers);
  if (norms.length === 0) return false;
  const sums = norms.map((n) => ({ mean: new Float64Array(n.mean.value.length), variance: new Float64Array(n.variance.value.length) }));
  const size = sampleSize(data.shape);
  const ctx = { training: true, rng: new Rng(0) };
  let batches = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const n = Math.min(batchSize, data.count - start);
    if (n < 2) break; // a single sample has no batch variance
    const before = norms.map((m) => ({ mean: m.mean.value.slice(), variance: m.variance.value.slice() }));
    model.forward({ data: data.x.subarray(start * size, (start + n) * size), shape: [n, ...data.shape] }, ctx);
    // Each layer did r ← (1 − m)r + m·b; recover b and accumulate it.
    norms.forEach((m, k) => {
      for (const key of ['mean', 'variance'] as const) {
        const now = m[key].value, old = before[k]![key], acc = sums[k]![key];
        for (let i = 0; i < now.length; i++) acc[i] = acc[i]! + (now[i]! - (1 - m.momentum) * old[i]!) / m.momentum;
      }
    });
    batches++;
  }
  if (batches === 0) return false;
  norms.forEach((m, k) => {
    for (const key of ['mean', 'variance'] as const) {
      const acc = sums[k]![key];
      for (let i = 0; i < acc.length; i++) m[key].value[i] = acc[i]! / batches;
    }
  });
  return true;
}
