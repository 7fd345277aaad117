// The comparison dataset: one row per run, one column per parameter, metric figure or summary
// value, stored column-wise (10,000 runs × a few dozen columns travel to the webview as arrays).
export type CellValue = number | string | null;
export type ColumnKind = 'run' | 'param' | 'metric' | 'summary';
/** Which way a metric improves; null where its name says nothing (e.g. lr). */
export type Goal = 'min' | 'max';

export interface CompareColumn {
  /** Stable and unique: 'run.name', 'param.train.optimizer.lr', 'metric.val.loss.best', 'summary.test.acc'. */
  id: string;
  /** The key: what a person types in the filter and sees in tooltips: 'train.optimizer.lr', 'val.loss.best'. */
  name: string;
  /** What headers, plot axes and pickers show: 'lr', 'val loss · best', 'test acc' (see title.ts). */
  title: string;
  kind: ColumnKind;
  type: 'number' | 'text';
  /** One value per run, in CompareDataset.runIds order. */
  values: CellValue[];
  /** False when every run has the same value (hidden by default: it explains nothing). */
  varies: boolean;
  /** Parameters: plotted on log axes (declared log in the spec's search section, or positive over ≥ 2 decades). */
  log?: boolean;
  /** Metric and summary columns whose name tells which way is better. */
  goal?: Goal;
}

/** One exported model of a run (an 'export' artifact's meta), as Comparison shows it. */
export interface ExportRecord {
  label: string;
  bytes: number;
  testAcc: number;
}

export interface CompareDataset {
  runIds: number[];
  columns: CompareColumn[];
  /** The column to explain by default (importance, parallel coordinates' last axis), or null without metrics. */
  objective: string | null;
}
