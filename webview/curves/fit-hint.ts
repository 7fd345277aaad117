// A plain hint when a train/validation LOSS pair shows over- or under-fitting. Accuracy-like
// metrics get none: their scale says nothing about how far from fitting a model is. Each
// validation point (an evaluation) is paired with the training loss current at its x (the train
// point at or before it, by epoch, step or time; never by array position, since the two series
// may hold different numbers of points). With t and v those pairs, oldest first:
//   over-fitting:  v rose in each of the last OVERFIT_EVALS evaluations while t fell in each;
//   under-fitting (not converged): t and v both fell by more than STILL_FALLING (relative) in
//                  each of the last FALLING_EVALS evaluations: more training would still help;
//   under-fitting (plateau): t and v changed by at most FLAT_CHANGE (relative) in each of the
//                  last FLAT_EVALS evaluations and t is still at least STALLED_FRACTION of its
//                  first value: training stopped improving close to where it started.
// The message says which rule fired, with the numbers it saw.
import type { Curve } from './gap-side.ts';

export const OVERFIT_EVALS = 2;
export const FALLING_EVALS = 2;
export const STILL_FALLING = 0.01;
export const FLAT_EVALS = 3;
export const FLAT_CHANGE = 0.01;
export const STALLED_FRACTION = 0.9;

export interface FitHint { kind: 'over-fitting' | 'under-fitting'; message: string }

/** Loss keys: a "loss" word in the name ("epoch.val.loss", "train_loss"). */
export function isLossKey(key: string): boolean {
  return /(^|[._\-/])loss($|[._\-/])/i.test(key);
}

/** Training loss at each validation point's x: the latest train point at or before it. */
export function pairByX(train: Curve, val: Curve): { x: number; t: number; v: number }[] {
  const pairs: { x: number; t: number; v: number }[] = [];
  let j = -1;
  for (let i = 0; i < val.xs.length; i++) {
    const x = val.xs[i]!;
    const tolerance = 1e-9 * Math.max(1, Math.abs(x));
    while (j + 1 < train.xs.length && train.xs[j + 1]! <= x + tolerance) j++;
    if (j < 0) continue;
    const t = train.ys[j]!;
    const v = val.ys[i]!;
    if (Number.isFinite(t) && Number.isFinite(v)) pairs.push({ x, t, v });
  }
  return pairs;
}

/**
 * `key`: the pair's training key (only losses get a hint); `at(x)` names a point on the x axis
 * ("epoch 3", "step 150").
 */
export function fitHint(train: Curve, val: Curve, key: string, at: (x: number) => string): FitHint | null {
  if (!isLossKey(key)) return null;
  const pairs = pairByX(train, val);
  const n = pairs.length;
  const last = (k: number) => pairs.slice(n - k - 1); // k steps: k + 1 points
  const relative = (a: number, b: number) => (b - a) / Math.max(Math.abs(a), 1e-12); // change from a to b
  const each = (points: typeof pairs, ok: (a: (typeof pairs)[number], b: (typeof pairs)[number]) => boolean) =>
    points.every((p, i) => i === 0 || ok(points[i - 1]!, p));
  const percent = (r: number) => `${(100 * Math.abs(r)).toFixed(1)}%`;
  const fmt = (y: number) => Number(y.toPrecision(3)).toString();

  if (n > OVERFIT_EVALS) {
    const tail = last(OVERFIT_EVALS);
    if (each(tail, (a, b) => b.v > a.v && b.t < a.t)) {
      const best = pairs.reduce((m, p) => (p.v < m.v ? p : m));
      const from = tail[0]!;
      const to = tail[tail.length - 1]!;
      return {
        kind: 'over-fitting',
        message: `Over-fitting: validation loss rose in each of the last ${OVERFIT_EVALS} evaluations (${fmt(from.v)} → ${fmt(to.v)}) while training loss fell (${fmt(from.t)} → ${fmt(to.t)}); ` +
          `the best validation loss was at ${at(best.x)}. Try early stopping, more data or augmentation, dropout or weight decay.`,
      };
    }
  }
  if (n > FLAT_EVALS) {
    const tail = last(FLAT_EVALS);
    const first = pairs[0]!.t;
    const now = pairs[n - 1]!.t;
    const flat = (a: number, b: number) => Math.abs(relative(a, b)) <= FLAT_CHANGE;
    if (each(tail, (a, b) => flat(a.t, b.t) && flat(a.v, b.v)) && now >= STALLED_FRACTION * first) {
      return {
        kind: 'under-fitting',
        message: `Under-fitting (plateau): training and validation loss changed by at most ${percent(FLAT_CHANGE)} per evaluation over the last ${FLAT_EVALS}, and training loss is ${fmt(now)}, ` +
          `still ${Math.round((100 * now) / first)}% of its first value (${fmt(first)} at ${at(pairs[0]!.x)}): the model stopped fitting the training data close to where it started. ` +
          'Try a larger model, a higher learning rate or less regularization.',
      };
    }
  }
  if (n > FALLING_EVALS) {
    const tail = last(FALLING_EVALS);
    if (each(tail, (a, b) => relative(a.t, b.t) < -STILL_FALLING && relative(a.v, b.v) < -STILL_FALLING)) {
      const a = tail[tail.length - 2]!;
      const b = tail[tail.length - 1]!;
      return {
        kind: 'under-fitting',
        message: `Under-fitting (not converged): training and validation loss both fell by more than ${percent(STILL_FALLING)} in each of the last ${FALLING_EVALS} evaluations ` +
          `(the last: training −${percent(relative(a.t, b.t))}, validation −${percent(relative(a.v, b.v))} at ${at(b.x)}). Train longer or raise the learning rate.`,
      };
    }
  }
  return null;
}
