// gapSide decides whether the validation curve stays on one side of the training curve, so the
// gap is shaded with one fill; any crossing, gap in the data or vertical step keeps both colors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gapSide } from '../../../webview/curves/gap-side.ts';


test('validation above training everywhere (different x samples) is "above"; below is "below"', () => {
  const train = { xs: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], ys: [2, 1.8, 1.6, 1.4, 1.2, 1.0, 0.9, 0.8, 0.75, 0.7] };
  const val = { xs: [0.5, 3, 6.5, 9], ys: [2.0, 1.5, 0.9, 0.8] };
  assert.equal(gapSide(val, train, false), 'above');
  assert.equal(gapSide(train, val, false), 'below');
});

test('a crossing between sample points is found from the other curve\'s points', () => {
  // val's own points are all above train's line, but train's point at x = 2 rises above val's segment.
  const train = { xs: [0, 2, 4], ys: [0, 3, 0] };
  const val = { xs: [0, 4], ys: [1, 1] };
  assert.equal(gapSide(val, train, false), 'both');
});

test('touching is allowed; NaN, a vertical step or a non-positive value on a log axis are undecided', () => {
  assert.equal(gapSide({ xs: [0, 1, 2], ys: [1, 2, 3] }, { xs: [0, 1, 2], ys: [1, 1, 1] }, false), 'above');
  assert.equal(gapSide({ xs: [0, 1, 2], ys: [2, Number.NaN, 3] }, { xs: [0, 2], ys: [1, 1] }, false), 'both');
  assert.equal(gapSide({ xs: [0, 1, 1, 2], ys: [2, 2, 3, 3] }, { xs: [0, 2], ys: [1, 1] }, false), 'both');
  assert.equal(gapSide({ xs: [0, 2], ys: [2, 3] }, { xs: [0, 1, 2], ys: [1, 0, 1] }, true), 'both');
  assert.equal(gapSide({ xs: [0, 1, 2], ys: [2, 3, 4] }, { xs: [0, 1, 2], ys: [1, 0, 1] }, true), 'both', 'a zero exactly under a point');
  assert.equal(gapSide({ xs: [0, 1, 2], ys: [2, 3, 4] }, { xs: [0, 1, 2], ys: [1, 0, 1] }, false), 'above');
});

test('on a log axis the curves are straight in log y: the side is decided there', () => {
  // In linear y, val at x = 1 (1.9) is below train's chord (5.05) though above at both ends; in
  // log y the chord passes the geometric mean (1.0), so val stays above: the drawn curves do not cross.
  const train = { xs: [0, 2], ys: [0.1, 10] };
  const val = { xs: [0, 1, 2], ys: [0.2, 1.9, 20] };
  assert.equal(gapSide(val, train, false), 'both');
  assert.equal(gapSide(val, train, true), 'above');
});
