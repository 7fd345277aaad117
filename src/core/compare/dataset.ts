// Builds the comparison dataset from the store's runs and metric ranges: run facts, every
// parameter (booleans and lists as text), each metric's last and best value, numeric summary values.
import type { ParamValue } from '../protocol/messages.ts';
import type { JsonValue } from '../spec/types.ts';
import type { MetricRange, Run } from '../store/types.ts';
import { goalOf } from './goal.ts';
import { chooseObjective } from './objective.ts';
import { declaredLogParams, spansDecades } from './log-scale.ts';
import { disambiguateTitles, metricFigureTitle, paramTitles, summaryTitle } from './title.ts';
import type { CellValue, CompareColumn, CompareDataset, ExportRecord } from './types.ts';

/** Objectives tried in order when the spec's search section names none. */
const PREFERRED_OBJECTIVES = ['metric.val.acc.best', 'metric.val.loss.best', 'summary.test.acc', 'metric.train.loss.best'];

/** The column of the runs' tags ('baseline, best-lr'); the filter's tag=baseline matches any one of them. */
export const TAGS_COLUMN = 'run.tags';
export const TAG_SEPARATOR = ', ';

export function buildCompareDataset(runs: readonly Run[], ranges: readonly MetricRange[], tags?: ReadonlyMap<number, readonly string[]>, exports?: ReadonlyMap<number, readonly ExportRecord[]>): CompareDataset {
  const index = new Map(runs.map((run, i) => [run.id, i]));
  const columns: CompareColumn[] = [
    column('run.name', 'name', 'run', runs.map((r) => r.name)),
    column('run.experiment', 'experiment', 'run', runs.map((r) => r.experimentName)),
    column('run.status', 'status', 'run', runs.map((r) => r.status)),
  ];
  if (tags && runs.some((r) => (tags.get(r.id)?.length ?? 0) > 0)) {
    columns.push(column(TAGS_COLUMN, 'tag', 'run', runs.map((r) => (tags.get(r.id)?.length ? tags.get(r.id)!.join(TAG_SEPARATOR) : null)), 'tags'));
  }

  const searches = runs.map((r) => r.params['search']).filter((s) => s !== undefined) as JsonValue[];
  const declaredLog = declaredLogParams(searches);
  const params: CompareColumn[] = [];
  for (const path of keysOf(runs.map((r) => r.params), (key) => key !== 'search')) {
    const col = column(`param.${path}`, path, 'param', runs.map((r) => cell(r.params[path])));
    if (col.type === 'number') col.log = declaredLog.has(path) || spansDecades(col.values.filter((v): v is number => v !== null));
    params.push(col);
  }
  // The parameters that vary are the ones shown: they get the short titles.
  const paramTitle = paramTitles(params.map((c) => c.name), new Set(params.filter((c) => c.varies).map((c) => c.name)));
  for (const col of params) col.title = paramTitle.get(col.name) ?? col.name;
  columns.push(...params);

  const metricKeySet = new Set(ranges.map((r) => r.key));
  const metricKeys = [...metricKeySet].sort();
  for (const key of metricKeys) {
    const goal = goalOf(key);
    const last: CellValue[] = new Array<CellValue>(runs.length).fill(null);
    const best: CellValue[] = new Array<CellValue>(runs.length).fill(null);
    for (const range of ranges) {
      const i = index.get(range.runId);
      if (range.key !== key || i === undefined) continue;
      last[i] = finiteOrNull(range.last);
      if (goal) best[i] = finiteOrNull(goal === 'min' ? range.min : range.max);
    }
    columns.push(withGoal(column(`metric.${key}.last`, `${key}.last`, 'metric', last, metricFigureTitle(key, 'last', metricKeySet)), goal));
    if (goal) columns.push(withGoal(column(`metric.${key}.best`, `${key}.best`, 'metric', best, metricFigureTitle(key, 'best', metricKeySet)), goal));
  }

  const summaries = runs.map((r) => r.summary ?? {});
  for (const key of keysOf(summaries, (key) => key !== 'status')) {
    const values = summaries.map((s) => s[key]);
    if (!values.every((v) => v === undefined || v === null || typeof v === 'number')) continue;
    columns.push(withGoal(column(`summary.${key}`, `summary.${key}`, 'summary', values.map((v) => (typeof v === 'number' ? finiteOrNull(v) : null)), summaryTitle(key)), goalOf(key)));
  }
  if (exports && runs.some((r) => (exports.get(r.id)?.length ?? 0) > 0)) columns.push(...exportColumns(runs, exports));
  disambiguateTitles(columns);

  const objective = defaultObjective(columns, searches);
  // A diverged run's objective is not a result (its accuracy was measured on the weights kept
  // from before the NaN): it is empty, so best-first puts the run last and nothing ranks it best.
  const objectiveColumn = columns.find((c) => c.id === objective);
  if (objectiveColumn) runs.forEach((run, i) => { if (run.status === 'diverged') objectiveColumn.values[i] = null; });
  return { runIds: runs.map((r) => r.id), columns, objective };
}

