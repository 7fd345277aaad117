// Parallel coordinates: one vertical axis per parameter and the objective last, one polyline
// per run, shaded from worst (orange) to best (blue) objective; runs the filter drops are drawn
// faint. Dragging along a numeric axis brushes a range (reported to the app, which writes it into
// the filter); a click on the axis without a drag clears it. Brushes shown come from the filter.
import type { CompareColumn } from '../../src/core/compare/types.ts';
import { withAlpha } from '../shared/theme.ts';
import { mix, sizedCanvas, type CanvasView } from '../shared/canvas.ts';
import { axisScale, type AxisScale } from './scale.ts';

export interface ParallelData {
  axes: CompareColumn[];
  objective: CompareColumn | null;
  /** Run indices passing the filter. */
  matched: readonly number[];
  runCount: number;
  /** Brushed (filter) interval per column id. */
  ranges: ReadonlyMap<string, { min: number; max: number }>;
}

// top: the axis names' line, then room for a tick at the axis' top end, whose label is centred
// on it, to stand clear below the names (at 34 px it touched them).
const MARGIN = { top: 44, bottom: 22, left: 40, right: 60 };
/** Baseline of the axis names. */
const NAME_BASELINE = 16;

/** A text drawn on the plot and its box in CSS pixels (for tests: names read, nothing collides). */
export interface DrawnLabel {
  kind: 'name' | 'tick';
  axis: number;
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}
const SHADES = 8;

export class ParallelCoordinates {
  readonly canvas: HTMLCanvasElement;
  private data: ParallelData | null = null;
  private scales: AxisScale[] = [];
  private drag: { axis: number; from: number; to: number } | null = null;
  private readonly redraw: () => void;
  private layout = { width: 0, height: 0 };
  /** x of the first axis: MARGIN.left or more, so its tick labels fit (set on each draw). */
  private left: number = MARGIN.left;
  /** Room right of the last axis (the objective), whose tick labels sit there (set on each draw). */
  private right: number = MARGIN.right;
  private drawn: DrawnLabel[] = [];

  private readonly onBrush: (column: CompareColumn, range: { min: number; max: number } | null) => void;

  constructor(box: HTMLElement, onBrush: (column: CompareColumn, range: { min: number; max: number } | null) => void) {
    this.onBrush = onBrush;
    const sized = sizedCanvas(box, 'Parallel coordinates of parameters and the objective; drag along an axis to filter', (view) => this.draw(view));
    this.canvas = sized.canvas;
    this.redraw = sized.redraw;
    this.canvas.addEventListener('pointerdown', (e) => this.pointerDown(e));
    this.canvas.addEventListener('pointermove', (e) => this.pointerMove(e));
    this.canvas.addEventListener('pointerup', (e) => this.pointerUp(e));
  }

  update(data: ParallelData): void {
    const sameAxes = this.data && this.data.axes.length === data.axes.length && this.data.axes.every((a, i) => a === data.axes[i]);
    this.data = data;
    if (!sameAxes) this.scales = data.axes.map(axisScale);
    this.redraw();
  }

  /** The axis names and tick labels of the last draw. */
  labels(): readonly DrawnLabel[] {
    return this.drawn;
  }

  /** x of axis i in CSS pixels (public for tests that brush by dragging). */
  axisX(i: number): number {
    const n = Math.max(1, (this.data?.axes.length ?? 1) - 1);
    return this.left + ((this.layout.width - this.left - this.right) * i) / n;
  }

  /** y of a unit position in CSS pixels (0 = bottom of the axis). */
  unitY(unit: number): number {
    return this.layout.height - MARGIN.bottom - unit * (this.layout.height - MARGIN.top - MARGIN.bottom);
  }

  private yUnit(y: number): number {
    return Math.min(1, Math.max(0, (this.layout.height - MARGIN.bottom - y) / (this.layout.height - MARGIN.top - MARGIN.bottom)));
  }

