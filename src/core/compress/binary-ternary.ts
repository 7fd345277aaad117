// Binary and ternary weights with their scaling factors.
// Binary (XNOR-Net, Rastegari et al. 2016): w ≈ α·sign(w) with α = mean|w| over the group,
//   the α that minimizes ‖w − α·sign(w)‖²; sign(0) = +1. XNOR-Net uses one α per output
//   filter (granularity channel, axis 0); per tensor is BinaryConnect-like.
// Ternary (TWN, Li & Liu 2016): Δ = 0.7·mean|w| (the paper's approximation of the optimal
//   threshold for normally distributed weights), t = sign(w) where |w| > Δ and 0 elsewhere,
//   α = mean |w| over the kept weights (0 when none is kept).
// Sums run in float64; α and Δ are stored as float32.
import { compressError } from './errors.ts';
import { checkTensor, groupLayout } from './groups.ts';
import type { BinaryQuantized, Granularity, TernaryQuantized, WeightTensor } from './types.ts';

/** TWN's threshold factor. */
export const TERNARY_THRESHOLD_FACTOR = 0.7;

function checkGranularity(tensor: WeightTensor, granularity: Granularity): void {
  if (granularity.kind === 'block') {
    throw compressError(tensor.name, 'binary and ternary weights take one scale per tensor or per channel', "Use granularity { kind: 'tensor' } or { kind: 'channel', axis: 0 }.");
  }
}

export function quantizeBinary(tensor: WeightTensor, granularity: Granularity = { kind: 'tensor' }): BinaryQuantized {
  checkTensor(tensor);
  checkGranularity(tensor, granularity);
  const layout = groupLayout(tensor.name, tensor.shape, granularity);
  const sums = new Float64Array(layout.groups);
  const counts = new Float64Array(layout.groups);
  const signs = new Int8Array(tensor.data.length);
  for (let i = 0; i < signs.length; i++) {
    const v = tensor.data[i]!;
    const g = layout.index[i]!;
    sums[g]! += Math.abs(v);
    counts[g]! += 1;
    signs[i] = v < 0 ? -1 : 1;
  }
  const scale = new Float32Array(layout.groups);
  for (let g = 0; g < layout.groups; g++) scale[g] = counts[g]! > 0 ? sums[g]! / counts[g]! : 0;
  return { kind: 'binary', name: tensor.name, shape: [...tensor.shape], granularity, paramShape: layout.paramShape, scale, signs };
}

export function quantizeTernary(tensor: WeightTensor, granularity: Granularity = { kind: 'tensor' }): TernaryQuantized {
  checkTensor(tensor);
  checkGranularity(tensor, granularity);
  const layout = groupLayout(tensor.name, tensor.shape, granularity);
  const groups = layout.groups;
  const absSum = new Float64Array(groups);
  const counts = new Float64Array(groups);
  for (let i = 0; i < tensor.data.length; i++) {
    const g = layout.index[i]!;
    absSum[g]! += Math.abs(tensor.data[i]!);
    counts[g]! += 1;
  }
  const threshold = new Float32Array(groups);
  for (let g = 0; g < groups; g++) threshold[g] = counts[g]! > 0 ? (TERNARY_THRESHOLD_FACTOR * absSum[g]!) / counts[g]! : 0;
  const keptSum = new Float64Array(groups);
  const kept = new Float64Array(groups);
  const values = new Int8Array(tensor.data.length);
  for (let i = 0; i < values.length; i++) {
    const v = tensor.data[i]!;
    const g = layout.index[i]!;
    if (Math.abs(v) > threshold[g]!) {
      values[i] = v < 0 ? -1 : 1;
      keptSum[g]! += Math.abs(v);
      kept[g]! += 1;
    }
  }
  const scale = new Float32Array(groups);
  for (let g = 0; g < groups; g++) scale[g] = kept[g]! > 0 ? keptSum[g]! / kept[g]! : 0;
  return { kind: 'ternary', name: tensor.name, shape: [...tensor.shape], granularity, paramShape: layout.paramShape, scale, threshold, values };
}
