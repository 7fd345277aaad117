// K-means weight sharing (Deep Compression, Han et al. 2016): the weights of one tensor are
// clustered into 2^b centroids (b = 2…8) and stored as b-bit indices plus the float codebook.
// Initialization is linear, as the paper recommends (it keeps the rare large weights, which
// density-based initializations lose): centroid j = min + j·(max − min)/(k − 1). Then Lloyd
// iterations: each weight goes to its nearest centroid (a tie goes to the lower one), each
// centroid becomes the mean of its members (an empty cluster keeps its place), until no
// assignment changes or maxIterations (the last step is then an assignment, so every weight
// maps to its nearest centroid). Deterministic: no random start.
// In one dimension the centroids stay sorted (a cluster's members lie between the midpoints to
// its neighbours), so the nearest centroid is a binary search over the k − 1 midpoints:
// O(n·log k) per iteration.
// Fine-tuning (the paper's trained quantization): codebookGradient sums the gradients of each
// centroid's members.
import { compressError } from './errors.ts';
import { checkTensor } from './groups.ts';
import type { CodebookQuantized, WeightTensor } from './types.ts';

export interface KMeansOptions {
  /** 2..8: the codebook has 2^bits centroids. */
  readonly bits: number;
  /** Default 50. */
  readonly maxIterations?: number;
}

export function quantizeKMeans(tensor: WeightTensor, options: KMeansOptions): CodebookQuantized {
  checkTensor(tensor);
  const { bits } = options;
  if (!Number.isInteger(bits) || bits < 2 || bits > 8) {
    throw compressError(tensor.name, `k-means needs 2 to 8 bits, got ${bits}`, 'Use bits between 2 (4 centroids) and 8 (256 centroids).');
  }
  const k = 2 ** bits;
  const data = tensor.data;
  const n = data.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (data[i]! < min) min = data[i]!;
    if (data[i]! > max) max = data[i]!;
  }
  if (n === 0) min = max = 0;
  const centroids = new Float64Array(k);
  for (let j = 0; j < k; j++) centroids[j] = min + (j * (max - min)) / (k - 1);
  const indices = new Uint8Array(n);
  const mids = new Float64Array(k - 1);
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  const maxIterations = options.maxIterations ?? 50;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw compressError(tensor.name, `k-means needs at least 1 iteration, got ${maxIterations}`, 'Leave maxIterations unset (50) or give a positive integer.');
  }
  for (let iter = 0; iter < maxIterations; iter++) {
    for (let j = 0; j < k - 1; j++) mids[j] = (centroids[j]! + centroids[j + 1]!) / 2;
    let changed = iter === 0;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const v = data[i]!;
      // first midpoint ≥ v: v belongs to that cluster (v exactly on a midpoint → lower cluster)
      let lo = 0;
      let hi = k - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (mids[mid]! >= v) hi = mid;
        else lo = mid + 1;
      }
      if (indices[i] !== lo) {
        indices[i] = lo;
        changed = true;
      }
      sums[lo]! += v;
      counts[lo]! += 1;
    }
    // the last pass is always an assignment, so every index is its weight's nearest centroid
    if (!changed || iter === maxIterations - 1) break;
    for (let j = 0; j < k; j++) if (counts[j]! > 0) centroids[j] = sums[j]! / counts[j]!;
  }
  return { kind: 'codebook', name: tensor.name, shape: [...tensor.shape], bits, centroids: Float32Array.from(centroids), indices };
}

/** Each centroid's gradient: the sum of its members' weight gradients (Han et al.). */
export function codebookGradient(indices: Uint8Array, weightGrad: Float32Array, centroids: number): Float32Array {
  const out = new Float64Array(centroids);
  for (let i = 0; i < indices.length; i++) out[indices[i]!]! += weightGrad[i]!;
  return Float32Array.from(out);
}
