// The Curves smoother against TensorBoard's resmoothDataset, written out here from its
// definition: debiased EMA over the finite points, non-finite points kept, constant series untouched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smoothEma } from '../../../webview/curves/smoothing.ts';

/** TensorBoard's algorithm (tensorboard/components/vz_line_chart2/line-chart.ts, resmoothDataset). */
function tensorBoard(ys: number[], weight: number): number[] {
  let last = ys.length > 0 ? 0 : NaN;
  let numAccum = 0;
  const isConstant = ys.every((v) => v === ys[0]);
  return ys.map((next) => {
    if (isConstant || !Number.isFinite(next)) return next;
    last = last * weight + (1 - weight) * next;
    numAccum++;
    const debias = weight !== 1 ? 1 - Math.pow(weight, numAccum) : 1;
    return last / debias;
  });
}

test('a noisy series with gaps smooths to TensorBoard\'s values, bit for bit', () => {
  const ys = Array.from({ length: 60 }, (_, i) => 2 * Math.exp(-i / 20) + 0.3 * Math.sin(i * 1.3));
  ys[7] = NaN;
  ys[30] = Infinity;
  for (const beta of [0.3, 0.6, 0.9, 0.99]) assert.deepEqual(Array.from(smoothEma(ys, beta)), tensorBoard(ys, beta), `β = ${beta}`);
});

test('the first smoothed value is the first value (debiased), and a constant series stays exactly constant', () => {
  assert.equal(smoothEma([5, 1, 1], 0.9)[0], 5);
  const flat = Array.from({ length: 40 }, () => 0.1);
  assert.deepEqual(Array.from(smoothEma(flat, 0.6)), flat, 'no 0.09999999999999999');
});
