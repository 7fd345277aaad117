// Contour of the objective over two parameters: finished trials as dots, and behind them the
// objective interpolated by inverse-distance weighting (power 2, in the plot's unit square, so log
// axes interpolate in log space) on a coarse grid. Colors run from the theme's first series color
// (best) to its second (worst); the legend under the plot gives both ends.
import type { SweepParam, SweepView } from '../../src/core/webview/contract.ts';
import type { CanvasView } from '../shared/canvas.ts';
import { mix } from '../shared/canvas.ts';
import { withAlpha } from '../shared/theme.ts';
import { drawFrame, mark, scaleOf } from '../shared/plot.ts';

const CELLS = 36;

export interface ContourRange { best: number; worst: number; trials: number }

export function drawContour(view: CanvasView, data: SweepView, px: SweepParam, py: SweepParam): ContourRange | null {
  const { context: g, theme } = view;
  const trials = data.trials.filter((t) => t.status === 'finished' && t.value !== null);
  const x = scaleOf(data.trials.map((t) => t.params[px.path]), { log: px.log, categorical: px.categorical });
  const y = scaleOf(data.trials.map((t) => t.params[py.path]), { log: py.log, categorical: py.categorical });
  const frame = drawFrame(view, x, y, { x: `${px.path}${px.log ? ' (log)' : ''}`, y: `${py.path}${py.log ? ' (log)' : ''}` });
  const points = trials.flatMap((t) => {
    const ux = x.unit(t.params[px.path]);
    const uy = y.unit(t.params[py.path]);
    return ux === null || uy === null ? [] : [{ ux, uy, value: t.value! }];
  });
  if (points.length === 0) return null;
  const values = points.map((p) => p.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const minimize = data.sweep.objective.direction === 'min';
  const badness = (v: number) => (max === min ? 0.5 : minimize ? (v - min) / (max - min) : (max - v) / (max - min));
  const good = theme.palette[0]!;
  const bad = theme.palette[1] ?? theme.error;
  if (points.length >= 3) {
    const cw = frame.width / CELLS;
    const ch = frame.height / CELLS;
    for (let i = 0; i < CELLS; i++) {
      for (let j = 0; j < CELLS; j++) {
        const ux = (i + 0.5) / CELLS;
        const uy = 1 - (j + 0.5) / CELLS;
        g.fillStyle = withAlpha(mix(good, bad, badness(idw(points, ux, uy))), 0.45);
        g.fillRect(frame.left + i * cw, frame.top + j * ch, Math.ceil(cw), Math.ceil(ch));
      }
    }
  }
  for (const p of points) {
    mark(g, frame.px(p.ux), frame.py(p.uy), 'dot', mix(good, bad, badness(p.value)), 4);
    g.strokeStyle = theme.foreground;
    g.lineWidth = 1;
    g.beginPath();
    g.arc(frame.px(p.ux), frame.py(p.uy), 4.5, 0, Math.PI * 2);
    g.stroke();
  }
  return { best: minimize ? min : max, worst: minimize ? max : min, trials: points.length };
}

/** Inverse-distance weighted value at (ux, uy); an exact hit returns that point's value. */
export function idw(points: readonly { ux: number; uy: number; value: number }[], ux: number, uy: number): number {
  let weights = 0;
  let sum = 0;
  for (const p of points) {
    const d2 = (p.ux - ux) ** 2 + (p.uy - uy) ** 2;
    if (d2 < 1e-12) return p.value;
    const w = 1 / d2;
    weights += w;
    sum += w * p.value;
  }
  return sum / weights;
}
