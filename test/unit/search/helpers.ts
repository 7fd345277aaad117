// Shared by the search tests: a SearchConfig with every option at its spec default, and a loop
// that runs a sampler against a known function.
import { parseSpec } from '../../../src/core/spec/index.ts';
import { searchConfigOf } from '../../../src/core/search/config.ts';
import { createSampler } from '../../../src/core/search/factory.ts';
import type { Params, SearchConfig, SearchMethod, SearchSpace, TrialRecord } from '../../../src/core/search/types.ts';

/** The defaults of the spec's search section, with this method, space and seed. */
export function configFor(method: SearchMethod, space: SearchSpace, seed = 0, patch: Partial<SearchConfig> = {}): SearchConfig {
  const defaults = searchConfigOf(parseSpec({ search: { budget: { trials: 10 }, space: { 'train.optimizer.lr': { type: 'loguniform', low: 1e-4, high: 1e-1 } } } }))!;
  return { ...defaults, method, space, seed, ...patch };
}

export function uniform(path: string, low: number, high: number): SearchSpace[number] {
  return { path, dist: { type: 'uniform', low, high, step: null }, condition: null };
}

export function complete(number: number, params: Params, value: number): TrialRecord {
  return { number, params, state: 'complete', value, intermediate: [] };
}

/** Runs `trials` sequential trials of `f`; returns the history. */
export function optimize(config: SearchConfig, f: (p: Params) => number, trials: number): TrialRecord[] {
  const sampler = createSampler(config);
  const history: TrialRecord[] = [];
  for (let i = 0; i < trials; i++) {
    const params = sampler.ask(history);
    history.push(complete(i, params, f(params)));
  }
  return history;
}

export function bestSoFar(history: readonly TrialRecord[]): number {
  return Math.min(...history.map((t) => t.value ?? Infinity));
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function branin(p: Params): number {
  const x = p['x'] as number;
  const y = p['y'] as number;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * Math.cos(x) + 10;
}

export const braninSpace: SearchSpace = [uniform('x', -5, 10), uniform('y', 0, 15)];
/** Branin's global minimum. */
export const BRANIN_MIN = 0.397887;
