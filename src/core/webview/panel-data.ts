// Store queries shaped for the panels: run references, downsampled curves in axis units,
// run details. Pure functions of a Store, so tests and benchmarks call them without VS Code.
import type { Params, ParamValue } from '../protocol/messages.ts';
import type { Run, Store } from '../store/types.ts';
import { experimentObjective, objectiveLabel } from '../compare/objective.ts';
import type { CurveSeries, PackedCurveSeries, RunDetail, RunRef, XAxis } from './contract.ts';
import { nonDefaultParams } from './param-defaults.ts';

export function runRef(run: Run): RunRef {
  return { id: run.id, name: run.name, experimentName: run.experimentName, status: run.status, sweepId: run.sweepId, startedAt: run.startedAt, endedAt: run.endedAt };
}

/** The union of the runs' metric keys, sorted ("loss" before "epoch.…" is not implied). */
export function metricKeysOf(store: Store, runIds: readonly number[]): string[] {
  const keys = new Set<string>();
  for (const id of runIds) for (const key of store.metricKeys(id)) keys.add(key);
  return [...keys].sort();
}

/** Epoch-level keys ("epoch.…") have one point per epoch, at the step that ended it. */
const EPOCH_KEY = /^epoch\./;

/**
 * One series per (run, key) present, downsampled in SQL. x is the step, the epoch, or seconds
 * since the run started. Epochs come from the epoch-level metrics' steps (the engine writes one
 * point per epoch at its last step): a step between two epoch ends is placed proportionally.
 */
export function curveSeries(store: Store, runIds: readonly number[], keys: readonly string[], x: XAxis, buckets: number): CurveSeries[] {
  const out: CurveSeries[] = [];
  // A repeated run or key is one curve, asked for once (request-budget.ts counts them so).
  const wanted = [...new Set(keys)];
  for (const runId of new Set(runIds)) {
    const run = store.getRun(runId);
    if (!run) continue;
    const present = new Set(store.metricKeys(runId));
    const toEpoch = x === 'epoch' ? epochMapper(store, runId, [...present]) : null;
    for (const key of wanted) {
      if (!present.has(key)) continue;
      const rows = store.series(runId, key, { buckets, x: x === 'time' ? 'time' : 'step' });
      const origin = x === 'time' ? (run.startedAt ?? run.createdAt) : 0;
      const xs = rows.map((r) => (x === 'time' ? (r.x - origin) / 1000 : toEpoch ? toEpoch(r.x) : r.x));
      out.push({ runId, key, xs, ys: rows.map((r) => r.last), mins: rows.map((r) => r.min), maxs: rows.map((r) => r.max) });
    }
  }
  return out;
}

/** The series as posted to the webview: columns of exact numbers in base64 (see PackedCurveSeries). */
export function packCurveSeries(series: readonly CurveSeries[]): PackedCurveSeries[] {
  return series.map((s) => ({ runId: s.runId, key: s.key, length: s.xs.length, xs: packColumn(s.xs), ys: packColumn(s.ys), mins: packColumn(s.mins), maxs: packColumn(s.maxs) }));
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * One column: "i" + base64 of little-endian int32 when every value is an integer that fits (steps,
 * counts: half the size), else "f" + base64 of little-endian IEEE 754 doubles. Both exact.
 */
export function packColumn(values: readonly number[]): string {
  if (values.every((v) => (v | 0) === v && !Object.is(v, -0))) {
    const bytes = Buffer.from(new Int32Array(values).buffer);
    if (!LITTLE_ENDIAN) bytes.swap32();
    return `i${bytes.toString('base64')}`;
  }
  const bytes = Buffer.from(new Float64Array(values).buffer);
  if (!LITTLE_ENDIAN) bytes.swap64();
  return `f${bytes.toString('base64')}`;
}

/** step → epoch (fractional), from the epoch ends; the identity when a run has no epoch metrics. */
export function epochMapper(store: Store, runId: number, keys: readonly string[]): ((step: number) => number) | null {
  const epochKey = keys.find((k) => EPOCH_KEY.test(k));
  if (!epochKey) return null;
  const ends = store.series(runId, epochKey, { buckets: 100_000 }).map((b) => b.x);
  return (step) => stepToEpoch(ends, step);
}

/** `ends[i]` is the step at which epoch i+1 ended; epoch 0 starts at step 0. */
export function stepToEpoch(ends: readonly number[], step: number): number {
  if (ends.length === 0) return step;
  let previous = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i]!;
    if (step <= end) return i + (end > previous ? (step - previous) / (end - previous) : 1);
    previous = end;
  }
  const last = ends.length > 1 ? ends[ends.length - 1]! - ends[ends.length - 2]! : ends[0]!;
  return ends.length + (last > 0 ? (step - previous) / last : 0);
}

export function runDetail(store: Store, runId: number, logLines: number): RunDetail | null {
  const run = store.getRun(runId);
  if (!run) return null;
  const summary = run.summary;
  const note = store.annotations([runId]).get(runId);
  return {
    run: { ...runRef(run), reason: run.reason, pid: run.pid, createdAt: run.createdAt, specPath: run.specPath },
    params: run.params,
    nonDefaultParams: nonDefaultParams(run.params),
    summary,
    latest: store.latest(runId),
    logTail: logLines > 0 ? store.log(runId, { tail: logLines }) : [],
    artifacts: store.artifacts(runId),
    confusion: confusionOf(summary),
    perClassAccuracy: perClassOf(summary),
    objective: objectiveOf(store, run),
    tags: note?.tags ?? [],
    note: note?.note ?? null,
    starred: note?.starred ?? false,
  };
}

/** The run's experiment's objective, the run's value and whether it is the experiment's best. */
function objectiveOf(store: Store, run: Run): RunDetail['objective'] {
  const runs = store.listRuns({ experiment: run.experimentName, sortBy: 'id', order: 'asc', limit: 5000 });
  const scored = experimentObjective(runs, store.metricRanges(runs.map((r) => r.id)));
  const cell = scored.cells.get(run.id);
  if (!scored.objective || !cell) return null;
  return { label: objectiveLabel(scored.objective), text: cell.text, best: scored.bestRunId === run.id && runs.length > 1, runs: runs.length };
}

function isMatrix(value: ParamValue | undefined): value is number[][] {
  return Array.isArray(value) && value.length > 0 && value.every((row) => Array.isArray(row) && row.length === value.length && row.every((v) => typeof v === 'number'));
}

function confusionOf(summary: Params | null): RunDetail['confusion'] {
  const matrix = summary?.['confusion'];
  if (!isMatrix(matrix)) return null;
  const names = summary?.['classNames'];
  const classNames = Array.isArray(names) && names.length === matrix.length ? names.map(String) : matrix.map((_, i) => String(i));
  return { classNames, matrix };
}

function perClassOf(summary: Params | null): RunDetail['perClassAccuracy'] {
  const value = summary?.['perClassAcc'];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return Object.entries(value).map(([name, acc]) => ({ name, accuracy: typeof acc === 'number' && Number.isFinite(acc) ? acc : null }));
}
