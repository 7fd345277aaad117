// SWA's last step: BatchNorm running statistics recomputed for the averaged weights with one
// pass over the training data, as the plain mean of the batches' statistics (PyTorch's update_bn,
// which sets momentum=None: a cumulative average).
import type { Dataset } from '../data/dataset.ts';
import { sampleSize } from '../data/dataset.ts';
import { BatchNorm } from '../nn/layers/batch-norm.ts';
import type { Sequential } from '../nn/sequential.ts';
import type { Layer } from '../nn/types.ts';
import { Rng } from '../rng.ts';

function batchNorms(layers: readonly Layer[], out: BatchNorm[] = []): BatchNorm[] {
  for (const layer of layers) {
    const inner = (layer as { body?: { layers: readonly Layer[] }; layers?: readonly Layer[] });
    if (layer instanceof BatchNorm) out.push(layer);
    else if (inner.body) batchNorms(inner.body.layers, out);
    else if (inner.layers) batchNorms(inner.layers, out);
  }
  return out;
}

export function refreshBatchNorm(model: Sequential, data: Dataset, batchSize: number): boolean {
  const norms = batchNorms(model.layers);
  if (norms.length === 0) return false;
  const size = sampleSize(data.shape);
  const ctx = { training: true, rng: new Rng(0) };
  let batches = 0;
  try {
    for (let start = 0; start < data.count; start += batchSize) {
      const n = Math.min(batchSize, data.count - start);
      if (n < 2) break; // a single sample has no batch variance
      batches++;
      for (const bn of norms) bn.cumulativeBatch = batches;
      model.forward({ data: data.x.subarray(start * size, (start + n) * size), shape: [n, ...data.shape] }, ctx);
    }
  } finally {
    for (const bn of norms) bn.cumulativeBatch = null;
  }
  return batches > 0;
}
