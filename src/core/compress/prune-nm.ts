// N:M semi-structured sparsity (2:4 on NVIDIA Ampere and later): in every group of M
// consecutive weights along the INPUT dimension, keep the N of largest |w| and zero the rest.
// Dense [out, in]: groups are consecutive inputs of one row. Conv [out, in, kh, kw]: groups are
// M consecutive input channels at one (out, kh, kw) position, as NVIDIA's ASP prunes convolutions
// (the input-channel axis is the GEMM's reduction axis). Ties keep the earlier weight.
// The input width must be a multiple of M; otherwise the layer cannot carry the pattern and the
// error names the layer and its width. checkNM verifies the pattern in exported weights.
import { compressError } from './errors.ts';
import { checkTensor } from './groups.ts';
import { IN_AXIS, type PruneResult, type WeightTensor } from './types.ts';

interface NMGeometry {
  readonly outer: number;
  readonly width: number;
  readonly inner: number;
}

function geometry(tensor: WeightTensor, n: number, m: number): NMGeometry {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 1 || m < 2 || n >= m) {
    throw compressError(tensor.name, `${n}:${m} is not an N:M pattern`, 'Use N < M, e.g. 2:4 (keep 2 of every 4).');
  }
  if (tensor.shape.length < 2) {
    throw compressError(tensor.name, `N:M sparsity needs a weight with an input axis, got shape [${tensor.shape.join(', ')}]`, 'Apply N:M to dense and conv weights only, not to biases.');
  }
  const width = tensor.shape[IN_AXIS]!;
  if (width % m !== 0) {
    throw compressError(tensor.name, `${n}:${m} sparsity groups ${m} consecutive inputs, but the input width is ${width}, not a multiple of ${m}`, `Leave this layer dense (exclude it from ${n}:${m}), use unstructured pruning for it, or give the previous layer a multiple of ${m} units.`);
  }
  return { outer: tensor.shape[0]!, width, inner: tensor.shape.slice(2).reduce((a, b) => a * b, 1) };
}

/** The N:M keep-mask of a weight tensor (sparsity exactly (M − N)/M). */
export function pruneNM(tensor: WeightTensor, n: number, m: number): PruneResult {
  checkTensor(tensor);
  const { outer, width, inner } = geometry(tensor, n, m);
  const mask = new Uint8Array(tensor.data.length);
  const members = new Int32Array(m);
  const magnitude = new Float32Array(m);
  for (let o = 0; o < outer; o++) {
    for (let g = 0; g < width; g += m) {
      for (let r = 0; r < inner; r++) {
        // insertion sort of the group by |w| descending; equal magnitudes keep input order,
        // so the earlier weight wins a tie
        for (let j = 0; j < m; j++) {
          const index = (o * width + g + j) * inner + r;
          const a = Math.abs(tensor.data[index]!);
          let p = j;
          while (p > 0 && magnitude[p - 1]! < a) {
            magnitude[p] = magnitude[p - 1]!;
            members[p] = members[p - 1]!;
            p--;
          }
          magnitude[p] = a;
          members[p] = index;
        }
        for (let j = 0; j < n; j++) mask[members[j]!] = 1;
      }
    }
  }
  const pruned = mask.length - (mask.length / m) * n;
  return { name: tensor.name, mask, pruned, total: mask.length, sparsity: mask.length ? pruned / mask.length : 0 };
}

export interface NMCheck {
  readonly groups: number;
  /** Groups with more than N non-zero weights. */
  readonly violations: number;
  /** Flat index of the first element of the first violating group, or −1. */
  readonly firstViolation: number;
}

/** Counts the groups of M along the input axis that hold more than N non-zeros. */
export function checkNM(tensor: WeightTensor, n: number, m: number): NMCheck {
  const { outer, width, inner } = geometry(tensor, n, m);
  let groups = 0;
  let violations = 0;
  let firstViolation = -1;
  for (let o = 0; o < outer; o++) {
    for (let g = 0; g < width; g += m) {
      for (let r = 0; r < inner; r++) {
        let nonZero = 0;
        for (let j = 0; j < m; j++) if (tensor.data[(o * width + g + j) * inner + r] !== 0) nonZero++;
        groups++;
        if (nonZero > n) {
          violations++;
          if (firstViolation < 0) firstViolation = (o * width + g) * inner + r;
        }
      }
    }
  }
  return { groups, violations, firstViolation };
}
