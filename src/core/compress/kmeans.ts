// K-means weight sharing (Deep Compression, Han et al. 2016): the weights of one tensor are
// clustered into 2^b centroids (b = 2…8) and stored as b-bit indices plus the float codebook.
// Initialization is linear, as the paper recommends (it keeps the rare large weights, which
// density-based initializations lose): centroid j = min + j·(max − min)/(k − 1). Then Lloyd
// iterations: each weight goes to its nearest centroid (a tie goes to the lower one), each
// centroid becomes the mean of its members (an empty cluster keeps its place), until no
// assignment changes or maxIterations (default 300). Deterministic: no random start.
// In one dimension the clusters are runs of the sorted weights split at the midpoints between
// neighbouring centroids (which stay sorted), so after one O(n log n) sort each iteration is
// k binary searches and k prefix-sum differences, O(k log n), whatever the tensor's size; the
// final indices are one O(n log k) pass. Same fixed point as the textbook O(n·k) loop.
// Fine-tuning (the paper's trained quantization): codebookGradient sums the gradients of each
// centroid's members.
import { compressError } from './errors.ts';
import { checkTensor } from './groups.ts';
import type { CodebookQuantized, WeightTensor } from './types.ts';

export interface KMeansOptions {
  /** 2..8: the codebook has 2^bits centroids. */
  readonly bits: number;
  /** Default 300 (each iteration is O(k log n), so this is cheap). */
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
  const maxIterations = options.maxIterations ?? 300;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw compressError(tensor.name, `k-means needs at least 1 iteration, got ${maxIterations}`, 'Leave maxIterations unset (300) or give a positive integer.');
  }
  // sorted copy + prefix sums: a cluster is a run of the sorted values, found by binary search
  const sorted = Float64Array.from(data).sort();
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + sorted[i]!;
  const min = n ? sorted[0]! : 0;
  const max = n ? sorted[n - 1]! : 0;
  const centroids = new Float64Array(k);
  for (let j = 0; j < k; j++) centroids[j] = min + (j * (max - min)) / (k - 1);
  let bounds = new Int32Array(k + 1);
  let previous: Int32Array | null = null;
  for (let iter = 0; iter < maxIterations; iter++) {
    // cluster j holds the sorted values in [bounds[j], bounds[j+1]): those above the midpoint to
    // the previous centroid and at or below the midpoint to the next (a tie goes to the lower)
    bounds = new Int32Array(k + 1);
    bounds[k] = n;
    for (let j = 1; j < k; j++) bounds[j] = firstAbove(sorted, (centroids[j - 1]! + centroids[j]!) / 2);
    if (previous && bounds.every((b, j) => b === previous![j])) break;
    for (let j = 0; j < k; j++) {
      const count = bounds[j + 1]! - bounds[j]!;
      if (count > 0) centroids[j] = (prefix[bounds[j + 1]!]! - prefix[bounds[j]!]!) / count;
    }
    previous = bounds;
  }
  const codebook = Float32Array.from(centroids);
  // the stored indices: each weight's nearest stored (float32) centroid, ties to the lower
  const mids = new Float64Array(k - 1);
  for (let j = 0; j < k - 1; j++) mids[j] = (codebook[j]! + codebook[j + 1]!) / 2;
  const indices = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    let lo = 0;
    let hi = k - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (mids[mid]! >= v) hi = mid;
      else lo = mid + 1;
    }
    indices[i] = lo;
  }
  return { kind: 'codebook', name: tensor.name, shape: [...tensor.shape], bits, centroids: codebook, indices };
}

/** Each centroid's gradient: the sum of its members' weight gradients (Han et al.). */
export function codebookGradient(indices: Uint8Array, weightGrad: Float32Array, centroids: number): Float32Array {
  const out = new Float64Array(centroids);
  for (let i = 0; i < indices.length; i++) out[indices[i]!]! += weightGrad[i]!;
  return Float32Array.from(out);
}

/** Index of the first sorted value above x (n when none). */
function firstAbove(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
