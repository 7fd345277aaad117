// Optimization history: each trial's objective in trial order, and the best value so far as a
// step line. A pruned trial is drawn at its last reported value (a ring), a failed one as a cross
// on the worst edge, so no trial disappears from the count.
import type { SweepView } from '../../src/core/webview/contract.ts';
import { bestSoFar } from '../../src/core/webview/sweep-data.ts';
import type { CanvasView } from '../shared/canvas.ts';
import { drawFrame, linearScale, mark, scaleOf, type Frame } from '../shared/plot.ts';
import { trialLook } from './marks.ts';

export interface PlacedPoint { runId: number; x: number; y: number }

export function historyY(trial: SweepView['trials'][number]): number | null {
  if (trial.value !== null) return trial.value;
  const ys = trial.intermediate.ys;
  for (let i = ys.length - 1; i >= 0; i--) if (Number.isFinite(ys[i]!)) return ys[i]!;
  return null;
}

export function drawHistory(view: CanvasView, data: SweepView, logY: boolean): PlacedPoint[] {
  const { context: g, theme } = view;
  const trials = data.trials;
  const ys = trials.map(historyY);
  const x = linearScale(0, Math.max(1, trials.length - 1));
  const y = scaleOf(ys, { log: logY && ys.every((v) => v === null || v > 0) });
  const frame = drawFrame(view, x, y, { x: 'trial', y: `${data.sweep.objective.metric} (${data.sweep.objective.direction === 'min' ? 'lower' : 'higher'} is better)` });
  const placed: PlacedPoint[] = [];
  const edge = data.sweep.objective.direction === 'min' ? 0.98 : 0.02;
  trials.forEach((trial, i) => {
    const look = trialLook(trial.status, theme);
    const uy = ys[i] === null ? (look.shape === 'cross' ? edge : null) : y.unit(ys[i]);
    if (uy === null) return;
    const point = { runId: trial.runId, x: frame.px(x.unit(i)!), y: frame.py(uy) };
    mark(g, point.x, point.y, look.shape, look.color);
    placed.push(point);
  });
  drawBestLine(g, frame, x, y, bestSoFar(trials, data.sweep.objective.direction), theme.palette[1] ?? theme.foreground);
  const best = trials.findIndex((t) => t.runId === data.bestRunId);
  if (best >= 0 && ys[best] !== null) {
    g.strokeStyle = theme.foreground;
    g.lineWidth = 2;
    g.beginPath();
    g.arc(frame.px(x.unit(best)!), frame.py(y.unit(ys[best])!), 7, 0, Math.PI * 2);
    g.stroke();
  }
  return placed;
}

function drawBestLine(g: CanvasRenderingContext2D, frame: Frame, x: ReturnType<typeof linearScale>, y: ReturnType<typeof scaleOf>, best: (number | null)[], color: string): void {
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.beginPath();
  let started = false;
  let lastY = 0;
  best.forEach((value, i) => {
    if (value === null) return;
    const uy = y.unit(value);
    if (uy === null) return;
    const px = frame.px(x.unit(i)!);
    const py = frame.py(uy);
    if (!started) g.moveTo(px, py);
    else {
      g.lineTo(px, lastY);
      g.lineTo(px, py);
    }
    started = true;
    lastY = py;
  });
  if (started) g.lineTo(frame.left + frame.width, lastY);
  g.stroke();
}
