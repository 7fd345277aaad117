// Unstructured magnitude pruning (Han et al. 2015): zero the weights of smallest |w|.
// Exactly round(s·n) weights are pruned (round half up), per tensor or globally over several
// tensors with one shared threshold (as torch.nn.utils.prune.global_unstructured). Ties at the
// threshold are broken by position: the earlier weight (lower index; in global pruning the
// earlier tensor first) is pruned first, so the result never depends on the sort's stability.
// Cost: one sort of a Float32Array copy of |w| (native numeric sort) and two linear passes.
import { compressError } from './errors.ts';
import { checkTensor } from './groups.ts';
import type { PruneResult, WeightTensor } from './types.ts';

/** round(s·n), after checking 0 ≤ s ≤ 1. */
export function pruneCount(subject: string, total: number, sparsity: number): number {
  if (!(sparsity >= 0 && sparsity <= 1)) {
    throw compressError(subject, `sparsity ${sparsity} is outside 0..1`, 'Give the fraction of weights to remove, e.g. 0.9 for 90%.');
  }
  return Math.min(total, Math.round(sparsity * total));
}

/** Prunes the k smallest-magnitude entries of |w| (concatenated), ties by position. */
function maskSmallest(abs: Float32Array, k: number): Uint8Array {
  const mask = new Uint8Array(abs.length).fill(1);
  if (k === 0) return mask;
  const sorted = abs.slice().sort();
  const threshold = sorted[k - 1]!;
  let below = 0;
  while (below < k && sorted[below]! < threshold) below++;
  let tiesToPrune = k - below;
  for (let i = 0; i < abs.length; i++) {
    const a = abs[i]!;
    if (a < threshold) mask[i] = 0;
    else if (a === threshold && tiesToPrune > 0) {
      mask[i] = 0;
      tiesToPrune--;
    }
  }
  return mask;
}

function result(name: string, mask: Uint8Array): PruneResult {
  let kept = 0;
  for (let i = 0; i < mask.length; i++) kept += mask[i]!;
  const pruned = mask.length - kept;
  return { name, mask, pruned, total: mask.length, sparsity: mask.length ? pruned / mask.length : 0 };
}

function absolute(tensors: readonly WeightTensor[]): Float32Array {
  const total = tensors.reduce((sum, t) => sum + t.data.length, 0);
  const abs = new Float32Array(total);
  let offset = 0;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++) abs[offset + i] = Math.abs(t.data[i]!);
    offset += t.data.length;
  }
  return abs;
}

/** Per-layer magnitude pruning of one tensor to the given sparsity. */
export function pruneMagnitude(tensor: WeightTensor, sparsity: number): PruneResult {
  checkTensor(tensor);
  const k = pruneCount(tensor.name, tensor.data.length, sparsity);
  return result(tensor.name, maskSmallest(absolute([tensor]), k));
}

/** Global magnitude pruning: one threshold over all tensors, round(s·Σn) weights pruned. */
export function pruneMagnitudeGlobal(tensors: readonly WeightTensor[], sparsity: number): PruneResult[] {
  tensors.forEach(checkTensor);
  const abs = absolute(tensors);
  const mask = maskSmallest(abs, pruneCount(tensors.map((t) => t.name).join(', ') || 'global pruning', abs.length, sparsity));
  let offset = 0;
  return tensors.map((t) => {
    const own = mask.slice(offset, offset + t.data.length);
    offset += t.data.length;
    return result(t.name, own);
  });
}

/** The weights with pruned entries set to 0 (a new array). */
export function applyMask(data: Float32Array, mask: Uint8Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = mask[i] ? data[i]! : 0;
  return out;
}
