// A whole experiment: load the data, train one model or an ensemble, evaluate on the test set,
// and sum it up (test accuracy, per-class accuracy, confusion matrix).
import type { Params } from '../../core/protocol/messages.ts';
import type { Spec } from '../../core/spec/types.ts';
import { loadData, type LoadedData } from '../data/load.ts';
import { engineKernels } from '../kernels/select.ts';
import type { Kernels } from '../kernels/types.ts';
import { smoothingValues } from '../nn/losses/label-smoothing.ts';
import { accuracy, confusionMatrix, evaluate, perClassAccuracy } from './evaluate.ts';
import { trainMember, type MemberResult, type TrainStart } from './loop.ts';
import { checkMemoryFits, formatBytes, machineMemoryLimits, type MemoryLimits } from './memory-check.ts';
import { estimateMemory } from './memory-estimate.ts';
import type { TrainControl, TrainReporter } from './reporter.ts';

export type RunStatus = 'finished' | 'stopped' | 'diverged';

export interface RunResult {
  status: RunStatus;
  reason: string | undefined;
  summary: Params;
  members: MemberResult[];
  data: LoadedData;
}

export interface RunOptions {
  spec: Spec;
  /** Folder of the spec file (relative data paths). */
  specDir: string;
  reporter: TrainReporter;
  control: TrainControl;
  checkpointDir: string | null;
  /** Default: engineKernels() (WebAssembly SIMD, JS fallback; HYPERLAB_KERNELS=js|wasm forces one). */
  kernels?: Kernels;
  now?: () => number;
  /** Already loaded data (tests reuse one load across runs). */
  data?: LoadedData;
  /** Default: this machine's (machineMemoryLimits). */
  memoryLimits?: MemoryLimits;
  /** Fine-tuning: the weights to start from and the constraint re-applied after each step. */
  start?: TrainStart;
}

function finite(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : v;
}

/** Reshapes the samples when model.inputShape asks for a different view of the same values. */
export function withModelShape(data: LoadedData, spec: Spec): LoadedData {
  const shape = spec.model.inputShape;
  if (shape === null || shape.join('x') === data.shape.join('x')) return data;
  const reshape = (d: LoadedData['train']) => ({ ...d, shape: [...shape] });
  return { ...data, shape: [...shape], images: shape.length === 3, train: reshape(data.train), validation: reshape(data.validation), test: reshape(data.test) };
}

/** Mean cross-entropy of averaged probabilities against the (smoothed, as in training) targets. */
function ensembleCrossEntropy(probabilities: Float32Array, labels: Int32Array, k: number, loss: Spec['train']['loss']): number {
  const { onTrue, onOther } = loss.labelSmoothing > 0 ? smoothingValues(k, loss.labelSmoothing, loss.smoothingForm) : { onTrue: 1, onOther: 0 };
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < k; j++) {
      const q = j === labels[i] ? onTrue : onOther;
      if (q !== 0) total -= q * Math.log(probabilities[i * k + j]!);
    }
  }
  return total / labels.length;
}

