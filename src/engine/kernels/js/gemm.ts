// Reference GEMM in plain JS. Each output row is accumulated in a float64 scratch row (more
// accurate than rounding to float32 after every term, and the inner loops stay contiguous:
// i-k-j order for A·B, dot products for A·Bᵀ, rank-1 row updates for Aᵀ·B).

let scratch = new Float64Array(1024);

function rowScratch(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  return scratch;
}

export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number,
  beta: number, c: Float32Array, cOff: number,
): void {
  const acc = rowScratch(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0, 0, n);
    if (!transA && !transB) {
      // A[i,p] · B[p,:]
      const aRow = aOff + i * k;
      for (let p = 0; p < k; p++) {
        const av = a[aRow + p]!;
        if (av === 0) continue;
        const bRow = bOff + p * n;
        for (let j = 0; j < n; j++) acc[j]! += av * b[bRow + j]!;
      }
    } else if (!transA && transB) {
      // dot(A[i,:], B[j,:]): both rows contiguous
      const aRow = aOff + i * k;
      for (let j = 0; j < n; j++) {
        const bRow = bOff + j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[aRow + p]! * b[bRow + p]!;
        acc[j] = s;
      }
    } else if (transA && !transB) {
      // A stored k×m: A[p,i] · B[p,:]
      for (let p = 0; p < k; p++) {
        const av = a[aOff + p * m + i]!;
        if (av === 0) continue;
        const bRow = bOff + p * n;
        for (let j = 0; j < n; j++) acc[j]! += av * b[bRow + j]!;
      }
    } else {
      // A stored k×m, B stored n×k
      for (let j = 0; j < n; j++) {
        const bRow = bOff + j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[aOff + p * m + i]! * b[bRow + p]!;
        acc[j] = s;
      }
    }
    const cRow = cOff + i * n;
    if (beta === 0) {
      for (let j = 0; j < n; j++) c[cRow + j] = alpha * acc[j]!;
    } else {
      for (let j = 0; j < n; j++) c[cRow + j] = alpha * acc[j]! + beta * c[cRow + j]!;
    }
  }
}
