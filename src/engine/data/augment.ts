// Training-time augmentation on a gathered batch (in place): random shift (pad and crop back),
// horizontal flip, Gaussian noise. Applied after normalization, so padding uses the value that
// a raw 0 pixel normalizes to.
import type { Rng } from '../rng.ts';

export interface Augmentation {
  shift: number;
  hflip: boolean;
  noise: number;
}

export function isActive(a: Augmentation): boolean {
  return a.shift > 0 || a.hflip || a.noise > 0;
}

/**
 * x holds n samples of shape [C, H, W] (images) or [F] (then only noise applies).
 * `scratch` must hold one sample.
 */
export function augmentBatch(x: Float32Array, n: number, shape: readonly number[], a: Augmentation, fill: number, rng: Rng, scratch: Float32Array): void {
  const size = shape.reduce((p, d) => p * d, 1);
  const image = shape.length === 3;
  const [c, h, w] = image ? (shape as [number, number, number]) : [1, 1, size];
  for (let s = 0; s < n; s++) {
    const sample = x.subarray(s * size, (s + 1) * size);
    if (image && a.shift > 0) {
      const dy = rng.int(2 * a.shift + 1) - a.shift;
      const dx = rng.int(2 * a.shift + 1) - a.shift;
      scratch.set(sample);
      for (let ch = 0; ch < c; ch++) {
        for (let i = 0; i < h; i++) {
          const si = i + dy;
          for (let j = 0; j < w; j++) {
            const sj = j + dx;
            sample[(ch * h + i) * w + j] = si >= 0 && si < h && sj >= 0 && sj < w ? scratch[(ch * h + si) * w + sj]! : fill;
          }
        }
      }
    }
    if (image && a.hflip && rng.next() < 0.5) {
      for (let ch = 0; ch < c; ch++) {
        for (let i = 0; i < h; i++) {
          const row = (ch * h + i) * w;
          for (let j = 0; j < w >> 1; j++) {
            const t = sample[row + j]!;
            sample[row + j] = sample[row + w - 1 - j]!;
            sample[row + w - 1 - j] = t;
          }
        }
      }
    }
    if (a.noise > 0) for (let i = 0; i < size; i++) sample[i] = sample[i]! + a.noise * rng.normal();
  }
}
