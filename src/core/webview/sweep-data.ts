// The Sweep dashboard's one message, built from a sweep's record and its trials (ordinary runs).
// Pure: the host reads the store and hands the pieces in, so the rules (best trial, worker lanes,
// importance, log axes) are tested without a store or a webview.
import { epsilonSquared } from '../compare/importance.ts';
import { spansDecades } from '../compare/log-scale.ts';
import type { MetricRange, Run, Store } from '../store/types.ts';
import { epochMapper } from './panel-data.ts';
import type { SweepInfo, SweepParam, SweepParamValue, SweepTrial, SweepView } from './contract.ts';

export const SWEEP_IMPORTANCE_METHOD =
  'Each parameter alone (first-order): the share of the objective\'s variance over finished trials that the group means explain, corrected for the number of groups (ε²). Categories group by value; numbers fall into quantile bins of about 3 trials each (2 to 8 bins), since a sampler rarely repeats a value. Shares are computed one parameter at a time, so they need not add up to 100%; interactions are not counted.';

export interface TrialInput {
  run: Run;
  number: number;
  /** The parameters the sampler chose (virtual ones such as model.depth included); default: read from the run's params. */
  params?: { [path: string]: SweepParamValue };
  /** The objective value the sampler was told, or null. */
  value: number | null;
  intermediate: { xs: number[]; ys: number[] };
}

export interface SweepSource {
  info: SweepInfo;
  /** The searched parameters by dotted path, with whether the space declares them log-scaled. */
  space: readonly { path: string; log: boolean }[];
  /** The sweep's base spec (for the best trial's spec), or null when it is not stored. */
  spec: { [key: string]: unknown } | null;
}

export function buildSweepView(source: SweepSource, inputs: readonly TrialInput[]): SweepView {
  const sorted = [...inputs].sort((a, b) => a.number - b.number);
  const lanes = assignWorkers(sorted.map((t) => ({ start: t.run.startedAt, end: t.run.endedAt ?? (t.run.startedAt === null ? null : Infinity) })));
  const trials: SweepTrial[] = sorted.map((t, i) => ({
    runId: t.run.id,
    number: t.number,
    name: t.run.name,
    status: t.run.status,
    params: t.params ? pick(t.params, source.space) : trialParams(t.run, source.space),
    value: t.value !== null && Number.isFinite(t.value) ? t.value : null,
    startedAt: t.run.startedAt,
    endedAt: t.run.endedAt,
    worker: lanes[i]!,
    intermediate: t.intermediate,
  }));
  const params = sweepParams(source.space, trials);
  const best = bestTrial(trials, source.info.objective.direction);
  return {
    sweep: source.info,
    trials,
    params,
    bestRunId: best?.runId ?? null,
    bestSpec: best && source.spec ? JSON.stringify(withParams(source.spec, best.params), null, 2) : null,
    importance: sweepImportance(params, trials),
    importanceMethod: SWEEP_IMPORTANCE_METHOD,
  };
}

function pick(params: { [path: string]: SweepParamValue }, space: readonly { path: string }[]): { [path: string]: SweepParamValue } {
  return Object.fromEntries(space.map(({ path }) => [path, params[path] ?? null]));
}

/** The parameters a trial ran with, read from its stored params (flat dotted keys or nested). */
export function trialParams(run: Run, space: readonly { path: string }[]): { [path: string]: SweepParamValue } {
  const result: { [path: string]: SweepParamValue } = {};
  for (const { path } of space) {
    const value = lookup(run.params, path);
    result[path] = typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : null;
  }
  return result;
}

