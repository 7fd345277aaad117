// A scatter of one column against another (a parameter against a metric, typically), on log
// axes where the parameter is log-scaled. Runs the filter drops are drawn faint; hovering a point
// names the run; clicking it selects the run in the table.
import type { CompareColumn } from '../../src/core/compare/types.ts';
import { formatNumber } from '../shared/dom.ts';
import { withAlpha } from '../shared/theme.ts';
import { sizedCanvas, type CanvasView } from '../shared/canvas.ts';
import { axisScale, type AxisScale } from './scale.ts';

export interface ScatterData {
  x: CompareColumn;
  y: CompareColumn;
  names: CompareColumn;
  matched: readonly number[];
  runCount: number;
  selected: readonly number[];
}

const MARGIN = { top: 14, bottom: 44, left: 62, right: 16 };

export class Scatter {
  readonly canvas: HTMLCanvasElement;
  private data: ScatterData | null = null;
  private scales: { x: AxisScale; y: AxisScale } | null = null;
  private hover = -1;
  private size = { width: 0, height: 0 };
  private readonly redraw: () => void;
  private readonly tip: HTMLElement;

  private readonly onPick: (run: number) => void;

  constructor(box: HTMLElement, onPick: (run: number) => void) {
    this.onPick = onPick;
    const sized = sizedCanvas(box, 'Scatter of a parameter against a metric', (view) => this.draw(view));
    this.canvas = sized.canvas;
    this.redraw = sized.redraw;
    this.tip = document.createElement('div');
    this.tip.className = 'plot-tip';
    this.tip.hidden = true;
    box.append(this.tip);
    this.canvas.addEventListener('pointermove', (e) => this.move(e.offsetX, e.offsetY));
    this.canvas.addEventListener('pointerleave', () => this.move(-1, -1));
    this.canvas.addEventListener('click', () => {
      if (this.hover >= 0) this.onPick(this.hover);
    });
  }

  update(data: ScatterData): void {
    if (!this.data || this.data.x !== data.x || this.data.y !== data.y) this.scales = { x: axisScale(data.x), y: axisScale(data.y) };
    this.data = data;
    this.redraw();
  }

  /** Canvas position (CSS px) of a run's point, or null (for tests and the tooltip). */
  pointOf(run: number): { x: number; y: number } | null {
    if (!this.data || !this.scales) return null;
    const ux = this.scales.x.toUnit(this.data.x.values[run] ?? null);
    const uy = this.scales.y.toUnit(this.data.y.values[run] ?? null);
    if (ux === null || uy === null) return null;
    const { width, height } = this.size;
    return { x: MARGIN.left + ux * (width - MARGIN.left - MARGIN.right), y: height - MARGIN.bottom - uy * (height - MARGIN.top - MARGIN.bottom) };
  }

  private draw({ context: g, width, height, theme }: CanvasView): void {
    this.size = { width, height };
    const data = this.data;
    const scales = this.scales;
    if (!data || !scales) return;
    g.font = `11px ${theme.font}`;
    g.strokeStyle = theme.grid;
    g.fillStyle = theme.muted;
    g.lineWidth = 1;
    const plotW = width - MARGIN.left - MARGIN.right;
    const plotH = height - MARGIN.top - MARGIN.bottom;
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const t of scales.x.ticks()) {
      const x = MARGIN.left + t.unit * plotW;
      g.beginPath();
      g.moveTo(x, MARGIN.top);
      g.lineTo(x, MARGIN.top + plotH);
      g.stroke();
      g.fillText(t.label, x, MARGIN.top + plotH + 4);
    }
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const t of scales.y.ticks()) {
      const y = MARGIN.top + plotH - t.unit * plotH;
      g.beginPath();
      g.moveTo(MARGIN.left, y);
      g.lineTo(MARGIN.left + plotW, y);
      g.stroke();
      g.fillText(t.label, MARGIN.left - 6, y);
    }
    g.fillStyle = theme.foreground;
    g.textAlign = 'center';
    g.textBaseline = 'bottom';
    g.fillText(`${data.x.title}${scales.x.kind === 'log' ? ' (log scale)' : ''}`, MARGIN.left + plotW / 2, height - 4);
    g.save();
    g.translate(12, MARGIN.top + plotH / 2);
    g.rotate(-Math.PI / 2);
    g.textBaseline = 'middle';
    g.fillText(`${data.y.title}${scales.y.kind === 'log' ? ' (log scale)' : ''}`, 0, 0);
    g.restore();

    const matched = new Uint8Array(data.runCount);
    for (const i of data.matched) matched[i] = 1;
    const radius = data.matched.length > 2000 ? 2 : 3.5;
    g.fillStyle = withAlpha(theme.muted, 0.2);
    for (let r = 0; r < data.runCount; r++) if (!matched[r]) this.dot(g, r, 2);
    g.fillStyle = withAlpha(theme.palette[0]!, data.matched.length > 2000 ? 0.5 : 0.85);
    for (const r of data.matched) this.dot(g, r, radius);
    g.strokeStyle = theme.palette[1]!;
    g.lineWidth = 2;
    for (const r of [...data.selected, this.hover]) {
      const p = r >= 0 ? this.pointOf(r) : null;
      if (!p) continue;
      g.beginPath();
      g.arc(p.x, p.y, radius + 3, 0, Math.PI * 2);
      g.stroke();
    }
  }

  private dot(g: CanvasRenderingContext2D, run: number, radius: number): void {
    const p = this.pointOf(run);
    if (!p) return;
    g.fillRect(p.x - radius, p.y - radius, radius * 2, radius * 2);
  }

  private move(x: number, y: number): void {
    let best = -1;
    let bestDistance = 64; // within 8 px
    if (this.data && x >= 0) {
      for (const r of this.data.matched) {
        const p = this.pointOf(r);
        if (!p) continue;
        const d = (p.x - x) ** 2 + (p.y - y) ** 2;
        if (d < bestDistance) {
          bestDistance = d;
          best = r;
        }
      }
    }
    if (best === this.hover) return;
    this.hover = best;
    this.canvas.style.cursor = best >= 0 ? 'pointer' : 'default';
    if (best >= 0 && this.data) {
      const p = this.pointOf(best)!;
      this.tip.textContent = `${String(this.data.names.values[best])} · ${this.data.x.title} ${format(this.data.x.values[best])} · ${this.data.y.title} ${format(this.data.y.values[best])}`;
      this.tip.style.left = `${Math.min(p.x + 10, this.size.width - 220)}px`;
      this.tip.style.top = `${Math.max(0, p.y - 28)}px`;
      this.tip.hidden = false;
    } else this.tip.hidden = true;
    this.redraw();
  }
}

function format(v: unknown): string {
  return typeof v === 'number' ? formatNumber(v) : String(v ?? '—');
}
