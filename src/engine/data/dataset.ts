// In-memory datasets: samples as one Float32Array (row-major, per-sample shape `shape`) and
// class indices. Views (subsets) copy, so later normalization never touches the source.

export interface Dataset {
  x: Float32Array;
  y: Int32Array;
  count: number;
  /** Per-sample shape, e.g. [1, 28, 28] or [4]. */
  shape: number[];
}

export function sampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The samples at `indices`, in that order. */
export function subset(data: Dataset, indices: ArrayLike<number>): Dataset {
  const size = sampleSize(data.shape);
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i]!;
    x.set(data.x.subarray(src * size, (src + 1) * size), i * size);
    y[i] = data.y[src]!;
  }
  return { x, y, count: indices.length, shape: [...data.shape] };
}

export function firstN(data: Dataset, n: number | null): Dataset {
  if (n === null || n >= data.count) return data;
  return subset(data, Array.from({ length: n }, (_, i) => i));
}
