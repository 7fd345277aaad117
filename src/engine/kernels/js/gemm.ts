// Reference GEMM in plain JS. Output rows are accumulated in a float64 scratch (more accurate
// than rounding to float32 after every term) with contiguous inner loops: rank-1 row updates
// (i-k-j order) for A·B and Aᵀ·B, dot products for A·Bᵀ. Rows are processed four at a time so
// each loaded element of B serves four rows (about 2× faster in V8); a row's summation order is
// the same in the blocked and the single-row path, so results do not depend on the blocking.

let scratch = new Float64Array(4096);

function scratchFor(n: number): Float64Array {
  if (scratch.length < 4 * n) scratch = new Float64Array(Math.max(4 * n, scratch.length * 2));
  return scratch;
}

function storeRow(acc: Float64Array, accOff: number, n: number, alpha: number, beta: number, c: Float32Array, cRow: number): void {
  if (beta === 0) {
    for (let j = 0; j < n; j++) c[cRow + j] = alpha * acc[accOff + j]!;
  } else {
    for (let j = 0; j < n; j++) c[cRow + j] = alpha * acc[accOff + j]! + beta * c[cRow + j]!;
  }
}

/** Rows i..i+3 of op(A)·B (B not transposed): acc[r·n + j] += A[i+r, p]·B[p, j]. */
function block4RankUpdate(transA: boolean, i: number, m: number, n: number, k: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number, acc: Float64Array): void {
  acc.fill(0, 0, 4 * n);
  const n2 = 2 * n;
  const n3 = 3 * n;
  for (let p = 0; p < k; p++) {
    let a0: number, a1: number, a2: number, a3: number;
    if (transA) {
      const o = aOff + p * m + i;
      a0 = a[o]!; a1 = a[o + 1]!; a2 = a[o + 2]!; a3 = a[o + 3]!;
    } else {
      const o = aOff + i * k + p;
      a0 = a[o]!; a1 = a[o + k]!; a2 = a[o + 2 * k]!; a3 = a[o + 3 * k]!;
    }
    if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
    const bRow = bOff + p * n;
    for (let j = 0; j < n; j++) {
      const bv = b[bRow + j]!;
      acc[j] += a0 * bv;
      acc[n + j] += a1 * bv;
      acc[n2 + j] += a2 * bv;
      acc[n3 + j] += a3 * bv;
    }
  }
}

/** Rows i..i+3 of A·Bᵀ (A not transposed): four dot products share each row of B. */
function block4Dot(i: number, n: number, k: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number, acc: Float64Array): void {
  const r0 = aOff + i * k;
  const r1 = r0 + k;
  const r2 = r1 + k;
  const r3 = r2 + k;
  for (let j = 0; j < n; j++) {
    const bRow = bOff + j * k;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let p = 0; p < k; p++) {
      const bv = b[bRow + p]!;
      s0 += a[r0 + p]! * bv;
      s1 += a[r1 + p]! * bv;
      s2 += a[r2 + p]! * bv;
      s3 += a[r3 + p]! * bv;
    }
    acc[j] = s0;
    acc[n + j] = s1;
    acc[2 * n + j] = s2;
    acc[3 * n + j] = s3;
  }
}

/** One row i of op(A)·op(B) into acc[0..n). */
function singleRow(transA: boolean, transB: boolean, i: number, m: number, n: number, k: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number, acc: Float64Array): void {
  acc.fill(0, 0, n);
  if (!transB) {
    for (let p = 0; p < k; p++) {
      const av = transA ? a[aOff + p * m + i]! : a[aOff + i * k + p]!;
      if (av === 0) continue;
      const bRow = bOff + p * n;
      for (let j = 0; j < n; j++) acc[j] += av * b[bRow + j]!;
    }
    return;
  }
  for (let j = 0; j < n; j++) {
    const bRow = bOff + j * k;
    let s = 0;
    if (transA) for (let p = 0; p < k; p++) s += a[aOff + p * m + i]! * b[bRow + p]!;
    else for (let p = 0; p < k; p++) s += a[aOff + i * k + p]! * b[bRow + p]!;
    acc[j] = s;
  }
}

export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: Float32Array, aOff: number, b: Float32Array, bOff: number,
  beta: number, c: Float32Array, cOff: number,
): void {
  const acc = scratchFor(n);
  let i = 0;
  if (!transB || !transA) {
    for (; i + 4 <= m; i += 4) {
      if (!transB) block4RankUpdate(transA, i, m, n, k, a, aOff, b, bOff, acc);
      else block4Dot(i, n, k, a, aOff, b, bOff, acc);
      for (let r = 0; r < 4; r++) storeRow(acc, r * n, n, alpha, beta, c, cOff + (i + r) * n);
    }
  }
  for (; i < m; i++) {
    singleRow(transA, transB, i, m, n, k, a, aOff, b, bOff, acc);
    storeRow(acc, 0, n, alpha, beta, c, cOff + i * n);
  }
}
