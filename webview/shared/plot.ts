// A small 2-D plot frame for the canvas plots (sweep dashboard, Compress & Export): scales over
// raw values (linear, log10 or categories), axes with ticks and titles in theme colors, and the
// mapping from values to pixels.
import type { SweepParamValue } from '../../src/core/webview/contract.ts';
import type { CanvasView } from './canvas.ts';
import { formatNumber } from './dom.ts';

export interface Scale {
  kind: 'linear' | 'log' | 'category';
  /** Position in [0, 1], or null (an empty cell, or ≤ 0 on a log axis). */
  unit(value: SweepParamValue | undefined): number | null;
  ticks(): { unit: number; label: string }[];
}

export function scaleOf(values: readonly (SweepParamValue | undefined)[], options: { log?: boolean; categorical?: boolean; pad?: boolean } = {}): Scale {
  if (options.categorical || values.some((v) => typeof v === 'string' || typeof v === 'boolean')) return categoryScale(values);
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && (!options.log || v > 0));
  const min = numbers.length ? Math.min(...numbers) : 0;
  const max = numbers.length ? Math.max(...numbers) : 1;
  return options.log && numbers.length ? logScale(min, max) : linearScale(min, max, options.pad !== false);
}

export function linearScale(min: number, max: number, pad = true): Scale {
  const extra = min === max ? Math.max(Math.abs(min) * 0.1, 1) : pad ? (max - min) * 0.05 : 0;
  const lo = min - extra;
  const hi = max + extra;
  return {
    kind: 'linear',
    unit: (v) => (typeof v === 'number' && Number.isFinite(v) ? (v - lo) / (hi - lo) : null),
    ticks: () => niceTicks(lo, hi).map((t) => ({ unit: (t - lo) / (hi - lo), label: formatNumber(t, 3) })),
  };
}

function logScale(min: number, max: number): Scale {
  const span = Math.log10(max) - Math.log10(min);
  const extra = span === 0 ? 0.5 : span * 0.05;
  const lo = Math.log10(min) - extra;
  const hi = Math.log10(max) + extra;
  return {
    kind: 'log',
    unit: (v) => (typeof v === 'number' && v > 0 ? (Math.log10(v) - lo) / (hi - lo) : null),
    ticks: () => {
      const ticks: { unit: number; label: string }[] = [];
      const mantissas = hi - lo > 4 ? [1] : hi - lo > 1.5 ? [1, 3] : [1, 2, 5];
      for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
        for (const m of mantissas) {
          const u = (Math.log10(m * 10 ** e) - lo) / (hi - lo);
          if (u >= 0 && u <= 1) ticks.push({ unit: u, label: formatNumber(m * 10 ** e, 3) });
        }
      }
      return ticks;
    },
  };
}

function categoryScale(values: readonly (SweepParamValue | undefined)[]): Scale {
  const categories = [...new Set(values.filter((v) => v !== null && v !== undefined).map(String))]
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const position = new Map(categories.map((c, i) => [c, categories.length === 1 ? 0.5 : 0.08 + (0.84 * i) / (categories.length - 1)]));
  return {
    kind: 'category',
    unit: (v) => (v === null || v === undefined ? null : position.get(String(v)) ?? null),
    ticks: () => (categories.length <= 20 ? categories.map((c) => ({ unit: position.get(c)!, label: c })) : []),
  };
}

export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
  /** Pixel position of a unit position along each axis (y grows upwards). */
  px(ux: number): number;
  py(uy: number): number;
}

export const MARGIN = { top: 12, right: 14, bottom: 40, left: 58 };

/** Draws axes, grid and titles; returns the plot area for the caller's marks. */
export function drawFrame(view: CanvasView, x: Scale, y: Scale, titles: { x: string; y: string }, margin = MARGIN): Frame {
  const { context: g, width, height, theme } = view;
  const frame: Frame = {
    left: margin.left, top: margin.top, width: Math.max(10, width - margin.left - margin.right), height: Math.max(10, height - margin.top - margin.bottom),
    px: (u) => margin.left + u * frame.width,
    py: (u) => margin.top + (1 - u) * frame.height,
  };
  g.save();
  g.font = `11px ${theme.font}`;
  g.lineWidth = 1;
  g.strokeStyle = theme.grid;
  g.fillStyle = theme.muted;
  g.textAlign = 'center';
  g.textBaseline = 'top';
  const xTicks = thin(x.ticks(), frame.width, g);
  for (const t of xTicks) {
    const px = Math.round(frame.px(t.unit)) + 0.5;
    g.beginPath();
    g.moveTo(px, frame.top);
    g.lineTo(px, frame.top + frame.height);
    g.stroke();
    g.fillText(t.label, px, frame.top + frame.height + 4);
  }
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const t of y.ticks()) {
    const py = Math.round(frame.py(t.unit)) + 0.5;
    g.beginPath();
    g.moveTo(frame.left, py);
    g.lineTo(frame.left + frame.width, py);
    g.stroke();
    g.fillText(t.label, frame.left - 5, py);
  }
  g.strokeStyle = theme.muted;
  g.strokeRect(frame.left + 0.5, frame.top + 0.5, frame.width, frame.height);
  g.fillStyle = theme.foreground;
  g.textAlign = 'center';
  g.textBaseline = 'bottom';
  g.fillText(titles.x, frame.left + frame.width / 2, view.height - 2);
  g.save();
  g.translate(11, frame.top + frame.height / 2);
  g.rotate(-Math.PI / 2);
  g.textBaseline = 'middle';
  g.fillText(titles.y, 0, 0);
  g.restore();
  g.restore();
  return frame;
}

/** Drops tick labels that would overlap (every other one, until they fit). */
function thin(ticks: { unit: number; label: string }[], width: number, g: CanvasRenderingContext2D): { unit: number; label: string }[] {
  let kept = ticks;
  const widest = Math.max(0, ...ticks.map((t) => g.measureText(t.label).width)) + 8;
  while (kept.length > 1 && widest * kept.length > width) kept = kept.filter((_, i) => i % 2 === 0);
  return kept;
}

/** A point mark: filled disc, hollow ring, or a cross (failed). */
export function mark(g: CanvasRenderingContext2D, x: number, y: number, shape: 'dot' | 'ring' | 'cross', color: string, radius = 3.5): void {
  g.strokeStyle = color;
  g.fillStyle = color;
  g.lineWidth = 1.5;
  g.beginPath();
  if (shape === 'cross') {
    g.moveTo(x - radius, y - radius);
    g.lineTo(x + radius, y + radius);
    g.moveTo(x + radius, y - radius);
    g.lineTo(x - radius, y + radius);
    g.stroke();
    return;
  }
  g.arc(x, y, radius, 0, Math.PI * 2);
  if (shape === 'dot') g.fill();
  else g.stroke();
}
