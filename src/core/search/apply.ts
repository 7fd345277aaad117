// A trial's spec: the sweep's spec with the trial's parameters written in. Field parameters are
// set by dotted path first (so a searched field of a layer in the repeated block reaches every
// copy), then model.depth repeats the block, then compound scaling rewrites the conv layers; the
// result is validated like any spec. The trial's spec has no `search` section: a trial is one
// run, and the section describes the sweep's base layers, not the trial's rewritten ones (the
// sweep keeps it; a store may attach it to the run's params for the Comparison's log axes).
import { HyperlabError } from '../errors.ts';
import { parseSpec } from '../spec/index.ts';
import type { Spec } from '../spec/types.ts';
import { compoundScale, repeatBlock } from './architecture.ts';
import type { Params, ParamValue, SearchConfig, VirtualParam } from './types.ts';
import { VIRTUAL_PARAMS } from './types.ts';

export function isVirtualParam(path: string): path is VirtualParam {
  return (VIRTUAL_PARAMS as readonly string[]).includes(path);
}

export function materializeTrial(spec: Spec, params: Params, config: SearchConfig): Spec {
  const { search: _search, ...rest } = spec;
  const copy = structuredClone(rest) as unknown as { [key: string]: unknown };
  for (const [path, value] of Object.entries(params)) if (!isVirtualParam(path)) setField(copy, path, value);
  const model = copy['model'] as Spec['model'];
  const depth = params['model.depth'];
  if (typeof depth === 'number') model.layers = repeatBlock(model.layers, config.architecture.block, depth);
  const phi = params['model.compound.phi'];
  const alpha = params['model.compound.alpha'];
  const beta = params['model.compound.beta'];
  if (phi !== undefined || alpha !== undefined || beta !== undefined) {
    const a = numberOr(alpha, 1);
    // With only α searched, β follows from the constraint α·β² = 2 (γ = 1: no resizing).
    const b = beta === undefined && alpha !== undefined ? Math.sqrt(2 / a) : numberOr(beta, 1);
    model.layers = compoundScale(model.layers, numberOr(phi, 1), a, b);
  }
  return parseSpec(copy);
}

function numberOr(value: ParamValue | undefined, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function setField(target: { [key: string]: unknown }, path: string, value: ParamValue): void {
  const keys = path.split('.');
  let node: unknown = target;
  for (const key of keys.slice(0, -1)) {
    node = (node as { [key: string]: unknown })[key];
    if (typeof node !== 'object' || node === null) {
      throw new HyperlabError('SPEC_INVALID', `search parameter ${path}: ${key} does not lead to a spec field`, 'Name a field of this spec by its dotted path, e.g. train.optimizer.lr or model.layers.1.units.');
    }
  }
  const last = keys[keys.length - 1]!;
  if (!Object.hasOwn(node as object, last)) {
    throw new HyperlabError('SPEC_INVALID', `search parameter ${path}: no such spec field`, 'Name a field of this spec by its dotted path, e.g. train.optimizer.lr or model.layers.1.units.');
  }
  (node as { [key: string]: unknown })[last] = value;
}