function lookup(params: unknown, path: string): unknown {
  if (params === null || typeof params !== 'object') return undefined;
  const record = params as { [key: string]: unknown };
  if (Object.hasOwn(record, path)) return record[path];
  // Nested form: try every split point, so a key that itself holds dots ("model.layers.1.units") resolves.
  const parts = path.split('.');
  for (let i = 1; i < parts.length; i++) {
    const head = parts.slice(0, i).join('.');
    if (Object.hasOwn(record, head)) {
      const found = lookup(record[head], parts.slice(i).join('.'));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Timeline lanes: each trial takes the lowest lane free at its start (greedy interval
 * partitioning, optimal in lanes), so at parallelism N a sweep uses N lanes. Trials that never
 * started get lane 0; a running trial occupies its lane to the end.
 */
export function assignWorkers(spans: readonly { start: number | null; end: number | null }[]): number[] {
  const order = spans.map((_, i) => i).filter((i) => spans[i]!.start !== null)
    .sort((a, b) => spans[a]!.start! - spans[b]!.start! || a - b);
  const laneEnds: number[] = [];
  const lanes = spans.map(() => 0);
  for (const i of order) {
    const { start, end } = spans[i]!;
    let lane = laneEnds.findIndex((laneEnd) => laneEnd <= start!);
    if (lane < 0) lane = laneEnds.push(0) - 1;
    laneEnds[lane] = end ?? Infinity;
    lanes[i] = lane;
  }
  return lanes;
}

/** The finished trial with the best objective (ties: the earlier trial). */
export function bestTrial(trials: readonly SweepTrial[], direction: 'min' | 'max'): SweepTrial | undefined {
  let best: SweepTrial | undefined;
  for (const t of trials) {
    if (t.status !== 'finished' || t.value === null) continue;
    if (!best || (direction === 'min' ? t.value < best.value! : t.value > best.value!)) best = t;
  }
  return best;
}

/** The best objective seen up to each trial (in trial order), null before the first value. */
export function bestSoFar(trials: readonly { value: number | null; status: string }[], direction: 'min' | 'max'): (number | null)[] {
  let best: number | null = null;
  return trials.map((t) => {
    if (t.status === 'finished' && t.value !== null && (best === null || (direction === 'min' ? t.value < best : t.value > best))) best = t.value;
    return best;
  });
}

function sweepParams(space: readonly { path: string; log: boolean }[], trials: readonly SweepTrial[]): SweepParam[] {
  return space.map(({ path, log }) => {
    const values = trials.map((t) => t.params[path]).filter((v): v is Exclude<SweepParamValue, null> => v !== null && v !== undefined);
    const categorical = values.some((v) => typeof v !== 'number');
    const numbers = categorical ? [] : (values as number[]);
    return { path, categorical, log: !categorical && (log ? numbers.every((v) => v > 0) : spansDecades(numbers)) };
  });
}

function sweepImportance(params: readonly SweepParam[], trials: readonly SweepTrial[]): { path: string; score: number }[] {
  const finished = trials.filter((t) => t.status === 'finished' && t.value !== null);
  const result: { path: string; score: number }[] = [];
  for (const param of params) {
    const pairs = finished.flatMap((t) => {
      const key = t.params[param.path];
      if (key === null || key === undefined) return [];
      return [{ key: typeof key === 'boolean' ? String(key) : key, y: t.value! }];
    });
    const groups = param.categorical ? groupByValue(pairs) : quantileBins(pairs as { key: number; y: number }[], Math.min(8, Math.max(2, Math.ceil(pairs.length / 3))));
    if (groups.length < 2) continue;
    result.push({ path: param.path, score: epsilonSquared(groups) });
  }
  return result.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
}

function groupByValue(pairs: readonly { key: string | number; y: number }[]): number[][] {
  const groups = new Map<string | number, number[]>();
  for (const { key, y } of pairs) {
    const list = groups.get(key);
    if (list) list.push(y);
    else groups.set(key, [y]);
  }
  return [...groups.values()];
}

/** Objective values in `bins` groups by ascending parameter value; equal values share a bin. */
export function quantileBins(pairs: readonly { key: number; y: number }[], bins: number): number[][] {
  const sorted = [...pairs].sort((a, b) => a.key - b.key);
  const target = sorted.length / bins;
  const groups: number[][] = [];
  let current: number[] = [];
  sorted.forEach((pair, i) => {
    current.push(pair.y);
    const boundary = i + 1 < sorted.length && sorted[i + 1]!.key !== pair.key;
    if (boundary && current.length >= target && groups.length < bins - 1) {
      groups.push(current);
      current = [];
    }
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

/** A copy of the spec with dotted paths set (numeric segments index arrays: model.layers.1.units). */
export function withParams(spec: { [key: string]: unknown }, params: { [path: string]: SweepParamValue }): { [key: string]: unknown } {
  const copy = structuredClone(spec);
  for (const [path, value] of Object.entries(params)) {
    if (value === null) continue;
    const parts = path.split('.');
    let node: unknown = copy;
    for (const part of parts.slice(0, -1)) {
      if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) { node = undefined; break; }
      node = (node as { [key: string]: unknown })[part];
    }
    const leaf = parts[parts.length - 1]!;
    // Only paths that exist in the spec are set: a virtual parameter (a layer count) is not a field.
    if (node !== null && typeof node === 'object' && !['__proto__', 'constructor', 'prototype'].includes(leaf)) {
      (node as { [key: string]: unknown })[leaf] = value;
    }
  }
  return copy;
}

/** Points per trial's intermediate curve (the store downsamples; ASHA rungs need no more). */
export const INTERMEDIATE_BUCKETS = 200;

/**
 * A sweep's trials as the dashboard needs them, read from the store: trial numbers in run order,
 * the objective value (the metric's last, best or final value by the objective's rule, from the
 * run's rollups: no raw scan), and the objective's curve with x in epochs or steps.
 */
export function sweepTrialInputs(store: Store, runs: readonly Run[], objective: SweepInfo['objective'], resource: SweepInfo['resource']): TrialInput[] {
  const ordered = [...runs].sort((a, b) => a.id - b.id);
  const ranges = new Map<number, MetricRange>();
  for (const range of store.metricRanges(ordered.map((r) => r.id))) if (range.key === objective.metric) ranges.set(range.runId, range);
  return ordered.map((run, number) => {
    const series = store.series(run.id, objective.metric, { buckets: INTERMEDIATE_BUCKETS });
    const toEpoch = resource === 'epoch' ? epochMapper(store, run.id, [objective.metric, ...store.metricKeys(run.id)]) : null;
    return {
      run,
      number,
      value: objectiveValue(ranges.get(run.id), objective),
      intermediate: { xs: series.map((b) => (toEpoch ? Math.round(toEpoch(b.x) * 1000) / 1000 : b.x)), ys: series.map((b) => b.last) },
    };
  });
}

/** 'best' is the min or max by direction; anything else reads the last reported value. */
export function objectiveValue(range: MetricRange | undefined, objective: SweepInfo['objective']): number | null {
  if (!range || range.count === 0) return null;
  const value = objective.value === 'best' ? (objective.direction === 'min' ? range.min : range.max) : range.last;
  return Number.isFinite(value) ? value : null;
}
