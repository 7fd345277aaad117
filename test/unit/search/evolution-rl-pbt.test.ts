import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPbt, createSampler } from '../../../src/core/search/factory.ts';
import { RlSampler, rankReward } from '../../../src/core/search/samplers/rl.ts';
import type { Params, SearchSpace, TrialRecord } from '../../../src/core/search/types.ts';
import { bestSoFar, branin, braninSpace, configFor, median, optimize } from './helpers.ts';

const SEEDS = Array.from({ length: 10 }, (_, i) => i);

/** A space of choices with one known best combination (as an architecture search would have). */
const choiceSpace: SearchSpace = [
  { path: 'activation', dist: { type: 'categorical', choices: ['relu', 'tanh', 'sigmoid', 'elu'] }, condition: null },
  { path: 'units', dist: { type: 'categorical', choices: [16, 32, 64, 128, 256] }, condition: null },
  { path: 'layers', dist: { type: 'int', low: 1, high: 6, step: 1, log: false }, condition: null },
  { path: 'lr', dist: { type: 'loguniform', low: 1e-5, high: 1e-1 }, condition: null },
];
const archLoss = (p: Params): number =>
  (p['activation'] === 'elu' ? 0 : 1) + Math.abs(Math.log2((p['units'] as number) / 128)) * 0.5 + Math.abs((p['layers'] as number) - 3) * 0.3 + Math.abs(Math.log10(p['lr'] as number) + 3);

function meanValue(trials: readonly TrialRecord[]): number {
  return trials.reduce((a, t) => a + t.value!, 0) / trials.length;
}

test('regularized evolution improves its population: the last 40 of 120 trials beat the first 20 (random) on every seed, and its best beats the best of random search', () => {
  for (const seed of SEEDS) {
    const history = optimize(configFor('evolution', choiceSpace, seed), archLoss, 120);
    assert.ok(meanValue(history.slice(80)) < 0.8 * meanValue(history.slice(0, 20)), `seed ${seed}: ${meanValue(history.slice(0, 20))} → ${meanValue(history.slice(80))}`);
  }
  const bestOf = (method: 'evolution' | 'random'): number => median(SEEDS.map((seed) => bestSoFar(optimize(configFor(method, choiceSpace, seed), archLoss, 120))));
  assert.ok(bestOf('evolution') < 0.5 * bestOf('random'), `choices: evolution ${bestOf('evolution')}, random ${bestOf('random')}`);
  const evo = median(SEEDS.map((seed) => bestSoFar(optimize(configFor('evolution', braninSpace, seed), branin, 100))));
  const rnd = median(SEEDS.map((seed) => bestSoFar(optimize(configFor('random', braninSpace, seed), branin, 100))));
  assert.ok(evo < rnd, `Branin, 100 trials: evolution ${evo}, random ${rnd}`);
});

test('evolution: a child differs from its parent in at least one parameter, and the oldest member dies first', () => {
  const config = configFor('evolution', choiceSpace, 1, { evolution: { populationSize: 5, sampleSize: 2, mutationProbability: 0 } });
  const history = optimize(configFor('random', choiceSpace, 1), archLoss, 8);
  const sampler = createSampler(config) as ReturnType<typeof createSampler> & { population(h: TrialRecord[]): TrialRecord[] };
  assert.deepEqual(sampler.population(history).map((t) => t.number), [3, 4, 5, 6, 7]);
  const child = sampler.ask(history);
  const differing = history.slice(3).map((t) => Object.keys(child).filter((k) => child[k] !== t.params[k]).length);
  assert.ok(Math.min(...differing) >= 1);
});

test('the RL controller learns: its policy puts most probability on the best choices, and its late trials beat its early ones', () => {
  for (const seed of SEEDS.slice(0, 5)) {
    const config = configFor('rl', choiceSpace, seed);
    const sampler = createSampler(config) as RlSampler;
    const history: TrialRecord[] = [];
    for (let i = 0; i < 150; i++) {
      const params = sampler.ask(history);
      history.push({ number: i, params, state: 'complete', value: archLoss(params), intermediate: [] });
    }
    sampler.ask(history);
    const activation = sampler.probabilities('activation');
    assert.ok(activation[3]! > 0.5, `seed ${seed}: p(elu) = ${activation[3]}`);
    assert.ok(meanValue(history.slice(100)) < 0.6 * meanValue(history.slice(0, 30)), `seed ${seed}`);
  }
});

test('RL rewards are ranks on [−1, 1]; a diverged trial ranks last; state round-trips', () => {
  assert.deepEqual([0, 1, 2].map((i) => rankReward([1, 2, 3], i)), [1, 0, -1]);
  assert.equal(rankReward([1, null, 3], 1), -1);
  const config = configFor('rl', choiceSpace, 4);
  const sampler = createSampler(config);
  const history = optimize(config, archLoss, 30);
  sampler.ask(history);
  const restored = createSampler(config, JSON.parse(JSON.stringify(sampler.state())));
  const more = [...history, { number: 30, params: sampler.ask(history), state: 'complete' as const, value: NaN, intermediate: [] }];
  const again = createSampler(config, JSON.parse(JSON.stringify(sampler.state())));
  restored.ask(history);
  assert.deepEqual(again.ask(more), sampler.ask(more));
});

