// Which side of the training curve the validation curve lies on, where both have points.
// chart.js shades a two-colored gap (one color where validation is above, another below) by
// clipping the fill twice to the training line, which costs most of the chart's raster time
// with 20 runs; when validation stays on one side, the same pixels come from one fill of that
// side's color with no clip. The curves are straight between their points in the scale's space
// (y, or log y), so their difference is too: its sign at every point of either curve decides it.
export type GapSide = 'above' | 'below' | 'both';

export interface Curve {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
}

/** `toScale` maps a value to the axis' linear space (identity, or Math.log on a log axis). */
export function gapSide(val: Curve, train: Curve, toScale: (y: number) => number): GapSide {
  let above = false;
  let below = false;
  const note = (difference: number): boolean => {
    if (!Number.isFinite(difference)) return false;
    if (difference > 0) above = true;
    else if (difference < 0) below = true;
    return !(above && below);
  };
  // Each curve's points inside the other's x range, against the other interpolated there.
  if (!sideOfPoints(val, train, toScale, (d) => note(d))) return 'both';
  if (!sideOfPoints(train, val, toScale, (d) => note(-d))) return 'both';
  return above && below ? 'both' : below ? 'below' : 'above';
}

/** Calls `note(a(x) − b(x))` for each point of `a` within b's x range; false stops (undecidable). */
function sideOfPoints(a: Curve, b: Curve, toScale: (y: number) => number, note: (difference: number) => boolean): boolean {
  const n = b.xs.length;
  if (n === 0 || a.xs.length === 0) return true;
  if (!increasing(a.xs) || !increasing(b.xs)) return false; // a vertical step: let chart.js clip
  let j = 0;
  for (let i = 0; i < a.xs.length; i++) {
    const x = a.xs[i]!;
    if (x < b.xs[0]! || x > b.xs[n - 1]!) continue;
    while (j < n - 2 && b.xs[j + 1]! < x) j++;
    const x0 = b.xs[j]!;
    const x1 = b.xs[Math.min(j + 1, n - 1)]!;
    const y0 = toScale(b.ys[j]!);
    const y1 = toScale(b.ys[Math.min(j + 1, n - 1)]!);
    const at = x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    const difference = toScale(a.ys[i]!) - at;
    if (!Number.isFinite(difference) || !note(difference)) return false;
  }
  return true;
}

function increasing(xs: ArrayLike<number>): boolean {
  for (let i = 1; i < xs.length; i++) if (!(xs[i]! > xs[i - 1]!)) return false;
  return true;
}
