import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSampler } from '../../../src/core/search/factory.ts';
import { tpeGamma, tpeWeights } from '../../../src/core/search/samplers/tpe.ts';
import { logGaussMass, logNdtr } from '../../../src/core/search/samplers/gauss.ts';
import type { Params, SearchSpace, TrialRecord } from '../../../src/core/search/types.ts';
import { BRANIN_MIN, bestSoFar, branin, braninSpace, configFor, median, optimize, uniform } from './helpers.ts';

const SEEDS = Array.from({ length: 10 }, (_, i) => i);

test('TPE gets closer to the optimum of Branin than random search with the same budget, over 10 seeds', () => {
  const gap = (method: 'tpe' | 'random'): number[] => SEEDS.map((seed) => bestSoFar(optimize(configFor(method, braninSpace, seed), branin, 60)) - BRANIN_MIN);
  const tpe = median(gap('tpe'));
  const random = median(gap('random'));
  assert.ok(tpe < random / 2, `median gap to the optimum: TPE ${tpe.toFixed(4)}, random ${random.toFixed(4)}`);
});

test('TPE concentrates its suggestions near the optimum: after the startup trials, most fall near x* of a quadratic', () => {
  const space: SearchSpace = [uniform('a', -10, 10), uniform('b', -10, 10), uniform('c', -10, 10)];
  const f = (p: Params): number => ((p['a'] as number) - 3) ** 2 + ((p['b'] as number) + 2) ** 2 + ((p['c'] as number) - 7) ** 2;
  const near = (history: TrialRecord[]): number => history.slice(40).filter((t) => t.value! < 10).length;
  const tpe = SEEDS.map((seed) => near(optimize(configFor('tpe', space, seed), f, 80)));
  const random = SEEDS.map((seed) => near(optimize(configFor('random', space, seed), f, 80)));
  assert.ok(median(tpe) > 5 * Math.max(1, median(random)), `trials 40–80 within f < 10: TPE ${tpe.join(',')}, random ${random.join(',')}`);
});

test('multivariate TPE also beats random on Branin, and handles a conditional parameter outside the joint estimator', () => {
  const space: SearchSpace = [...braninSpace, { path: 'z', dist: { type: 'categorical', choices: ['on', 'off'] }, condition: null },
    { path: 'w', dist: { type: 'uniform', low: 0, high: 1, step: null }, condition: { path: 'z', oneOf: ['on'] } }];
  const f = (p: Params): number => branin(p) + (p['z'] === 'on' ? (p['w'] as number) : 1);
  const run = (method: 'tpe' | 'random', multivariate: boolean): number =>
    median(SEEDS.map((seed) => bestSoFar(optimize(configFor(method, space, seed, { tpe: { ...configFor('tpe', space).tpe, multivariate } }), f, 60))));
  const mv = run('tpe', true);
  assert.ok(mv < run('random', false), `multivariate TPE ${mv}`);
  const history = optimize(configFor('tpe', space, 1, { tpe: { ...configFor('tpe', space).tpe, multivariate: true } }), f, 40);
  for (const t of history) assert.equal('w' in t.params, t.params['z'] === 'on');
});

test('parallel TPE with the constant liar never gives two running trials the same point, even in a small discrete space', () => {
  const space: SearchSpace = [
    { path: 'k', dist: { type: 'categorical', choices: ['a', 'b', 'c', 'd'] }, condition: null },
    { path: 'n', dist: { type: 'int', low: 0, high: 3, step: 1, log: false }, condition: null },
  ];
  for (const seed of SEEDS) {
    const sampler = createSampler(configFor('tpe', space, seed, { tpe: { ...configFor('tpe', space).tpe, startupTrials: 4 } }));
    const history: TrialRecord[] = [];
    // 4 finished trials, then 8 workers ask one after the other while all 8 are still running.
    for (let i = 0; i < 4; i++) history.push({ number: i, params: sampler.ask(history), state: 'complete', value: i, intermediate: [] });
    for (let i = 4; i < 12; i++) history.push({ number: i, params: sampler.ask(history), state: 'running', value: null, intermediate: [] });
    const running = history.filter((t) => t.state === 'running').map((t) => JSON.stringify(t.params));
    assert.equal(new Set(running).size, 8, `seed ${seed}: ${running.join(' ')}`);
    const all = history.map((t) => JSON.stringify(t.params));
    assert.equal(new Set(all).size, 12, `seed ${seed}: no point asked twice while the space has free ones`);
  }
});

