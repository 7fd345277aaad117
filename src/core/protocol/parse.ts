// Turns one line of the wire into a typed message, or into a one-line error that says what was
// wrong. Never throws: the host feeds it whatever a producer writes, garbage included.
import {
  FieldError, isObject, readFiniteNumber, readMeasure, readObject, readOneOf, readOptionalFiniteNumber,
  readOptionalMeasure, readOptionalString, readParams, readStep, readString, type JsonObject,
} from './fields.ts';
import { JSON_LIMITS, MAX_LINE_BYTES, MAX_METRIC_KEY_CHARS, jsonLimitError } from './limits.ts';
import { PROTOCOL_VERSION, type HostMessage, type LayerStat, type ProducerMessage, type RunIdentity, type TrainingPlan } from './messages.ts';

export { MAX_LINE_BYTES } from './limits.ts';

/** A metric value left out of an otherwise valid metrics line, and why. */
export interface RejectedKey {
  key: string;
  reason: string;
}

/**
 * `rejected`: metric keys dropped from a metrics message whose other values were kept.
 * `type`: the refused message's type, when the line got as far as naming a known one.
 */
export type ParseResult<T> = { ok: true; message: T; rejected?: RejectedKey[] } | { ok: false; error: string; type?: string };

export interface ParseOptions {
  /** The line's bytes were not valid UTF-8 (the splitter decoded them with U+FFFD in place of the bad bytes). */
  invalidUtf8?: boolean;
}

const REPLACEMENT_CHAR = '\uFFFD';

const PRODUCER_TYPES = ['hello', 'params', 'plan', 'metrics', 'layerStats', 'artifact', 'log', 'done', 'error'] as const;
const HOST_TYPES = ['start', 'stop'] as const;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export function parseProducerLine(line: string, options: ParseOptions = {}): ParseResult<ProducerMessage> {
  const rejected: RejectedKey[] = [];
  const result = parseLine(line, PRODUCER_TYPES, (obj) => decodeProducerMessage(obj, rejected, options.invalidUtf8 === true), options);
  return result.ok && rejected.length > 0 ? { ...result, rejected } : result;
}

export function parseHostLine(line: string, options: ParseOptions = {}): ParseResult<HostMessage> {
  return parseLine(line, HOST_TYPES, decodeHostMessage, options);
}

/** Why a hello cannot be accepted (another protocol version), or null when it can. */
export function helloVersionError(hello: Extract<ProducerMessage, { type: 'hello' }>): string | null {
  if (hello.protocol === PROTOCOL_VERSION) return null;
  return `producer "${hello.producer}" speaks protocol version ${hello.protocol}, this host speaks version ${PROTOCOL_VERSION}; ` +
    `use a producer (engine or hyperlab client library) built for protocol ${PROTOCOL_VERSION}`;
}

