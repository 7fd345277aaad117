import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../../src/engine/kernels/js-kernels.ts';
import { erf } from '../../../src/engine/kernels/erf.ts';
import { convOutputSize, type ConvGeometry } from '../../../src/engine/kernels/types.ts';
import { Rng } from '../../../src/engine/rng.ts';

function rand(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** C = alpha·op(A)·op(B) + beta·C by the definition, in float64. */
function naiveGemm(tA: boolean, tB: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, b: Float32Array, beta: number, c: Float32Array): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (tA ? a[p * m + i]! : a[i * k + p]!) * (tB ? b[j * k + p]! : b[p * n + j]!);
      out[i * n + j] = alpha * s + beta * c[i * n + j]!;
    }
  }
  return out;
}

for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
  test(`gemm transA=${tA} transB=${tB}: equals the definition, with alpha, beta and offsets`, () => {
    const rng = new Rng(tA ? (tB ? 1 : 2) : tB ? 3 : 4);
    const [m, n, k] = [5, 7, 6];
    const a = rand(3 + m * k, rng);
    const b = rand(2 + k * n, rng);
    const c = rand(4 + m * n, rng);
    const expected = naiveGemm(tA, tB, m, n, k, 0.7, a.subarray(3), b.subarray(2), -0.5, c.subarray(4));
    jsKernels.gemm(tA, tB, m, n, k, 0.7, a, 3, b, 2, -0.5, c, 4);
    expected.forEach((v, i) => assert.ok(Math.abs(c[4 + i]! - v) < 1e-5, `${i}: ${c[4 + i]} vs ${v}`));
  });
}

test('gemm: beta = 0 overwrites NaN already in C', () => {
  const c = Float32Array.of(NaN);
  jsKernels.gemm(false, false, 1, 1, 1, 1, Float32Array.of(2), 0, Float32Array.of(3), 0, 0, c, 0);
  assert.equal(c[0], 6);
});

test('col2im is the adjoint of im2col (⟨im2col x, c⟩ = ⟨x, col2im c⟩) with stride and padding', () => {
  const rng = new Rng(9);
  const g: ConvGeometry = { channels: 2, height: 5, width: 6, kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, padH: 1, padW: 1, outHeight: 0, outWidth: 0 };
  g.outHeight = convOutputSize(5, 3, 2, 1);
  g.outWidth = convOutputSize(6, 2, 1, 1);
  const colSize = g.channels * g.kernelH * g.kernelW * g.outHeight * g.outWidth;
  const x = rand(2 + 60, rng);
  const c = rand(colSize, rng);
  const col = new Float32Array(colSize);
  jsKernels.im2col(g, x, 2, col);
  const back = new Float32Array(2 + 60);
  jsKernels.col2im(g, c, back, 2);
  let lhs = 0;
  let rhs = 0;
  for (let i = 0; i < colSize; i++) lhs += col[i]! * c[i]!;
  for (let i = 2; i < 62; i++) rhs += x[i]! * back[i]!;
  assert.ok(Math.abs(lhs - rhs) < 1e-4 * Math.max(1, Math.abs(lhs)), `${lhs} vs ${rhs}`);
});

test('bias broadcasts and their reductions', () => {
  const y = new Float32Array(6);
  jsKernels.addRowBias(y, Float32Array.of(1, 2, 3), 2, 3);
  assert.deepEqual([...y], [1, 2, 3, 1, 2, 3]);
  const db = new Float32Array(3);
  jsKernels.accumulateRowSums(y, 2, 3, db);
  assert.deepEqual([...db], [2, 4, 6]);
  const z = new Float32Array(8);
  jsKernels.addChannelBias(z, Float32Array.of(1, -1), 2, 2, 2);
  assert.deepEqual([...z], [1, 1, -1, -1, 1, 1, -1, -1]);
  const dc = Float32Array.of(10, 0);
  jsKernels.accumulateChannelSums(z, 2, 2, 2, dc);
  assert.deepEqual([...dc], [14, -4]);
  assert.equal(jsKernels.sum(Float32Array.of(1, 2, 3, 4), 1, 2), 5);
  assert.equal(jsKernels.sumSquares(Float32Array.of(1, 2, 3, 4), 2, 2), 25);
});

test('erf: matches reference values to 1e-12 across both branches', () => {
  // reference values from Python's math.erf (C libm)
  const cases: [number, number][] = [[0, 0], [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [2.9, 0.9999589021219005], [3.5, 0.9999992569016276], [5, 0.9999999999984626], [-1.5, -0.9661051464753108]];
  for (const [x, v] of cases) assert.ok(Math.abs(erf(x) - v) < 1e-12, `erf(${x}) = ${erf(x)} vs ${v}`);
});
