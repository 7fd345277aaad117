// Parameter importance as each parameter's first-order effect on the objective: how much of the
// objective's variance the per-value means explain (numeric parameters with many values in
// quantile bins), corrected for the number of groups so a parameter with many values and few
// runs gets no credit for chance (epsilon squared). Interactions are not counted.
import type { CellValue, CompareColumn } from './types.ts';

export const IMPORTANCE_METHOD =
  'ε² per parameter, each on its own: the variance of the mean objective per parameter value (numbers in up to 8 quantile bins) over the objective\'s total variance, corrected for the number of groups. Each value is that parameter alone against the whole variance, so the values need not add up to 100% (shared and interaction effects are counted for several parameters or for none). A parameter whose values each hold a single run is listed as "not enough runs per value".';

export const MAX_BINS = 8;

export interface ParameterImportance {
  column: string;
  name: string;
  /** ε² in [0, 1]: the share of the objective's variance this parameter alone explains. */
  score: number;
  /** How many groups (values or bins) the runs fell into. */
  groups: number;
  /** Runs with both a value and a finite objective. */
  runs: number;
  /**
   * False when the runs cannot say: every value (or bin) holds a single run, or the runs kept
   * share one value. Such a parameter is listed, with score 0, not left out.
   */
  enough: boolean;
}

/**
 * Importance of every varying parameter column for `objective`, largest first. `rows` limits
 * the runs considered (the table's filtered rows); default: all.
 */
export function parameterImportance(params: readonly CompareColumn[], objective: CompareColumn, rows?: readonly number[]): ParameterImportance[] {
  const indices = rows ?? objective.values.map((_, i) => i);
  const result: ParameterImportance[] = [];
  for (const param of params) {
    if (param.kind !== 'param' || !param.varies) continue;
    const pairs: { key: CellValue; y: number }[] = [];
    for (const i of indices) {
      const y = objective.values[i];
      const x = param.values[i];
      if (typeof y === 'number' && Number.isFinite(y) && x !== null && x !== undefined) pairs.push({ key: x, y });
    }
    const groups = groupPairs(pairs, param.type === 'number');
    const enough = groups.length >= 2 && pairs.length > groups.length;
    result.push({ column: param.id, name: param.name, score: enough ? epsilonSquared(groups) : 0, groups: groups.length, runs: pairs.length, enough });
  }
  return result.sort((a, b) => Number(b.enough) - Number(a.enough) || b.score - a.score || a.name.localeCompare(b.name));
}

/** Objective values per group: one group per distinct value, or quantile bins for many numbers. */
export function groupPairs(pairs: readonly { key: CellValue; y: number }[], numeric: boolean): number[][] {
  const byValue = new Map<CellValue, number[]>();
  for (const { key, y } of pairs) {
    let list = byValue.get(key);
    if (!list) byValue.set(key, (list = []));
    list.push(y);
  }
  if (!numeric || byValue.size <= MAX_BINS) return [...byValue.values()];
  // Quantile bins over the sorted distinct values, so equal values never split across bins.
  const distinct = [...byValue.keys()].sort((a, b) => (a as number) - (b as number));
  const bins: number[][] = [];
  let current: number[] = [];
  const target = pairs.length / MAX_BINS;
  for (const value of distinct) {
    current.push(...byValue.get(value)!);
    if (current.length >= target && bins.length < MAX_BINS - 1) {
      bins.push(current);
      current = [];
    }
  }
  if (current.length > 0) bins.push(current);
  return bins;
}

/** ε² = (SS_between − (k−1)·MS_within) / SS_total, clamped to [0, 1]. */
export function epsilonSquared(groups: readonly (readonly number[])[]): number {
  let n = 0;
  let sum = 0;
  for (const g of groups) for (const y of g) {
    n++;
    sum += y;
  }
  const k = groups.length;
  if (k < 2 || n <= k) return 0;
  const mean = sum / n;
  let between = 0;
  let total = 0;
  for (const g of groups) {
    const gm = g.reduce((s, y) => s + y, 0) / g.length;
    between += g.length * (gm - mean) ** 2;
    for (const y of g) total += (y - mean) ** 2;
  }
  if (total <= 0) return 0;
  const msWithin = (total - between) / (n - k);
  return Math.min(1, Math.max(0, (between - (k - 1) * msWithin) / total));
}
