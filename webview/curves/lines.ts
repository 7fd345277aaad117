// What the Curves chart draws for the shown runs: per run and key a smoothed line (bold; the
// validation one dashed), the raw values faint behind it, the train/validation gap shaded, and
// the fit hints. Pure: a function of the runs, their series and the panel state.
import type { CurvesState, RunRef } from '../../src/core/webview/contract.ts';
import type { LineSpec } from '../shared/chart.ts';
import { withAlpha, type ThemeColors } from '../shared/theme.ts';
import type { CurveColumns } from './columns.ts';
import { fitHint } from './fit-hint.ts';
import { gapSide } from './gap-side.ts';
import { higherIsBetter, type MetricPair } from './pairs.ts';
import { smoothEma, smoothingFor } from './smoothing.ts';

export interface CurveLines {
  lines: LineSpec[];
  hints: string[];
  /** Some series were too short to smooth. */
  unsmoothed: boolean;
  /** Faint raw lines are drawn. */
  faint: boolean;
}

/** A point on the x axis in words, for the fit hints: "epoch 3", "step 150", "42 s". */
export function describeX(axis: CurvesState['x'], x: number): string {
  const value = Number.isInteger(x) ? String(x) : x.toFixed(axis === 'epoch' ? 2 : 0);
  return axis === 'time' ? `${value} s` : `${axis} ${value}`;
}

/** A run's color: its place in the list picks from the theme's palette. */
export function colorAt(index: number, palette: readonly string[]): string {
  return palette[index % palette.length]!;
}

export function curveLines(runs: readonly RunRef[], series: readonly CurveColumns[], state: CurvesState, pair: MetricPair | null, theme: ThemeColors): CurveLines {
  const out: CurveLines = { lines: [], hints: [], unsmoothed: false, faint: false };
  const lines = out.lines;
  runs.forEach((run, index) => {
    const color = colorAt(index, theme.palette);
    const hidden = state.hidden.includes(run.id);
    const ofKey = (key: string) => series.find((s) => s.runId === run.id && s.key === key);
    const add = (s: CurveColumns, role: 'train' | 'val' | 'only'): { index: number; id: string; ys: ArrayLike<number> } => {
      const beta = smoothingFor(state.smoothing, s.ys.length);
      if (beta < state.smoothing) out.unsmoothed = true;
      const smoothed = smoothEma(s.ys, beta);
      const dash = role === 'val' ? [6, 4] : [];
      const id = `${run.id}\u0000${s.key}`;
      // The raw values, faint behind the smoothed curve; a hidden run's would never show.
      if (beta > 0 && !hidden) {
        out.faint = true;
        lines.push({ id: `${id}\u0000raw`, label: `${run.name} · ${s.key} (raw)`, xs: s.xs, ys: s.ys, borderColor: withAlpha(color, 0.25),
          borderWidth: 1, borderDash: dash, quiet: true, plain: true });
      }
      lines.push({ id, label: `${run.name} · ${s.key}`, xs: s.xs, ys: smoothed, borderColor: color, backgroundColor: color, borderDash: dash, hidden, borderWidth: 2 });
      return { index: lines.length - 1, id, ys: smoothed };
    };
    if (pair) {
      const train = ofKey(pair.train);
      const val = ofKey(pair.val);
      const drawnTrain = train ? add(train, 'train') : undefined;
      if (!val) return;
      const drawnVal = add(val, 'val');
      if (!train || !drawnTrain) return;
      // The generalization gap: shaded between the smoothed train and validation curves, in the
      // "worse" color where validation is worse. One side only: one fill, no clipping.
      const better = higherIsBetter(pair.val);
      const aboveColor = withAlpha(better ? theme.palette[2]! : theme.error, 0.14);
      const belowColor = withAlpha(better ? theme.error : theme.palette[2]!, 0.14);
      const side = gapSide({ xs: val.xs, ys: drawnVal.ys }, { xs: train.xs, ys: drawnTrain.ys }, state.logY);
      lines[drawnVal.index]!.fillTo = { id: drawnTrain.id, above: side === 'below' ? belowColor : aboveColor, below: side === 'above' ? aboveColor : belowColor };
      const hint = !hidden ? fitHint(train, val, pair.train, (x) => describeX(state.x, x)) : null;
      // While the run trains the curves are not final: the hint says so ("so far").
      if (hint) out.hints.push(`${run.name}${run.status === 'running' || run.status === 'queued' ? ' (so far, still training)' : ''}: ${hint.message}`);
    } else if (state.metric) {
      const only = ofKey(state.metric);
      if (only) add(only, 'only');
    }
  });
  return out;
}