function parseLine<T>(line: string, types: readonly string[], decode: (obj: JsonObject) => T, options: ParseOptions): ParseResult<T> {
  // A UTF-16 length over the byte limit is always over it in UTF-8 too; the splitter enforces bytes.
  if (line.length > MAX_LINE_BYTES) return { ok: false, error: `line of ${line.length} characters exceeds the ${MAX_LINE_BYTES}-byte limit` };
  const text = line.trim();
  if (text === '') return { ok: false, error: 'empty line' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON (${error instanceof Error ? error.message : String(error)}): ${snippet(text)}` };
  }
  if (!isObject(value)) return { ok: false, error: `expected a JSON object with a "type", got ${Array.isArray(value) ? 'an array' : typeof value === 'string' ? 'a string' : String(value)}` };
  const type = value['type'];
  if (typeof type !== 'string') return { ok: false, error: 'message has no "type" string field' };
  if (!types.includes(type)) return { ok: false, error: `unknown message type ${JSON.stringify(type.slice(0, 40))}; expected one of ${types.join(', ')}` };
  for (const field in value) {
    const fieldValue = value[field];
    if (typeof fieldValue !== 'object' || fieldValue === null) continue;
    const tooBig = jsonLimitError(fieldValue, () => `${type}.${field}`, JSON_LIMITS);
    if (tooBig) return { ok: false, error: tooBig, type };
  }
  // Metrics drop their bad keys one by one in the decoder; any other message with a key that
  // was not valid UTF-8 would store a key made of replacement characters, so it is refused whole.
  if (options.invalidUtf8 && type !== 'metrics') {
    const bad = keyWithReplacementChar(value);
    if (bad !== null) return { ok: false, error: `${type} message: key ${JSON.stringify(bad.slice(0, 40))} is not valid UTF-8; send keys as UTF-8 text`, type };
  }
  try {
    return { ok: true, message: decode(value) };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, error: error.message, type };
    return { ok: false, error: `invalid ${type} message: ${error instanceof Error ? error.message : String(error)}`, type };
  }
}

function snippet(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** The first object key anywhere in `value` that holds U+FFFD, or null. Iterative, and no spread: an array may hold 500,000 items. */
function keyWithReplacementChar(value: unknown): string | null {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null) continue;
    if (!Array.isArray(item)) for (const key of Object.keys(item)) if (key.includes(REPLACEMENT_CHAR)) return key;
    for (const child of Array.isArray(item) ? item : Object.values(item)) if (typeof child === 'object' && child !== null) stack.push(child);
  }
  return null;
}

/** Why a metric key cannot be stored, or null when it can. */
function metricKeyError(key: string, invalidUtf8: boolean): string | null {
  if (key === '' || key.length > MAX_METRIC_KEY_CHARS) return `metric keys must be 1 to ${MAX_METRIC_KEY_CHARS} characters, got ${key.length}`;
  if (invalidUtf8 && key.includes(REPLACEMENT_CHAR)) return 'the key is not valid UTF-8 (its bad bytes would become U+FFFD); send keys as UTF-8 text';
  return null;
}

function decodeProducerMessage(obj: JsonObject, rejected: RejectedKey[], invalidUtf8 = false): ProducerMessage {
  const type = obj['type'] as (typeof PRODUCER_TYPES)[number];
  const at = type;
  switch (type) {
    case 'hello': {
      const protocol = obj['protocol'];
      if (typeof protocol !== 'number' || !Number.isSafeInteger(protocol)) throw new FieldError(`hello.protocol: expected an integer protocol version (this host speaks ${PROTOCOL_VERSION})`);
      const pid = readOptionalFiniteNumber(obj, 'pid', at);
      const run = obj['run'] === undefined || obj['run'] === null ? undefined : decodeRunIdentity(obj['run']);
      const time = readOptionalFiniteNumber(obj, 'time', at);
      return { type, protocol, producer: readString(obj, 'producer', at), ...(pid === undefined ? {} : { pid }), ...(run ? { run } : {}), ...(time === undefined ? {} : { time }) };
    }
    case 'params':
      return { type, params: readParams(obj['params'], 'params.params') };
    case 'plan':
      return { type, ...decodePlan(obj) };
    case 'metrics': {
      const valuesObj = readObject(obj['values'], 'metrics.values');
      const values: { [key: string]: number } = {};
      // One bad key costs only its own value: the others in the line are kept.
      for (const [key, raw] of Object.entries(valuesObj)) {
        const keyError = metricKeyError(key, invalidUtf8);
        if (keyError) {
          rejected.push({ key, reason: keyError });
          continue;
        }
        let value: number;
        try {
          value = readMeasure(raw, `metrics.values.${key}`);
        } catch (error) {
          if (!(error instanceof FieldError)) throw error;
          rejected.push({ key, reason: error.message });
          continue;
        }
        // defineProperty, not assignment: a key named "__proto__" would hit the prototype setter and vanish.
        Object.defineProperty(values, key, { value, enumerable: true, writable: true, configurable: true });
      }
      const epoch = readOptionalFiniteNumber(obj, 'epoch', at);
      return { type, step: readStep(obj, 'step', at), time: readFiniteNumber(obj, 'time', at), values, ...(epoch === undefined ? {} : { epoch }) };
    }
    case 'layerStats': {
      const layers = obj['layers'];
      if (!Array.isArray(layers)) throw new FieldError(`layerStats.layers: expected an array of layer stats`);
      return { type, step: readStep(obj, 'step', at), layers: layers.map((layer, i) => decodeLayerStat(layer, `layerStats.layers[${i}]`)) };
    }
    case 'artifact': {
      const meta = obj['meta'] === undefined || obj['meta'] === null ? undefined : readParams(obj['meta'], 'artifact.meta');
      // The writer's digest, optional: null is absent (as for meta), hex in either case.
      const size = obj['size'] ?? undefined;
      if (size !== undefined && !(Number.isSafeInteger(size) && (size as number) >= 0)) throw new FieldError(`artifact.size: expected the file's size in bytes (a whole number ≥ 0), got ${JSON.stringify(size)}`);
      const sha256 = obj['sha256'] === null ? undefined : readOptionalString(obj, 'sha256', at)?.toLowerCase();
      if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) throw new FieldError(`artifact.sha256: expected 64 hex digits, got ${JSON.stringify(sha256.slice(0, 80))}`);
      return { type, kind: readString(obj, 'kind', at), path: readString(obj, 'path', at), ...(meta ? { meta } : {}), ...(size === undefined ? {} : { size: size as number }), ...(sha256 === undefined ? {} : { sha256 }) };
    }
    case 'log':
      return { type, level: obj['level'] === undefined ? 'info' : readOneOf(obj, 'level', at, LOG_LEVELS), message: readString(obj, 'message', at) };
    case 'done': {
      const summary = obj['summary'] === undefined || obj['summary'] === null ? {} : readParams(obj['summary'], 'done.summary');
      const status = obj['status'] === undefined ? undefined : readOneOf(obj, 'status', at, ['finished', 'diverged', 'failed', 'killed'] as const);
      const reason = readOptionalString(obj, 'reason', at);
      const time = readOptionalFiniteNumber(obj, 'time', at);
      return { type, summary, ...(status ? { status } : {}), ...(reason === undefined ? {} : { reason }), ...(time === undefined ? {} : { time }) };
    }
    case 'error':
      return { type, message: readString(obj, 'message', at) };
  }
}

