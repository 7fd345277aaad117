// Intermediate values: the objective metric as each trial reported it during training, with the
// pruner's rungs as dashed verticals. Pruned trials end at the rung that stopped them; the best
// trial is drawn on top in the foreground color.
import type { SweepView } from '../../src/core/webview/contract.ts';
import type { CanvasView } from '../shared/canvas.ts';
import { withAlpha } from '../shared/theme.ts';
import { drawFrame, scaleOf } from '../shared/plot.ts';
import { trialLook } from './marks.ts';

export function drawIntermediate(view: CanvasView, data: SweepView, logY: boolean): void {
  const { context: g, theme } = view;
  const xs = data.trials.flatMap((t) => t.intermediate.xs).concat(data.sweep.rungs);
  const ys = data.trials.flatMap((t) => t.intermediate.ys.filter((v) => Number.isFinite(v)));
  const x = scaleOf(xs.length ? xs : [0, 1], { pad: false });
  const y = scaleOf(ys.length ? ys : [0, 1], { log: logY && ys.every((v) => v > 0) });
  const frame = drawFrame(view, x, y, { x: data.sweep.resource, y: data.sweep.objective.metric });
  g.save();
  g.setLineDash([4, 4]);
  g.strokeStyle = theme.muted;
  g.fillStyle = theme.muted;
  g.font = `11px ${theme.font}`;
  g.textAlign = 'left';
  g.textBaseline = 'top';
  data.sweep.rungs.forEach((rung, i) => {
    const ux = x.unit(rung);
    if (ux === null || ux < 0 || ux > 1) return;
    const px = Math.round(frame.px(ux)) + 0.5;
    g.beginPath();
    g.moveTo(px, frame.top);
    g.lineTo(px, frame.top + frame.height);
    g.stroke();
    g.fillText(`rung ${i}`, px + 3, frame.top + 2);
  });
  g.restore();
  const order = [...data.trials].sort((a, b) => Number(a.runId === data.bestRunId) - Number(b.runId === data.bestRunId));
  for (const trial of order) {
    const best = trial.runId === data.bestRunId;
    const look = trialLook(trial.status, theme);
    g.strokeStyle = best ? theme.foreground : withAlpha(look.color, trial.status === 'finished' ? 0.55 : 0.8);
    g.lineWidth = best ? 2.5 : 1.25;
    g.setLineDash(trial.status === 'pruned' ? [3, 2] : []);
    g.beginPath();
    let pen = false;
    trial.intermediate.xs.forEach((vx, i) => {
      const ux = x.unit(vx);
      const uy = y.unit(trial.intermediate.ys[i]!);
      if (ux === null || uy === null) { pen = false; return; }
      if (pen) g.lineTo(frame.px(ux), frame.py(uy));
      else g.moveTo(frame.px(ux), frame.py(uy));
      pen = true;
    });
    g.stroke();
  }
  g.setLineDash([]);
}
