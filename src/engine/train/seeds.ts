// Independent seeds per purpose and epoch, derived from the run's seed, so an epoch's shuffle and
// dropout masks do not depend on what ran before (resume reproduces an uninterrupted run).

export const STREAM = { init: 1, shuffle: 2, dropout: 3, augment: 4, noise: 5 } as const;

export function deriveSeed(seed: number, stream: number, epoch = 0): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35) ^ Math.imul(epoch + 1, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
