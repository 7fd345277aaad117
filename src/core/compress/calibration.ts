// Post-training calibration of activation ranges, over activations the caller collects by
// running the model on a calibration subset. Streaming in two passes, so no batch is kept:
//   pass 1: observeMinMax over every batch → the observed range (and max|x|);
//   pass 2: absHistogram over every batch, into one histogram of |x| on [0, max|x|]
//           (2048 bins, as TensorRT), when percentile or entropy is wanted.
// Methods:
//   minmax     — the observed range;
//   percentile — clip |x| at the p-th percentile of the histogram (e.g. 99.99): the upper edge
//                of the first bin where the cumulative count reaches p% of the total;
//   entropy    — TensorRT's KL-divergence calibration (Migacz, "8-bit Inference with TensorRT",
//                2017), as NVIDIA's pytorch-quantization implements it: for each candidate
//                threshold bin i ≥ 128, P = the first i bins with all outliers added to bin i−1,
//                Q = the first i bins merged into 128 levels and spread back evenly over each
//                level's non-empty bins; the threshold is the edge of the i with the smallest
//                KL(P‖Q) (the last one on ties). As pytorch-quantization does, bin 0 is set to
//                bin 1's count first, so the spike of exact zeros after a ReLU does not decide
//                the threshold.
// percentile and entropy give a symmetric threshold t; the range is the observed range clipped
// to [−t, t] (so a ReLU output's range stays [0, t]).
import { compressError } from './errors.ts';
import type { ActivationRange, Histogram } from './types.ts';

export const CALIBRATION_BINS = 2048;

export interface ObservedRange {
  readonly min: number;
  readonly max: number;
}

export const EMPTY_RANGE: ObservedRange = { min: Infinity, max: -Infinity };

/** Pass 1: widens `seen` by one batch of activations. */
export function observeMinMax(seen: ObservedRange, batch: Float32Array): ObservedRange {
  let { min, max } = seen;
  for (let i = 0; i < batch.length; i++) {
    const v = batch[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    // NaN fails both comparisons above, so it is looked for explicitly
    if (v !== v || v === Infinity || v === -Infinity) {
      throw compressError('calibration', `the activations hold ${v} at index ${i}`, 'Calibrate a model whose outputs are finite (the run may have diverged).');
    }
  }
  return { min, max };
}

/** An empty histogram of |x| over [0, hi]. */
export function emptyHistogram(hi: number, bins = CALIBRATION_BINS): Histogram {
  if (!(hi > 0) || !Number.isFinite(hi)) throw compressError('calibration', `histogram bound ${hi} is not a positive number`, 'Build the histogram after pass 1, from the largest |x| observed.');
  return { lo: 0, hi, counts: new Float64Array(bins) };
}

/** Pass 2: adds a batch's |x| to the histogram (values above hi go to the last bin). */
export function addToHistogram(hist: Histogram, batch: Float32Array): void {
  const bins = hist.counts.length;
  const perUnit = bins / (hist.hi - hist.lo);
  for (let i = 0; i < batch.length; i++) {
    const b = Math.floor((Math.abs(batch[i]!) - hist.lo) * perUnit);
    hist.counts[b < 0 ? 0 : b >= bins ? bins - 1 : b]! += 1;
  }
}

function clip(observed: ObservedRange, t: number): { min: number; max: number } {
  return { min: Math.max(observed.min, -t), max: Math.min(observed.max, t) };
}

export function minMaxRange(observed: ObservedRange): ActivationRange {
  if (!(observed.min <= observed.max)) throw compressError('calibration', 'no activations were observed', 'Run at least one calibration batch.');
  return { method: 'minmax', min: observed.min, max: observed.max };
}

/** Upper edge of the first bin where the cumulative count reaches `percentile`% of the total. */
export function percentileThreshold(hist: Histogram, percentile: number): number {
  if (!(percentile > 0 && percentile <= 100)) throw compressError('calibration', `percentile ${percentile} is outside (0, 100]`, 'Use e.g. 99.99.');
  const total = hist.counts.reduce((a, b) => a + b, 0);
  const width = (hist.hi - hist.lo) / hist.counts.length;
  const target = (percentile / 100) * total;
  let cumulative = 0;
  for (let b = 0; b < hist.counts.length; b++) {
    cumulative += hist.counts[b]!;
    if (cumulative >= target) return hist.lo + (b + 1) * width;
  }
  return hist.hi;
}

export function percentileRange(observed: ObservedRange, hist: Histogram, percentile: number): ActivationRange {
  return { method: 'percentile', ...clip(observed, percentileThreshold(hist, percentile)) };
}

export interface EntropyResult {
  /** The chosen threshold (a bin edge). */
  readonly threshold: number;
  /** The candidate bin counts i, and KL(P‖Q) for each. */
  readonly candidates: Int32Array;
  readonly divergences: Float64Array;
}

/** KL(P‖Q) for every candidate threshold bin. `levels` is the number of quantized magnitudes:
 * 128 for signed INT8 (2^(bits−1)), 256 for UINT8 of non-negative activations (after a ReLU),
 * as pytorch-quantization's `unsigned` option. */
export function entropyThreshold(hist: Histogram, levels = 128, startBin = levels): EntropyResult {
  const bins = Float64Array.from(hist.counts);
  const n = bins.length;
  if (n < 2 || startBin < 1 || startBin > n) throw compressError('calibration', `entropy calibration needs at least ${startBin} bins, got ${n}`, `Use a histogram of ${CALIBRATION_BINS} bins.`);
  bins[0] = bins[1]!;
  const suffix = new Float64Array(n + 1);
  for (let j = n - 1; j >= 0; j--) suffix[j] = suffix[j + 1]! + bins[j]!;
  const candidates = new Int32Array(n - startBin + 1);
  const divergences = new Float64Array(n - startBin + 1);
  const levelSum = new Float64Array(levels);
  const levelNonZero = new Float64Array(levels);
  for (let i = startBin, c = 0; i <= n; i++, c++) {
    levelSum.fill(0);
    levelNonZero.fill(0);
    for (let j = 0; j < i; j++) {
      if (bins[j] === 0) continue;
      const level = Math.floor((j * levels) / i);
      levelSum[level]! += bins[j]!;
      levelNonZero[level]! += 1;
    }
    let pTotal = 0;
    let qTotal = 0;
    for (let j = 0; j < i; j++) {
      pTotal += j === i - 1 ? bins[j]! + suffix[i]! : bins[j]!;
      if (bins[j] !== 0) {
        const level = Math.floor((j * levels) / i);
        qTotal += levelSum[level]! / levelNonZero[level]!;
      }
    }
    let kl = 0;
    for (let j = 0; j < i; j++) {
      const p = (j === i - 1 ? bins[j]! + suffix[i]! : bins[j]!) / pTotal;
      if (p === 0) continue;
      if (bins[j] === 0) {
        kl = Infinity;
        break;
      }
      const level = Math.floor((j * levels) / i);
      const q = levelSum[level]! / levelNonZero[level]! / qTotal;
      kl += p * Math.log(p / q);
    }
    candidates[c] = i;
    divergences[c] = kl;
  }
  let best = 0;
  for (let c = 1; c < divergences.length; c++) if (divergences[c]! <= divergences[best]!) best = c;
  const width = (hist.hi - hist.lo) / n;
  return { threshold: hist.lo + candidates[best]! * width, candidates, divergences };
}

export function entropyRange(observed: ObservedRange, hist: Histogram, levels = 128): ActivationRange {
  return { method: 'entropy', ...clip(observed, entropyThreshold(hist, levels).threshold) };
}
