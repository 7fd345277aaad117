// Builds the sampler, PBT controller or pruner a SearchConfig names, fresh from its seed or
// restored from a state() a previous process stored, so a resumed sweep asks what it would have.
import { HyperlabError } from '../errors.ts';
import { AshaPruner } from './pruners/asha.ts';
import { MedianPruner } from './pruners/median.ts';
import { SearchRng } from './rng.ts';
import { EvolutionSampler } from './samplers/evolution.ts';
import { GridSampler } from './samplers/grid.ts';
import { PbtSampler } from './samplers/pbt.ts';
import { RandomSampler } from './samplers/random.ts';
import { type RlPolicyState, RlSampler } from './samplers/rl.ts';
import { TpeSampler } from './samplers/tpe.ts';
import type { JsonValue, Pruner, Sampler, SearchConfig } from './types.ts';

type StateObject = { [key: string]: JsonValue };

function stateObject(state: JsonValue | undefined, method: string): StateObject | null {
  if (state === undefined || state === null) return null;
  if (typeof state !== 'object' || Array.isArray(state) || state['method'] !== method) {
    throw new HyperlabError('SEARCH_STATE', `the stored sampler state is not a ${method} state: ${JSON.stringify(state).slice(0, 80)}`,
      'The sweep\'s method changed since it was stored; start a new sweep, or restore the spec it was started with.');
  }
  return state;
}

function rngOf(config: SearchConfig, saved: StateObject | null): SearchRng {
  if (saved === null) return new SearchRng(config.seed);
  const word = saved['rng'];
  if (typeof word !== 'number') throw new HyperlabError('SEARCH_STATE', 'the stored sampler state has no PRNG state', 'Start a new sweep.');
  return SearchRng.restore(word);
}

/** The sampler of `config.method` (PBT included: its ask draws the initial members). */
export function createSampler(config: SearchConfig, state?: JsonValue): Sampler {
  const saved = stateObject(state, config.method);
  const direction = config.objective.direction;
  switch (config.method) {
    case 'grid':
      return new GridSampler(config.space, config.grid.points);
    case 'random':
      return new RandomSampler(config.space, rngOf(config, saved));
    case 'tpe':
      return new TpeSampler(config.space, direction, config.tpe, rngOf(config, saved));
    case 'evolution':
      return new EvolutionSampler(config.space, direction, config.evolution, rngOf(config, saved));
    case 'pbt':
      return createPbt(config, state);
    case 'rl': {
      const policy = saved === null ? null : (structuredClone(saved['policy']) as unknown as RlPolicyState);
      return new RlSampler(config.space, direction, config.rl, rngOf(config, saved), policy);
    }
  }
}

export function createPbt(config: SearchConfig, state?: JsonValue): PbtSampler {
  return new PbtSampler(config.space, config.objective.direction, config.pbt, rngOf(config, stateObject(state, 'pbt')));
}

/** The pruner the config names; null for "none". */
export function createPruner(config: SearchConfig): Pruner | null {
  switch (config.pruner.kind) {
    case 'none':
      return null;
    case 'median':
      return new MedianPruner(config.pruner, config.objective.direction);
    case 'asha':
      return new AshaPruner(config.pruner, config.objective.direction);
  }
}
