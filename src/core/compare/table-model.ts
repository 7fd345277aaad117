// The run table's model: which runs pass the filter, in what order, under which group headers,
// and which columns show. Pure and fast enough to recompute on every keystroke for 10,000 runs.
import { matches, parseFilter } from './filter.ts';
import type { CellValue, CompareColumn, CompareDataset } from './types.ts';

export type SortDirection = 'asc' | 'desc';

export interface TableState {
  sort: { column: string; direction: SortDirection } | null;
  filter: string;
  groupBy: string | null;
  /** Group keys whose runs are hidden under their header. */
  collapsed: string[];
}

export type TableRow =
  | { kind: 'run'; index: number }
  | { kind: 'group'; key: string; label: string; count: number; collapsed: boolean; best: number | null };

export interface TableView {
  rows: TableRow[];
  /** Indices of the runs that pass the filter (whether or not their group is collapsed). */
  matched: number[];
  errors: string[];
}

export const EMPTY_STATE: TableState = { sort: null, filter: '', groupBy: null, collapsed: [] };
export const NULL_LABEL = '(none)';

export function tableView(dataset: CompareDataset, state: TableState, objective: CompareColumn | null = null): TableView {
  const byId = new Map(dataset.columns.map((c) => [c.id, c]));
  const parsed = parseFilter(state.filter, dataset.columns);
  const textColumns = dataset.columns.filter((c) => c.type === 'text');
  const matched: number[] = [];
  for (let i = 0; i < dataset.runIds.length; i++) {
    if (matches(parsed.terms, i, byId, textColumns)) matched.push(i);
  }
  const sortColumn = state.sort ? byId.get(state.sort.column) : undefined;
  const ordered = sortColumn ? sortRows(matched, sortColumn, state.sort!.direction) : matched;
  const groupColumn = state.groupBy ? byId.get(state.groupBy) : undefined;
  const rows = groupColumn ? groupRows(ordered, groupColumn, state.collapsed, objective) : ordered.map((index): TableRow => ({ kind: 'run', index }));
  return { rows, matched, errors: parsed.errors };
}

/** Stable sort by one column; empty cells last in either direction. */
export function sortRows(indices: readonly number[], column: CompareColumn, direction: SortDirection): number[] {
  const sign = direction === 'asc' ? 1 : -1;
  const values = column.values;
  return [...indices].sort((a, b) => {
    const x = values[a] ?? null;
    const y = values[b] ?? null;
    if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
    const order = compareCells(x, y);
    return order !== 0 ? sign * order : a - b;
  });
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function compareCells(x: Exclude<CellValue, null>, y: Exclude<CellValue, null>): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return collator.compare(String(x), String(y));
}

/** Runs under one header per distinct value of `column`, headers in value order, runs keeping their order. */
export function groupRows(ordered: readonly number[], column: CompareColumn, collapsed: readonly string[], objective: CompareColumn | null): TableRow[] {
  const groups = new Map<string, { value: CellValue; runs: number[] }>();
  for (const index of ordered) {
    const value = column.values[index] ?? null;
    const key = groupKey(value);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { value, runs: [] }));
    group.runs.push(index);
  }
  const headers = [...groups.entries()].sort(([, a], [, b]) =>
    a.value === null ? 1 : b.value === null ? -1 : compareCells(a.value, b.value));
  const rows: TableRow[] = [];
  for (const [key, group] of headers) {
    const isCollapsed = collapsed.includes(key);
    rows.push({ kind: 'group', key, label: `${column.title} = ${group.value === null ? NULL_LABEL : String(group.value)}`, count: group.runs.length, collapsed: isCollapsed, best: bestOf(group.runs, objective) });
    if (!isCollapsed) for (const index of group.runs) rows.push({ kind: 'run', index });
  }
  return rows;
}

export function groupKey(value: CellValue): string {
  return value === null ? '\u0000null' : `${typeof value}:${String(value)}`;
}

function bestOf(runs: readonly number[], objective: CompareColumn | null): number | null {
  if (!objective) return null;
  let best: number | null = null;
  for (const i of runs) {
    const v = objective.values[i];
    if (typeof v !== 'number') continue;
    if (best === null || (objective.goal === 'max' ? v > best : v < best)) best = v;
  }
  return best;
}

/** Columns shown on first open: who the run is, what varied, and how it did. */
export function defaultColumns(dataset: CompareDataset, maxParams = 10): string[] {
  const ids = ['run.name', 'run.status'];
  const experiments = dataset.columns.find((c) => c.id === 'run.experiment');
  if (experiments?.varies) ids.push(experiments.id);
  if (dataset.columns.some((c) => c.id === 'run.tags')) ids.push('run.tags');
  // The objective next to the run, then what varies, then the other outcomes: a person reads
  // "which run did best, with what settings" without scrolling sideways.
  if (dataset.objective) ids.push(dataset.objective);
  ids.push(...dataset.columns.filter((c) => c.kind === 'param' && c.varies).slice(0, maxParams).map((c) => c.id));
  // Runs that were compressed and exported show what that gave (dataset.ts, exportColumns),
  // before the other metrics so it is on screen without scrolling sideways.
  ids.push(...dataset.columns.filter((c) => c.id.startsWith('export.')).map((c) => c.id));
  const metrics = dataset.columns.filter((c) => c.kind === 'metric');
  ids.push(...metrics.filter((c) => c.id.endsWith('.best') || !metrics.some((m) => m.id === c.id.replace(/\.last$/, '.best'))).map((c) => c.id)
    .filter((id) => id !== dataset.objective));
  return ids;
}

/**
 * Next sort after a header click: a column with a goal sorts best-first (accuracy descending,
 * loss ascending), then the other way, then off; other columns ascending, descending, off.
 */
export function nextSort(current: TableState['sort'], column: string, goal?: CompareColumn['goal']): TableState['sort'] {
  const first: SortDirection = goal === 'max' ? 'desc' : 'asc';
  if (!current || current.column !== column) return { column, direction: first };
  return current.direction === first ? { column, direction: first === 'asc' ? 'desc' : 'asc' } : null;
}

/** The sort shown when none is chosen: best-first on the objective. */
export function defaultSort(objective: CompareColumn | null): TableState['sort'] {
  return objective?.goal ? { column: objective.id, direction: objective.goal === 'max' ? 'desc' : 'asc' } : null;
}

/** The matched run with the best objective value, skipping diverged runs; null when none has one. */
export function bestRun(dataset: CompareDataset, matched: readonly number[], objective: CompareColumn | null): number | null {
  if (!objective?.goal) return null;
  const status = dataset.columns.find((c) => c.id === 'run.status');
  let best: number | null = null;
  for (const i of matched) {
    const v = objective.values[i];
    if (typeof v !== 'number' || status?.values[i] === 'diverged') continue;
    const b = best === null ? null : (objective.values[best] as number);
    if (b === null || (objective.goal === 'max' ? v > b : v < b)) best = i;
  }
  return best;
}
