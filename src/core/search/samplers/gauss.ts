// The normal distribution's log CDF and the log mass of an interval, accurate far into the tails
// (a TPE kernel can sit a hundred bandwidths away from a point it is asked about, where the plain
// CDF underflows to 0 and its log to -Infinity).

const SQRT2 = Math.SQRT2;
const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erf by its Taylor series; accurate to ~1e-14 for |z| < 3. */
function erfSeries(z: number): number {
  let term = z;
  let sum = z;
  const z2 = z * z;
  for (let n = 1; n < 200; n++) {
    term *= -z2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** log erfc(z) for z ≥ 3 by the continued fraction (modified Lentz), without underflow. */
function logErfcTail(z: number): number {
  // erfc(z) = exp(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + …)))))
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = z + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = z + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -z * z - LOG_SQRT_PI - Math.log(f);
}

/** log erfc(z) for any z. */
function logErfc(z: number): number {
  if (z >= 3) return logErfcTail(z);
  return Math.log(1 - erfSeriesOrTail(z));
}

function erfSeriesOrTail(z: number): number {
  if (z > -3) return erfSeries(z);
  return -1 + Math.exp(logErfcTail(-z)); // erf(z) = −erf(−z) = −1 + erfc(−z)
}

/** log Φ(x), the standard normal's log CDF. */
export function logNdtr(x: number): number {
  if (x === -Infinity) return -Infinity;
  if (x === Infinity) return 0;
  return Math.log(0.5) + logErfc(-x / SQRT2);
}

/** Φ(x). */
export function ndtr(x: number): number {
  return Math.exp(logNdtr(x));
}

/** log(Φ(b) − Φ(a)) for a < b, accurate in both tails. */
export function logGaussMass(a: number, b: number): number {
  if (a >= b) return -Infinity;
  if (a >= 0) return logGaussMass(-b, -a);
  if (b <= 0) {
    const lb = logNdtr(b);
    const la = logNdtr(a);
    return lb + Math.log1p(-Math.exp(la - lb));
  }
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/** log of the standard normal density. */
export function logPhi(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}
