// Mini-batches: a seeded permutation per epoch, samples gathered into caller-owned buffers (so
// the training loop allocates once, outside its hot path).
import type { Rng } from '../rng.ts';
import { sampleSize, type Dataset } from './dataset.ts';

export function epochOrder(count: number, rng: Rng | null): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (rng) rng.shuffle(order);
  return order;
}

export function batchCount(count: number, batchSize: number): number {
  return Math.ceil(count / Math.min(batchSize, count));
}

/** Copies samples order[start .. start + n) into x (n × sampleSize) and y; returns n. */
export function gatherBatch(data: Dataset, order: Int32Array, start: number, batchSize: number, x: Float32Array, y: Float32Array): number {
  const size = sampleSize(data.shape);
  const n = Math.min(batchSize, data.count - start);
  for (let i = 0; i < n; i++) {
    const s = order[start + i]!;
    x.set(data.x.subarray(s * size, (s + 1) * size), i * size);
    y[i] = data.y[s]!;
  }
  return n;
}
