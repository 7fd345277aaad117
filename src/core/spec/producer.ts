// A spec that runs the user's own script instead of Hyperlab's engine: its `producer` section
// names the command, and every other field that is not Hyperlab's own (data, model, train, or
// any other name) is the script's config, free-form JSON, passed to the script as
// HYPERLAB_PARAMS with the run's overrides applied. Only the script knows what its config
// accepts, so those fields are not checked against the engine's definition; Hyperlab's own
// fields (producer, name, search, and any section added later) are.
import { HyperlabError } from '../errors.ts';
import { CHANNEL_FD_ENV, RUN_DIR_ENV } from '../protocol/messages.ts';
import { specDefinition } from './definition.ts';
import type { ObjectField } from './fields.ts';
export { producerDefinition } from './producer-definition.ts';
import { parseSpecJson } from './keys.ts';
import { resolveOverridePath, specPaths } from './override-paths.ts';
import { applyOverridesRaw, parseOverride, type Overrides } from './overrides.ts';
import { executionProblems } from './execution-rules.ts';
import { conditionProblems, distributionProblems } from './search-rules.ts';
import type { ExecutionSpec, JsonValue } from './types.ts';
import { checkValue, type Problems } from './validate.ts';

/** The environment variable holding the script's config (JSON), for the client's run.config and any language. */
export const PARAMS_ENV = 'HYPERLAB_PARAMS';

/** The sections only Hyperlab's engine reads: in a producer spec they are the script's config like any other field. */
export const ENGINE_SECTIONS: readonly string[] = ['data', 'model', 'train'];

/** Variables Hyperlab sets for the script; a spec's producer.env may not set them. */
const HOST_ENV = [PARAMS_ENV, CHANNEL_FD_ENV, RUN_DIR_ENV];

export interface ProducerSection {
  command: string;
  args: string[];
  cwd: string | null;
  env: { [name: string]: string };
}

export interface ProducerSpec {
  name: string | null;
  producer: ProducerSection;
  /** The search section as validated (defaults filled in), when the spec has one. */
  search?: { [key: string]: JsonValue };
  /** What the script takes as its config: every field that is not Hyperlab's own, as written. */
  config: { [key: string]: JsonValue };
  /** Hyperlab's own fields as validated (producer, name, search, ...): with config, the spec again. */
  hyperlab: { [key: string]: JsonValue };
}

type Raw = { [key: string]: unknown };

function isPlainObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a parsed spec runs a script of its own (it has a producer section). */
export function isProducerSpec(raw: unknown): boolean {
  return isPlainObject(raw) && Object.hasOwn(raw, 'producer');
}

/** Hyperlab's own top-level fields: every field of the definition but the engine's sections. */
function ownFields(): [string, ObjectField['fields'][string]][] {
  return Object.entries(specDefinition.fields).filter(([key]) => !ENGINE_SECTIONS.includes(key));
}

function check(raw: Raw): { spec: ProducerSpec; problems: Problems } {
  const problems: Problems = [];
  const hyperlab: Raw = {};
  for (const [key, field] of ownFields()) {
    const value = checkValue(field, raw[key], key, problems);
    if (value !== undefined) hyperlab[key] = value;
  }
  const config: Raw = {};
  const own = new Set(ownFields().map(([key]) => key));
  for (const [key, value] of Object.entries(raw)) if (!own.has(key)) config[key] = value;
  const producer = hyperlab['producer'] as ProducerSection | undefined;
  if (isPlainObject(producer)) {
    if (producer.command === null || (typeof producer.command === 'string' && producer.command.trim() === '')) {
      problems.push('producer.command: required; give the program to run, e.g. "python3" (its arguments go in producer.args: ["train.py"])');
    }
    if (isPlainObject(producer.env)) {
      for (const name of Object.keys(producer.env)) {
        if (HOST_ENV.includes(name)) problems.push(`producer.env.${name}: set by Hyperlab for every run; remove it (the script's config is this spec's other fields, passed as ${PARAMS_ENV})`);
      }
    }
  }
  if (problems.length === 0 && hyperlab['search'] !== undefined) problems.push(...producerSearchProblems(hyperlab['search'] as Raw));
  if (problems.length === 0) problems.push(...executionProblems(hyperlab['execution'] as ExecutionSpec | undefined));
  const spec: ProducerSpec = {
    name: (hyperlab['name'] as string | null | undefined) ?? null,
    producer: producer as ProducerSection,
    config: config as ProducerSpec['config'],
    hyperlab: hyperlab as ProducerSpec['hyperlab'],
    ...(hyperlab['search'] !== undefined ? { search: hyperlab['search'] as ProducerSpec['search'] } : {}),
  };
  return { spec, problems };
}

/** Every problem of a producer spec, as "path: message" lines (empty when it is valid). */
export function producerSpecProblemList(raw: Raw): Problems {
  return check(raw).problems;
}

/** Parses JSON text or a plain object holding a producer section; throws SPEC_INVALID listing every problem. */
export function parseProducerSpec(input: string | object): ProducerSpec {
  const raw = parseSpecJson(input);
  if (!isPlainObject(raw) || !isProducerSpec(raw)) {
    throw new HyperlabError('SPEC_INVALID', 'producer: the spec has no producer section', 'Add "producer": {"command": "python3", "args": ["train.py"]} to run a script of your own.');
  }
  const { spec, problems } = check(raw);
  if (problems.length > 0) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    throw new HyperlabError('SPEC_INVALID', `invalid spec (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${list}`,
      'Fix the fields named above; the editor completes and checks *.hyperlab.json files against the Hyperlab schema.');
  }
  return spec;
}

