// The one chart.js wrapper the panels use: line charts over a linear x axis with decimation on,
// theme colors from VS Code (re-applied when the theme changes), linear or log y, zoom and pan
// on x by wheel, drag and keyboard (chart.js scale limits, no plugin), and a tooltip that shows
// every visible series' value nearest the cursor's x (series may have different x samples).
import {
  Chart, Decimation, Filler, Interaction, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip,
  type ChartDataset, type ChartEvent, type InteractionItem, type InteractionModeFunction, type TooltipItem,
} from 'chart.js';
import { drawOverlay, overlayExtent, type PlainLine, type Shade } from './chart-overlay.ts';
import { onThemeChange, readTheme, type ThemeColors } from './theme.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Decimation, Filler);

declare module 'chart.js' {
  interface InteractionModeMap {
    nearestPerDataset: InteractionModeFunction;
  }
}

export interface XY { x: number; y: number }
export type LineDataset = ChartDataset<'line', XY[]> & { /** not listed in the tooltip */ quiet?: boolean };

/**
 * One line given as columns (x and y of equal length). `id` names it across updates: a line
 * drawn again under the same id keeps its chart.js dataset, elements and point objects.
 * `fillTo` shades between this line and the line with that id (colors where this one is above
 * or below it). `plain` lines are context only (faint raw values): stroked straight onto the
 * canvas behind the datasets, with no chart.js elements, hover or tooltip; the axes still
 * cover them.
 */
export type LineSpec = Omit<LineDataset, 'data' | 'fill'> & {
  id: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  fillTo?: { id: string; above: string; below: string };
  plain?: boolean;
};

/** What setLines keeps per id: the dataset chart.js knows, its full-resolution points, and the
 *  style keys last set (so a key dropped from the spec, such as fill, is removed). */
interface KeptLine {
  dataset: LineDataset;
  points: XY[];
  styleKeys: string[];
}

/** For each visible series, its point nearest the cursor's x (data sorted by x). */
const nearestPerDataset: InteractionModeFunction = (chart, event) => {
  const scale = chart.scales['x'];
  if (!scale || event.x === null || event.x === undefined) return [];
  const x = scale.getValueForPixel(event.x);
  if (x === undefined || x < scale.min || x > scale.max) return [];
  const items: InteractionItem[] = [];
  chart.data.datasets.forEach((dataset, datasetIndex) => {
    if (!chart.isDatasetVisible(datasetIndex) || (dataset as LineDataset).quiet) return;
    const data = dataset.data as XY[];
    const index = nearestIndex(data, x);
    const element = chart.getDatasetMeta(datasetIndex).data[index];
    if (index >= 0 && element && Number.isFinite(data[index]!.y)) items.push({ element, datasetIndex, index });
  });
  return items;
};
Interaction.modes.nearestPerDataset = nearestPerDataset;

export function nearestIndex(data: readonly XY[], x: number): number {
  if (data.length === 0) return -1;
  let lo = 0;
  let hi = data.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (data[mid]!.x < x) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && Math.abs(data[lo - 1]!.x - x) <= Math.abs(data[lo]!.x - x) ? lo - 1 : lo;
}

export interface LineChartOptions {
  xLabel: string;
  yLabel?: string;
  logY?: boolean;
  /** Formats x values (ticks and tooltip title). */
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
  /** Only whole-number ticks on x (steps: "0.5" of a step means nothing). */
  integerX?: boolean;
  /** Called after a zoom, pan or reset (e.g. to save state). */
  onViewChange?: (range: { min: number; max: number } | null) => void;
}

const charts = new Set<LineChart>();
let stopWatchingTheme: (() => void) | undefined;
const themeListeners = new Set<(theme: ThemeColors) => void>();

/** Runs `listener` after every theme change (after all charts re-themed). */
export function onChartTheme(listener: (theme: ThemeColors) => void): void {
  themeListeners.add(listener);
  watchTheme();
}

function watchTheme(): void {
  stopWatchingTheme ??= onThemeChange((theme) => {
    for (const chart of charts) chart.applyTheme(theme);
    for (const listener of themeListeners) listener(theme);
  });
}

export const defaultFormat = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
};

/**
 * One number format for all of an axis' ticks: exponent notation for every tick when any tick
 * needs it (|v| < 1e-3 or ≥ 1e6), plain decimals otherwise, so an axis never reads "8.00e-4, 0.001".
 */
export function tickFormatter(values: readonly number[]): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
  const exponent = finite.some((v) => Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6);
  if (!exponent) return (v) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));
  // As few mantissa digits as write every tick exactly (1e-4, 2e-4 … or 1.5e-4, 2.0e-4 where needed).
  for (let digits = 0; digits <= 3; digits++) {
    if (finite.every((v) => Math.abs(Number(v.toExponential(digits)) - v) <= Math.abs(v) * 1e-6)) {
      return (v) => (v === 0 ? '0' : Number.isFinite(v) ? v.toExponential(digits) : String(v));
    }
  }
  return (v) => (v === 0 ? '0' : v.toExponential(3));
}

