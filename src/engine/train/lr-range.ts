// Learning-rate range test (Smith 2017, "Cyclical Learning Rates", §3.3; the fastai lr_find):
// one short run whose learning rate grows exponentially from minLr to maxLr, one step each, the
// training loss recorded against it. The loss is smoothed (debiased EMA, β = 0.98) and the test
// ends early once it explodes (> 4× its best). Suggested range, the rule stated in the result:
//   low  = the LR where the smoothed loss falls fastest per unit of log LR (steepest descent),
//   high = the LR of the smoothed loss' minimum ÷ 10 (beyond it the loss is about to rise);
// ordered low ≤ high (on a short or noisy curve the two can cross).
import type { Spec } from '../../core/spec/types.ts';
import { batchCount, epochOrder, gatherBatch } from '../data/batches.ts';
import { sampleSize } from '../data/dataset.ts';
import type { LoadedData } from '../data/load.ts';
import type { Kernels } from '../kernels/types.ts';
import { Rng } from '../rng.ts';
import { buildModel } from './build-model.ts';
import { makeObjective } from './objective.ts';
import { makeOptimizer } from './make-optimizer.ts';
import { decayWeights } from './regularize.ts';
import type { TrainControl, TrainReporter } from './reporter.ts';
import { deriveSeed, STREAM } from './seeds.ts';

export interface LrRangeOptions {
  minLr: number;
  maxLr: number;
  steps: number;
  /** The test stops once the smoothed loss exceeds this multiple of its best. */
  divergeFactor: number;
}

export const LR_RANGE_DEFAULTS: LrRangeOptions = { minLr: 1e-6, maxLr: 1, steps: 200, divergeFactor: 4 };

export const LR_RANGE_RULE = 'from the LR of steepest descent of the smoothed loss (per unit of log LR) to the LR of its minimum ÷ 10';

export interface LrRangePoint { lr: number; loss: number; smoothed: number }

export interface LrRangeResult {
  points: LrRangePoint[];
  /** Why it ended: every step ran, the loss exploded, or a stop was requested. */
  ended: 'complete' | 'diverged' | 'stopped';
  steepestLr: number | null;
  minLossLr: number | null;
  minLoss: number | null;
  suggested: { low: number; high: number } | null;
  rule: string;
}

/** The LR of step i of n, exponentially from min to max. */
export function rangeLr(options: Pick<LrRangeOptions, 'minLr' | 'maxLr' | 'steps'>, i: number): number {
  const t = options.steps > 1 ? i / (options.steps - 1) : 0;
  return options.minLr * Math.pow(options.maxLr / options.minLr, t);
}

/** The suggestion from a recorded curve (pure: tests feed it curves of known shape). */
export function suggestRange(points: readonly LrRangePoint[]): Pick<LrRangeResult, 'steepestLr' | 'minLossLr' | 'minLoss' | 'suggested'> {
  const finite = points.filter((p) => Number.isFinite(p.smoothed));
  if (finite.length < 3) return { steepestLr: null, minLossLr: null, minLoss: null, suggested: null };
  let min = finite[0]!;
  for (const p of finite) if (p.smoothed < min.smoothed) min = p;
  // Steepest descent before the minimum, as differences over ±k points in log LR. The first
  // tenth is skipped: there the moving average still swings with single batches.
  const upTo = finite.indexOf(min);
  const skip = Math.max(1, Math.floor(finite.length / 10));
  const k = Math.max(1, Math.floor(finite.length / 20));
  let steepest: LrRangePoint | null = null;
  let slope = Infinity;
  for (let i = skip; i < upTo; i++) {
    const a = finite[Math.max(0, i - k)]!, b = finite[Math.min(upTo, i + k)]!;
    const ds = (b.smoothed - a.smoothed) / (Math.log(b.lr) - Math.log(a.lr));
    if (ds < slope) { slope = ds; steepest = finite[i]!; }
  }
  const high = min.lr / 10;
  const low = steepest?.lr ?? high / 10;
  return { steepestLr: steepest?.lr ?? null, minLossLr: min.lr, minLoss: min.smoothed, suggested: { low: Math.min(low, high), high: Math.max(low, high) } };
}

export async function lrRangeTest(spec: Spec, data: LoadedData, options: LrRangeOptions, reporter: TrainReporter, control: TrainControl, kernels?: Kernels): Promise<LrRangeResult> {
  const t = spec.train;
  const seed = t.seed;
  const classes = data.classNames.length;
  const model = buildModel(spec.model, { inputShape: data.shape, classes, rng: new Rng(deriveSeed(seed, STREAM.init)), ...(kernels ? { kernels } : {}) });
  const { optimizer, ownsWeightDecay } = makeOptimizer(t, kernels);
  const objective = makeObjective(t.loss);
  const train = data.train;
  const inputShape = spec.model.inputShape ?? data.shape;
  const batchSize = Math.min(t.batchSize, train.count);
  const perEpoch = batchCount(train.count, batchSize);
  const size = sampleSize(data.shape);
  const x = kernels ? kernels.alloc(batchSize * size) : new Float32Array(batchSize * size);
  const y = new Float32Array(batchSize);
  const params = model.params();
  const points: LrRangePoint[] = [];
  const beta = 0.98;
  let average = 0;
  let best = Infinity;
  let ended: LrRangeResult['ended'] = 'complete';
  let order = epochOrder(train.count, new Rng(deriveSeed(seed, STREAM.shuffle, 0)));
  reporter.log('info', `LR range test: ${options.steps} steps, lr ${options.minLr} → ${options.maxLr} (×${Math.pow(options.maxLr / options.minLr, 1 / Math.max(1, options.steps - 1)).toFixed(4)} per step), batch ${batchSize}`);
  for (let step = 0; step < options.steps; step++) {
    await control.pause();
    if (control.shouldStop()) { ended = 'stopped'; break; }
    const b = step % perEpoch;
    if (b === 0 && step > 0) order = epochOrder(train.count, new Rng(deriveSeed(seed, STREAM.shuffle, step / perEpoch)));
    const lr = rangeLr(options, step);
    const n = gatherBatch(train, order, b * batchSize, batchSize, x, y);
    model.zeroGrad();
    const logits = model.forward({ data: n === batchSize ? x : x.subarray(0, n * size), shape: [n, ...inputShape] }, { training: true, rng: new Rng(deriveSeed(seed, STREAM.dropout, step)) });
    const result = objective.compute(logits, y);
    const loss = result.loss;
    // A non-finite loss is where the test ends; it is not reported (the host would call the run diverged).
    if (!Number.isFinite(loss)) { ended = 'diverged'; break; }
    average = beta * average + (1 - beta) * loss;
    const smoothed = average / (1 - Math.pow(beta, step + 1));
    reporter.metrics(step, undefined, { 'lr_range.lr': lr, 'lr_range.loss': loss, 'lr_range.smoothed': smoothed, lr, loss });
    points.push({ lr, loss, smoothed });
    if (smoothed < best) best = smoothed;
    if (step > 10 && smoothed > options.divergeFactor * best) { ended = 'diverged'; break; }
    model.backward(result.grad);
    if (!ownsWeightDecay) decayWeights(params, lr, t.weightDecay);
    optimizer.step(params, lr);
  }
  return { points, ended, ...suggestRange(points), rule: LR_RANGE_RULE };
}
