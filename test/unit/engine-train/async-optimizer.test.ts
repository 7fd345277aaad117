// train.async.delay with every optimizer: the "plain" variant steps the chosen optimizer with the
// gradient τ steps late (it used to replace it by plain SGD while the params still said "adam"),
// and the SGD-only variants are refused at spec validation with the fields named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOverrides, defaultSpec } from '../../../src/core/spec/index.ts';
import { makeParam } from '../../../src/engine/nn/tensor.ts';
import type { Optimizer, Param } from '../../../src/engine/nn/types.ts';
import { Adam } from '../../../src/engine/optim/adam.ts';
import { AsyncSgd } from '../../../src/engine/optim/async-sgd.ts';
import { makeOptimizer } from '../../../src/engine/train/make-optimizer.ts';
import { neverStop } from '../../../src/engine/train/reporter.ts';
import { runExperiment } from '../../../src/engine/train/run.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { blobData, blobSpec, fixedClock, recorder } from './helpers.ts';

const STEPS = 8;

/** Gradients g_0 … g_7 for two params, fixed by a seed. */
function gradients(): Float32Array[][] {
  const rng = new Rng(3);
  return Array.from({ length: STEPS }, () => [Float32Array.from({ length: 6 }, () => rng.normal()), Float32Array.from({ length: 2 }, () => rng.normal())]);
}

function freshParams(): Param[] {
  const params = [makeParam('a.weight', 'weight', [2, 3]), makeParam('a.bias', 'bias', [2])];
  params[0]!.value.set([0.5, -0.25, 1, 0.75, -1, 0.125]);
  params[1]!.value.set([0.1, -0.2]);
  return params;
}

/** Steps `optimizer` with g_t at step t; returns the weights. */
function run(optimizer: Optimizer, grads: Float32Array[][], params = freshParams()): number[][] {
  grads.forEach((g, t) => {
    params.forEach((p, i) => p.grad.set(g[i]!));
    optimizer.step(params, 0.01);
    params.forEach((p, i) => assert.deepEqual(p.grad, g[i], `after step ${t} .grad is this step's gradient again`));
  });
  return params.map((p) => [...p.value]);
}

const trainSpec = (overrides: Record<string, unknown>) => applyOverrides(defaultSpec(), overrides).train;

test('train.async.delay 2 with optimizer adam: Adam steps with the gradient from 2 steps earlier (not SGD)', () => {
  const grads = gradients();
  const delayed = makeOptimizer(trainSpec({ 'train.optimizer.kind': 'adam', 'train.async.delay': 2 })).optimizer;
  // The reference: an Adam that sees nothing for 2 steps, then g_0, g_1, … (its own step count starts at 1).
  const reference = run(new Adam(), grads.slice(0, STEPS - 2));
  assert.deepEqual(run(delayed, grads), reference);
});

test('train.async.delay 2 with optimizer sgd, variant plain: still TECHNIQUES.md\'s x ← x − η∇f(x_{t−τ}) (the same weights as AsyncSgd)', () => {
  const grads = gradients();
  const delayed = makeOptimizer(trainSpec({ 'train.optimizer.kind': 'sgd', 'train.async.delay': 2 })).optimizer;
  assert.deepEqual(run(delayed, grads), run(new AsyncSgd({ delay: 2 }), grads));
});

test('a delayed optimizer\'s checkpoint state (the inner moments and the gradient ring) resumes exactly', () => {
  const grads = gradients();
  const make = () => makeOptimizer(trainSpec({ 'train.optimizer.kind': 'adam', 'train.async.delay': 3 })).optimizer;
  const straight = run(make(), grads);
  const first = make();
  const params = freshParams();
  run(first, grads.slice(0, 5), params);
  const resumed = make();
  resumed.loadState(first.state());
  assert.deepEqual(run(resumed, grads.slice(5), params), straight);
});

test('spec validation: the momentum and velocity-exchange variants with optimizer adam are refused, naming both fields and the fix', () => {
  for (const variant of ['momentum', 'velocity-exchange']) {
    assert.throws(() => applyOverrides(defaultSpec(), { 'train.optimizer.kind': 'adam', 'train.async.delay': 2, 'train.async.variant': variant }),
      (error: Error) => error.message.includes(`train.async.variant: "${variant}"`) && error.message.includes('train.optimizer.kind "adam"')
        && error.message.includes('set train.optimizer.kind to "sgd"'));
    // with sgd, or without a delay, the same variant is fine
    assert.equal(applyOverrides(defaultSpec(), { 'train.optimizer.kind': 'sgd', 'train.async.delay': 2, 'train.async.variant': variant }).train.async.variant, variant);
    assert.equal(applyOverrides(defaultSpec(), { 'train.optimizer.kind': 'adam', 'train.async.delay': 0, 'train.async.variant': variant }).train.async.delay, 0);
  }
});

test('a run with adam and train.async.delay 1 trains with Adam: the accuracy of the synchronous run, and the log says so', async () => {
  const data = blobData();
  const train = async (delay: number) => {
    const reporter = recorder();
    const result = await runExperiment({ spec: blobSpec({ 'train.optimizer.kind': 'adam', 'train.optimizer.lr': 0.001, 'train.epochs': 4, 'train.async.delay': delay }),
      specDir: '.', reporter, control: neverStop, checkpointDir: null, data, now: fixedClock });
    return { acc: result.summary['test.acc'] as number, logs: reporter.recorded.logs };
  };
  const sync = await train(0);
  const delayed = await train(1);
  assert.ok(delayed.acc >= sync.acc - 0.05, `delayed ${delayed.acc} vs synchronous ${sync.acc}`);
  assert.ok(delayed.logs.some((l) => l.includes('train.async.delay 1: adam steps with each gradient 1 step late')), delayed.logs.join('\n'));
});