test('evolution state round-trips', () => {
  const config = configFor('evolution', braninSpace, 9);
  const sampler = createSampler(config);
  const history = optimize(config, branin, 40);
  sampler.ask(history);
  const restored = createSampler(config, JSON.parse(JSON.stringify(sampler.state())));
  assert.deepEqual(restored.ask(history), sampler.ask(history));
});

const pbtSpace: SearchSpace = [
  { path: 'train.optimizer.lr', dist: { type: 'loguniform', low: 1e-4, high: 1 }, condition: null },
  { path: 'train.batchSize', dist: { type: 'int', low: 16, high: 256, step: 16, log: false }, condition: null },
  { path: 'train.optimizer.kind', dist: { type: 'categorical', choices: ['sgd', 'adam'] }, condition: null },
];

function member(number: number, loss: number, step = 4, params: Params = { 'train.optimizer.lr': 0.01 * (number + 1), 'train.batchSize': 64, 'train.optimizer.kind': 'adam' }): TrialRecord {
  return { number, params, state: 'running', value: null, intermediate: [{ step: step - 1, value: loss + 1 }, { step, value: loss }] };
}

test('PBT: a bottom-quartile member copies a top-quartile member\'s checkpoint and perturbs its values by 0.8 or 1.2; the others go on', () => {
  const population = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.9].map((loss, i) => member(i, loss));
  const config = configFor('pbt', pbtSpace, 3, { pbt: { populationSize: 8, quantile: 0.25, resampleProbability: 0, interval: 2 } });
  const pbt = createPbt(config);
  for (const m of population.slice(0, 6)) assert.deepEqual(pbt.decide(m, population), { kind: 'continue' }, `member ${m.number}`);
  const sources = new Set<number>();
  for (let i = 0; i < 40; i++) {
    const decision = pbt.decide(population[7]!, population);
    assert.equal(decision.kind, 'exploit');
    if (decision.kind !== 'exploit') continue;
    assert.ok(decision.source === 0 || decision.source === 1, `source ${decision.source}`);
    sources.add(decision.source);
    const source = population[decision.source]!.params;
    const lr = decision.params['train.optimizer.lr'] as number;
    const ratio = lr / (source['train.optimizer.lr'] as number);
    assert.ok(Math.abs(ratio - 0.8) < 1e-9 || Math.abs(ratio - 1.2) < 1e-9, `lr ratio ${ratio}`);
    assert.equal(decision.perturbed['train.optimizer.lr'], Math.abs(ratio - 0.8) < 1e-9 ? 'x0.8' : 'x1.2');
    // 64·0.8 = 51.2 and 64·1.2 = 76.8 snap onto the step of 16: 48 or 80.
    assert.ok([48, 80].includes(decision.params['train.batchSize'] as number));
    assert.equal(decision.params['train.optimizer.kind'], 'adam');
  }
  assert.deepEqual([...sources].sort(), [0, 1], 'either top member can be the source');
  // Off the interval: no decision.
  assert.deepEqual(pbt.decide(member(7, 0.9, 3), population), { kind: 'continue' });
});

test('PBT explore resamples from the prior with probability resampleProbability', () => {
  const config = configFor('pbt', pbtSpace, 5, { pbt: { populationSize: 8, quantile: 0.25, resampleProbability: 1, interval: 1 } });
  const pbt = createPbt(config);
  const { params, perturbed } = pbt.explore({ 'train.optimizer.lr': 0.5, 'train.batchSize': 64, 'train.optimizer.kind': 'adam' });
  assert.deepEqual(Object.values(perturbed), ['resampled', 'resampled', 'resampled']);
  assert.ok((params['train.optimizer.lr'] as number) >= 1e-4 && (params['train.optimizer.lr'] as number) <= 1);
  assert.equal((params['train.batchSize'] as number) % 16, 0);
});

test('PBT state round-trips: a restored controller makes the same next decision', () => {
  const population = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.9].map((loss, i) => member(i, loss));
  const config = configFor('pbt', pbtSpace, 8, { pbt: { populationSize: 8, quantile: 0.25, resampleProbability: 0.5, interval: 2 } });
  const pbt = createPbt(config);
  pbt.decide(population[7]!, population);
  const restored = createPbt(config, JSON.parse(JSON.stringify(pbt.state())));
  assert.deepEqual(restored.decide(population[6]!, population), pbt.decide(population[6]!, population));
  assert.deepEqual(restored.ask(population), pbt.ask(population));
});
