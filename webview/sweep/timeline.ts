// Timeline: one lane per worker (trials that overlapped in time run on different workers), each
// trial a bar from its start to its end (to now while running), colored by status.
import type { SweepView } from '../../src/core/webview/contract.ts';
import type { CanvasView } from '../shared/canvas.ts';
import { withAlpha } from '../shared/theme.ts';
import { trialLook } from './marks.ts';
import { drawFrame, linearScale, type Scale } from '../shared/plot.ts';

export function drawTimeline(view: CanvasView, data: SweepView, now: number): void {
  const { context: g, theme } = view;
  const started = data.trials.filter((t) => t.startedAt !== null);
  const origin = Math.min(data.sweep.createdAt, ...started.map((t) => t.startedAt!));
  const ends = started.map((t) => t.endedAt ?? now);
  const span = Math.max(1, ...ends.map((e) => e - origin)) / 1000;
  const minutes = span > 180;
  const unit = minutes ? 60 : 1;
  const x = linearScale(0, span / unit, false);
  const lanes = Math.max(1, ...started.map((t) => t.worker + 1));
  const y: Scale = {
    kind: 'category',
    unit: (v) => (typeof v === 'number' ? 1 - (v + 0.5) / lanes : null),
    ticks: () => Array.from({ length: lanes }, (_, i) => ({ unit: 1 - (i + 0.5) / lanes, label: `worker ${i + 1}` })),
  };
  const frame = drawFrame(view, x, y, { x: `time since the sweep started (${minutes ? 'min' : 's'})`, y: '' }, { top: 8, right: 14, bottom: 36, left: 70 });
  const laneHeight = frame.height / lanes;
  started.forEach((trial, i) => {
    const look = trialLook(trial.status, theme);
    const x0 = frame.px(x.unit((trial.startedAt! - origin) / 1000 / unit)!);
    const x1 = frame.px(x.unit((ends[i]! - origin) / 1000 / unit)!);
    const top = frame.top + trial.worker * laneHeight + laneHeight * 0.2;
    g.fillStyle = withAlpha(look.color, trial.runId === data.bestRunId ? 0.95 : 0.6);
    g.fillRect(x0, top, Math.max(2, x1 - x0 - 1), laneHeight * 0.6);
    if (trial.runId === data.bestRunId) {
      g.strokeStyle = theme.foreground;
      g.lineWidth = 1.5;
      g.strokeRect(x0, top, Math.max(2, x1 - x0 - 1), laneHeight * 0.6);
    }
  });
}
