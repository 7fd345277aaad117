// Asynchronous successive halving (Li et al. 2020, as Optuna's SuccessiveHalvingPruner). Rung k
// sits at resource r·η^(s + k) (r = minResource, η = reductionFactor, s = minEarlyStoppingRate).
// When a trial first reaches a rung, its value there is compared with every trial that has reached
// that rung so far (itself included): it goes on only if it is among the top ⌊m/η⌋ of those m
// values (the top one while m < η), else it is stopped. Promotion is never undone, and nobody
// waits for a rung to fill, which is what makes it asynchronous. NaN/∞ is the worst value.
import { orient } from '../objective.ts';
import type { Direction, PruneDecision, Pruner, PrunerConfig, TrialRecord } from '../types.ts';

export class AshaPruner implements Pruner {
  readonly kind = 'asha' as const;

  private readonly config: PrunerConfig;
  private readonly direction: Direction;

  constructor(config: PrunerConfig, direction: Direction) {
    this.config = config;
    this.direction = direction;
  }

  /** The resource (step) at which rung k sits. */
  rungStep(k: number): number {
    return this.config.minResource * this.config.reductionFactor ** (this.config.minEarlyStoppingRate + k);
  }

  /** The trial's value at rung k: its first reported value at or after the rung's step, as a loss. */
  rungValue(trial: TrialRecord, k: number): number | null {
    const at = this.rungStep(k);
    let found: { step: number; value: number } | null = null;
    for (const point of trial.intermediate) if (point.step >= at && (found === null || point.step < found.step)) found = point;
    return found === null ? null : orient(found.value, this.direction);
  }

  shouldPrune(trial: TrialRecord, history: readonly TrialRecord[]): PruneDecision {
    const points = trial.intermediate;
    const last = points[points.length - 1];
    if (last === undefined) return { prune: false, rung: null, reason: 'no intermediate value yet' };
    const previousStep = points.length >= 2 ? points[points.length - 2]!.step : -Infinity;
    if (!Number.isFinite(orient(last.value, this.direction))) {
      return { prune: true, rung: null, reason: `diverged (NaN or infinite) at step ${last.step}` };
    }
    // Only rungs crossed by this report are judged: earlier ones were passed when reached.
    for (let k = 0; this.rungStep(k) <= last.step; k++) {
      if (this.rungStep(k) <= previousStep) continue;
      const mine = this.rungValue(trial, k)!;
      const competing: number[] = [];
      for (const other of history) {
        if (other.number === trial.number) continue;
        const value = this.rungValue(other, k);
        if (value !== null) competing.push(value);
      }
      competing.push(mine);
      competing.sort((a, b) => a - b);
      const promotable = Math.max(1, Math.floor(competing.length / this.config.reductionFactor));
      const threshold = competing[promotable - 1]!;
      if (mine > threshold) {
        return { prune: true, rung: k, reason: `at rung ${k} (step ${this.rungStep(k)}) not in the top ${promotable} of ${competing.length}` };
      }
      if (this.rungStep(k + 1) > last.step) {
        return { prune: false, rung: k, reason: `promoted from rung ${k} (step ${this.rungStep(k)}): in the top ${promotable} of ${competing.length}` };
      }
    }
    return { prune: false, rung: null, reason: `step ${last.step} is between rungs` };
  }
}
