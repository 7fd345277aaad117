// What the line charts draw themselves, behind chart.js' datasets, in the same plot area and
// scales: faint context lines (no elements, hover or tooltip) and one-color shades between two
// lines. Both cost chart.js a dataset's worth of elements and option resolution, or the
// Filler's clipping, per update; drawn directly they are a path each.
import type { Chart } from 'chart.js';

/** A line stroked as chart.js strokes a line dataset, without being one. */
export interface PlainLine {
  label: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  color: string;
  width: number;
  dash: number[];
}

export interface Columns {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
}

/** The area between `source` and `target` where both have points, filled with `color`. */
export interface Shade {
  /** The source line's id. */
  id: string;
  source: Columns;
  target: Columns;
  color: string;
}

export interface Extent { xMin: number; xMax: number; yMin: number; yMax: number }

/**
 * The range the axes need to show the plain lines the way chart.js ranges a dataset: x over
 * every finite point, y over the points inside the x window (a zoom), positive only on a log axis.
 */
export function overlayExtent(lines: readonly PlainLine[], xFrom = Number.NEGATIVE_INFINITY, xTo = Number.POSITIVE_INFINITY, logY = false): Extent | undefined {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const line of lines) {
    const n = Math.min(line.xs.length, line.ys.length);
    for (let i = 0; i < n; i++) {
      const x = line.xs[i]!;
      const y = line.ys[i]!;
      if (!Number.isFinite(x)) continue;
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (!Number.isFinite(y) || (logY && y <= 0) || x < xFrom || x > xTo) continue;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
  }
  if (xMin > xMax) return undefined;
  return yMin <= yMax ? { xMin, xMax, yMin, yMax } : { xMin, xMax, yMin: Number.NaN, yMax: Number.NaN };
}

/** Draws the shades, then the plain lines, clipped to the plot area (chart.js' beforeDatasetsDraw). */
export function drawOverlay(chart: Chart, shades: readonly Shade[], lines: readonly PlainLine[]): void {
  const xScale = chart.scales['x'];
  const yScale = chart.scales['y'];
  if (!xScale || !yScale || (shades.length === 0 && lines.length === 0)) return;
  const { ctx, chartArea: area } = chart;
  const toPixels = (c: Columns) => pixels(c, xScale, yScale);
  for (const shade of shades) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    ctx.fillStyle = shade.color;
    ctx.beginPath();
    if (traceBetween(ctx, toPixels(shade.source), toPixels(shade.target))) ctx.fill();
    ctx.restore();
  }
  for (const line of lines) {
    const n = Math.min(line.xs.length, line.ys.length);
    if (n === 0) continue;
    ctx.save();
    // chart.js lets a line overflow the plot area by half its width.
    const half = line.width / 2;
    ctx.beginPath();
    ctx.rect(area.left - half, area.top - half, area.right - area.left + line.width, area.bottom - area.top + line.width);
    ctx.clip();
    ctx.lineWidth = line.width;
    ctx.strokeStyle = line.color;
    ctx.lineCap = 'butt';
    ctx.lineJoin = 'miter';
    ctx.setLineDash(line.dash);
    ctx.lineDashOffset = 0;
    ctx.beginPath();
    tracePath(ctx, line, n, xScale, yScale, line.dash.length === 0);
    ctx.stroke();
    ctx.restore();
  }
}

interface Pixels { x: Float64Array; y: Float64Array; n: number }

/** The finite points of a line, in pixels (the charts span gaps). */
function pixels(c: Columns, xScale: PixelScale, yScale: PixelScale): Pixels {
  const count = Math.min(c.xs.length, c.ys.length);
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  let n = 0;
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(c.xs[i]!) || !Number.isFinite(c.ys[i]!)) continue;
    const px = xScale.getPixelForValue(c.xs[i]!);
    const py = yScale.getPixelForValue(c.ys[i]!);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    x[n] = px;
    y[n] = py;
    n++;
  }
  return { x, y, n };
}

/** y of the polyline at pixel x (x within its range; points sorted by x). */
function yAt(p: Pixels, x: number): number {
  let lo = 0;
  let hi = p.n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (p.x[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const x0 = p.x[lo]!;
  const x1 = p.x[hi]!;
  return x1 === x0 ? p.y[lo]! : p.y[lo]! + ((p.y[hi]! - p.y[lo]!) * (x - x0)) / (x1 - x0);
}

/**
 * The closed outline between two lines over the x range both cover: along `a` forward, across,
 * and along `b` backward, with the ends interpolated as chart.js' Filler does. False when the
 * lines do not overlap.
 */
function traceBetween(ctx: CanvasRenderingContext2D, a: Pixels, b: Pixels): boolean {
  if (a.n < 2 || b.n < 2) return false;
  const lo = Math.max(a.x[0]!, b.x[0]!);
  const hi = Math.min(a.x[a.n - 1]!, b.x[b.n - 1]!);
  if (!(hi > lo)) return false;
  ctx.moveTo(lo, yAt(a, lo));
  for (let i = 0; i < a.n; i++) if (a.x[i]! > lo && a.x[i]! < hi) ctx.lineTo(a.x[i]!, a.y[i]!);
  ctx.lineTo(hi, yAt(a, hi));
  ctx.lineTo(hi, yAt(b, hi));
  for (let i = b.n - 1; i >= 0; i--) if (b.x[i]! > lo && b.x[i]! < hi) ctx.lineTo(b.x[i]!, b.y[i]!);
  ctx.lineTo(lo, yAt(b, lo));
  ctx.closePath();
  return true;
}

interface PixelScale { getPixelForValue(value: number): number }

/**
 * The line's path in pixels, skipping points with no finite value (the charts span gaps). Solid
 * lines merge points that fall in one pixel column into a vertical min–max stroke, as chart.js'
 * own fast path does; dashed lines keep every vertex so the dash pattern runs as chart.js draws it.
 */
export function tracePath(ctx: CanvasRenderingContext2D, line: PlainLine, n: number, xScale: PixelScale, yScale: PixelScale, merge: boolean): void {
  let started = false;
  let column: number | undefined;
  let averageX = 0;
  let merged = 0;
  let minY = 0;
  let maxY = 0;
  let lastY = 0;
  // As chart.js' fastPathSegment: the column's later points set its x (their mean) and extent.
  const closeColumn = () => {
    if (minY !== maxY) {
      ctx.lineTo(averageX, maxY);
      ctx.lineTo(averageX, minY);
      ctx.lineTo(averageX, lastY);
    }
  };
  for (let i = 0; i < n; i++) {
    const value = line.ys[i]!;
    if (!Number.isFinite(line.xs[i]!) || !Number.isFinite(value)) continue;
    const x = xScale.getPixelForValue(line.xs[i]!);
    const y = yScale.getPixelForValue(value);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (!started) {
      ctx.moveTo(x, y);
      started = true;
    }
    if (!merge) {
      ctx.lineTo(x, y);
      continue;
    }
    if ((x | 0) === column) {
      if (y < minY) minY = y;
      else if (y > maxY) maxY = y;
      averageX = (merged * averageX + x) / ++merged;
    } else {
      closeColumn();
      ctx.lineTo(x, y);
      column = x | 0;
      merged = 0;
      minY = maxY = y;
    }
    lastY = y;
  }
  if (merge && started) closeColumn();
}
