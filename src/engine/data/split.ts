// Seeded hold-out split. Whether a sample is held out depends only on the seed, the fraction and
// the sample's index in the whole file, never on data.limit: a sample that validates a run on the
// first 5,000 samples also validates one on the first 10,000 (no training sample of one run
// becomes a validation sample of another, e.g. on resume with a larger limit).
import { Rng } from '../rng.ts';
import { subset, type Dataset } from './dataset.ts';

/** held[i] = 1 for round(count·fraction) samples chosen by a seeded permutation of all `count`. */
export function holdoutMask(count: number, fraction: number, seed: number): Uint8Array {
  const order = Array.from({ length: count }, (_, i) => i);
  new Rng(seed ^ 0x5eed5).shuffle(order);
  const held = new Uint8Array(count);
  const heldCount = Math.round(count * fraction);
  for (let r = 0; r < heldCount; r++) held[order[r]!] = 1;
  return held;
}

/**
 * The first `n` samples of `data`, split by `held` (a holdoutMask over all of data). Both parts
 * keep the samples in their original order: only membership is random.
 */
export function splitFirst(data: Dataset, n: number, held: Uint8Array): { kept: Dataset; held: Dataset } {
  const keptIndices: number[] = [];
  const heldIndices: number[] = [];
  for (let i = 0; i < Math.min(n, data.count); i++) (held[i] ? heldIndices : keptIndices).push(i);
  return { kept: subset(data, keptIndices), held: subset(data, heldIndices) };
}

/** Splits off round(count·fraction) samples chosen by a seeded permutation. */
export function seededSplit(data: Dataset, fraction: number, seed: number): { kept: Dataset; held: Dataset } {
  return splitFirst(data, data.count, holdoutMask(data.count, fraction, seed));
}
