// The chart overlay draws the faint raw lines and one-color gap shades itself; these pin the
// parts a wrong implementation would get visibly wrong: the axis range it asks chart.js for,
// and the path it traces (points merged per pixel column like chart.js, gaps spanned).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { overlayExtent, tracePath, type PlainLine } from '../../../webview/shared/chart-overlay.ts';

const line = (xs: number[], ys: number[], dash: number[] = []): PlainLine => ({ label: 'l', xs, ys, color: 'red', width: 1, dash });

test('the axes cover every finite point; y only inside a zoomed x window, and only positive values on a log axis', () => {
  const lines = [line([0, 1, 2, 3], [5, -1, Number.NaN, 9]), line([1, 4], [2, 0.5])];
  assert.deepEqual(overlayExtent(lines), { xMin: 0, xMax: 4, yMin: -1, yMax: 9 });
  assert.deepEqual(overlayExtent(lines, 0.5, 2.5), { xMin: 0, xMax: 4, yMin: -1, yMax: 2 });
  assert.deepEqual(overlayExtent(lines, undefined, undefined, true), { xMin: 0, xMax: 4, yMin: 0.5, yMax: 9 });
  assert.equal(overlayExtent([]), undefined);
});

/** A canvas context that records the path. */
function recorder() {
  const calls: string[] = [];
  const at = (x: number, y: number) => `${Number(x.toFixed(6))},${Number(y.toFixed(6))}`;
  const ctx = { moveTo: (x: number, y: number) => calls.push(`M${at(x, y)}`), lineTo: (x: number, y: number) => calls.push(`L${at(x, y)}`) };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, calls };
}
const identity = { getPixelForValue: (v: number) => v };

test('a solid line merges points in one pixel column into a vertical min-max stroke, as chart.js does', () => {
  const { ctx, calls } = recorder();
  const l = line([0, 1, 1.2, 1.4, 1.6, 3], [0, 10, 4, 12, 6, 2]);
  tracePath(ctx, l, l.xs.length, identity, identity, true);
  // Column 1 holds x = 1, 1.2, 1.4, 1.6: drawn once at x = 1, then a vertical at the mean x of
  // the later points (1.4) over their extent (4…12), back to the last (6), then on to x = 3.
  assert.deepEqual(calls, ['M0,0', 'L0,0', 'L1,10', 'L1.4,12', 'L1.4,4', 'L1.4,6', 'L3,2']);
});

test('a dashed line keeps every vertex, and points without a finite value are spanned', () => {
  const { ctx, calls } = recorder();
  const l = line([0, 1, 1.5, 2], [1, Number.NaN, 3, 4], [6, 4]);
  tracePath(ctx, l, l.xs.length, identity, identity, false);
  assert.deepEqual(calls, ['M0,1', 'L0,1', 'L1.5,3', 'L2,4']);
});
