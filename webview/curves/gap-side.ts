// Which side of the training curve the validation curve lies on, where both have points.
// chart.js shades a two-colored gap (one color where validation is above, another below) by
// clipping the fill twice to the training line; when validation stays on one side, one fill of
// that side's color with no clip draws the same pixels for much less. The curves are straight
// between their points in the scale's space (y, or log y), so their difference is too: its sign
// at every point of either curve decides it.
export type GapSide = 'above' | 'below' | 'both';

export interface Curve {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
}

const ABOVE = 1;
const BELOW = 2;
const UNDECIDED = 4;

/** `logY`: the axis is logarithmic, so the curves are straight in log y. */
export function gapSide(val: Curve, train: Curve, logY: boolean): GapSide {
  const sides = sidesOf(val, train, logY, ABOVE, BELOW) | sidesOf(train, val, logY, BELOW, ABOVE);
  if (sides & UNDECIDED || (sides & ABOVE && sides & BELOW)) return 'both';
  return sides & BELOW ? 'below' : 'above';
}

/**
 * For each point of `a` inside b's x range, which side of b it is on (`higher` when above).
 * UNDECIDED for a value that is not finite in the scale's space (NaN, or ≤ 0 on a log axis, where
 * the charts span gaps) and for x not strictly rising (a vertical step): chart.js then clips.
 */
function sidesOf(a: Curve, b: Curve, logY: boolean, higher: number, lower: number): number {
  const n = b.xs.length;
  const m = a.xs.length;
  if (n === 0 || m === 0) return 0;
  const first = b.xs[0]!;
  const last = b.xs[n - 1]!;
  let sides = 0;
  let previous = Number.NEGATIVE_INFINITY;
  let j = 0;
  for (let i = 0; i < m; i++) {
    const x = a.xs[i]!;
    if (!(x > previous)) return UNDECIDED;
    previous = x;
    if (x < first || x > last) continue;
    while (j < n - 2 && b.xs[j + 1]! < x) j++;
    const k = j + 1 < n ? j + 1 : j;
    const x0 = b.xs[j]!;
    const x1 = b.xs[k]!;
    const y0 = logY ? Math.log(b.ys[j]!) : b.ys[j]!;
    const y1 = logY ? Math.log(b.ys[k]!) : b.ys[k]!;
    const y = logY ? Math.log(a.ys[i]!) : a.ys[i]!;
    if (!Number.isFinite(y) || !Number.isFinite(y0) || !Number.isFinite(y1)) return UNDECIDED;
    const difference = y - (x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0));
    if (difference > 0) sides |= higher;
    else if (difference < 0) sides |= lower;
    if (sides === (ABOVE | BELOW)) return sides;
  }
  return sides;
}