/**
 * A spec's fields that are not Hyperlab's own, as written, with the overrides applied: the config
 * a script started by the hyperlab.producerCommand setting receives as HYPERLAB_PARAMS.
 */
export function writtenConfig(raw: { readonly [key: string]: unknown }, overrides: { readonly [path: string]: unknown }): { [key: string]: JsonValue } {
  const own = new Set(ownFields().map(([key]) => key));
  const config = Object.fromEntries(Object.entries(raw).filter(([key]) => !own.has(key)));
  return applyOverridesRaw(config, overrides) as { [key: string]: JsonValue };
}

/** The producer spec as one JSON object again (what a sweep stores, to parse on resume). */
export function producerSpecObject(spec: ProducerSpec): { [key: string]: JsonValue } {
  return { ...spec.config, ...spec.hyperlab };
}

/**
 * The overrides with each key resolved against the script's config: a key the config has is
 * itself, a tail of exactly one of its paths completes to it (lr → train.lr), any other key is
 * kept as written (the script's own defaults may hold it). A key naming one of Hyperlab's own
 * fields is refused: the overrides change the script's config, not the spec's producer or search.
 */
export function resolveProducerOverrides(spec: ProducerSpec, overrides: Overrides): { [path: string]: unknown } {
  const pairs: [string, unknown][] = Array.isArray(overrides)
    ? (overrides as readonly string[]).map(parseOverride)
    : Object.entries(overrides);
  const paths = specPaths(spec.config);
  const resolved: { [path: string]: unknown } = {};
  for (const [key, value] of pairs) {
    const top = key.split('.')[0]!;
    if (Object.hasOwn(specDefinition.fields, top) && !ENGINE_SECTIONS.includes(top)) {
      throw new HyperlabError('SPEC_INVALID', `override ${key}: ${top} is Hyperlab's own field, not part of the script's config`,
        `Overrides change the script's config (this spec's other fields, e.g. train.lr=0.01); change ${top} in the spec file.`);
    }
    resolved[resolveOverridePath(key, paths)] = value;
  }
  return resolved;
}

/** The script's config with the (resolved) overrides written in: what HYPERLAB_PARAMS holds. */
export function producerConfig(spec: ProducerSpec, overrides: { readonly [path: string]: unknown }): { [key: string]: JsonValue } {
  return applyOverridesRaw(spec.config, overrides) as { [key: string]: JsonValue };
}

const NOT_FOR_SCRIPTS = ['model.depth', 'model.compound.phi', 'model.compound.alpha', 'model.compound.beta'];

/**
 * The search section of a producer spec: each parameter is a path into the script's config (it
 * need not be written in the spec: the script's own defaults may hold it), drawn as for the
 * engine. What needs the engine (PBT's checkpoints, the architecture parameters) is refused.
 */
function producerSearchProblems(search: Raw): Problems {
  const problems: Problems = [];
  const space = search['space'] as { [path: string]: Raw };
  const entries = Object.entries(space);
  if (entries.length === 0) problems.push('search.space: no parameters; add at least one, e.g. "train.lr": {"type": "loguniform", "low": 1e-5, "high": 0.1} (a path into the script\'s config)');
  const seen = new Map<string, Raw>();
  for (const [path, p] of entries) {
    const at = `search.space[${JSON.stringify(path)}]`;
    const top = path.split('.')[0]!;
    if (NOT_FOR_SCRIPTS.includes(path)) {
      problems.push(`${at}: ${path} rewrites the engine's layers, and this spec runs a script of its own; search a field of the script's config instead`);
    } else if (Object.hasOwn(specDefinition.fields, top) && !ENGINE_SECTIONS.includes(top)) {
      problems.push(`${at}: ${top} is Hyperlab's own field, not part of the script's config; name a path into the config, e.g. "train.lr"`);
    }
    problems.push(...distributionProblems(at, p));
    problems.push(...conditionProblems(at, p, seen));
    seen.set(path, p);
  }
  const budget = search['budget'] as { trials: number | null; timeSeconds: number | null };
  if (search['method'] !== 'grid' && budget.trials === null && budget.timeSeconds === null) {
    problems.push(`search.budget: neither trials nor timeSeconds is set, so a ${String(search['method'])} search would never end; set search.budget.trials (e.g. 20) or search.budget.timeSeconds`);
  }
  const objective = search['objective'] as { value: string; epoch: number | null };
  if (objective.value === 'epoch' && objective.epoch === null) problems.push('search.objective.epoch: null is not allowed when search.objective.value is "epoch"; give the epoch (1-based)');
  if (search['method'] === 'pbt') {
    problems.push('search.method: "pbt" resumes members from the engine\'s checkpoints, which a script of its own does not write; use grid, random, tpe, evolution or rl');
  }
  if ((search['architecture'] as { block: number[] | null }).block !== null) {
    problems.push('search.architecture.block: the engine\'s layers are not this spec\'s (it runs a script of its own); remove it');
  }
  return problems;
}
