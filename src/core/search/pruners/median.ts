// Median stopping (Golovin et al. 2017, as Optuna's MedianPruner): stop a trial whose best
// intermediate value so far is worse than the median of the other finished trials' values at the
// same step. Nothing is pruned before `startupTrials` trials have finished or before the trial has
// run `warmupSteps` steps. A NaN or infinite value is the worst, so a diverged trial is stopped.
import { orient } from '../objective.ts';
import type { Direction, PruneDecision, Pruner, PrunerConfig, TrialRecord } from '../types.ts';

export class MedianPruner implements Pruner {
  readonly kind = 'median' as const;

  private readonly config: PrunerConfig;
  private readonly direction: Direction;

  constructor(config: PrunerConfig, direction: Direction) {
    this.config = config;
    this.direction = direction;
  }

  shouldPrune(trial: TrialRecord, history: readonly TrialRecord[]): PruneDecision {
    const last = trial.intermediate[trial.intermediate.length - 1];
    if (last === undefined) return keep('no intermediate value yet');
    const step = last.step;
    const finished = history.filter((t) => t.state === 'complete' && t.number !== trial.number);
    if (finished.length < this.config.startupTrials) return keep(`${finished.length} of ${this.config.startupTrials} startup trials finished`);
    if (step < this.config.warmupSteps) return keep(`step ${step} is within the ${this.config.warmupSteps} warm-up steps`);
    let best = Infinity;
    for (const point of trial.intermediate) best = Math.min(best, orient(point.value, this.direction));
    const others: number[] = [];
    for (const t of finished) {
      const at = t.intermediate.find((p) => p.step === step);
      if (at !== undefined) others.push(orient(at.value, this.direction));
    }
    if (others.length === 0) return keep(`no finished trial reported step ${step}`);
    const median = medianOf(others);
    if (best === Infinity) return { prune: true, rung: null, reason: `diverged (NaN or infinite) at step ${step}` };
    if (best > median) {
      return { prune: true, rung: null, reason: `best so far ${show(best, this.direction)} is worse than the median ${show(median, this.direction)} of ${others.length} finished trials at step ${step}` };
    }
    return keep(`best so far ${show(best, this.direction)} is no worse than the median ${show(median, this.direction)} at step ${step}`);
  }
}

export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function keep(reason: string): PruneDecision {
  return { prune: false, rung: null, reason };
}

function show(loss: number, direction: Direction): string {
  return String(direction === 'min' ? loss : -loss);
}