test('the constant liar spreads continuous suggestions: running trials push l(x)/g(x) away from themselves', () => {
  const config = configFor('tpe', braninSpace, 5);
  const sampler = createSampler(config);
  const history = optimize(config, branin, 30);
  const restoredA = createSampler(config, JSON.parse(JSON.stringify(sampler.state())));
  const first = restoredA.ask(history);
  const withLie = [...history, { number: 30, params: first, state: 'running' as const, value: null, intermediate: [] }];
  const second = restoredA.ask(withLie);
  assert.notDeepEqual(first, second);
});

test('a diverged trial (NaN) and failed or pruned trials count as the worst, never crash TPE', () => {
  const config = configFor('tpe', braninSpace, 2);
  const sampler = createSampler(config);
  const history: TrialRecord[] = [];
  for (let i = 0; i < 30; i++) {
    const params = sampler.ask(history);
    const state = i % 7 === 3 ? 'failed' : i % 7 === 5 ? 'pruned' : 'complete';
    const value = i % 5 === 0 ? NaN : branin(params);
    history.push({ number: i, params, state, value: state === 'complete' ? value : null, intermediate: state === 'pruned' ? [{ step: 1, value }] : [] });
  }
  const next = sampler.ask(history);
  assert.ok(typeof next['x'] === 'number' && Number.isFinite(next['x']));
});

test('TPE state round-trips: a sampler restored from JSON asks exactly what the original asks next', () => {
  const config = configFor('tpe', braninSpace, 11);
  const sampler = createSampler(config);
  const history = optimize(config, branin, 20);
  for (let i = 0; i < 5; i++) history.push({ number: history.length, params: sampler.ask(history), state: 'complete', value: 1, intermediate: [] });
  const restored = createSampler(config, JSON.parse(JSON.stringify(sampler.state())));
  assert.deepEqual(restored.ask(history), sampler.ask(history));
  assert.deepEqual(restored.ask(history), sampler.ask(history));
});

test('Optuna\'s rules: γ(n) = min(⌈0.1n⌉, 25), flat weights up to 25 then a ramp from 1/n', () => {
  assert.deepEqual([1, 10, 11, 100, 300].map(tpeGamma), [1, 1, 2, 10, 25]);
  assert.deepEqual(tpeWeights(3), [1, 1, 1]);
  const w = tpeWeights(30);
  assert.equal(w.length, 30);
  assert.ok(Math.abs(w[0]! - 1 / 30) < 1e-12 && w[4] === 1 && w[29] === 1);
  assert.ok(w[1]! > w[0]! && w[3]! < 1);
});

test('the normal CDF in log space stays finite far into the tails', () => {
  assert.ok(Math.abs(logNdtr(0) - Math.log(0.5)) < 1e-14);
  assert.ok(Math.abs(Math.exp(logNdtr(1.96)) - 0.9750021048517795) < 1e-12);
  // log Φ(−40) ≈ −804.608 (scipy.special.log_ndtr(-40) = -804.6084420137538).
  assert.ok(Math.abs(logNdtr(-40) + 804.6084420137538) < 1e-9);
  assert.ok(Math.abs(Math.exp(logGaussMass(-1, 1)) - 0.6826894921370859) < 1e-12);
  assert.ok(Number.isFinite(logGaussMass(50, 51)) && Math.abs(logGaussMass(50, 51) - logGaussMass(-51, -50)) < 1e-12);
});
