import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../../src/engine/kernels/js-kernels.ts';
import { convOutputSize, type ConvGeometry } from '../../../src/engine/kernels/types.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { assertClose, fillRandom, wasmFor } from './helpers.ts';

function geometry(channels: number, height: number, width: number, kernelH: number, kernelW: number, stride: number, pad: number): ConvGeometry {
  return {
    channels, height, width, kernelH, kernelW, strideH: stride, strideW: stride, padH: pad, padW: pad,
    outHeight: convOutputSize(height, kernelH, stride, pad), outWidth: convOutputSize(width, kernelW, stride, pad),
  };
}

const GEOMETRIES = [
  geometry(1, 28, 28, 5, 5, 1, 2), geometry(6, 14, 14, 5, 5, 1, 0), geometry(3, 7, 9, 3, 3, 2, 1),
  geometry(2, 5, 5, 1, 1, 1, 0), geometry(4, 8, 6, 3, 2, 1, 2), geometry(1, 3, 3, 3, 3, 3, 1), geometry(3, 33, 17, 7, 7, 2, 3),
];

test('wasm im2col and col2im equal the JS reference (stride, padding, non-square, offsets)', () => {
  const k = wasmFor();
  const rng = new Rng(7);
  for (const g of GEOMETRIES) {
    const inSize = g.channels * g.height * g.width;
    const colSize = g.channels * g.kernelH * g.kernelW * g.outHeight * g.outWidth;
    const x = fillRandom(k.alloc(inSize + 3), rng);
    const col = k.alloc(colSize).fill(NaN), colWant = new Float32Array(colSize);
    k.im2col(g, x, 3, col);
    jsKernels.im2col(g, x, 3, colWant);
    assert.deepEqual([...col], [...colWant], `im2col ${JSON.stringify(g)}`);
    const dcol = fillRandom(k.alloc(colSize), rng);
    const dx = fillRandom(k.alloc(inSize + 3), rng), dxWant = dx.slice();
    k.col2im(g, dcol, dx, 3);
    jsKernels.col2im(g, dcol, dxWant, 3);
    assertClose(dx, dxWant, 1e-6, `col2im ${JSON.stringify(g)}`);
  }
});

for (const n of [1, 3, 7, 33, 65, 1001]) {
  test(`wasm optimizer steps on ${n} values equal the JS reference: SGD, momentum (first and later, Nesterov), Adam and AdamW`, () => {
    const k = wasmFor();
    const rng = new Rng(n);
    const pair = (): [Float32Array, Float32Array] => { const a = fillRandom(k.alloc(n), rng); return [a, a.slice()]; };
    const [w, wWant] = pair();
    const [g] = pair();
    k.sgdStep(w, g, 0.1);
    jsKernels.sgdStep(wWant, g, 0.1);
    assertClose(w, wWant, 1e-7, 'sgd');
    for (const nesterov of [false, true]) {
      for (const first of [true, false]) {
        const [m, mWant] = pair();
        k.momentumStep(w, g, m, 0.05, 0.9, nesterov, first);
        jsKernels.momentumStep(wWant, g, mWant, 0.05, 0.9, nesterov, first);
        assertClose(m, mWant, 1e-6, `momentum buffer nesterov=${nesterov} first=${first}`);
        assertClose(w, wWant, 1e-6, `momentum weights nesterov=${nesterov} first=${first}`);
      }
    }
    for (const shrink of [1, 1 - 1e-3 * 0.01]) {
      const [m, mWant] = pair();
      const v = k.alloc(n), vWant = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = vWant[i] = Math.abs(rng.normal());
      const c = { stepSize: 1e-3 / (1 - 0.9 ** 3), beta1: 0.9, oneMinusBeta1: 1 - 0.9, beta2: 0.999, oneMinusBeta2: 1 - 0.999, bc2Sqrt: Math.sqrt(1 - 0.999 ** 3), eps: 1e-8, shrink };
      k.adamStep(w, g, m, v, c);
      jsKernels.adamStep(wWant, g, mWant, vWant, c);
      assertClose(m, mWant, 1e-6, `adam m shrink=${shrink}`);
      assertClose(v, vWant, 1e-6, `adam v shrink=${shrink}`);
      assertClose(w, wWant, 1e-6, `adam w shrink=${shrink}`);
    }
  });
}
