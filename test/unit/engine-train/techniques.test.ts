import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSpec } from '../../../src/core/spec/index.ts';
import type { ScheduleSpec } from '../../../src/core/spec/types.ts';
import { makeObjective } from '../../../src/engine/train/objective.ts';
import { neverStop } from '../../../src/engine/train/reporter.ts';
import { runExperiment, type RunResult } from '../../../src/engine/train/run.ts';
import { BatchNorm } from '../../../src/engine/nn/layers/batch-norm.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { scheduledLr } from '../../../src/engine/train/schedule.ts';
import { evaluate } from '../../../src/engine/train/evaluate.ts';
import { blobData, blobSpec, fixedClock, recorder, stopAfter } from './helpers.ts';

const data = blobData();

async function train(overrides: Record<string, unknown>, control = neverStop, reporter = recorder()): Promise<RunResult & { reporter: ReturnType<typeof recorder> }> {
  const result = await runExperiment({ spec: blobSpec(overrides), specDir: '.', reporter, control, checkpointDir: null, data, now: fixedClock });
  return { ...result, reporter };
}

function weights(result: RunResult): Float32Array[] {
  return result.members[0]!.model.params().map((p) => p.value);
}

function weightNormSq(result: RunResult): number {
  let s = 0;
  for (const p of result.members[0]!.model.params()) if (p.role === 'weight') for (const v of p.value) s += v * v;
  return s;
}

const schedule = (s: Partial<ScheduleSpec>): ScheduleSpec => ({ ...defaultSpec().train.schedule, ...s });
const clock = { stepsPerEpoch: 10, totalSteps: 100 };

test('schedules: each formula at given steps', () => {
  const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);
  close(scheduledLr(schedule({ kind: 'constant' }), 0.1, 57, clock), 0.1);
  // step: ×γ every 2 epochs; step 45 is epoch 4 → γ².
  close(scheduledLr(schedule({ kind: 'step', stepEpochs: 2, gamma: 0.5 }), 0.1, 45, clock), 0.025);
  close(scheduledLr(schedule({ kind: 'step', stepEpochs: 2, gamma: 0.5 }), 0.1, 19, clock), 0.1);
  close(scheduledLr(schedule({ kind: 'step', stepEpochs: 2, gamma: 0.5 }), 0.1, 20, clock), 0.05);
  // exponential: α₀γ^epoch.
  close(scheduledLr(schedule({ kind: 'exponential', gamma: 0.9 }), 0.1, 35, clock), 0.1 * 0.9 ** 3);
  // polynomial: (α₀ − end)(1 − t/T)^p + end.
  close(scheduledLr(schedule({ kind: 'polynomial', power: 2, endLr: 0.01 }), 0.1, 25, clock), 0.09 * 0.75 ** 2 + 0.01);
  close(scheduledLr(schedule({ kind: 'polynomial', power: 2, endLr: 0.01 }), 0.1, 100, clock), 0.01);
  // cosine: end + (α₀ − end)(1 + cos(πt/T))/2.
  close(scheduledLr(schedule({ kind: 'cosine', endLr: 0 }), 0.1, 50, clock), 0.05);
  close(scheduledLr(schedule({ kind: 'cosine', endLr: 0.02 }), 0.1, 25, clock), 0.02 + 0.08 * (1 + Math.cos(Math.PI / 4)) / 2);
  // cyclic triangular between endLr and α₀, half-period 10: 0 → min, 10 → max, 15 → middle, 20 → min.
  const cyc = schedule({ kind: 'cyclic', endLr: 0.01, halfPeriod: 10 });
  close(scheduledLr(cyc, 0.1, 0, clock), 0.01);
  close(scheduledLr(cyc, 0.1, 10, clock), 0.1);
  close(scheduledLr(cyc, 0.1, 15, clock), 0.055);
  close(scheduledLr(cyc, 0.1, 20, clock), 0.01);
  close(scheduledLr(cyc, 0.1, 35, clock), 0.055);
});

