// Normalization statistics come from the training split only and are applied to all splits,
// so nothing about validation or test data leaks into training.
import type { Normalization } from '../../core/spec/types.ts';
import { sampleSize, type Dataset } from './dataset.ts';

export interface Normalizer {
  /** Per feature (length = sample size) or global (length 1). */
  offset: Float32Array;
  scale: Float32Array;
}

/** The value raw 0 maps to (background of padded images). */
export function normalizedZero(n: Normalizer, feature = 0): number {
  const i = n.offset.length === 1 ? 0 : feature;
  return (0 - n.offset[i]!) * n.scale[i]!;
}

/**
 * images: raw bytes; 'scale' divides by 255, 'standardize' then uses the global mean/std.
 * tabular: 'scale' is min–max per feature to [0, 1], 'standardize' mean/std per feature.
 */
export function fitNormalizer(train: Dataset, kind: Normalization, images: boolean): Normalizer {
  const size = sampleSize(train.shape);
  if (kind === 'none') return { offset: new Float32Array([0]), scale: new Float32Array([1]) };
  if (images) {
    if (kind === 'scale') return { offset: new Float32Array([0]), scale: new Float32Array([1 / 255]) };
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < train.x.length; i++) { const v = train.x[i]! / 255; sum += v; sumSq += v * v; }
    const mean = sum / train.x.length;
    const std = Math.sqrt(Math.max(sumSq / train.x.length - mean * mean, 1e-12));
    return { offset: new Float32Array([mean * 255]), scale: new Float32Array([1 / (255 * std)]) };
  }
  const offset = new Float32Array(size);
  const scale = new Float32Array(size);
  for (let f = 0; f < size; f++) {
    let a = 0, b = 0, min = Infinity, max = -Infinity;
    for (let s = 0; s < train.count; s++) {
      const v = train.x[s * size + f]!;
      a += v; b += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (kind === 'scale') {
      offset[f] = min;
      scale[f] = max > min ? 1 / (max - min) : 1;
    } else {
      const mean = a / train.count;
      const std = Math.sqrt(Math.max(b / train.count - mean * mean, 0));
      offset[f] = mean;
      scale[f] = std > 1e-12 ? 1 / std : 1;
    }
  }
  return { offset, scale };
}

export function applyNormalizer(data: Dataset, n: Normalizer): void {
  const size = sampleSize(data.shape);
  const perFeature = n.offset.length > 1;
  for (let i = 0; i < data.x.length; i++) {
    const f = perFeature ? i % size : 0;
    data.x[i] = (data.x[i]! - n.offset[f]!) * n.scale[f]!;
  }
}
