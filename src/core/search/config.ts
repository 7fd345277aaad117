// The validated spec's `search` section as a SearchConfig: the space as an ordered list of
// parameters with their distributions and conditions, every option filled in.
import type { Spec } from '../spec/types.ts';
import { defaultBlock } from './architecture.ts';
import type { Distribution, ParamDef, ParamValue, SearchConfig, SearchSpace } from './types.ts';

type Raw = { [key: string]: unknown };

/** The search configuration of a validated spec, or null when it has no `search` section. */
export function searchConfigOf(spec: Spec): SearchConfig | null {
  const s = spec.search as Raw | undefined;
  if (s === undefined) return null;
  const block = s['architecture'] as { block: number[] | null };
  const explicit = block.block;
  const resolved = explicit !== null && explicit.length === 2 ? { first: explicit[0]!, last: explicit[1]! } : defaultBlock(spec.model.layers);
  return {
    method: s['method'] as SearchConfig['method'],
    space: spaceOf(s['space'] as Raw),
    budget: s['budget'] as SearchConfig['budget'],
    parallelism: s['parallelism'] as number,
    objective: s['objective'] as SearchConfig['objective'],
    seed: s['seed'] as number,
    pruner: s['pruner'] as SearchConfig['pruner'],
    grid: s['grid'] as SearchConfig['grid'],
    tpe: s['tpe'] as SearchConfig['tpe'],
    evolution: s['evolution'] as SearchConfig['evolution'],
    pbt: s['pbt'] as SearchConfig['pbt'],
    rl: s['rl'] as SearchConfig['rl'],
    architecture: { block: resolved ?? { first: 0, last: -1 } },
  };
}

/** The spec's space object ({path: {type, ...}}) as an ordered SearchSpace. */
export function spaceOf(space: Raw): SearchSpace {
  return Object.entries(space).map(([path, raw]): ParamDef => {
    const p = raw as Raw;
    const when = p['when'] as { [path: string]: ParamValue | ParamValue[] } | null | undefined;
    const entry = when ? Object.entries(when)[0] : undefined;
    const condition = entry === undefined ? null : { path: entry[0], oneOf: Array.isArray(entry[1]) ? entry[1] : [entry[1]] };
    return { path, dist: distributionOf(p), condition };
  });
}

export function distributionOf(p: Raw): Distribution {
  switch (p['type']) {
    case 'categorical':
      return { type: 'categorical', choices: p['choices'] as ParamValue[] };
    case 'int':
      return { type: 'int', low: p['low'] as number, high: p['high'] as number, step: (p['step'] as number | undefined) ?? 1, log: (p['log'] as boolean | undefined) ?? false };
    case 'uniform':
      return { type: 'uniform', low: p['low'] as number, high: p['high'] as number, step: (p['step'] as number | null | undefined) ?? null };
    default:
      return { type: 'loguniform', low: p['low'] as number, high: p['high'] as number };
  }
}
