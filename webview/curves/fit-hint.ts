// A plain hint when train and validation curves show over- or under-fitting. The rules, on
// per-epoch values (one point per epoch; "worse" means up for a loss, down for an accuracy):
//   over-fitting:  validation got worse in each of the last OVERFIT_EPOCHS epochs while
//                  training got better over the same epochs;
//   under-fitting: over the last FLAT_EPOCHS epochs both curves changed by less than
//                  FLAT_CHANGE (relative) per epoch, and training improved by less than
//                  HIGH_FRACTION of its first value since the first epoch (still high), with
//                  validation close to training (no gap to speak of).
export const OVERFIT_EPOCHS = 2;
export const FLAT_EPOCHS = 3;
export const FLAT_CHANGE = 0.01;
export const HIGH_FRACTION = 0.2;

export interface FitHint { kind: 'over-fitting' | 'under-fitting'; message: string }

export function fitHint(train: ArrayLike<number>, val: ArrayLike<number>, higherBetter: boolean): FitHint | null {
  const n = Math.min(train.length, val.length);
  if (n < 3) return null;
  const t = Array.from({ length: n }, (_, i) => train[i]!);
  const v = Array.from({ length: n }, (_, i) => val[i]!);
  if (![...t, ...v].every(Number.isFinite)) return null;
  const better = (a: number, b: number) => (higherBetter ? a > b : a < b); // a better than b
  let valWorse = true;
  let trainBetter = true;
  for (let i = n - OVERFIT_EPOCHS; i < n; i++) {
    if (i < 1) return null;
    if (!better(v[i - 1]!, v[i]!)) valWorse = false;
    if (!better(t[i]!, t[i - 1]!)) trainBetter = false;
  }
  if (valWorse && trainBetter) {
    const best = higherBetter ? Math.max(...v) : Math.min(...v);
    const bestEpoch = v.indexOf(best) + 1;
    return {
      kind: 'over-fitting',
      message: `Over-fitting: validation got worse in each of the last ${OVERFIT_EPOCHS} epochs while training kept improving (best validation at epoch ${bestEpoch}). ` +
        'Try early stopping, more data or augmentation, dropout or weight decay.',
    };
  }
  if (n >= FLAT_EPOCHS + 1) {
    const flat = (s: number[]) => s.slice(n - FLAT_EPOCHS).every((x, j) => Math.abs(x - s[n - FLAT_EPOCHS - 1 + j]!) <= FLAT_CHANGE * Math.max(Math.abs(x), 1e-12));
    const gained = Math.abs(t[n - 1]! - t[0]!) / Math.max(Math.abs(t[0]!), 1e-12);
    const gap = Math.abs(v[n - 1]! - t[n - 1]!) / Math.max(Math.abs(t[n - 1]!), 1e-12);
    if (flat(t) && flat(v) && gained < HIGH_FRACTION && gap < 0.1) {
      return {
        kind: 'under-fitting',
        message: `Under-fitting: training and validation are both flat for ${FLAT_EPOCHS} epochs and training improved only ${(100 * gained).toFixed(0)}% since epoch 1. ` +
          'Try a larger model, a higher learning rate, more epochs or less regularization.',
      };
    }
  }
  return null;
}
