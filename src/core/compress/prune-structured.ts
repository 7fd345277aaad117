// Structured pruning: remove whole output units — dense neurons (rows of [out, in]) or conv
// filters (slices [in, kh, kw] of [out, in, kh, kw]) — ranked by the L1 or L2 norm of their
// weights (Li et al. 2017, "Pruning Filters for Efficient ConvNets"). round(s·units) units of
// smallest norm go (ties: the lower index goes first), at least one unit stays. The result is
// the list of indices to KEEP; shrinkChain (shrink-chain.ts) removes the units and the next
// layer's matching inputs so the model really shrinks. The bias is not part of the ranking:
// a removed unit's constant output (its bias through the activation) is lost, which
// fine-tuning recovers; a unit with zero weights and zero bias is removed without any change.
import { compressError } from './errors.ts';
import { checkTensor } from './groups.ts';
import { pruneCount } from './prune-magnitude.ts';
import { OUT_AXIS, type UnitNorm, type UnitSelection, type WeightTensor } from './types.ts';

/** Norm of every output unit (L2 not squared), accumulated in float64. */
export function unitNorms(tensor: WeightTensor, criterion: UnitNorm): Float64Array {
  checkTensor(tensor);
  if (tensor.shape.length < 2) {
    throw compressError(tensor.name, `structured pruning needs a dense or conv weight, got shape [${tensor.shape.join(', ')}]`, 'Select weights of shape [out, in] or [out, in, kh, kw].');
  }
  const units = tensor.shape[OUT_AXIS]!;
  const size = tensor.data.length / units;
  const norms = new Float64Array(units);
  for (let u = 0; u < units; u++) {
    let sum = 0;
    for (let i = u * size; i < (u + 1) * size; i++) {
      const v = tensor.data[i]!;
      sum += criterion === 'l1' ? Math.abs(v) : v * v;
    }
    norms[u] = criterion === 'l1' ? sum : Math.sqrt(sum);
  }
  return norms;
}

/** Selects the units to keep when removing a fraction `sparsity` of them. */
export function selectUnits(tensor: WeightTensor, criterion: UnitNorm, sparsity: number): UnitSelection {
  const norms = unitNorms(tensor, criterion);
  const units = norms.length;
  const remove = Math.min(units - 1, pruneCount(tensor.name, units, sparsity));
  const order = Array.from({ length: units }, (_, u) => u).sort((a, b) => norms[a]! - norms[b]! || a - b);
  const removed = new Set(order.slice(0, remove));
  const keep = Int32Array.from(order.filter((u) => !removed.has(u)).sort((a, b) => a - b));
  return { name: tensor.name, keep, norms, criterion };
}

/** A keep-mask over the tensor's elements for a selection (to zero units instead of removing them). */
export function unitMask(tensor: WeightTensor, keep: Int32Array): Uint8Array {
  const units = tensor.shape[OUT_AXIS]!;
  const size = tensor.data.length / units;
  const mask = new Uint8Array(tensor.data.length);
  for (const u of keep) mask.fill(1, u * size, (u + 1) * size);
  return mask;
}