export async function runExperiment(o: RunOptions): Promise<RunResult> {
  const { spec, reporter } = o;
  const started = (o.now ?? (() => performance.now() / 1000))();
  const loaded = o.data ?? await loadData(spec.data, { specDir: o.specDir, seed: spec.train.seed });
  const data = withModelShape(loaded, spec);
  reporter.log('info', `data: ${data.train.count} train, ${data.validation.count} validation, ${data.test.count} test samples of shape [${data.shape.join(', ')}], ${data.classNames.length} classes (${data.source})`);
  const kernels = o.kernels ?? engineKernels({ warn: (message) => reporter.log('warn', message) });
  // Before any layer is built: a model that cannot fit fails now, naming the layer.
  const memory = estimateMemory({ spec, inputShape: data.shape, trainCount: data.train.count, evalCount: Math.max(data.validation.count, data.test.count) });
  checkMemoryFits(memory, o.memoryLimits ?? machineMemoryLimits(kernels.name));
  reporter.log('info', `memory estimate: ${formatBytes(memory.totalBytes)} for training (batch buffers sized for ${memory.batch} samples)`);
  reporter.log('info', `kernels: ${kernels.name}${kernels.name === 'wasm-relaxed' ? ' (multiply-adds fused where this CPU has FMA: runs repeat bit for bit on this machine, another machine may differ in the last bits; HYPERLAB_KERNELS=js agrees across machines)' : ''}`);
  if (spec.train.optimizer.kind === 'adamw' && spec.train.weightDecay === 0) {
    reporter.log('warn', 'train.optimizer.kind "adamw" with train.weightDecay 0 is plain Adam: set train.weightDecay (PyTorch\'s AdamW defaults to 0.01)');
  }
  const asyncSpec = spec.train.async;
  if (asyncSpec.delay > 0) {
    reporter.log('info', asyncSpec.variant === 'plain'
      ? `train.async.delay ${asyncSpec.delay}: ${spec.train.optimizer.kind} steps with each gradient ${asyncSpec.delay} step${asyncSpec.delay === 1 ? '' : 's'} late`
      : `train.async.delay ${asyncSpec.delay}: asynchronous SGD, ${asyncSpec.variant} variant (m = ${asyncSpec.momentum})`);
  }
  const classes = data.classNames.length;
  const members: MemberResult[] = [];
  const count = spec.train.ensemble.members;
  for (let m = 0; m < count; m++) {
    if (count > 1) reporter.log('info', `ensemble member ${m + 1}/${count} (seed ${spec.train.seed + m})`);
    const result = await trainMember({
      spec, data, member: m, prefix: count > 1 ? `member${m + 1}.` : '', reporter, control: o.control, checkpointDir: o.checkpointDir,
      kernels, ...(o.now ? { now: o.now } : {}), ...(o.start ? { start: o.start } : {}),
    });
    members.push(result);
    for (const [kind, file] of Object.entries(result.checkpoints)) reporter.artifact('checkpoint', file, { which: kind, member: m });
    if (result.status !== 'finished') break;
  }
  const last = members[members.length - 1]!;
  const status: RunStatus = last.status;
  const lastEpoch = last.history[last.history.length - 1];
  const summary: Params = {
    status,
    epochs: lastEpoch?.epoch ?? 0,
    steps: last.steps,
    'train.loss': finite(lastEpoch?.['train.loss']),
    'train.acc': finite(lastEpoch?.['train.acc']),
    'val.loss': finite(lastEpoch?.['val.loss']),
    'val.acc': finite(lastEpoch?.['val.acc']),
    bestEpoch: last.bestEpoch,
    stoppedEarly: last.stoppedEarly,
    swaEpochs: last.swaEpochs,
    members: members.length,
    classNames: data.classNames,
  };
  if (last.reason) summary['reason'] = last.reason;
  // A stopped run ends with the metrics it has; a diverged one is evaluated on its last good weights.
  if (status !== 'stopped' && data.test.count > 0) {
    // quantization-aware training: the test figures are those of the model it will export
    const swap = o.start?.swap;
    const evaluations = members.map((r) => {
      if (!swap) return evaluate(r.model, data.test, r.objective, classes);
      swap.swapIn(r.model.params());
      try { return evaluate(r.model, data.test, r.objective, classes); } finally { swap.swapOut(r.model.params(), false); }
    });
    const mean = new Float32Array(data.test.count * classes);
    for (const e of evaluations) for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! + e.probabilities[i]! / evaluations.length;
    const confusion = confusionMatrix(mean, data.test.y, classes);
    summary['test.acc'] = accuracy(mean, data.test.y, classes);
    // an ensemble's loss is that of its averaged prediction, like its accuracy (cross-entropy);
    // other losses compare logits, which an ensemble does not have: the members' mean then
    summary['test.loss'] = finite(members.length > 1 && spec.train.loss.kind === 'cross-entropy'
      ? ensembleCrossEntropy(mean, data.test.y, classes, spec.train.loss)
      : evaluations.reduce((s, e) => s + e.loss, 0) / evaluations.length);
    if (members.length > 1) summary['memberTestLoss'] = evaluations.map((e) => finite(e.loss));
    summary['perClassAcc'] = Object.fromEntries(perClassAccuracy(confusion).map((a, c) => [data.classNames[c]!, finite(a)]));
    summary['confusion'] = confusion;
    if (members.length > 1) {
      summary['memberTestAcc'] = evaluations.map((e) => e.acc);
      summary['ensemble.test.acc'] = summary['test.acc'];
      reporter.log('info', `ensemble of ${members.length}: test accuracy ${(100 * (summary['test.acc'] as number)).toFixed(2)}% (members ${evaluations.map((e) => (100 * e.acc).toFixed(2) + '%').join(', ')})`);
    }
    reporter.log('info', `test accuracy ${(100 * (summary['test.acc'] as number)).toFixed(2)}% on ${data.test.count} samples`);
  }
  summary['time_s'] = (o.now ?? (() => performance.now() / 1000))() - started;
  return { status, reason: last.reason, summary, members, data };
}