function decodeRunIdentity(value: unknown): RunIdentity {
  const obj = readObject(value, 'hello.run');
  const identity: RunIdentity = {};
  for (const key of ['experiment', 'name'] as const) {
    const text = readOptionalString(obj, key, 'hello.run');
    if (text === undefined) continue;
    if (text.trim() === '' || text.length > 200) throw new FieldError(`hello.run.${key}: expected a name that is not blank and at most 200 characters, got ${JSON.stringify(text.slice(0, 40))}${text.length > 40 ? '…' : ''}`);
    identity[key] = text;
  }
  const tags = obj['tags'];
  if (tags !== undefined && tags !== null) {
    if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string')) throw new FieldError('hello.run.tags: expected an array of strings');
    identity.tags = tags as string[];
  }
  return identity;
}

function decodePlan(obj: JsonObject): TrainingPlan {
  const count = (key: string, min: number): number => {
    const value = obj[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new FieldError(`plan.${key}: expected an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    return value;
  };
  const optional = (key: string, min: number): number | undefined => obj[key] === undefined || obj[key] === null ? undefined : count(key, min);
  const plan: TrainingPlan = { epochs: count('epochs', 0), stepsPerEpoch: count('stepsPerEpoch', 1), totalSteps: count('totalSteps', 0) };
  for (const key of ['batchSize', 'startStep', 'startEpoch'] as const) {
    const value = optional(key, key === 'batchSize' ? 1 : 0);
    if (value !== undefined) plan[key] = value;
  }
  return plan;
}

function decodeLayerStat(value: unknown, path: string): LayerStat {
  const obj = readObject(value, path);
  const stat: LayerStat = {
    name: readString(obj, 'name', path),
    gradNorm: readMeasure(obj['gradNorm'], `${path}.gradNorm`),
    weightNorm: readMeasure(obj['weightNorm'], `${path}.weightNorm`),
    updateRatio: readMeasure(obj['updateRatio'], `${path}.updateRatio`),
  };
  for (const key of ['activationMean', 'activationStd', 'deadFraction'] as const) {
    const v = readOptionalMeasure(obj, key, path);
    if (v !== undefined) stat[key] = v;
  }
  return stat;
}

function decodeHostMessage(obj: JsonObject): HostMessage {
  const type = obj['type'] as (typeof HOST_TYPES)[number];
  if (type === 'stop') {
    const reason = readOptionalString(obj, 'reason', type);
    return reason === undefined ? { type } : { type, reason };
  }
  const seed = obj['seed'];
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new FieldError(`start.seed: expected an integer, got ${String(seed)}`);
  return { type, spec: readParams(obj['spec'], 'start.spec'), overrides: obj['overrides'] === undefined ? {} : readParams(obj['overrides'], 'start.overrides'), seed };
}