  private draw({ context: g, width, height, theme }: CanvasView): void {
    this.layout = { width, height };
    this.drawn = [];
    const data = this.data;
    g.font = `11px ${theme.font}`;
    if (!data || data.axes.length < 2) {
      g.fillStyle = theme.muted;
      g.fillText('Parallel coordinates need at least one varying parameter and an objective.', MARGIN.left, height / 2);
      return;
    }
    const { axes } = data;
    // Room for the first axis' tick labels ("momentum"), which sit to its left.
    const firstTicks = this.scales[0]?.ticks() ?? [];
    this.left = Math.max(MARGIN.left, 10 + Math.max(0, ...firstTicks.map((t) => g.measureText(tickText(t.label)).width)));
    // The last axis' ticks go on its right, where no line runs (on its left every run's line
    // arrives and crossed them).
    const lastTicks = this.scales[axes.length - 1]?.ticks() ?? [];
    this.right = Math.max(MARGIN.right, 12 + Math.max(0, ...lastTicks.map((t) => g.measureText(tickText(t.label)).width)));
    const worst = theme.palette[1]!;
    const best = theme.palette[0]!;
    const objectiveScale = data.objective ? this.scales[axes.length - 1] : undefined;
    const matched = new Uint8Array(data.runCount);
    for (const i of data.matched) matched[i] = 1;
    // Faint lines first, then the matched ones batched by shade (one path per shade: 10,000 runs stay fast).
    g.lineWidth = 1;
    g.strokeStyle = withAlpha(theme.muted, 0.12);
    g.beginPath();
    for (let r = 0; r < data.runCount; r++) if (!matched[r]) this.tracePolyline(g, r);
    g.stroke();
    const byShade: number[][] = Array.from({ length: SHADES }, () => []);
    for (const r of data.matched) {
      let t = 0.5;
      if (objectiveScale && data.objective) {
        const u = objectiveScale.toUnit(data.objective.values[r] ?? null);
        if (u !== null) t = data.objective.goal === 'min' ? 1 - u : u;
      }
      byShade[Math.min(SHADES - 1, Math.max(0, Math.floor(t * SHADES)))]!.push(r);
    }
    const alpha = data.matched.length > 2000 ? 0.25 : data.matched.length > 200 ? 0.5 : 0.85;
    byShade.forEach((runs, shade) => {
      if (runs.length === 0) return;
      g.strokeStyle = withAlpha(mix(worst, best, shade / (SHADES - 1)), alpha);
      g.lineWidth = data.matched.length > 200 ? 1 : 1.6;
      g.beginPath();
      for (const r of runs) this.tracePolyline(g, r);
      g.stroke();
    });
    axes.forEach((axis, i) => this.drawAxis(g, axis, i, theme));
  }

  private tracePolyline(g: CanvasRenderingContext2D, run: number): void {
    let started = false;
    this.data!.axes.forEach((axis, i) => {
      const u = this.scales[i]!.toUnit(axis.values[run] ?? null);
      if (u === null) {
        started = false;
        return;
      }
      const x = this.axisX(i);
      const y = this.unitY(u);
      if (started) g.lineTo(x, y);
      else g.moveTo(x, y);
      started = true;
    });
  }

