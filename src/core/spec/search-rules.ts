// Rules of the `search` section that look beyond one field: each parameter names a real field of
// this spec (or a virtual one) and its range holds only values that field accepts; a condition
// names an earlier parameter and values it can take; the budget can end; the objective's epoch
// exists. Each problem names its path: search.space["train.optimizer.lr"].low.
import { defaultBlock, hasConv } from '../search/architecture.ts';
import { specDefinition } from './definition.ts';
import { closestName } from './suggest.ts';
import type { JsonValue, LayerSpec, Spec } from './types.ts';
import { checkValue, type Problems } from './validate.ts';

type Raw = { [key: string]: unknown };
type Scalar = string | number | boolean | null;

const VIRTUAL = ['model.depth', 'model.compound.phi', 'model.compound.alpha', 'model.compound.beta'];

/** Leaf paths of the spec as searchable: every field with a scalar (or null) value, layer fields included. */
function fieldPaths(spec: Spec): Set<string> {
  const out = new Set<string>();
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      if (value.some((v) => typeof v === 'object' && v !== null)) value.forEach((v, i) => visit(v, `${path}.${i}`));
      else out.add(path);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(v, path === '' ? k : `${path}.${k}`);
    } else {
      out.add(path);
    }
  };
  const { search: _search, $schema: _s, name: _n, description: _d, ...rest } = spec;
  visit(rest, '');
  return out;
}

/** The problem a value would cause in the named field, or null when the field accepts it. */
function fieldProblem(spec: Spec, path: string, value: Scalar): string | null {
  const { search: _search, ...rest } = structuredClone(spec);
  const keys = path.split('.');
  let node = rest as unknown as Raw;
  for (const key of keys.slice(0, -1)) node = node[key] as Raw;
  node[keys[keys.length - 1]!] = value;
  const problems: Problems = [];
  checkValue(specDefinition, rest, '', problems);
  const own = problems.find((p) => p.startsWith(`${path}:`)) ?? problems[0];
  return own === undefined ? null : own.slice(own.indexOf(':') + 1).trim();
}

function where(path: string): string {
  return `search.space[${JSON.stringify(path)}]`;
}

/** The values a parameter can take that a condition may test (null when any number in range). */
function possibleValues(p: Raw): Scalar[] | null {
  return p['type'] === 'categorical' ? (p['choices'] as Scalar[]) : null;
}

function numericRange(p: Raw): { low: number; high: number; integer: boolean } | null {
  if (p['type'] === 'categorical' || typeof p['low'] !== 'number' || typeof p['high'] !== 'number') return null;
  return { low: p['low'], high: p['high'], integer: p['type'] === 'int' };
}

export function searchProblems(spec: Spec): Problems {
  const search = spec.search as Raw | undefined;
  if (search === undefined) return [];
  const problems: Problems = [];
  const space = search['space'] as { [path: string]: Raw };
  const paths = fieldPaths(spec);
  const entries = Object.entries(space);
  if (entries.length === 0) problems.push('search.space: no parameters; add at least one, e.g. "train.optimizer.lr": {"type": "loguniform", "low": 1e-5, "high": 0.1}');
  const seen = new Map<string, Raw>();
  for (const [path, p] of entries) {
    const at = where(path);
    problems.push(...distributionProblems(at, p));
    if (VIRTUAL.includes(path)) {
      problems.push(...virtualProblems(spec, search, at, path, p));
    } else if (!paths.has(path)) {
      const close = closestName(path, [...paths, ...VIRTUAL]);
      problems.push(`${at}: ${JSON.stringify(path)} is not a field of this spec${close ? ` — did you mean "${close}"?` : ''}; name a field by its dotted path (layer fields as model.layers.<index>.<field>) or a virtual parameter (${VIRTUAL.join(', ')})`);
    } else {
      for (const [what, value] of valuesToCheck(p)) {
        const problem = fieldProblem(spec, path, value);
        if (problem !== null) problems.push(`${at}.${what}: ${problem.replace(/^.*? is not/, `${JSON.stringify(value)} is not`)} (for ${path})`);
      }
    }
    problems.push(...conditionProblems(at, p, seen));
    seen.set(path, p);
  }
  const budget = search['budget'] as { trials: number | null; timeSeconds: number | null };
  if (search['method'] !== 'grid' && budget.trials === null && budget.timeSeconds === null) {
    problems.push(`search.budget: neither trials nor timeSeconds is set, so a ${String(search['method'])} search would never end; set search.budget.trials (e.g. 50) or search.budget.timeSeconds`);
  }
  const objective = search['objective'] as { value: string; epoch: number | null };
  if (objective.value === 'epoch' && objective.epoch === null) problems.push('search.objective.epoch: null is not allowed when search.objective.value is "epoch"; give the epoch (1-based)');
  if (objective.epoch !== null && objective.epoch > spec.train.epochs) {
    problems.push(`search.objective.epoch: ${objective.epoch} is after the last epoch (train.epochs = ${spec.train.epochs}); expected ≤ ${spec.train.epochs}`);
  }
  if (search['method'] === 'pbt' && (search['pruner'] as Raw)['kind'] !== 'none') {
    problems.push('search.pruner.kind: PBT replaces weak members itself; set search.pruner.kind to "none" with search.method "pbt"');
  }
  const block = (search['architecture'] as { block: number[] | null }).block;
  if (block !== null && (block.length !== 2 || block[0]! > block[1]! || block[1]! >= spec.model.layers.length)) {
    problems.push(`search.architecture.block: ${JSON.stringify(block)} is not allowed; expected [first, last] with first ≤ last < ${spec.model.layers.length} (the number of model.layers)`);
  }
  return problems;
}

