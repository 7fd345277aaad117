// Slice plot: the objective against one parameter's value, every trial a dot shaded from early
// (faint) to late (strong) trials, so a sampler that converges shows its late dots clustering.
import type { SweepParam, SweepView } from '../../src/core/webview/contract.ts';
import type { CanvasView } from '../shared/canvas.ts';
import { mix } from '../shared/canvas.ts';
import { drawFrame, mark, scaleOf } from '../shared/plot.ts';
import { historyY, type PlacedPoint } from './history.ts';

export function drawSlice(view: CanvasView, data: SweepView, param: SweepParam, logY: boolean): PlacedPoint[] {
  const { context: g, theme } = view;
  const trials = data.trials.filter((t) => t.status === 'finished' || t.status === 'pruned');
  const ys = trials.map(historyY);
  const x = scaleOf(trials.map((t) => t.params[param.path]), { log: param.log, categorical: param.categorical });
  const y = scaleOf(ys, { log: logY && ys.every((v) => v === null || v > 0) });
  const frame = drawFrame(view, x, y, { x: `${param.path}${param.log ? ' (log)' : ''}`, y: data.sweep.objective.metric });
  const last = Math.max(1, data.trials.length - 1);
  const placed: PlacedPoint[] = [];
  trials.forEach((trial, i) => {
    const ux = x.unit(trial.params[param.path]);
    const uy = y.unit(ys[i]);
    if (ux === null || uy === null) return;
    const color = mix(theme.muted, theme.palette[0]!, trial.number / last);
    const point = { runId: trial.runId, x: frame.px(ux), y: frame.py(uy) };
    mark(g, point.x, point.y, trial.status === 'pruned' ? 'ring' : 'dot', color);
    placed.push(point);
  });
  return placed;
}
