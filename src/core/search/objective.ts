// One orientation for everyone: samplers and pruners minimize a "loss". A diverged or missing
// value (NaN, ±Infinity, null) is +Infinity, the worst, so it never looks good and never crashes.
import type { Direction, TrialRecord } from './types.ts';

export function orient(value: number | null, direction: Direction): number {
  if (value === null || !Number.isFinite(value)) return Infinity;
  return direction === 'min' ? value : -value;
}

/** The trial's final objective as a loss; +Infinity when it has none or diverged. */
export function lossOf(trial: TrialRecord, direction: Direction): number {
  return orient(trial.value, direction);
}

/** The trial's last intermediate value as a loss (what a pruned trial is ranked by). */
export function lastIntermediateLoss(trial: TrialRecord, direction: Direction): { step: number; loss: number } | null {
  const last = trial.intermediate[trial.intermediate.length - 1];
  return last === undefined ? null : { step: last.step, loss: orient(last.value, direction) };
}

/** The best trial among the complete ones (lowest loss; the earliest on ties), or null. */
export function bestTrial(history: readonly TrialRecord[], direction: Direction): TrialRecord | null {
  let best: TrialRecord | null = null;
  for (const trial of history) {
    if (trial.state !== 'complete') continue;
    if (best === null || lossOf(trial, direction) < lossOf(best, direction)) best = trial;
  }
  return best;
}
