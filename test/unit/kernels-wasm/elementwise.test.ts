import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../../src/engine/kernels/js-kernels.ts';
import type { ActivationKind } from '../../../src/engine/kernels/types.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { assertClose, fillRandom, randomArray, wasmFor } from './helpers.ts';

const SIZES: [number, number][] = [[1, 1], [3, 7], [7, 3], [33, 65], [64, 10], [5, 256]];
const KINDS: [ActivationKind, number][] = [['relu', 0], ['leakyRelu', 0.01], ['leakyRelu', 0.2], ['elu', 1], ['gelu', 0], ['sigmoid', 0], ['tanh', 0]];

test('wasm bias broadcasts and their gradient sums equal the JS reference', () => {
  const k = wasmFor();
  const rng = new Rng(1);
  for (const [rows, cols] of SIZES) {
    const y = fillRandom(k.alloc(rows * cols), rng), bias = fillRandom(k.alloc(cols), rng);
    const want = y.slice();
    jsKernels.addRowBias(want, bias, rows, cols);
    k.addRowBias(y, bias, rows, cols);
    assertClose(y, want, 1e-7, `addRowBias ${rows}×${cols}`);

    const db = fillRandom(k.alloc(cols), rng), dbWant = db.slice();
    jsKernels.accumulateRowSums(y, rows, cols, dbWant);
    k.accumulateRowSums(y, rows, cols, db);
    assertClose(db, dbWant, 1e-6, `accumulateRowSums ${rows}×${cols}`);

    const [batch, channels, plane] = [rows, Math.min(cols, 6), 13];
    const z = fillRandom(k.alloc(batch * channels * plane), rng), cb = fillRandom(k.alloc(channels), rng);
    const zWant = z.slice();
    jsKernels.addChannelBias(zWant, cb, batch, channels, plane);
    k.addChannelBias(z, cb, batch, channels, plane);
    assertClose(z, zWant, 1e-7, `addChannelBias ${batch}×${channels}×${plane}`);
    const dc = fillRandom(k.alloc(channels), rng), dcWant = dc.slice();
    jsKernels.accumulateChannelSums(z, batch, channels, plane, dcWant);
    k.accumulateChannelSums(z, batch, channels, plane, dc);
    assertClose(dc, dcWant, 1e-6, `accumulateChannelSums ${batch}×${channels}×${plane}`);
  }
});

for (const [kind, alpha] of KINDS) {
  test(`wasm activation ${kind}(${alpha}): forward, backward and fused row bias + activation equal the JS reference`, () => {
    const k = wasmFor();
    const rng = new Rng(2);
    for (const [rows, cols] of SIZES) {
      const n = rows * cols;
      const x = fillRandom(k.alloc(n), rng, 2);
      if (n > 2) x[1] = 0; // the kink: both sides must agree on f'(0)
      const y = k.alloc(n), yWant = new Float32Array(n);
      k.activationForward(kind, alpha, x, y, n);
      jsKernels.activationForward(kind, alpha, x, yWant, n);
      assertClose(y, yWant, 1e-7, `${kind} forward ${n}`);
      const dy = fillRandom(k.alloc(n), rng), dx = k.alloc(n), dxWant = new Float32Array(n);
      k.activationBackward(kind, alpha, x, y, dy, dx, n);
      jsKernels.activationBackward(kind, alpha, x, yWant, dy, dxWant, n);
      assertClose(dx, dxWant, 1e-7, `${kind} backward ${n}`);
      const bias = fillRandom(k.alloc(cols), rng);
      const fused = x.slice(), fusedWant = x.slice();
      const fusedK = k.alloc(n);
      fusedK.set(fused);
      k.addRowBiasActivation(kind, alpha, fusedK, bias, rows, cols);
      jsKernels.addRowBiasActivation(kind, alpha, fusedWant, bias, rows, cols);
      assertClose(fusedK, fusedWant, 1e-6, `${kind} bias+activation ${rows}×${cols}`);
    }
  });
}

test('wasm sum and sumSquares accumulate in float64 like the reference, with offsets', () => {
  const k = wasmFor();
  const rng = new Rng(3);
  for (const n of [1, 3, 7, 33, 65, 1000, 100_003]) {
    const x = fillRandom(k.alloc(n + 5), rng);
    for (const off of [0, 1, 5]) {
      const len = n + 5 - off;
      assert.ok(Math.abs(k.sum(x, off, len) - jsKernels.sum(x, off, len)) <= 1e-9 * len, `sum ${len}`);
      assert.ok(Math.abs(k.sumSquares(x, off, len) - jsKernels.sumSquares(x, off, len)) <= 1e-9 * len, `sumSquares ${len}`);
    }
  }
  // float32 accumulation would lose the 1s next to 2^25; float64 does not
  const big = k.alloc(5);
  big.set([33554432, 1, 1, 1, 1]);
  assert.equal(k.sum(big, 0, 5), 33554436);
});

test('wasm kernels on ordinary arrays (copied in and out) equal the same kernels on kernel memory', () => {
  const k = wasmFor();
  const rng = new Rng(4);
  const x = randomArray(65, rng), y = new Float32Array(65);
  const kx = k.alloc(65), ky = k.alloc(65);
  kx.set(x);
  k.activationForward('relu', 0, x, y, 65);
  k.activationForward('relu', 0, kx, ky, 65);
  assert.deepEqual([...y], [...ky]);
  k.activationForward('relu', 0, x, x, 65); // in place, outside kernel memory
  assert.deepEqual([...x], [...ky]);
});