export class LineChart {
  readonly chart: Chart<'line', XY[]>;
  readonly canvas: HTMLCanvasElement;
  private options: LineChartOptions;
  private zoomed: { min: number; max: number } | null = null;
  private drag: { x: number; min: number; max: number } | null = null;
  private kept = new Map<string, KeptLine>();
  private plain: PlainLine[] = [];
  private shades: Shade[] = [];

  constructor(canvas: HTMLCanvasElement, options: LineChartOptions) {
    this.canvas = canvas;
    this.options = options;
    const theme = readTheme();
    const formatX = options.formatX ?? defaultFormat;
    const formatY = options.formatY ?? defaultFormat;
    this.chart = new Chart<'line', XY[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      plugins: [{ id: 'hyperlabOverlay', beforeDatasetsDraw: (chart) => drawOverlay(chart, this.shades, this.plain) }],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        spanGaps: true,
        interaction: { mode: 'nearestPerDataset', intersect: false },
        elements: { point: { radius: 0, hoverRadius: 3 }, line: { borderWidth: 1.5, tension: 0 } },
        scales: {
          x: { type: 'linear', title: { display: true, text: options.xLabel }, ticks: { maxTicksLimit: 8, ...(options.integerX ? { precision: 0 } : {}), callback: (v) => formatX(Number(v)) } },
          y: { type: options.logY ? 'logarithmic' : 'linear', title: { display: !!options.yLabel, text: options.yLabel ?? '' }, ticks: { maxTicksLimit: 8,
            callback: options.formatY ? (v) => formatY(Number(v)) : (v, _index, ticks) => tickFormatter(ticks.map((t) => t.value))(Number(v)) } },
        },
        plugins: {
          decimation: { enabled: true, algorithm: 'min-max' },
          legend: { display: false },
          tooltip: {
            enabled: true,
            callbacks: {
              title: (items: TooltipItem<'line'>[]) => (items[0] ? `${options.xLabel} ${formatX((items[0].raw as XY).x)}` : ''),
              label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${formatY((item.raw as XY).y)}${(item.raw as XY).x !== (item.chart.tooltip?.dataPoints?.[0]?.raw as XY | undefined)?.x ? ` (at ${formatX((item.raw as XY).x)})` : ''}`,
            },
          },
        },
      },
    });
    this.applyTheme(theme);
    charts.add(this);
    watchTheme();
    this.bindZoomPan();
  }

  setDatasets(datasets: LineDataset[]): void {
    this.kept.clear();
    this.plain = [];
    this.shades = [];
    this.chart.data.datasets = datasets;
    this.refresh();
  }

  /**
   * Draws these lines, in this order, updating in place: a line whose id was drawn before keeps
   * its dataset object, so chart.js reuses its elements, and its {x, y} objects are rewritten
   * rather than allocated (a live update of thousands of points then creates almost no garbage).
   */
  setLines(lines: readonly LineSpec[]): void {
    const next = new Map<string, KeptLine>();
    const datasets: LineDataset[] = [];
    const plain: PlainLine[] = [];
    const shades: Shade[] = [];
    const indexOf = new Map<string, number>();
    const byId = new Map<string, LineSpec>();
    for (const line of lines) {
      byId.set(line.id, line);
      if (!line.plain) indexOf.set(line.id, indexOf.size);
    }
    for (const { id, xs, ys, fillTo, plain: isPlain, ...rest } of lines) {
      if (isPlain) {
        if (!rest.hidden) plain.push({ label: rest.label ?? id, xs, ys, color: String(rest.borderColor ?? ''), width: Number(rest.borderWidth ?? 1), dash: Array.isArray(rest.borderDash) ? [...(rest.borderDash as number[])] : [] });
        continue;
      }
      const target = fillTo ? indexOf.get(fillTo.id) : undefined;
      let style: Omit<LineDataset, 'data'> = rest;
      if (fillTo && target !== undefined) {
        const other = byId.get(fillTo.id)!;
        // One color: a plain polygon between the two lines (no clip, none of the Filler's
        // segment work); two colors need chart.js' fill, which clips each side to the target.
        if (fillTo.above === fillTo.below) {
          if (!rest.hidden && !other.hidden) shades.push({ id, source: { xs, ys }, target: { xs: other.xs, ys: other.ys }, color: fillTo.above });
        } else {
          style = { ...rest, fill: { target, above: fillTo.above, below: fillTo.below } };
        }
      }
      const kept = this.kept.get(id) ?? { dataset: { data: [] } as LineDataset, points: [], styleKeys: [] };
      const dataset = kept.dataset as unknown as Record<string, unknown>;
      for (const key of kept.styleKeys) if (!(key in style)) delete dataset[key];
      Object.assign(dataset, style);
      kept.styleKeys = Object.keys(style);
      writePoints(kept.points, xs, ys);
      // Assigned, not mutated through dataset.data: while chart.js decimates a dataset, `data`
      // is its decimated copy and this setter hands the full points to the decimation plugin.
      kept.dataset.data = kept.points;
      next.set(id, kept);
      datasets.push(kept.dataset);
    }
    this.kept = next;
    this.plain = plain;
    this.shades = shades;
    this.chart.data.datasets = datasets;
    this.refresh();
  }

  /** Whether the line with this id has its gap to another line shaded (by chart.js or the overlay). */
  isFilled(id: string): boolean {
    const dataset = this.kept.get(id)?.dataset;
    return this.shades.some((shade) => shade.id === id) || (dataset?.fill !== undefined && dataset.fill !== false);
  }

  /** The ids of the chart.js datasets, in order. */
  get lineIds(): string[] {
    return [...this.kept.keys()];
  }

  /** The plain lines drawn now (shown runs only). */
  get plainLines(): readonly PlainLine[] {
    return this.plain;
  }

  setLogY(logY: boolean): void {
    const y = this.chart.options.scales!['y']!;
    (y as { type: string }).type = logY ? 'logarithmic' : 'linear';
    this.refresh();
  }

  setXLabel(label: string, formatX?: (x: number) => string): void {
    this.options = { ...this.options, xLabel: label, ...(formatX ? { formatX } : {}) };
    const x = this.chart.options.scales!['x']!;
    x.title = { ...x.title, display: true, text: label } as typeof x.title;
    const fmt = formatX ?? defaultFormat;
    x.ticks = { ...x.ticks, callback: (v) => fmt(Number(v)) } as typeof x.ticks;
    const tooltip = this.chart.options.plugins!.tooltip!;
    tooltip.callbacks = { ...tooltip.callbacks, title: (items) => (items[0] ? `${label} ${fmt((items[0].raw as XY).x)}` : '') };
    this.refresh();
  }

  /** The y axis' title (hidden when empty); redraws only when it changes. */
  setYLabel(label: string): void {
    const y = this.chart.options.scales!['y']!;
    if (y.title?.text === label && y.title.display === (label !== '')) return;
    y.title = { ...y.title, display: label !== '', text: label } as typeof y.title;
    this.refresh();
  }

  get yLabel(): string {
    const title = this.chart.options.scales!['y']!.title;
    return title?.display ? String(title.text ?? '') : '';
  }

  get isLogY(): boolean {
    return (this.chart.options.scales!['y'] as { type?: string }).type === 'logarithmic';
  }

  /** The x range shown when zoomed, null when showing everything. */
  get xRange(): { min: number; max: number } | null {
    return this.zoomed;
  }

  /** Zooms x by `factor` (<1 zooms in) around x value `center` (default: the middle). */
  zoomX(factor: number, center?: number): void {
    const { min, max } = this.currentRange();
    const c = center ?? (min + max) / 2;
    const full = this.dataExtent();
    let lo = c - (c - min) * factor;
    let hi = c + (max - c) * factor;
    if (full && hi - lo >= full.max - full.min) return this.resetZoom();
    if (hi - lo <= 1e-9) return;
    if (full) [lo, hi] = clampWindow(lo, hi, full.min, full.max);
    this.setRange({ min: lo, max: hi });
  }

  /** Pans x by a fraction of the visible width (positive: to larger x). */
  panX(fraction: number): void {
    if (!this.zoomed) return;
    const { min, max } = this.zoomed;
    const shift = (max - min) * fraction;
    const full = this.dataExtent();
    const [lo, hi] = full ? clampWindow(min + shift, max + shift, full.min, full.max) : [min + shift, max + shift];
    this.setRange({ min: lo, max: hi });
  }

  resetZoom(): void {
    this.setRange(null);
  }

  setRange(range: { min: number; max: number } | null): void {
    this.zoomed = range;
    const x = this.chart.options.scales!['x']!;
    x.min = range?.min;
    x.max = range?.max;
    this.refresh();
    this.options.onViewChange?.(range);
  }

  applyTheme(theme: ThemeColors): void {
    const o = this.chart.options;
    o.color = theme.foreground;
    o.borderColor = theme.grid;
    o.font = { ...o.font, family: theme.font };
    for (const axis of ['x', 'y'] as const) {
      const scale = o.scales![axis]!;
      scale.grid = { ...scale.grid, color: theme.grid };
      scale.border = { ...scale.border, color: theme.grid };
      scale.ticks = { ...scale.ticks, color: theme.muted };
      if (scale.title) (scale.title as { color?: string }).color = theme.muted;
    }
    const tooltip = o.plugins!.tooltip!;
    Object.assign(tooltip, { backgroundColor: theme.background, titleColor: theme.foreground, bodyColor: theme.foreground, borderColor: theme.grid, borderWidth: 1 });
    this.refresh();
  }

  /** Redraws now. The axes' suggested ranges are set first so they also cover the plain lines. */
  private refresh(): void {
    this.coverPlainLines();
    this.chart.update('none');
  }

  /** chart.js sizes the axes from its datasets; the plain lines widen them (see overlayExtent). */
  private coverPlainLines(): void {
    const scales = this.chart.options.scales!;
    const x = scales['x']!;
    const y = scales['y']!;
    const extent = overlayExtent(this.plain, typeof x.min === 'number' ? x.min : undefined, typeof x.max === 'number' ? x.max : undefined, this.isLogY);
    x.suggestedMin = extent?.xMin;
    x.suggestedMax = extent?.xMax;
    y.suggestedMin = extent?.yMin;
    y.suggestedMax = extent?.yMax;
  }

  destroy(): void {
    charts.delete(this);
    this.chart.destroy();
  }

  private currentRange(): { min: number; max: number } {
    if (this.zoomed) return this.zoomed;
    const scale = this.chart.scales['x'];
    return scale ? { min: scale.min, max: scale.max } : { min: 0, max: 1 };
  }

  private dataExtent(): { min: number; max: number } | null {
    let min = Infinity;
    let max = -Infinity;
    for (const line of this.plain) {
      if (line.xs.length === 0) continue;
      min = Math.min(min, line.xs[0]!);
      max = Math.max(max, line.xs[line.xs.length - 1]!);
    }
    for (const d of this.chart.data.datasets) {
      const data = d.data;
      if (data.length === 0) continue;
      min = Math.min(min, data[0]!.x);
      max = Math.max(max, data[data.length - 1]!.x);
    }
    return min < max ? { min, max } : null;
  }

  private bindZoomPan(): void {
    const canvas = this.canvas;
    canvas.tabIndex = 0;
    canvas.setAttribute('role', 'img');
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const center = this.chart.scales['x']?.getValueForPixel(e.offsetX);
      this.zoomX(Math.exp(Math.sign(e.deltaY) * Math.min(Math.abs(e.deltaY), 200) * 0.002), center);
    }, { passive: false });
    canvas.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || !this.zoomed) return;
      canvas.setPointerCapture(e.pointerId);
      this.drag = { x: e.offsetX, ...this.zoomed };
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.drag) return;
      const area = this.chart.chartArea;
      const perPixel = (this.drag.max - this.drag.min) / Math.max(1, area.right - area.left);
      const shift = -(e.offsetX - this.drag.x) * perPixel;
      const full = this.dataExtent();
      const [lo, hi] = full ? clampWindow(this.drag.min + shift, this.drag.max + shift, full.min, full.max) : [this.drag.min + shift, this.drag.max + shift];
      this.setRange({ min: lo, max: hi });
    });
    const endDrag = () => { this.drag = null; };
    canvas.addEventListener('pointerup', endDrag);
    canvas.addEventListener('pointercancel', endDrag);
    canvas.addEventListener('dblclick', () => this.resetZoom());
    canvas.addEventListener('keydown', (e) => {
      const actions: Record<string, () => void> = {
        '+': () => this.zoomX(0.8), '=': () => this.zoomX(0.8), '-': () => this.zoomX(1.25),
        ArrowLeft: () => this.panX(-0.1), ArrowRight: () => this.panX(0.1), '0': () => this.resetZoom(), Escape: () => this.resetZoom(),
      };
      const action = actions[e.key];
      if (action) {
        e.preventDefault();
        action();
      }
    });
  }
}

/** Rewrites `points` to hold (xs[i], ys[i]), reusing its objects; grows or shrinks it to fit. */
function writePoints(points: XY[], xs: ArrayLike<number>, ys: ArrayLike<number>): void {
  const n = Math.min(xs.length, ys.length);
  const reused = Math.min(n, points.length);
  for (let i = 0; i < reused; i++) {
    const point = points[i]!;
    point.x = xs[i]!;
    point.y = ys[i]!;
  }
  // Index writes, not push: chart.js patches push on a dataset's data array and would queue an
  // element insertion per point; it re-syncs its elements to the length at the next update.
  for (let i = reused; i < n; i++) points[i] = { x: xs[i]!, y: ys[i]! };
  points.length = n;
}

function clampWindow(lo: number, hi: number, min: number, max: number): [number, number] {
  const width = hi - lo;
  if (lo < min) return [min, min + width];
  if (hi > max) return [max - width, max];
  return [lo, hi];
}

export type { ChartEvent };
