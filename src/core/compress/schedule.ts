// Sparsity schedules, pure functions of the step or round:
//   one-shot     — prune to the target once (then fine-tune);
//   iterative    — Han et al. 2015: prune → fine-tune → prune more, over R rounds. 'geometric'
//                  removes the same fraction of the REMAINING weights each round,
//                  s_r = 1 − (1 − s_f)^(r/R), so late rounds, when little is left, cut gently;
//                  'linear' raises the sparsity by s_f/R per round.
//   polynomial   — Zhu & Gupta 2017, gradual pruning during training:
//                  s_t = s_f + (s_i − s_f)·(1 − (t − t0)/(n·Δt))³ for t0 ≤ t ≤ t0 + n·Δt,
//                  s_i before t0 and s_f after. Masks are only updated every Δt steps, so t is
//                  taken at the last update step t0 + ⌊(t − t0)/Δt⌋·Δt.
import { compressError } from './errors.ts';

export type IterativeSpacing = 'geometric' | 'linear';

function checkSparsity(what: string, s: number): void {
  if (!(s >= 0 && s < 1)) throw compressError(what, `sparsity ${s} is outside 0..1 (1 excluded)`, 'Give the fraction of weights to remove, e.g. 0.9.');
}

/** The target of each prune round (the last is exactly `finalSparsity`). */
export function iterativeSparsities(finalSparsity: number, rounds: number, spacing: IterativeSpacing = 'geometric'): number[] {
  checkSparsity('iterative schedule', finalSparsity);
  if (!Number.isInteger(rounds) || rounds < 1) throw compressError('iterative schedule', `rounds ${rounds} is not a positive integer`, 'Use 1 round (one-shot) or more.');
  return Array.from({ length: rounds }, (_, i) => {
    const r = i + 1;
    if (r === rounds) return finalSparsity;
    return spacing === 'linear' ? (finalSparsity * r) / rounds : 1 - (1 - finalSparsity) ** (r / rounds);
  });
}

export interface PolynomialSchedule {
  readonly initialSparsity: number;
  readonly finalSparsity: number;
  /** t0: the first pruning step. */
  readonly beginStep: number;
  /** Δt: steps between mask updates. */
  readonly frequency: number;
  /** n: number of mask updates after t0 until the final sparsity. */
  readonly pruningSteps: number;
  /** Default 3 (the paper's cube). */
  readonly exponent?: number;
}

export function polynomialSparsity(step: number, schedule: PolynomialSchedule): number {
  const { initialSparsity: si, finalSparsity: sf, beginStep: t0, frequency: dt, pruningSteps: n } = schedule;
  checkSparsity('polynomial schedule', si);
  checkSparsity('polynomial schedule', sf);
  if (!(dt >= 1) || !(n >= 1) || !Number.isInteger(dt) || !Number.isInteger(n)) {
    throw compressError('polynomial schedule', `frequency ${dt} and pruning steps ${n} must be positive integers`, 'E.g. prune every 100 steps, 10 times.');
  }
  if (step < t0) return si;
  const updates = Math.min(n, Math.floor((step - t0) / dt));
  const progress = updates / n;
  return sf + (si - sf) * (1 - progress) ** (schedule.exponent ?? 3);
}
