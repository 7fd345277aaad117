// The Parzen estimator of TPE, as Optuna builds it (optuna/samplers/_tpe/parzen_estimator.py):
// a mixture with one kernel per observation plus one prior kernel, each kernel a product over the
// parameters of a truncated normal (numeric, in log space for log scales; integrated over a step
// for quantized ones) or a smoothed one-hot (categorical).
//
// Bandwidths (Optuna ≥ 4, univariate and multivariate alike; older Optuna used Scott's rule for
// the multivariate kernel and counted the prior's centre among the neighbours): per parameter,
// each kernel's σ is the larger gap to its neighbours among the sorted observations and the
// interval's ends (the end kernels use their inner gap: consider_endpoints off). Then the "magic
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
}

type NumericDim = {
  kind: 'numeric'; dist: Exclude<Distribution, { type: 'categorical' }>; low: number; high: number; q: number | null;
  mus: number[]; sigmas: number[];
  /** Per kernel: log σ + log of its mass inside [low, high] (the truncation's normalizer), computed once. */
  logNorms: number[];
};
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
      return numericDim(dist, column, options);
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

function numericDim(dist: Exclude<Distribution, { type: 'categorical' }>, column: number[], options: ParzenOptions): NumericDim {
  const { low, high } = internalBounds(dist);
  const q = isLog(dist) ? null : stepOf(dist);
  const n = column.length;
  const width = high - low;
  let sigmas = neighbourSigmas(column, low, high);
  const minSigma = options.magicClip ? width / Math.min(100, 1 + (n + 1)) : 1e-12;
  sigmas = sigmas.map((s) => Math.min(width, Math.max(minSigma, s)));
  const mus = [...column, (low + high) / 2];
  const allSigmas = [...sigmas, width];
  const logNorms = mus.map((mu, k) => logGaussMass((low - mu) / allSigmas[k]!, (high - mu) / allSigmas[k]!) + (q === null ? Math.log(allSigmas[k]!) : 0));
  return { kind: 'numeric', dist, low, high, q, mus, sigmas: allSigmas, logNorms };
}

function neighbourSigmas(mus: readonly number[], low: number, high: number): number[] {
  const order = mus.map((_, i) => i).sort((a, b) => mus[a]! - mus[b]! || a - b);
  const sorted = [low, ...order.map((i) => mus[i]!), high];
  const sortedSigmas = order.map((_, r) => Math.max(sorted[r + 1]! - sorted[r]!, sorted[r + 2]! - sorted[r + 1]!));
  if (sorted.length >= 4) {
    sortedSigmas[0] = sorted[2]! - sorted[1]!;
    sortedSigmas[sortedSigmas.length - 1] = sorted[sorted.length - 2]! - sorted[sorted.length - 3]!;
  }
  const sigmas = new Array<number>(mus.length);
  order.forEach((original, r) => { sigmas[original] = sortedSigmas[r]!; });
  return sigmas;
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
  if (dim.q === null) return logPhi((x - mu) / sigma) - dim.logNorms[k]!;
  const lower = Math.max(x - dim.q / 2, dim.low);
  const upper = Math.min(x + dim.q / 2, dim.high);
  return logGaussMass((lower - mu) / sigma, (upper - mu) / sigma) - dim.logNorms[k]!;
}
