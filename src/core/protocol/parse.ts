// Turns one line of the wire into a typed message, or into a one-line error that says what was
// wrong. Never throws: the host feeds it whatever a producer writes, garbage included.
import {
  FieldError, isObject, readFiniteNumber, readMeasure, readObject, readOneOf, readOptionalFiniteNumber,
  readOptionalMeasure, readOptionalString, readParams, readStep, readString, type JsonObject,
} from './fields.ts';
import { PROTOCOL_VERSION, type HostMessage, type LayerStat, type ProducerMessage, type TrainingPlan } from './messages.ts';

/** Longest line either side accepts (bytes of UTF-8; a line is one JSON message). */
export const MAX_LINE_BYTES = 1024 * 1024;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

const PRODUCER_TYPES = ['hello', 'params', 'plan', 'metrics', 'layerStats', 'artifact', 'log', 'done', 'error'] as const;
const HOST_TYPES = ['start', 'stop'] as const;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export function parseProducerLine(line: string): ParseResult<ProducerMessage> {
  return parseLine(line, PRODUCER_TYPES, decodeProducerMessage);
}

export function parseHostLine(line: string): ParseResult<HostMessage> {
  return parseLine(line, HOST_TYPES, decodeHostMessage);
}

/** Why a hello cannot be accepted (another protocol version), or null when it can. */
export function helloVersionError(hello: Extract<ProducerMessage, { type: 'hello' }>): string | null {
  if (hello.protocol === PROTOCOL_VERSION) return null;
  return `producer "${hello.producer}" speaks protocol version ${hello.protocol}, this host speaks version ${PROTOCOL_VERSION}; ` +
    `use a producer (engine or hyperlab client library) built for protocol ${PROTOCOL_VERSION}`;
}

function parseLine<T>(line: string, types: readonly string[], decode: (obj: JsonObject) => T): ParseResult<T> {
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
  try {
    return { ok: true, message: decode(value) };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, error: error.message };
    return { ok: false, error: `invalid ${type} message: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function snippet(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function decodeProducerMessage(obj: JsonObject): ProducerMessage {
  const type = obj['type'] as (typeof PRODUCER_TYPES)[number];
  const at = type;
  switch (type) {
    case 'hello': {
      const protocol = obj['protocol'];
      if (typeof protocol !== 'number' || !Number.isSafeInteger(protocol)) throw new FieldError(`hello.protocol: expected an integer protocol version (this host speaks ${PROTOCOL_VERSION})`);
      const pid = readOptionalFiniteNumber(obj, 'pid', at);
      return { type, protocol, producer: readString(obj, 'producer', at), ...(pid === undefined ? {} : { pid }) };
    }
    case 'params':
      return { type, params: readParams(obj['params'], 'params.params') };
    case 'plan':
      return { type, ...decodePlan(obj) };
    case 'metrics': {
      const valuesObj = readObject(obj['values'], 'metrics.values');
      const values: { [key: string]: number } = {};
      for (const [key, raw] of Object.entries(valuesObj)) {
        if (key === '' || key.length > 200) throw new FieldError(`metrics.values: metric keys must be 1 to 200 characters, got ${key.length}`);
        // defineProperty, not assignment: a key named "__proto__" would hit the prototype setter and vanish.
        Object.defineProperty(values, key, { value: readMeasure(raw, `metrics.values.${key}`), enumerable: true, writable: true, configurable: true });
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
      return { type, kind: readString(obj, 'kind', at), path: readString(obj, 'path', at), ...(meta ? { meta } : {}) };
    }
    case 'log':
      return { type, level: obj['level'] === undefined ? 'info' : readOneOf(obj, 'level', at, LOG_LEVELS), message: readString(obj, 'message', at) };
    case 'done': {
      const summary = obj['summary'] === undefined || obj['summary'] === null ? {} : readParams(obj['summary'], 'done.summary');
      const status = obj['status'] === undefined ? undefined : readOneOf(obj, 'status', at, ['finished', 'diverged'] as const);
      const reason = readOptionalString(obj, 'reason', at);
      return { type, summary, ...(status ? { status } : {}), ...(reason === undefined ? {} : { reason }) };
    }
    case 'error':
      return { type, message: readString(obj, 'message', at) };
  }
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