test('linear warm-up scales the schedule by (t + 1)/w for t < w', () => {
  const s = schedule({ kind: 'constant', warmupSteps: 4 });
  assert.deepEqual([0, 1, 2, 3, 4, 9].map((t) => scheduledLr(s, 0.2, t, clock)), [0.05, 0.1, 0.15000000000000002, 0.2, 0.2, 0.2]);
});

test('the LR is reported every step and follows the schedule', async () => {
  const r = await train({ 'train.schedule.kind': 'step', 'train.schedule.stepEpochs': 1, 'train.schedule.gamma': 0.5, 'train.epochs': 2 });
  const lrs = r.reporter.recorded.metrics.filter((m) => 'lr' in m.values).map((m) => m.values['lr']);
  assert.equal(lrs.length, 30); // 240 samples / 16 = 15 steps per epoch
  assert.deepEqual([...new Set(lrs)], [0.05, 0.025]);
});

test('label smoothing: targets 1 − ε and ε/(k − 1) ("others"), 1 − ε + ε/k and ε/k ("uniform")', () => {
  // With zero logits softmax is 1/k and the gradient of the mean loss is (1/k − target)/N.
  const k = 5, eps = 0.01;
  const targetsOf = (form: 'uniform' | 'others'): number[] => {
    const { grad } = makeObjective({ kind: 'cross-entropy', labelSmoothing: eps, smoothingForm: form })
      .compute({ data: new Float32Array(k), shape: [1, k] }, Float32Array.of(2));
    return [...grad.data].map((g) => Math.round((1 / k - g) * 1e6) / 1e6);
  };
  assert.deepEqual(targetsOf('others'), [0.0025, 0.0025, 0.99, 0.0025, 0.0025]);
  assert.deepEqual(targetsOf('uniform'), [0.002, 0.002, 0.992, 0.002, 0.002]);
});

test('L2 lowers the weight norm compared with no penalty', async () => {
  const plain = await train({ 'train.epochs': 5 });
  const l2 = await train({ 'train.epochs': 5, 'train.l2': 0.05 });
  const l1 = await train({ 'train.epochs': 5, 'train.l1': 0.01 });
  assert.ok(weightNormSq(l2) < 0.9 * weightNormSq(plain), `${weightNormSq(l2)} vs ${weightNormSq(plain)}`);
  const abs = (r: RunResult): number => r.members[0]!.model.params().filter((p) => p.role === 'weight').reduce((s, p) => s + p.value.reduce((a, v) => a + Math.abs(v), 0), 0);
  assert.ok(abs(l1) < abs(plain));
});

test('decoupled weight decay shrinks weights too', async () => {
  const plain = await train({ 'train.epochs': 3 });
  const decayed = await train({ 'train.epochs': 3, 'train.weightDecay': 1 });
  assert.ok(weightNormSq(decayed) < weightNormSq(plain));
});

test('Adam weight decay: train.l2 is the coupled form (PyTorch Adam), train.weightDecay the decoupled one (AdamW); adamw without it warns', async () => {
  const adam = { 'train.optimizer.kind': 'adam', 'train.optimizer.lr': 0.01, 'train.epochs': 2 };
  const coupled = await train({ ...adam, 'train.l2': 0.5 });
  const decoupled = await train({ ...adam, 'train.weightDecay': 0.5 });
  const adamw = await train({ ...adam, 'train.optimizer.kind': 'adamw', 'train.weightDecay': 0.5 });
  assert.deepEqual(weights(adamw), weights(decoupled));
  assert.notDeepEqual(weights(coupled), weights(decoupled));
  assert.ok(!adamw.reporter.recorded.logs.some((l) => l.startsWith('warn:')));
  const bare = await train({ ...adam, 'train.optimizer.kind': 'adamw' });
  assert.ok(bare.reporter.recorded.logs.some((l) => /^warn: .*"adamw" with train.weightDecay 0 is plain Adam/.test(l)));
});

