// Axis scales for the comparison canvases: linear, log10 (log-scaled parameters) or categories
// (text values, evenly spaced). Unit space is [0, 1] along the axis; domains come from every run,
// so brushing or filtering never moves an axis under the pointer.
import type { CellValue, CompareColumn } from '../../src/core/compare/types.ts';
import { formatNumber } from '../shared/dom.ts';
import { niceTicks } from '../shared/plot.ts';

export interface AxisScale {
  kind: 'linear' | 'log' | 'category';
  /** Position in [0, 1], or null for an empty cell (or ≤ 0 on a log axis). */
  toUnit(value: CellValue): number | null;
  /** The value at a position (numeric axes). */
  fromUnit(unit: number): number;
  ticks(): { unit: number; label: string }[];
}

export function axisScale(column: CompareColumn): AxisScale {
  if (column.type === 'text') return categoryScale(column.values);
  const numbers = column.values.filter((v): v is number => typeof v === 'number' && (!column.log || v > 0));
  if (column.log && numbers.length > 0) return logScale(Math.min(...numbers), Math.max(...numbers));
  return linearScale(numbers.length ? Math.min(...numbers) : 0, numbers.length ? Math.max(...numbers) : 1);
}

function linearScale(min: number, max: number): AxisScale {
  const pad = min === max ? Math.max(Math.abs(min) * 0.1, 1) : (max - min) * 0.04;
  const lo = min - pad;
  const hi = max + pad;
  return {
    kind: 'linear',
    toUnit: (v) => (typeof v === 'number' ? (v - lo) / (hi - lo) : null),
    fromUnit: (u) => lo + u * (hi - lo),
    ticks: () => niceTicks(lo, hi).map((t) => ({ unit: (t - lo) / (hi - lo), label: formatNumber(t, 3) })),
  };
}

function logScale(min: number, max: number): AxisScale {
  const span = Math.log10(max) - Math.log10(min);
  const pad = span === 0 ? 0.5 : span * 0.04;
  const lo = Math.log10(min) - pad;
  const hi = Math.log10(max) + pad;
  return {
    kind: 'log',
    toUnit: (v) => (typeof v === 'number' && v > 0 ? (Math.log10(v) - lo) / (hi - lo) : null),
    fromUnit: (u) => 10 ** (lo + u * (hi - lo)),
    ticks: () => {
      const ticks: { unit: number; label: string }[] = [];
      const steps = hi - lo > 4 ? [1] : hi - lo > 1.5 ? [1, 3] : [1, 2, 5];
      for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
        for (const m of steps) {
          const u = (Math.log10(m * 10 ** e) - lo) / (hi - lo);
          if (u >= 0 && u <= 1) ticks.push({ unit: u, label: formatNumber(m * 10 ** e, 3) });
        }
      }
      return ticks;
    },
  };
}

function categoryScale(values: readonly CellValue[]): AxisScale {
  const categories = [...new Set(values.filter((v) => v !== null).map(String))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const position = new Map(categories.map((c, i) => [c, categories.length === 1 ? 0.5 : 0.06 + (0.88 * i) / (categories.length - 1)]));
  return {
    kind: 'category',
    toUnit: (v) => (v === null ? null : position.get(String(v)) ?? null),
    fromUnit: (u) => u,
    ticks: () => (categories.length <= 24 ? categories.map((c) => ({ unit: position.get(c)!, label: c })) : []),
  };
}

export { niceTicks } from '../shared/plot.ts';
