// One objective per experiment, the same everywhere it shows (Run Explorer, Comparison, runs ls,
// Run Detail). The rule:
//   1. the spec's search.objective (a metric key; its direction from search.direction, else from
//      the name: accuracies up, losses down);
//   2. else epoch.val.acc (max) where the runs report it, else val.acc (max);
//   3. else the validation loss (epoch.val.loss, val.loss: min);
//   4. else the training loss (epoch.train.loss, train.loss, loss: min).
// A run's value is its best over the run (max or min of the series). A diverged run has no
// value: it shows its loss (NaN), not an accuracy measured on the weights kept from before.
import type { ParamValue } from '../protocol/messages.ts';
import type { MetricRange, Run } from '../store/types.ts';
import { formatNumber } from '../format.ts';
import { goalOf } from './goal.ts';
import type { Goal } from './types.ts';

export interface Objective {
  key: string;
  goal: Goal;
  /** True when the spec named it (search.objective), false when the rule chose it. */
  declared: boolean;
}

export const DEFAULT_OBJECTIVES: readonly (readonly [string, Goal])[] = [
  ['epoch.val.acc', 'max'], ['val.acc', 'max'],
  ['epoch.val.loss', 'min'], ['val.loss', 'min'],
  ['epoch.train.loss', 'min'], ['train.loss', 'min'], ['loss', 'min'],
];

/** The search section's objective: `search.objective` (a key, or { metric|key|name, direction|goal }). */
export function declaredObjective(search: ParamValue | undefined): { key: string; goal?: Goal } | null {
  if (search === null || search === undefined || typeof search !== 'object' || Array.isArray(search)) return null;
  const objective = search['objective'] ?? search['metric'];
  const direction = (value: ParamValue | undefined): Goal | undefined =>
    value === 'max' || value === 'maximize' ? 'max' : value === 'min' || value === 'minimize' ? 'min' : undefined;
  if (typeof objective === 'string') {
    const goal = direction(search['direction'] ?? search['goal']);
    return goal ? { key: objective, goal } : { key: objective };
  }
  if (objective !== null && objective !== undefined && typeof objective === 'object' && !Array.isArray(objective)) {
    const key = objective['metric'] ?? objective['key'] ?? objective['name'];
    const goal = direction(objective['direction'] ?? objective['goal'] ?? search['direction']);
    if (typeof key === 'string') return goal ? { key, goal } : { key };
  }
  return null;
}

/** The experiment's objective from what its runs report and what its spec says. */
export function chooseObjective(metricKeys: ReadonlySet<string>, search: ParamValue | undefined): Objective | null {
  const declared = declaredObjective(search);
  if (declared) {
    const goal = declared.goal ?? goalOf(declared.key) ?? 'min';
    // A key named without the engine's epoch. prefix finds the epoch-level series.
    const key = metricKeys.has(declared.key) || !metricKeys.has(`epoch.${declared.key}`) ? declared.key : `epoch.${declared.key}`;
    return { key, goal, declared: true };
  }
  for (const [key, goal] of DEFAULT_OBJECTIVES) if (metricKeys.has(key)) return { key, goal, declared: false };
  return null;
}

export interface ObjectiveCell {
  /** The run's best value of the objective, or null (no value, or diverged). */
  value: number | null;
  /** What to show: '0.8712', or 'loss NaN' for a diverged run, or '—'. */
  text: string;
}

/** A run's objective value from the metric ranges of that run. */
export function objectiveCell(run: Run, objective: Objective, ranges: readonly MetricRange[]): ObjectiveCell {
  if (run.status === 'diverged') {
    const loss = ranges.find((r) => r.runId === run.id && /(^|\.)loss$/.test(r.key) && !Number.isFinite(r.last));
    return { value: null, text: `${loss ? shortKey(loss.key) : 'loss'} ${loss ? String(loss.last) : 'NaN'}` };
  }
  const range = ranges.find((r) => r.runId === run.id && r.key === objective.key);
  if (!range) return { value: null, text: '—' };
  const value = objective.goal === 'max' ? range.max : range.min;
  return Number.isFinite(value) ? { value, text: formatNumber(value, 4) } : { value: null, text: '—' };
}

/** `val.acc` for `epoch.val.acc`: the engine's epoch prefix says nothing to a reader. */
export function shortKey(key: string): string {
  return key.startsWith('epoch.') ? key.slice('epoch.'.length) : key;
}

/** "val.acc ↑" / "val.loss ↓": the objective as a header or label. */
export function objectiveLabel(objective: Objective): string {
  return `${shortKey(objective.key)} ${objective.goal === 'max' ? '↑' : '↓'}`;
}

/** Index of the best value (ties: the first), or -1 when none has a value. */
export function bestIndex(values: readonly (number | null)[], goal: Goal): number {
  let best = -1;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return;
    if (best === -1 || (goal === 'max' ? v > values[best]! : v < values[best]!)) best = i;
  });
  return best;
}

/** Objective, each run's cell and the best run, for one experiment's runs. */
export function experimentObjective(runs: readonly Run[], ranges: readonly MetricRange[]): { objective: Objective | null; cells: Map<number, ObjectiveCell>; bestRunId: number | null } {
  const ids = new Set(runs.map((r) => r.id));
  const mine = ranges.filter((r) => ids.has(r.runId));
  const search = runs.map((r) => r.params['search']).find((s) => s !== undefined && s !== null);
  const objective = chooseObjective(new Set(mine.map((r) => r.key)), search);
  const cells = new Map<number, ObjectiveCell>();
  if (!objective) return { objective, cells, bestRunId: null };
  for (const run of runs) cells.set(run.id, objectiveCell(run, objective, mine));
  const best = bestIndex(runs.map((r) => cells.get(r.id)!.value), objective.goal);
  return { objective, cells, bestRunId: best === -1 ? null : runs[best]!.id };
}