test('early stopping stops after `patience` epochs without improvement and restores the best weights', async () => {
  // minDelta larger than any possible improvement: epoch 1 is the best, epoch 1 + patience stops.
  const stopped = await train({ 'train.epochs': 10, 'train.earlyStopping': { enabled: true, metric: 'val.loss', patience: 2, minDelta: 100, restoreBest: true } });
  assert.equal(stopped.members[0]!.history.length, 3);
  assert.equal(stopped.summary['stoppedEarly'], true);
  assert.equal(stopped.summary['bestEpoch'], 1);
  const oneEpoch = await train({ 'train.epochs': 1 });
  assert.deepEqual(weights(stopped), weights(oneEpoch));
  // Without restoreBest the weights are those of the last epoch run (3).
  const kept = await train({ 'train.epochs': 10, 'train.earlyStopping': { enabled: true, patience: 2, minDelta: 100, restoreBest: false } });
  assert.deepEqual(weights(kept), weights(await train({ 'train.epochs': 3 })));
});

test('SWA: the final weights are the average of the end-of-epoch snapshots from startEpoch on', async () => {
  // With a constant LR equal to the SWA LR, the trajectory is the same with or without SWA.
  const lr = { 'train.optimizer.lr': 0.05, 'train.swa.lr': 0.05 };
  const snapshots = await Promise.all([2, 3, 4].map((epochs) => train({ ...lr, 'train.epochs': epochs })));
  const swa = await train({ ...lr, 'train.epochs': 4, 'train.swa': { enabled: true, startEpoch: 2, lr: 0.05 } });
  assert.equal(swa.summary['swaEpochs'], 3);
  const averaged = weights(swa);
  const parts = snapshots.map(weights);
  averaged.forEach((w, k) => {
    for (let i = 0; i < w.length; i++) {
      const expected = Math.fround((parts[0]![k]![i]! + parts[1]![k]![i]! + parts[2]![k]![i]!) / 3);
      assert.ok(Math.abs(w[i]! - expected) <= 1e-7 * Math.max(1, Math.abs(expected)), `param ${k}[${i}]: ${w[i]} vs ${expected}`);
    }
  });
});

test('SWA recomputes BatchNorm statistics at the end', async () => {
  const r = await train({
    'model.layers': [{ type: 'dense', units: 8 }, { type: 'batchnorm' }, { type: 'activation', fn: 'relu' }, { type: 'dense', units: 3 }],
    'train.epochs': 3, 'train.swa': { enabled: true, startEpoch: 2, lr: 0.05 },
  });
  assert.ok(r.reporter.recorded.logs.some((l) => /SWA: averaged the weights of 2 epochs; BatchNorm statistics recomputed/.test(l)));
});

test('SWA BatchNorm refresh: running statistics = the mean over training batches of the batch mean and unbiased variance, any momentum', async () => {
  for (const momentum of [0.1, 0]) {
    const r = await train({
      'model.layers': [{ type: 'dense', units: 4 }, { type: 'batchnorm', momentum }, { type: 'activation', fn: 'relu' }, { type: 'dense', units: 3 }],
      'train.epochs': 2, 'train.batchSize': 50, 'train.swa': { enabled: true, startEpoch: 1, lr: 0.05 },
    });
    const model = r.members[0]!.model;
    const bn = model.layers[1] as BatchNorm;
    const first = model.layers[0]!;
    const ctx = { training: false, rng: new Rng(0) };
    const mean = [0, 0, 0, 0], variance = [0, 0, 0, 0];
    let batches = 0;
    for (let start = 0; start < data.train.count; start += 50, batches++) {
      const n = Math.min(50, data.train.count - start);
      const h = first.forward({ data: data.train.x.subarray(start * 4, (start + n) * 4), shape: [n, 4] }, ctx).data;
      for (let f = 0; f < 4; f++) {
        let s = 0, q = 0;
        for (let i = 0; i < n; i++) s += h[i * 4 + f]!;
        for (let i = 0; i < n; i++) q += (h[i * 4 + f]! - s / n) ** 2;
        mean[f] += s / n;
        variance[f] += q / (n - 1);
      }
    }
    for (let f = 0; f < 4; f++) {
      assert.ok(Math.abs(bn.runningMean.value[f]! - mean[f]! / batches) < 1e-5, `momentum ${momentum}: mean ${bn.runningMean.value[f]} vs ${mean[f]! / batches}`);
      assert.ok(Math.abs(bn.runningVar.value[f]! - variance[f]! / batches) < 1e-4 * (1 + variance[f]! / batches), `momentum ${momentum}: var ${bn.runningVar.value[f]} vs ${variance[f]! / batches}`);
    }
  }
});

