// TensorBoard's smoothing (its resmoothDataset): an exponential moving average with debiasing,
// so the first points are not pulled toward zero. e_t = β·e_{t−1} + (1−β)·s_t,
// ê_t = e_t / (1 − β^t), t counting finite values only (a NaN or Inf point stays as it is and
// does not move the average); a constant series is left as it is, as TensorBoard does, since
// c·(1 − β^t) / (1 − β^t) is not always c in floating point (0.1 at β = 0.6 gave 0.10000000000000002, 0.09999999999999999, …).
export function smoothEma(values: ArrayLike<number>, beta: number): ArrayLike<number> {
  if (beta <= 0 || isConstant(values)) return values;
  const out = new Float64Array(values.length);
  let average = 0;
  let t = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    t++;
    average = beta * average + (1 - beta) * v;
    out[i] = average / (1 - beta ** t);
  }
  return out;
}

function isConstant(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

/** Below this many points an EMA visibly lags (an epoch curve of 6 points would trail by two
 *  epochs at β = 0.6), and there is no noise worth hiding: such series are drawn raw. */
export const MIN_POINTS_TO_SMOOTH = 20;

/** The smoothing weight used for a series of `length` points: the slider's, or 0 when short. */
export function smoothingFor(beta: number, length: number): number {
  return length < MIN_POINTS_TO_SMOOTH ? 0 : beta;
}
