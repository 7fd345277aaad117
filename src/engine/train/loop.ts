// One model trained from the spec: per step forward, loss (+ penalties), backward, clipping,
// optimizer step at the scheduled LR, noise; per epoch validation, early stopping, SWA,
// checkpoints. Stops within one step when asked; a non-finite loss ends it as 'diverged'.
import path from 'node:path';
import type { Spec } from '../../core/spec/types.ts';
import { formatNumber } from '../../core/format.ts';
import { augmentBatch, isActive } from '../data/augment.ts';
import { batchCount, epochOrder, gatherBatch } from '../data/batches.ts';
import { sampleSize } from '../data/dataset.ts';
import type { LoadedData } from '../data/load.ts';
import type { Kernels } from '../kernels/types.ts';
import type { Sequential } from '../nn/sequential.ts';
import type { Param } from '../nn/types.ts';
import { gradientNorms, layerStatistics, snapshotWeights } from '../nn/stats/layer-stats.ts';
import { clipGradNorm, clipGradValue } from '../optim/clipping.ts';
import { applyPenalties } from '../optim/regularization.ts';
import { Rng } from '../rng.ts';
import { EarlyStopper, restore, snapshot, SwaAverage, type Snapshot } from './averaging.ts';
import { restoreTracking, trackingExtras, type Tracking } from './tracking-state.ts';
import { refreshBatchNorm } from './batchnorm-refresh.ts';
import { buildModel, type BuildOptions } from './build-model.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { evaluate, argmax } from './evaluate.ts';
import { GradientWatch } from './gradient-watch.ts';
import { makeObjective, type Objective } from './objective.ts';
import { makeOptimizer } from './make-optimizer.ts';
import { addNoise, addWeightNoise, decayWeights } from './regularize.ts';
import type { TrainControl, TrainReporter } from './reporter.ts';
import { HyperlabError } from '../../core/errors.ts';
import { scheduledLr } from './schedule.ts';
import { deriveSeed, STREAM } from './seeds.ts';

export type MemberStatus = 'finished' | 'stopped' | 'diverged';

export interface EpochMetrics {
  epoch: number;
  step: number;
  'train.loss': number;
  'train.acc': number;
  'val.loss': number;
  'val.acc': number;
  lr: number;
  epoch_time_s: number;
  samples_per_s: number;
}

export interface MemberResult {
  model: Sequential;
  objective: Objective;
  status: MemberStatus;
  reason: string | undefined;
  history: EpochMetrics[];
  steps: number;
  bestEpoch: number | null;
  stoppedEarly: boolean;
  swaEpochs: number;
  checkpoints: { best?: string; last?: string };
}

export interface MemberOptions {
  spec: Spec;
  data: LoadedData;
  member: number;
  /** Prefix for metric keys ("" for a single model, "member1." in ensembles). */
  prefix: string;
  reporter: TrainReporter;
  control: TrainControl;
  checkpointDir: string | null;
  kernels?: Kernels;
  /** Wall clock in seconds (performance.now based); injectable so tests stay deterministic. */
  now?: () => number;
  /** Fine-tuning: start from these weights instead of the initializer. */
  start?: TrainStart;
}

/** Weights to fine-tune from, and what must hold after every update (a pruning mask re-applied). */
export interface TrainStart {
  tensors: ReadonlyMap<string, Float32Array>;
  /** Called once before the first step and after every optimizer step. */
  afterStep?: (params: readonly Param[]) => void;
  /** Weights the model computes with in place of the trained ones (quantization-aware training). */
  swap?: WeightSwap;
  /** Dense and conv layers as the model computes with them (buildModel's wrapWeighted). */
  wrapWeighted?: BuildOptions['wrapWeighted'];
}

/**
 * Lets the forward and backward passes see other weights than the ones the optimizer updates,
 * as quantization-aware training needs: the model computes with fake-quantized weights while
 * FP32 masters are trained. The loop calls swapIn before each training forward (and before
 * validation, so the curves show the model that will be exported) and swapOut after the backward
 * (and after validation); penalties, clipping, weight decay, the optimizer step and checkpoints
 * all see the masters.
 */
export interface WeightSwap {
  /** Puts the weights to compute with into the params, keeping the masters. */
  swapIn(params: readonly Param[]): void;
  /**
   * Puts the masters back. After a backward (`gradients` true) it also turns each swapped
   * param's gradient, taken w.r.t. the swapped-in values, into the masters' gradient.
   */
  swapOut(params: readonly Param[], gradients: boolean): void;
}

