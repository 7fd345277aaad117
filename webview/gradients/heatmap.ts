// The layer × step heatmap of log10 gradient norms on a plain canvas: one row per layer, one
// column per sampled step, colors on a three-stop ramp of theme colors (blue → yellow → red: low,
// middle, high; two stops met in a muddy grey-purple that read as washed out on dark themes),
// grey where a value is missing, and a color bar with real gradient-norm ticks under the rows.
// Redrawn on resize and theme change.
import type { LayerSeries } from '../../src/core/webview/contract.ts';
import { resolveColor } from '../shared/theme.ts';

export interface HeatmapData { steps: number[]; layers: LayerSeries[] }

function rgb(color: string): [number, number, number] {
  const m = /(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)/.exec(color);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [128, 128, 128];
}

export function logRange(layers: readonly LayerSeries[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of layers) for (const v of l.gradNorm) if (v !== null && v > 0) { const x = Math.log10(v); lo = Math.min(lo, x); hi = Math.max(hi, x); }
  return lo <= hi ? { lo, hi: hi > lo ? hi : lo + 1 } : { lo: 0, hi: 1 };
}

/** Ticks for the color bar: decades (thinned to at most 6), or 1-2-5 steps inside one decade. */
export function legendTicks(lo: number, hi: number): number[] {
  const decades: number[] = [];
  for (let e = Math.ceil(lo - 1e-9); e <= Math.floor(hi + 1e-9); e++) decades.push(10 ** e);
  if (decades.length >= 2) {
    const every = Math.ceil(decades.length / 6);
    return decades.filter((_, i) => i % every === 0);
  }
  const ticks: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9) ticks.push(v);
    }
  }
  return ticks.length >= 2 ? ticks : [10 ** lo, 10 ** hi];
}

/** A gradient norm as a tick label: 1e-4 … 1e+3 in exponent form, 0.2 … 500 plainly. */
export function formatNorm(v: number): string {
  if (v !== 0 && (Math.abs(v) < 0.01 || Math.abs(v) >= 1000)) {
    const digits = Number(v.toExponential(0)) === v ? 0 : 1;
    return v.toExponential(digits).replace('e+', 'e');
  }
  return Number(v.toPrecision(3)).toString();
}

const LEGEND_HEIGHT = 34;

export function drawHeatmap(canvas: HTMLCanvasElement, data: HeatmapData): { lo: number; hi: number } {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const labelWidth = 90;
  const rowHeight = 22;
  const height = Math.max(rowHeight, data.layers.length * rowHeight) + 18 + LEGEND_HEIGHT;
  canvas.style.height = `${height}px`;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const stops = [rgb(resolveColor('var(--vscode-charts-blue, #3794ff)')), rgb(resolveColor('var(--vscode-charts-yellow, #cca700)')), rgb(resolveColor('var(--vscode-charts-red, #f14c4c)'))];
  const colorAt = (t: number) => {
    const scaled = Math.min(1, Math.max(0, t)) * 2;
    const k = Math.min(1, Math.floor(scaled));
    const f = scaled - k;
    const c = stops[k]!.map((l, i) => Math.round(l + (stops[k + 1]![i]! - l) * f));
    return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
  };
  const missing = resolveColor('var(--vscode-disabledForeground, #888888)');
  const text = resolveColor('var(--vscode-descriptionForeground, #999999)');
  const range = logRange(data.layers);
  const n = data.steps.length;
  const cell = n > 0 ? (width - labelWidth) / n : 0;
  ctx.font = `11px ${getComputedStyle(document.body).getPropertyValue('--vscode-font-family') || 'sans-serif'}`;
  ctx.textBaseline = 'middle';
  data.layers.forEach((layer, row) => {
    const y = row * rowHeight;
    ctx.fillStyle = text;
    ctx.fillText(layer.name.length > 12 ? `${layer.name.slice(0, 11)}…` : layer.name, 2, y + rowHeight / 2);
    for (let i = 0; i < n; i++) {
      const v = layer.gradNorm[i];
      if (v === null || v === undefined || v <= 0) {
        ctx.fillStyle = missing;
      } else {
        ctx.fillStyle = colorAt((Math.log10(v) - range.lo) / (range.hi - range.lo));
      }
      ctx.fillRect(labelWidth + i * cell, y + 1, Math.ceil(cell), rowHeight - 2);
    }
  });
  ctx.fillStyle = text;
  const rowsBottom = height - LEGEND_HEIGHT;
  if (n > 0) {
    ctx.fillText(`step ${data.steps[0]}`, labelWidth, rowsBottom - 8);
    const last = `step ${data.steps[n - 1]}`;
    ctx.fillText(last, width - ctx.measureText(last).width - 2, rowsBottom - 8);
    drawLegend(ctx, { x: labelWidth, y: rowsBottom + 4, width: Math.min(360, width - labelWidth - 8) }, range, colorAt, text, missing);
  }
  return range;
}

/** The color bar: the ramp over the plotted range with gradient-norm ticks, and the grey swatch. */
function drawLegend(ctx: CanvasRenderingContext2D, box: { x: number; y: number; width: number }, range: { lo: number; hi: number },
  colorAt: (t: number) => string, text: string, missing: string): void {
  const barHeight = 8;
  for (let i = 0; i < box.width; i++) {
    ctx.fillStyle = colorAt(i / Math.max(1, box.width - 1));
    ctx.fillRect(box.x + i, box.y, 1, barHeight);
  }
  ctx.fillStyle = text;
  ctx.strokeStyle = text;
  ctx.textBaseline = 'top';
  for (const tick of legendTicks(range.lo, range.hi)) {
    const x = box.x + ((Math.log10(tick) - range.lo) / (range.hi - range.lo)) * box.width;
    ctx.beginPath();
    ctx.moveTo(Math.round(x) + 0.5, box.y + barHeight);
    ctx.lineTo(Math.round(x) + 0.5, box.y + barHeight + 3);
    ctx.stroke();
    const label = formatNorm(tick);
    ctx.fillText(label, Math.min(box.x + box.width - ctx.measureText(label).width / 2, Math.max(box.x + ctx.measureText(label).width / 2, x)) - ctx.measureText(label).width / 2, box.y + barHeight + 4);
  }
  ctx.fillStyle = missing;
  ctx.fillRect(box.x + box.width + 16, box.y, 12, barHeight);
  ctx.fillStyle = text;
  ctx.fillText('not reported', box.x + box.width + 32, box.y - 1);
  ctx.textBaseline = 'middle';
}