/**
 * What `hyperlab export` recorded for each run: its variants' labels (newest export last), the
 * smallest model file (kB) and the best test accuracy among them, so runs compare by how well
 * they compress as well as by how well they trained.
 */
function exportColumns(runs: readonly Run[], exports: ReadonlyMap<number, readonly ExportRecord[]>): CompareColumn[] {
  const of = (run: Run) => exports.get(run.id) ?? [];
  const labels = runs.map((r) => (of(r).length ? [...new Set(of(r).map((e) => e.label))].join(TAG_SEPARATOR) : null));
  const smallest = runs.map((r) => (of(r).length ? Math.min(...of(r).map((e) => e.bytes)) / 1000 : null));
  const bestAcc = runs.map((r) => (of(r).length ? Math.max(...of(r).map((e) => e.testAcc)) : null));
  return [
    column('export.variants', 'export.variants', 'run', labels, 'exports'),
    withGoal(column('export.kB.smallest', 'export.kB.smallest', 'summary', smallest, 'export kB · smallest'), 'min'),
    withGoal(column('export.test.acc.best', 'export.test.acc.best', 'summary', bestAcc, 'export test acc · best'), 'max'),
  ];
}

function column(id: string, name: string, kind: CompareColumn['kind'], values: CellValue[], title = name): CompareColumn {
  const present = values.filter((v) => v !== null);
  const type = present.length > 0 && present.every((v) => typeof v === 'number') ? 'number' : 'text';
  const first = values[0];
  return { id, name, title, kind, type, values, varies: values.some((v) => v !== first) };
}

function withGoal(col: CompareColumn, goal: CompareColumn['goal']): CompareColumn {
  if (goal) col.goal = goal;
  return col;
}

/** A parameter as a table cell: numbers and text as they are, anything else as its JSON text. */
export function cell(value: ParamValue | undefined): CellValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Every key of the records, in first-seen order (the spec's own order reads best). */
function keysOf(records: readonly { [key: string]: unknown }[], keep: (key: string) => boolean): string[] {
  const seen = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) if (keep(key)) seen.add(key);
  return [...seen];
}

function defaultObjective(columns: readonly CompareColumn[], searches: readonly JsonValue[]): string | null {
  const ids = new Set(columns.filter((c) => c.type === 'number').map((c) => c.id));
  // The same rule as the Run Explorer and runs ls (objective.ts), on the keys the runs report.
  const metricKeys = new Set(columns.filter((c) => c.kind === 'metric').map((c) => c.name.replace(/\.(last|best)$/, '')));
  const chosen = chooseObjective(metricKeys, searches.find((s) => s !== null && s !== undefined) as ParamValue | undefined);
  if (chosen && ids.has(`metric.${chosen.key}.best`)) return `metric.${chosen.key}.best`;
  if (chosen && ids.has(`summary.${chosen.key}`)) return `summary.${chosen.key}`;
  const preferred = PREFERRED_OBJECTIVES.find((id) => ids.has(id));
  if (preferred) return preferred;
  return columns.find((c) => c.kind === 'metric' && c.type === 'number')?.id ?? null;
}