/** The name of the first param or buffer holding a NaN or ±Inf, or null. */
function firstNonFinite(items: readonly { name: string; value: Float32Array }[]): string | null {
  for (const item of items) for (const v of item.value) if (!Number.isFinite(v)) return item.name;
  return null;
}

function monitored(metric: string, m: EpochMetrics): number {
  return m[metric as keyof EpochMetrics] as number;
}

export async function trainMember(o: MemberOptions): Promise<MemberResult> {
  const { spec, data, reporter, control } = o;
  const t = spec.train;
  const now = o.now ?? (() => performance.now() / 1000);
  const seed = t.seed + o.member;
  const classes = data.classNames.length;
  const model = buildModel(spec.model, { inputShape: data.shape, classes, rng: new Rng(deriveSeed(seed, STREAM.init)), ...(o.kernels ? { kernels: o.kernels } : {}), ...(o.start?.wrapWeighted ? { wrapWeighted: o.start.wrapWeighted } : {}) });
  const inputShape = spec.model.inputShape ?? data.shape;
  const params = model.params();
  const { optimizer, ownsWeightDecay } = makeOptimizer(t, o.kernels);
  const objective = makeObjective(t.loss);
  const train = data.train;
  const batchSize = Math.min(t.batchSize, train.count);
  const stepsPerEpoch = batchCount(train.count, batchSize);
  const clock = { stepsPerEpoch, totalSteps: stepsPerEpoch * t.epochs };
  const size = sampleSize(data.shape);
  // the input batch in kernel memory: the first layer's products read it in place
  const x = o.kernels ? o.kernels.alloc(batchSize * size) : new Float32Array(batchSize * size);
  const y = new Float32Array(batchSize);
  const scratch = new Float32Array(size);
  const checkpoints: MemberResult['checkpoints'] = {};
  const ckpt = (name: string): string | null => o.checkpointDir === null ? null : path.join(o.checkpointDir, o.member === 0 && o.prefix === '' ? `${name}.safetensors` : `member${o.member}-${name}.safetensors`);

  const history: EpochMetrics[] = [];
  const es = t.earlyStopping;
  const stopper = new EarlyStopper({ higherIsBetter: es.metric.endsWith('.acc'), minDelta: es.minDelta, patience: es.patience });
  const bestByValLoss = new EarlyStopper({ higherIsBetter: false, minDelta: 0, patience: Infinity });
  const swa = new SwaAverage();
  const tracking: Tracking = { bestByValLoss, stopper, swa, bestWeights: null };
  const stateItems = [...params, ...model.buffers()];

  if (o.start) {
    for (const item of stateItems) {
      const t = o.start.tensors.get(item.name);
      if (t && t.length === item.value.length) item.value.set(t);
    }
    o.start.afterStep?.(params);
  }
  let step = 0;
  let startEpoch = 0;
  if (t.checkpoint.resumeFrom) {
    const info = loadCheckpoint(t.checkpoint.resumeFrom, model, optimizer);
    step = info.step;
    startEpoch = info.epoch;
    reporter.log('info', `resumed from ${t.checkpoint.resumeFrom} at epoch ${startEpoch}, step ${step}`);
    if (info.optimizerState.startsWith('dropped')) reporter.log('warn', `${o.prefix}the checkpoint's optimizer state does not fit ${t.optimizer.kind} (${info.optimizerState.slice(9)}): it goes on from fresh optimizer slots`);
    for (const problem of restoreTracking(info, tracking, params, stateItems)) reporter.log('warn', `${o.prefix}${problem}`);
    if (startEpoch >= t.epochs) {
      // Training on would run no epoch and report a "finished" run with no losses.
      throw new HyperlabError('SPEC_INVALID',
        `train.epochs: ${t.epochs}, but the checkpoint ${t.checkpoint.resumeFrom} has already trained ${startEpoch} epoch${startEpoch === 1 ? '' : 's'}`,
        `Set train.epochs above ${startEpoch} to train on from the checkpoint (e.g. train.epochs=${startEpoch + Math.max(1, t.epochs)}).`);
    }
  }
  reporter.plan?.({ epochs: t.epochs, stepsPerEpoch, totalSteps: clock.totalSteps, batchSize, startStep: step, startEpoch });
  let lastGood: Snapshot = snapshot(stateItems);
  let status: MemberStatus = 'finished';
  let reason: string | undefined;
  let stoppedEarly = false;
  const key = (k: string): string => o.prefix + k;
  const gradientWatch = new GradientWatch(o.prefix);
  const swap = o.start?.swap;

  epochs: for (let epoch = startEpoch; epoch < t.epochs; epoch++) {
    const started = now();
    const swaActive = t.swa.enabled && epoch + 1 >= t.swa.startEpoch;
    const order = epochOrder(train.count, new Rng(deriveSeed(seed, STREAM.shuffle, epoch)));
    const forwardCtx = { training: true, rng: new Rng(deriveSeed(seed, STREAM.dropout, epoch)) };
    const augmentRng = new Rng(deriveSeed(seed, STREAM.augment, epoch));
    const noiseRng = new Rng(deriveSeed(seed, STREAM.noise, epoch));
    let lossSum = 0, correct = 0, seen = 0, lr = 0;
    for (let b = 0; b < stepsPerEpoch; b++) {
      await control.pause();
      if (control.shouldStop()) { status = 'stopped'; reason = 'stop requested'; break epochs; }
      const n = gatherBatch(train, order, b * batchSize, batchSize, x, y);
      if (isActive(spec.data.augmentation)) augmentBatch(x, n, data.shape, spec.data.augmentation, data.background, augmentRng, scratch);
      addNoise(x, n * size, t.noise.inputs, noiseRng);
      lr = swaActive ? t.swa.lr : scheduledLr(t.schedule, t.optimizer.lr, step, clock);
      const statsNow = t.statsEvery > 0 && step % t.statsEvery === 0;
      const weightsBefore = statsNow ? snapshotWeights(model) : null;

      model.zeroGrad();
      swap?.swapIn(params);
      const logits = model.forward({ data: n === batchSize ? x : x.subarray(0, n * size), shape: [n, ...inputShape] }, forwardCtx);
      const result = objective.compute(logits, y);
      if (swap) {
        // the backward needs the swapped-in weights; the penalties are the masters'
        if (Number.isFinite(result.loss)) model.backward(result.grad);
        swap.swapOut(params, true);
      }
      const penalty = applyPenalties(params, { l1: t.l1, l2: t.l2 });
      const loss = result.loss + penalty;
      if (!Number.isFinite(loss)) {
        status = 'diverged';
        reason = `loss became ${loss} at step ${step} (epoch ${epoch + 1}, lr ${formatNumber(lr, 4)})`;
        reporter.log('error', `${o.prefix}diverged: ${reason}; keeping the last good weights (end of epoch ${epoch})`);
        break epochs;
      }
      if (!swap) model.backward(result.grad);
      const gradNorms = statsNow ? gradientNorms(model) : undefined;
      if (t.clip.value !== null) clipGradValue(params, t.clip.value);
      if (t.clip.norm !== null) clipGradNorm(params, t.clip.norm);
      if (!ownsWeightDecay) decayWeights(params, lr, t.weightDecay);
      optimizer.step(params, lr);
      addWeightNoise(params, t.noise.weights, noiseRng);
      o.start?.afterStep?.(params);

      const k = logits.shape[1]!;
      for (let i = 0; i < n; i++) if (argmax(logits.data, i * k, k) === y[i]) correct++;
      lossSum += loss * n;
      seen += n;
      if (weightsBefore) {
        const stats = layerStatistics(model, weightsBefore, gradNorms);
        reporter.layerStats(step, o.prefix ? stats.map((s) => ({ ...s, name: o.prefix + s.name })) : stats);
        for (const line of gradientWatch.observe(step, stats)) reporter.log(line.level, line.message);
      }
      if (step % t.metricsEvery === 0) reporter.metrics(step, epoch + 1, { [key('loss')]: loss, [key('lr')]: lr });
      step++;
    }

    // The last step's update can overflow the weights while its loss was finite (a single step
    // per epoch, full-batch GD, is the common case): such weights must not become the last good
    // snapshot, the last checkpoint or an SWA sample.
    const broken = firstNonFinite([...params, ...model.buffers()]);
    if (broken !== null) {
      status = 'diverged';
      reason = `${broken} became non-finite in the update of step ${step - 1} (epoch ${epoch + 1}, lr ${formatNumber(lr, 4)})`;
      reporter.log('error', `${o.prefix}diverged: ${reason}; keeping the last good weights (end of epoch ${epoch})`);
      break;
    }
    swap?.swapIn(params);
    const validation = data.validation.count > 0 ? evaluate(model, data.validation, objective, classes) : { loss: NaN, acc: NaN };
    swap?.swapOut(params, false);
    if (data.validation.count > 0 && !Number.isFinite(validation.loss)) {
      status = 'diverged';
      reason = `validation loss became ${validation.loss} after epoch ${epoch + 1} (lr ${lr})`;
      reporter.log('error', `${o.prefix}diverged: ${reason}; keeping the last good weights (end of epoch ${epoch})`);
      break;
    }
    if (swaActive) swa.add(params);
    const elapsed = now() - started;
    const m: EpochMetrics = {
      epoch: epoch + 1, step, 'train.loss': lossSum / seen, 'train.acc': correct / seen,
      'val.loss': validation.loss, 'val.acc': validation.acc, lr, epoch_time_s: elapsed, samples_per_s: elapsed > 0 ? seen / elapsed : 0,
    };
    history.push(m);
    const { epoch: _e, step: _s, ...values } = m;
    // Without a validation set there are no validation values: a NaN reported as val.loss would
    // read as divergence to the host (which stops a run on a non-finite loss).
    const reported = Object.entries(values).filter(([k]) => data.validation.count > 0 || !k.startsWith('val.'));
    reporter.metrics(step, epoch + 1, Object.fromEntries(reported.map(([k, v]) => [key(`epoch.${k}`), v])));
    reporter.log('info', `${o.prefix}epoch ${epoch + 1}/${t.epochs}: train loss ${m['train.loss'].toFixed(4)} acc ${(100 * m['train.acc']).toFixed(2)}%, ` +
      `val loss ${m['val.loss'].toFixed(4)} acc ${(100 * m['val.acc']).toFixed(2)}%, lr ${lr.toExponential(2)}, ${elapsed.toFixed(1)} s, ${m.samples_per_s.toFixed(0)} samples/s`);
    lastGood = snapshot(stateItems);

    // trackers first, so the checkpoints hold their state after this epoch
    const isBest = bestByValLoss.observe(Number.isNaN(m['val.loss']) ? m['train.loss'] : m['val.loss'], epoch + 1);
    if (es.enabled && stopper.observe(monitored(es.metric, m), epoch + 1) && es.restoreBest) tracking.bestWeights = snapshot(stateItems);
    const info = { step, epoch: epoch + 1, member: o.member };
    const extras = trackingExtras(tracking, params, stateItems);
    const lastFile = ckpt('last');
    if (lastFile && t.checkpoint.last) {
      saveCheckpoint(lastFile, model, optimizer, spec, info, extras);
      checkpoints.last = lastFile;
    }
    if (isBest) {
      const bestFile = ckpt('best');
      if (bestFile && t.checkpoint.best) {
        saveCheckpoint(bestFile, model, optimizer, spec, info, extras);
        checkpoints.best = bestFile;
      }
    }
    if (es.enabled) {
      if (stopper.shouldStop()) {
        stoppedEarly = true;
        reporter.log('info', `${o.prefix}early stopping after epoch ${epoch + 1}: ${es.metric} has not improved by ${es.minDelta} for ${es.patience} epochs (best ${stopper.bestValue()} at epoch ${stopper.bestEpoch})`);
        break;
      }
    }
  }

  if (status === 'diverged') restore(stateItems, lastGood);
  if (status !== 'diverged' && es.enabled && es.restoreBest && tracking.bestWeights) {
    restore(stateItems, tracking.bestWeights);
    reporter.log('info', `${o.prefix}restored the weights of epoch ${stopper.bestEpoch} (best ${es.metric})`);
  }
  if (status !== 'diverged' && swa.count > 0) {
    swa.apply(params);
    const refreshed = refreshBatchNorm(model, train, batchSize);
    reporter.log('info', `${o.prefix}SWA: averaged the weights of ${swa.count} epochs${refreshed ? '; BatchNorm statistics recomputed' : ''}`);
  }
  return {
    model, objective, status, reason, history, steps: step, stoppedEarly, swaEpochs: swa.count, checkpoints,
    bestEpoch: es.enabled ? (stopper.bestEpoch > 0 ? stopper.bestEpoch : null) : (bestByValLoss.bestEpoch > 0 ? bestByValLoss.bestEpoch : null),
  };
}