export function distributionProblems(at: string, p: Raw): Problems {
  const problems: Problems = [];
  if (p['type'] === 'categorical') {
    const choices = p['choices'] as JsonValue[];
    const unique = new Set(choices.map((c) => JSON.stringify(c)));
    if (unique.size !== choices.length) problems.push(`${at}.choices: ${JSON.stringify(choices)} lists a value twice; list each choice once`);
    return problems;
  }
  const low = p['low'];
  const high = p['high'];
  if (low === null) problems.push(`${at}.low: required; give the smallest value`);
  if (high === null) problems.push(`${at}.high: required; give the largest value`);
  if (typeof low !== 'number' || typeof high !== 'number') return problems;
  if (low > high) problems.push(`${at}: low ${low} is above high ${high}; expected low ≤ high`);
  if (p['type'] === 'int') {
    if (!Number.isInteger(low) || !Number.isInteger(high)) problems.push(`${at}: low and high of an int parameter must be integers (got ${low}, ${high})`);
    if (p['log'] === true && low < 1) problems.push(`${at}.low: ${low} is not allowed with log: true; expected ≥ 1`);
    if (p['log'] === true && p['step'] !== 1) problems.push(`${at}.step: ${String(p['step'])} is not allowed with log: true; expected 1 (as in Optuna)`);
  }
  if (p['type'] === 'uniform' && typeof p['step'] === 'number' && p['step'] > high - low && high > low) {
    problems.push(`${at}.step: ${p['step']} is wider than the range ${low}…${high}; expected ≤ ${high - low}`);
  }
  return problems;
}

function valuesToCheck(p: Raw): [string, Scalar][] {
  if (p['type'] === 'categorical') return (p['choices'] as Scalar[]).map((c, i) => [`choices.${i}`, c]);
  const out: [string, Scalar][] = [];
  if (typeof p['low'] === 'number') out.push(['low', p['low']]);
  if (typeof p['high'] === 'number') out.push(['high', p['high']]);
  return out;
}

function virtualProblems(spec: Spec, search: Raw, at: string, path: string, p: Raw): Problems {
  const numbers = p['type'] === 'categorical' ? (p['choices'] as Scalar[]) : [p['low'] as Scalar, p['high'] as Scalar];
  if (numbers.some((v) => typeof v !== 'number' && v !== null)) return [`${at}: ${path} takes numbers only`];
  const values = numbers.filter((v): v is number => typeof v === 'number');
  if (path === 'model.depth') {
    if (values.some((v) => !Number.isInteger(v) || v < 0)) return [`${at}: model.depth counts repetitions of the block; expected integers ≥ 0`];
    const block = (search['architecture'] as { block: number[] | null }).block;
    if (block === null && defaultBlock(spec.model.layers as LayerSpec[]) === null) {
      return [`${at}: model.layers has no hidden layers to repeat (only the input side and the output layer); set search.architecture.block to [first, last]`];
    }
    return [];
  }
  if (!hasConv(spec.model.layers)) return [`${at}: compound scaling scales conv2d layers, and model.layers has none; use it with a CNN (e.g. the fashion-mnist-cnn template)`];
  if (path === 'model.compound.phi' && values.some((v) => v < 0)) return [`${at}: φ must be ≥ 0`];
  if (path !== 'model.compound.phi' && values.some((v) => v < 1)) return [`${at}: ${path.slice(-5)} must be ≥ 1 (a multiplier that grows the network)`];
  return [];
}

export function conditionProblems(at: string, p: Raw, earlier: Map<string, Raw>): Problems {
  const when = p['when'] as { [path: string]: Scalar | Scalar[] } | null;
  if (when === null) return [];
  const keys = Object.keys(when);
  if (keys.length !== 1) return [`${at}.when: names ${keys.length} parameters; expected exactly one, e.g. {"train.optimizer.kind": "sgd"}`];
  const parent = keys[0]!;
  const parentDef = earlier.get(parent);
  if (parentDef === undefined) {
    return [`${at}.when: ${JSON.stringify(parent)} is not a parameter listed before this one in search.space; a condition tests an earlier searched parameter`];
  }
  const wanted = ([] as Scalar[]).concat(when[parent]!);
  const possible = possibleValues(parentDef);
  const range = numericRange(parentDef);
  const impossible = wanted.filter((v) => (possible !== null ? !possible.some((c) => c === v) : !(typeof v === 'number' && range !== null && v >= range.low && v <= range.high && (!range.integer || Number.isInteger(v)))));
  if (impossible.length > 0) {
    const allowed = possible !== null ? possible.map((v) => JSON.stringify(v)).join(', ') : range ? `${range.low}…${range.high}` : 'its range';
    return [`${at}.when.${parent}: ${impossible.map((v) => JSON.stringify(v)).join(', ')} can never be drawn for ${parent}; expected one of ${allowed}`];
  }
  return [];
}