  private drawAxis(g: CanvasRenderingContext2D, axis: CompareColumn, i: number, theme: CanvasView['theme']): void {
    const x = this.axisX(i);
    const scale = this.scales[i]!;
    g.strokeStyle = theme.foreground;
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(x, this.unitY(0));
    g.lineTo(x, this.unitY(1));
    g.stroke();
    const last = i === this.data!.axes.length - 1;
    g.fillStyle = theme.muted;
    g.textAlign = last ? 'left' : 'right';
    g.textBaseline = 'middle';
    for (const tick of scale.ticks()) {
      const y = this.unitY(tick.unit);
      g.fillRect(last ? x + 1 : x - 3, y, 3, 1);
      this.text(g, 'tick', i, tickText(tick.label), last ? x + 6 : x - 5, y);
    }
    g.fillStyle = theme.foreground;
    g.textAlign = i === 0 ? 'left' : last ? 'right' : 'center';
    g.textBaseline = 'alphabetic';
    const label = `${shortName(axis.title)}${scale.kind === 'log' ? ' (log)' : ''}`;
    this.text(g, 'name', i, label, i === 0 ? x - 20 : last ? x + 20 : x, NAME_BASELINE);
    const range = this.drag?.axis === i
      ? { from: Math.min(this.drag.from, this.drag.to), to: Math.max(this.drag.from, this.drag.to) }
      : this.brushUnits(axis, scale);
    if (range) {
      const top = this.unitY(range.to);
      const bottom = this.unitY(range.from);
      g.fillStyle = withAlpha(theme.focus, 0.25);
      g.fillRect(x - 7, top, 14, Math.max(2, bottom - top));
      g.strokeStyle = theme.focus;
      g.strokeRect(x - 7, top, 14, Math.max(2, bottom - top));
    }
  }

  /** Draws a text at (x, y) with the context's alignment and records its box. */
  private text(g: CanvasRenderingContext2D, kind: DrawnLabel['kind'], axis: number, text: string, x: number, y: number): void {
    g.fillText(text, x, y);
    const m = g.measureText(text);
    this.drawn.push({ kind, axis, text, left: x - m.actualBoundingBoxLeft, right: x + m.actualBoundingBoxRight, top: y - m.actualBoundingBoxAscent, bottom: y + m.actualBoundingBoxDescent });
  }

  private brushUnits(axis: CompareColumn, scale: AxisScale): { from: number; to: number } | null {
    const range = this.data!.ranges.get(axis.id);
    if (!range || scale.kind === 'category') return null;
    const lo = Number.isFinite(range.min) ? scale.toUnit(range.min) ?? 0 : 0;
    const hi = Number.isFinite(range.max) ? scale.toUnit(range.max) ?? 1 : 1;
    return { from: Math.max(0, lo), to: Math.min(1, hi) };
  }

  private axisAt(x: number): number {
    if (!this.data) return -1;
    for (let i = 0; i < this.data.axes.length; i++) {
      if (Math.abs(this.axisX(i) - x) <= 14 && this.scales[i]!.kind !== 'category') return i;
    }
    return -1;
  }

  private pointerDown(e: PointerEvent): void {
    const axis = this.axisAt(e.offsetX);
    if (axis < 0) return;
    const u = this.yUnit(e.offsetY);
    this.drag = { axis, from: u, to: u };
    this.canvas.setPointerCapture(e.pointerId);
  }

  private pointerMove(e: PointerEvent): void {
    this.canvas.style.cursor = this.drag || this.axisAt(e.offsetX) >= 0 ? 'ns-resize' : 'default';
    if (!this.drag) return;
    this.drag.to = this.yUnit(e.offsetY);
    this.redraw();
  }

  private pointerUp(e: PointerEvent): void {
    const drag = this.drag;
    if (!drag || !this.data) return;
    this.drag = null;
    this.canvas.releasePointerCapture(e.pointerId);
    const axis = this.data.axes[drag.axis]!;
    const scale = this.scales[drag.axis]!;
    // Less than 3 px is a click: it clears the axis' brush.
    if (Math.abs(this.unitY(drag.from) - this.unitY(drag.to)) < 3) {
      this.onBrush(axis, null);
      return;
    }
    const a = scale.fromUnit(Math.min(drag.from, drag.to));
    const b = scale.fromUnit(Math.max(drag.from, drag.to));
    this.onBrush(axis, { min: a, max: b });
  }
}

function shortName(name: string): string {
  return name.length > 22 ? `…${name.slice(-21)}` : name;
}

function tickText(label: string): string {
  return label.length > 12 ? `${label.slice(0, 11)}…` : label;
}
