import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../../src/engine/kernels/js-kernels.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { assertClose, fillRandom, randomArray, runnableVariants, wasmFor } from './helpers.ts';

const TRANSPOSES = [[false, false], [false, true], [true, false], [true, true]] as const;
// odd sizes around the 4×8 register tile, the 64/256/512 cache blocks, and the MLP's own shapes
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 3], [3, 1, 7], [7, 3, 1], [3, 7, 33], [33, 65, 7], [65, 33, 65], [4, 8, 256], [5, 9, 257],
  [64, 10, 128], [67, 520, 300], [130, 9, 513], [64, 256, 784],
];

for (const variant of runnableVariants()) {
  for (const [tA, tB] of TRANSPOSES) {
    test(`wasm-${variant} gemm transA=${tA} transB=${tB}: equals the JS reference on odd and blocked shapes, with alpha, beta and offsets`, () => {
      const k = wasmFor(variant);
      const rng = new Rng(11 + (tA ? 2 : 0) + (tB ? 1 : 0));
      for (const [m, n, kk] of SHAPES) {
        for (const [alpha, beta] of [[1, 0], [0.7, -0.5], [-1.5, 1]] as const) {
          const a = fillRandom(k.alloc(2 + m * kk), rng);
          const b = fillRandom(k.alloc(3 + kk * n), rng);
          const c = fillRandom(k.alloc(5 + m * n), rng);
          const want = c.slice();
          jsKernels.gemm(tA, tB, m, n, kk, alpha, a, 2, b, 3, beta, want, 5);
          k.gemm(tA, tB, m, n, kk, alpha, a, 2, b, 3, beta, c, 5);
          // float32 accumulation (the reference sums in float64): error grows like √k
          assertClose(c, want, 2e-6 * Math.sqrt(kk) + 1e-6, `${m}×${n}×${kk} α=${alpha} β=${beta}`);
          assert.deepEqual(c.subarray(0, 5), want.subarray(0, 5), 'entries before cOffset untouched');
        }
      }
    });
  }
}

test('wasm gemm: beta = 0 overwrites C, so NaNs already there do not leak through', () => {
  const k = wasmFor();
  for (const [m, n] of [[4, 8], [3, 5], [9, 17]] as const) {
    const c = k.alloc(m * n).fill(NaN);
    k.gemm(false, false, m, n, 2, 1, k.alloc(m * 2).fill(1), 0, k.alloc(2 * n).fill(1), 0, 0, c, 0);
    assert.ok(c.every((v) => v === 2), `${m}×${n}`);
  }
});

test('wasm gemm: k = 0 scales C by beta', () => {
  const k = wasmFor();
  const c = k.alloc(6).fill(3);
  k.gemm(false, false, 2, 3, 0, 1, k.alloc(1), 0, k.alloc(1), 0, 0.5, c, 0);
  assert.deepEqual([...c], [1.5, 1.5, 1.5, 1.5, 1.5, 1.5]);
});

test('wasm gemm: ordinary arrays (outside kernel memory) give the same result as kernel memory', () => {
  const k = wasmFor();
  const rng = new Rng(5);
  const [m, n, kk] = [33, 65, 17];
  const a = randomArray(m * kk, rng), b = randomArray(kk * n, rng), c = randomArray(m * n, rng);
  const ka = k.alloc(a.length), kb = k.alloc(b.length), kc = k.alloc(c.length);
  ka.set(a); kb.set(b); kc.set(c);
  k.gemm(true, false, m, n, kk, 0.5, a, 0, b, 0, 1, c, 0);
  k.gemm(true, false, m, n, kk, 0.5, ka, 0, kb, 0, 1, kc, 0);
  assert.deepEqual([...c], [...kc]);
});
