// Math.erf does not exist in JavaScript; exact GELU (PyTorch's default) needs it to float32
// precision or better. Below 3 in magnitude the all-positive series
//   erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1))
// has no cancellation; above, the continued fraction for erfc converges in a few terms.

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 3) {
    const x2 = ax * ax;
    let term = ax;
    let total = ax;
    for (let n = 1; n < 200 && term > total * 1e-17; n++) {
      term *= (2 * x2) / (2 * n + 1);
      total += term;
    }
    const value = TWO_OVER_SQRT_PI * Math.exp(-x2) * total;
    return x < 0 ? -value : value;
  }
  const value = 1 - erfcLarge(ax);
  return x < 0 ? -value : value;
}

/** erfc(x) for x ≥ 3 by the Laplace continued fraction, evaluated bottom-up. */
function erfcLarge(x: number): number {
  if (x > 27) return 0;
  let fraction = x;
  for (let k = 60; k >= 1; k--) fraction = x + k / 2 / fraction;
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / fraction;
}
