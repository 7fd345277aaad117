// The Parzen estimator of TPE, as Optuna builds it (optuna/samplers/_tpe/parzen_estimator.py):
// a mixture with one kernel per observation plus one prior kernel, each kernel a product over the
// parameters of a truncated normal (numeric, in log space for log scales; integrated over a step
// for quantized ones) or a smoothed one-hot (categorical).
//
// Bandwidths: univariate, each kernel's σ is the larger gap to its neighbours among the sorted
// observations and the prior's centre (the end kernels use their inner gap: consider_endpoints
// off); multivariate, Scott's rule σ = 0.2·n^(−1/(d+4))·(high − low) as in BOHB. Then the "magic
// clip" keeps σ in [(high − low)/min(100, n + 2), high − low]. The prior kernel sits at the centre
// with σ = high − low; for categories it is uniform, and every kernel's one-hot is mixed with it:
// row = (priorWeight/(n+1) everywhere, +1 at the observed choice), normalized.
import type { SearchRng } from '../rng.ts';
import { fromInternal, internalBounds, stepOf, toInternal, isLog } from '../space.ts';
import type { Distribution, ParamValue } from '../types.ts';
import { logGaussMass, logPhi } from './gauss.ts';

export interface ParzenOptions {
  priorWeight: number;
  magicClip: boolean;
  multivariate: boolean;
}

type NumericDim = { kind: 'numeric'; dist: Exclude<Distribution, { type: 'categorical' }>; low: number; high: number; q: number | null; mus: number[]; sigmas: number[] };
type CategoricalDim = { kind: 'categorical'; choices: readonly ParamValue[]; rows: number[][] };
type Dim = NumericDim | CategoricalDim;

/** A point in the estimator's coordinates: internal numbers for numeric dims, indices for categorical. */
export type Coords = number[];

export class ParzenEstimator {
  private readonly dims: Dim[];
  private readonly logWeights: number[];

  /**
   * @param dists the parameters, in order
   * @param observations one row per observation: coordinates in `dists` order
   * @param weights one per observation (Optuna's ramp or all ones)
   */
  constructor(dists: readonly Distribution[], observations: readonly Coords[], weights: readonly number[], options: ParzenOptions) {
    const n = observations.length;
    const all = n === 0 ? [1] : [...weights, options.priorWeight];
    const total = all.reduce((a, b) => a + b, 0);
    this.logWeights = all.map((w) => Math.log(w / total));
    this.dims = dists.map((dist, j) => {
      const column = observations.map((row) => row[j]!);
      if (dist.type === 'categorical') return categoricalDim(dist.choices, column, options.priorWeight);
      return numericDim(dist, column, dists.length, options);
    });
  }

  /** Draws `count` points: a kernel by weight, then each coordinate from that kernel. */
  sample(rng: SearchRng, count: number): Coords[] {
    const weights = this.logWeights.map(Math.exp);
    const out: Coords[] = [];
    for (let s = 0; s < count; s++) {
      const k = rng.weighted(weights);
      out.push(this.dims.map((dim) => (dim.kind === 'categorical' ? rng.weighted(dim.rows[k]!) : sampleNumeric(dim, k, rng))));
    }
    return out;
  }

  /** log density (or log mass, for discrete coordinates) of each point under the mixture. */
  logPdf(points: readonly Coords[]): number[] {
    return points.map((point) => {
      let max = -Infinity;
      const terms = this.logWeights.map((lw, k) => {
        let sum = lw;
        this.dims.forEach((dim, j) => {
          sum += dim.kind === 'categorical' ? Math.log(dim.rows[k]![point[j]!]!) : numericLogPdf(dim, k, point[j]!);
        });
        if (sum > max) max = sum;
        return sum;
      });
      if (max === -Infinity) return -Infinity;
      let acc = 0;
      for (const t of terms) acc += Math.exp(t - max);
      return max + Math.log(acc);
    });
  }
}

function categoricalDim(choices: readonly ParamValue[], column: number[], priorWeight: number): CategoricalDim {
  const n = column.length;
  const rows: number[][] = [];
  const base = priorWeight / (n + 1);
  for (const index of column) {
    const row = choices.map(() => base);
    row[index]! += 1;
    const sum = row.reduce((a, b) => a + b, 0);
    rows.push(row.map((v) => v / sum));
  }
  rows.push(choices.map(() => 1 / choices.length)); // the prior kernel
  return { kind: 'categorical', choices, rows };
}

function numericDim(dist: Exclude<Distribution, { type: 'categorical' }>, column: number[], dimensions: number, options: ParzenOptions): NumericDim {
  const { low, high } = internalBounds(dist);
  const q = isLog(dist) ? null : stepOf(dist);
  const n = column.length;
  const width = high - low;
  let sigmas: number[];
  if (options.multivariate) {
    sigmas = column.map(() => 0.2 * Math.max(n, 1) ** (-1 / (dimensions + 4)) * width);
  } else {
    sigmas = univariateSigmas(column, low, high);
  }
  const minSigma = options.magicClip ? width / Math.min(100, 1 + (n + 1)) : 1e-12;
  sigmas = sigmas.map((s) => Math.min(width, Math.max(minSigma, s)));
  return { kind: 'numeric', dist, low, high, q, mus: [...column, (low + high) / 2], sigmas: [...sigmas, width] };
}

function univariateSigmas(mus: readonly number[], low: number, high: number): number[] {
  const withPrior = [...mus, (low + high) / 2];
  const order = withPrior.map((_, i) => i).sort((a, b) => withPrior[a]! - withPrior[b]! || a - b);
  const sorted = [low, ...order.map((i) => withPrior[i]!), high];
  const sortedSigmas = order.map((_, r) => Math.max(sorted[r + 1]! - sorted[r]!, sorted[r + 2]! - sorted[r + 1]!));
  if (sorted.length >= 4) {
    sortedSigmas[0] = sorted[2]! - sorted[1]!;
    sortedSigmas[sortedSigmas.length - 1] = sorted[sorted.length - 2]! - sorted[sorted.length - 3]!;
  }
  const sigmas = new Array<number>(withPrior.length);
  order.forEach((original, r) => { sigmas[original] = sortedSigmas[r]!; });
  return sigmas.slice(0, mus.length);
}

/** A truncated-normal draw by rejection: the kernel's centre lies inside [low, high] and σ ≤ high − low, so at least a third of the mass is inside. */
function sampleNumeric(dim: NumericDim, k: number, rng: SearchRng): number {
  const mu = dim.mus[k]!;
  const sigma = dim.sigmas[k]!;
  for (let tries = 0; tries < 1000; tries++) {
    const x = mu + sigma * rng.normal();
    if (x >= dim.low && x <= dim.high) return toInternal(dim.dist, fromInternal(dim.dist, x));
  }
  return toInternal(dim.dist, fromInternal(dim.dist, Math.min(dim.high, Math.max(dim.low, mu))));
}

function numericLogPdf(dim: NumericDim, k: number, x: number): number {
  const mu = dim.mus[k]!;
  const sigma = dim.sigmas[k]!;
  const logAccept = logGaussMass((dim.low - mu) / sigma, (dim.high - mu) / sigma);
  if (dim.q === null) return logPhi((x - mu) / sigma) - Math.log(sigma) - logAccept;
  const lower = Math.max(x - dim.q / 2, dim.low);
  const upper = Math.min(x + dim.q / 2, dim.high);
  return logGaussMass((lower - mu) / sigma, (upper - mu) / sigma) - logAccept;
}
