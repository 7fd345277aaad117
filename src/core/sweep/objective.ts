// A trial's objective and intermediate values, read from the store: the metric the search names
// ("val.acc"), found under that key or as the engine's per-epoch key ("epoch.val.acc"); each
// point's epoch is the pruner's step. Diverged, failed and missing values count as the worst.
import type { IntermediateValue, Objective, TrialRecord, TrialState } from '../search/types.ts';
import type { RunStatus, Store, SweepTrial } from '../store/types.ts';

/** The stored key that holds `metric` for this run, or null when it reported none yet. */
export function objectiveKey(store: Store, runId: number, metric: string): string | null {
  const keys = store.metricKeys(runId);
  if (keys.includes(`epoch.${metric}`)) return `epoch.${metric}`;
  return keys.includes(metric) ? metric : null;
}

/** The metric after each epoch (the step is the epoch; a key without epochs uses its step). */
export function intermediateValues(store: Store, runId: number, metric: string): IntermediateValue[] {
  const key = objectiveKey(store, runId, metric);
  if (key === null) return [];
  const byStep = new Map<number, number>();
  for (const point of store.points(runId, key)) {
    const step = point.epoch !== null && point.epoch !== undefined ? point.epoch : point.step;
    byStep.set(step, point.value);
  }
  return [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([step, value]) => ({ step, value }));
}

/** The objective as measured (not oriented): last, best, or at the end of one epoch; null if absent. */
export function objectiveValue(values: readonly IntermediateValue[], objective: Objective): number | null {
  if (values.length === 0) return null;
  switch (objective.value) {
    case 'last':
      return values[values.length - 1]!.value;
    case 'best': {
      let best: number | null = null;
      for (const { value } of values) {
        if (!Number.isFinite(value)) continue;
        if (best === null || (objective.direction === 'min' ? value < best : value > best)) best = value;
      }
      return best;
    }
    case 'epoch':
      return values.find((v) => v.step === objective.epoch)?.value ?? null;
  }
}

/** How a run's status reads to a sampler: a diverged or failed trial is 'failed' (the worst value). */
export function trialState(status: RunStatus): TrialState {
  switch (status) {
    case 'queued':
    case 'running':
      return 'running';
    case 'finished':
      return 'complete';
    case 'pruned':
      return 'pruned';
    default:
      return 'failed';
  }
}

/** One trial as the samplers and pruners see it. */
export function trialRecord(store: Store, trial: SweepTrial, objective: Objective): TrialRecord {
  const intermediate = intermediateValues(store, trial.runId, objective.metric);
  const state = trialState(trial.status);
  const value = state === 'complete' ? objectiveValue(intermediate, objective) : null;
  return { number: trial.number, params: trial.params as TrialRecord['params'], state, value: value !== null && Number.isFinite(value) ? value : null, intermediate };
}
