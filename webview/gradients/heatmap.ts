// The layer × step heatmap of log10 gradient norms on a plain canvas: one row per layer, one
// column per sampled step, colors interpolated between two theme colors (low → high), grey
// where a value is missing. Redrawn on resize and theme change.
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

export function drawHeatmap(canvas: HTMLCanvasElement, data: HeatmapData): { lo: number; hi: number } {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const labelWidth = 90;
  const rowHeight = 22;
  const height = Math.max(rowHeight, data.layers.length * rowHeight) + 18;
  canvas.style.height = `${height}px`;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const low = rgb(resolveColor('var(--vscode-charts-blue, #3794ff)'));
  const high = rgb(resolveColor('var(--vscode-charts-red, #f14c4c)'));
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
        const t = Math.min(1, Math.max(0, (Math.log10(v) - range.lo) / (range.hi - range.lo)));
        const c = low.map((l, k) => Math.round(l + (high[k]! - l) * t));
        ctx.fillStyle = `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
      }
      ctx.fillRect(labelWidth + i * cell, y + 1, Math.ceil(cell), rowHeight - 2);
    }
  });
  ctx.fillStyle = text;
  if (n > 0) {
    ctx.fillText(`step ${data.steps[0]}`, labelWidth, height - 8);
    const last = `step ${data.steps[n - 1]}`;
    ctx.fillText(last, width - ctx.measureText(last).width - 2, height - 8);
  }
  return range;
}
