// Accuracy against file size (log x): every variant a labelled point, the Pareto front joined by
// a line, the FP32 baseline as a ring. What a person reads first: how much smaller for how much less.
import { paretoFront } from '../../src/core/webview/compress-data.ts';
import type { CompressReport } from '../../src/core/webview/contract.ts';
import type { CanvasView } from '../shared/canvas.ts';
import { drawFrame, mark, scaleOf } from '../shared/plot.ts';

export function drawPareto(view: CanvasView, report: CompressReport): { label: string; x: number; y: number }[] {
  const { context: g, theme } = view;
  const rows = report.rows;
  const x = scaleOf(rows.map((r) => r.fileBytes / 1024), { log: true });
  const accuracies = rows.map((r) => (r.accuracy === null ? null : r.accuracy * 100));
  const y = scaleOf(accuracies);
  const frame = drawFrame(view, x, y, { x: 'file size (KiB, log)', y: 'test accuracy (%)' });
  const front = paretoFront(rows);
  g.strokeStyle = theme.palette[0]!;
  g.lineWidth = 1.5;
  g.beginPath();
  front.forEach((i, k) => {
    const px = frame.px(x.unit(rows[i]!.fileBytes / 1024)!);
    const py = frame.py(y.unit(accuracies[i])!);
    if (k === 0) g.moveTo(px, py);
    else g.lineTo(px, py);
  });
  g.stroke();
  const placed: { label: string; x: number; y: number }[] = [];
  const taken: { x0: number; y0: number; x1: number; y1: number }[] = [];
  g.font = `11px ${theme.font}`;
  g.textBaseline = 'bottom';
  rows.forEach((r, i) => {
    const ux = x.unit(r.fileBytes / 1024);
    const uy = y.unit(accuracies[i]);
    if (ux === null || uy === null) return;
    const px = frame.px(ux);
    const py = frame.py(uy);
    const onFront = front.includes(i);
    mark(g, px, py, r.baseline ? 'ring' : 'dot', onFront ? theme.palette[0]! : theme.muted, onFront ? 4.5 : 3.5);
    g.fillStyle = onFront ? theme.foreground : theme.muted;
    // A label goes above its point, else below; where both would cover another label it is left
    // out (the table names every variant).
    const right = px > frame.left + frame.width * 0.75;
    const width = g.measureText(r.label).width;
    const x0 = right ? px - 6 - width : px + 6;
    for (const dy of [-4, 16]) {
      const box = { x0, y0: py + dy - 12, x1: x0 + width, y1: py + dy };
      if (taken.some((t) => box.x0 < t.x1 && t.x0 < box.x1 && box.y0 < t.y1 && t.y0 < box.y1)) continue;
      taken.push(box);
      g.textAlign = 'left';
      g.fillText(r.label, x0, py + dy);
      break;
    }
    placed.push({ label: r.label, x: px, y: py });
  });
  return placed;
}
