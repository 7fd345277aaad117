// A learning-curve simulator for the pruner benchmark: each configuration has a final loss, a
// speed and a noise level, and its curve loss(t) = final + gap·exp(−t/τ) + noise. Fast starters
// are not always the best finishers (τ and final are drawn independently), which is what makes
// early stopping a bet. Curves are generated here once per seed and handed to Optuna as numbers,
// so both pruners judge exactly the same curves in the same order.
import { SearchRng } from '../../../src/core/search/rng.ts';

export const MAX_STEPS = 27;

export function simulateCurves(seed: number, trials: number): number[][] {
  const rng = new SearchRng(1000 + seed);
  const curves: number[][] = [];
  for (let i = 0; i < trials; i++) {
    const final = 0.1 + 0.5 * rng.next() ** 2;
    const gap = 0.5 + 1.5 * rng.next();
    const tau = 1 + 9 * rng.next();
    const noise = 0.01 + 0.02 * rng.next();
    const curve: number[] = [];
    for (let t = 1; t <= MAX_STEPS; t++) curve.push(final + gap * Math.exp(-t / tau) + noise * rng.normal());
    curves.push(curve);
  }
  return curves;
}
