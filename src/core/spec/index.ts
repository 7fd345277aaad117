// The spec's public face: parse and validate a `*.hyperlab.json`, defaults, overrides, schema.
import { HyperlabError } from '../errors.ts';
import { specDefinition } from './definition.ts';
import { asyncOptimizerProblems } from './async-rule.ts';
import { parseSpecJson } from './keys.ts';
import { applyOverridesRaw, type Overrides } from './overrides.ts';
import { executionDefinition } from './execution-definition.ts';
import { executionProblems } from './execution-rules.ts';
import { searchProblems } from './search-rules.ts';
import { isProducerSpec, parseProducerSpec, producerSpecProblemList } from './producer.ts';
import { checkValue, defaultFor, type Problems } from './validate.ts';
import type { ExecutionSpec, JsonValue, Spec } from './types.ts';

export type * from './types.ts';
export { specSchema } from './schema.ts';
export { specExperiment } from './experiment-name.ts';
export { parseOverride, type Overrides } from './overrides.ts';
export {
  ENGINE_SECTIONS, PARAMS_ENV, isProducerSpec, parseProducerSpec, producerConfig, producerSpecObject, resolveProducerOverrides, writtenConfig,
  type ProducerSection, type ProducerSpec,
} from './producer.ts';

/** Rules that span fields, checked once every field is individually valid. */
function crossFieldProblems(spec: Spec): Problems {
  const problems: Problems = [];
  if (spec.data.dataset === 'csv' && spec.data.path === null) {
    problems.push('data.path: null is not allowed when data.dataset is "csv"; give the CSV file (relative to the spec file)');
  }
  if (spec.train.earlyStopping.enabled && spec.train.earlyStopping.metric.startsWith('val.') && spec.data.validationFraction === 0) {
    problems.push(`train.earlyStopping.metric: "${spec.train.earlyStopping.metric}" needs a validation set but data.validationFraction is 0; set it above 0 or monitor train.loss`);
  }
  if (spec.train.swa.enabled && spec.train.swa.startEpoch > spec.train.epochs) {
    problems.push(`train.swa.startEpoch: ${spec.train.swa.startEpoch} is after the last epoch (train.epochs = ${spec.train.epochs}); expected ≤ ${spec.train.epochs}`);
  }
  problems.push(...asyncOptimizerProblems(spec));
  problems.push(...searchProblems(spec));
  problems.push(...executionProblems(spec.execution));
  return problems;
}

function invalid(problems: Problems): HyperlabError {
  const list = problems.map((p) => `  - ${p}`).join('\n');
  return new HyperlabError('SPEC_INVALID', `invalid spec (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${list}`,
    'Fix the fields named above; the editor completes and checks *.hyperlab.json files against the Hyperlab schema.');
}

/** An engine's spec was needed and this one runs a script of its own (see producer.ts). */
function producerSpecHere(): HyperlabError {
  return new HyperlabError('SPEC_INVALID', 'producer: this spec runs a script of its own (its producer section), and this needs a spec for Hyperlab\'s engine (data, model, train)',
    'Run it with hyperlab run SPEC, Run Experiment or a sweep; for the engine\'s tools use a spec without a producer section.');
}

/** Every problem of a parsed spec object, as "path: message" lines (empty when it is valid). */
export function specProblemList(raw: unknown): Problems {
  if (isProducerSpec(raw)) return producerSpecProblemList(raw as { [key: string]: unknown });
  const problems: Problems = [];
  const spec = checkValue(specDefinition, raw, '', problems);
  if (problems.length === 0) problems.push(...crossFieldProblems(spec as Spec));
  return problems;
}

/** Parses JSON text or a plain object into a complete Spec; throws SPEC_INVALID listing every problem. */
export function parseSpec(input: string | object): Spec {
  const raw = parseSpecJson(input);
  if (isProducerSpec(raw)) throw producerSpecHere();
  const problems: Problems = [];
  const spec = checkValue(specDefinition, raw, '', problems);
  if (problems.length === 0) problems.push(...crossFieldProblems(spec as Spec));
  if (problems.length > 0) throw invalid(problems);
  return spec as Spec;
}

/**
 * The execution section of a spec of either kind (one for the engine, or one with a producer
 * section), validated with its defaults; undefined when the spec runs on this machine.
 */
export function specExecution(input: string | object): ExecutionSpec | undefined {
  const raw = parseSpecJson(input);
  if (isProducerSpec(raw)) return parseProducerSpec(raw as object).hyperlab['execution'] as unknown as ExecutionSpec | undefined;
  return parseSpec(raw as object).execution;
}

/**
 * Every problem of an execution section given on its own (a host's default for specs without
 * one), as "field: message" lines without the "execution." prefix; empty when it is valid.
 */
export function executionSectionProblems(raw: unknown): Problems {
  const problems: Problems = [];
  const execution = checkValue(executionDefinition, raw, 'execution', problems) as ExecutionSpec | undefined;
  if (problems.length === 0) problems.push(...executionProblems(execution));
  return problems.map((p) => p.replace(/^execution\./, ''));
}

export function defaultSpec(): Spec {
  return defaultFor(specDefinition) as Spec;
}

/** The spec with each dotted-path override applied, validated again. */
export function applyOverrides(spec: Spec | object, overrides: Overrides): Spec {
  return parseSpec(applyOverridesRaw(spec, overrides));
}

/**
 * The spec as one level of dotted keys (`train.optimizer.lr`), which is how runs are compared
 * and searched. Arrays of plain values stay arrays; arrays of objects (layers) get indices.
 */
export function flattenSpec(spec: Spec): { [path: string]: JsonValue } {
  const out: { [path: string]: JsonValue } = {};
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value) && value.some((v) => typeof v === 'object' && v !== null)) {
      value.forEach((v, i) => visit(v, `${path}.${i}`));
      if (value.length === 0) out[path] = [];
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, path === '' ? k : `${path}.${k}`);
    } else if (value !== undefined) {
      out[path] = value as JsonValue;
    }
  };
  // Where a run trains (execution) is not a parameter of the run: two runs that differ only
  // there are the same experiment.
  const { $schema: _schema, description: _description, search, execution: _execution, ...rest } = spec;
  visit(rest, '');
  if (search !== undefined) out['search'] = search;
  return out;
}