test('determinism: the same spec and seed give the same metrics bit for bit; another seed does not', async () => {
  const spec = { 'train.epochs': 2, 'model.layers': [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dropout', rate: 0.3 }, { type: 'dense', units: 3 }],
    'data.augmentation.noise': 0.1, 'train.noise.weights': 0.001, 'train.optimizer.kind': 'adam', 'train.optimizer.lr': 0.01 };
  const a = await train(spec);
  const b = await train(spec);
  const c = await train({ ...spec, 'train.seed': 1 });
  assert.deepEqual(a.reporter.recorded.metrics, b.reporter.recorded.metrics);
  assert.deepEqual(a.summary, b.summary);
  assert.notDeepEqual(a.reporter.recorded.metrics, c.reporter.recorded.metrics);
});

test('a NaN/Inf loss ends the run "diverged", keeping the last good metrics and evaluating the last good weights', async () => {
  // Epoch 1 at lr 0.05, then ×1e12: the loss overflows in epoch 2.
  const r = await train({ 'train.loss.kind': 'mse', 'train.schedule': { kind: 'step', stepEpochs: 1, gamma: 1e12 }, 'train.epochs': 3 });
  assert.equal(r.status, 'diverged');
  assert.match(String(r.summary['reason']), /loss became (NaN|Infinity) at step \d+ \(epoch 2, lr (\d+(\.\d{1,3})?|\d\.\d{1,3}e[+-]\d+)\)$/, 'the lr is rounded to 4 significant digits');
  assert.equal(r.summary['epochs'], 1);
  assert.equal(typeof r.summary['val.loss'], 'number');
  assert.ok(Number.isFinite(r.summary['test.acc'] as number));
  assert.ok(weights(r).every((w) => w.every(Number.isFinite)));
});

test('a stop request is honoured within one step and ends the run with the current metrics', async () => {
  const control = stopAfter(20);
  const r = await train({ 'train.epochs': 5 }, control);
  assert.equal(r.status, 'stopped');
  assert.equal(r.summary['steps'], 20);
  assert.equal(r.summary['epochs'], 1); // one full epoch (15 steps) had finished
  assert.equal(r.summary['test.acc'], undefined);
});

test('asynchronous SGD: a delay τ > 0 diverges at an η where τ = 0 converges', async () => {
  const base = { 'train.loss.kind': 'mse', 'train.optimizer.lr': 0.3, 'train.epochs': 100, 'train.batchSize': 240 };
  const sync = await train({ ...base, 'train.async.delay': 0 });
  const delayed = await train({ ...base, 'train.async.delay': 2 });
  assert.equal(sync.status, 'finished');
  assert.ok((sync.summary['train.loss'] as number) < 0.2);
  assert.equal(delayed.status, 'diverged');
});

test('ensembles: members with different seeds, softmax averaged, ensemble accuracy reported', async () => {
  const r = await train({ 'train.ensemble.members': 3, 'train.epochs': 2 });
  assert.equal(r.members.length, 3);
  assert.equal((r.summary['memberTestAcc'] as number[]).length, 3);
  assert.equal(r.summary['ensemble.test.acc'], r.summary['test.acc']);
  assert.notDeepEqual(weights({ ...r, members: [r.members[0]!] }), weights({ ...r, members: [r.members[1]!] }));
  assert.ok(r.reporter.recorded.metrics.some((m) => 'member2.loss' in m.values));
  // the test loss is the averaged prediction's, as the accuracy: −mean log p̄[y], not the members' mean loss
  const probabilities = r.members.map((m) => evaluate(m.model, data.test, m.objective, 3).probabilities);
  let nll = 0;
  for (let i = 0; i < data.test.count; i++) nll -= Math.log(Math.fround(probabilities.reduce((s, p) => Math.fround(s + p[i * 3 + data.test.y[i]!]! / 3), 0)));
  assert.ok(Math.abs((r.summary['test.loss'] as number) - nll / data.test.count) < 1e-6, `${r.summary['test.loss']} vs ${nll / data.test.count}`);
  const memberLosses = r.summary['memberTestLoss'] as number[];
  assert.ok((r.summary['test.loss'] as number) < memberLosses.reduce((a, b) => a + b, 0) / 3, 'averaging probabilities lowers the cross-entropy (Jensen)');
});

test('summary: test accuracy, per-class accuracy and a confusion matrix that adds up', async () => {
  const r = await train({ 'train.epochs': 3 });
  const confusion = r.summary['confusion'] as number[][];
  assert.equal(confusion.flat().reduce((a, b) => a + b, 0), data.test.count);
  const diagonal = confusion.reduce((s, row, i) => s + row[i]!, 0);
  assert.equal(r.summary['test.acc'], diagonal / data.test.count);
  assert.deepEqual(Object.keys(r.summary['perClassAcc'] as object), ['c0', 'c1', 'c2']);
  assert.ok((r.summary['test.acc'] as number) > 0.8);
});

test('layer statistics every N steps, with a vanishing-gradient flag for a deep sigmoid stack', async () => {
  const deep = Array.from({ length: 8 }, () => ({ type: 'dense', units: 16, activation: 'sigmoid', init: 'normal' }));
  const r = await train({ 'model.layers': [...deep, { type: 'dense', units: 3 }], 'model.init.std': 0.1, 'train.statsEvery': 5, 'train.epochs': 1 });
  assert.deepEqual(r.reporter.recorded.layerStats.map((s) => s.step), [0, 5, 10]);
  assert.equal(r.reporter.recorded.layerStats[0]!.names.length, 9);
  const warnings = r.reporter.recorded.logs.filter((l) => l.startsWith('warn: '));
  assert.ok(warnings.some((l) => /^warn: step 0: vanishing gradients: .*dense0's norm .* orders of magnitude below dense8's/.test(l)), r.reporter.recorded.logs.join('\n'));
  // announced when it starts, not again at steps 5 and 10 while it lasts
  assert.equal(warnings.filter((l) => /dense0's norm/.test(l)).length, 1, warnings.join('\n'));
});

test('an exploding-gradient warning reaches the run log before a run diverges', async () => {
  // Epoch 1 at lr 0.05, then ×1e12: the gradients blow up in epoch 2 before the loss overflows.
  const r = await train({ 'train.loss.kind': 'mse', 'train.schedule': { kind: 'step', stepEpochs: 1, gamma: 1e12 }, 'train.epochs': 3, 'train.statsEvery': 1 });
  assert.equal(r.status, 'diverged');
  const logs = r.reporter.recorded.logs;
  const exploding = logs.findIndex((l) => /^warn: step \d+: exploding gradients: /.test(l));
  const diverged = logs.findIndex((l) => /^error: diverged: /.test(l));
  assert.ok(exploding >= 0 && exploding < diverged, logs.join('\n'));
  assert.ok(!logs.some((l) => /vanishing/.test(l)), logs.join('\n'));
});

test('layer statistics report the gradient norm before clipping, so clipping does not hide an exploding gradient', async () => {
  const firstNorms = async (clip: number | null): Promise<number[]> => {
    const reporter = recorder();
    const norms: number[][] = [];
    reporter.layerStats = (_step, layers) => norms.push(layers.map((l) => l.gradNorm));
    await train({ 'train.statsEvery': 1, 'train.epochs': 1, 'train.clip.norm': clip }, neverStop, reporter);
    return norms[0]!;
  };
  const unclipped = await firstNorms(null);
  const clipped = await firstNorms(1e-3);
  assert.ok(Math.hypot(...unclipped) > 1e-2, `global norm ${Math.hypot(...unclipped)}`);
  assert.deepEqual(clipped, unclipped);
});
