// Seeded hold-out split: the same seed and size always pick the same samples.
import { Rng } from '../rng.ts';
import { subset, type Dataset } from './dataset.ts';

/** Splits off round(count·fraction) samples chosen by a seeded permutation. */
export function seededSplit(data: Dataset, fraction: number, seed: number): { kept: Dataset; held: Dataset } {
  const order = Array.from({ length: data.count }, (_, i) => i);
  new Rng(seed ^ 0x5eed5).shuffle(order);
  const heldCount = Math.round(data.count * fraction);
  // Kept samples stay in their original order: only membership is random.
  const held = order.slice(0, heldCount).sort((a, b) => a - b);
  const kept = order.slice(heldCount).sort((a, b) => a - b);
  return { kept: subset(data, kept), held: subset(data, held) };
}
