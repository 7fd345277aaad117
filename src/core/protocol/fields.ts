// Field readers for validating decoded JSON without trusting it. Each returns the typed value or
// throws FieldError naming the field path; the parsers turn that into a one-line error.
import type { ParamValue, Params } from './messages.ts';

export class FieldError extends Error {}

export type JsonObject = { [key: string]: unknown };

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fail(path: string, expected: string, value: unknown): never {
  throw new FieldError(`${path}: expected ${expected}, got ${value === undefined ? 'nothing' : describeValue(value)}`);
}

export function readObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) fail(path, 'an object', value);
  return value;
}

export function readString(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== 'string') fail(`${path}.${key}`, 'a string', value);
  return value;
}

export function readOptionalString(obj: JsonObject, key: string, path: string): string | undefined {
  return obj[key] === undefined ? undefined : readString(obj, key, path);
}

export function readFiniteNumber(obj: JsonObject, key: string, path: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${path}.${key}`, 'a finite number', value);
  return value;
}

export function readOptionalFiniteNumber(obj: JsonObject, key: string, path: string): number | undefined {
  return obj[key] === undefined || obj[key] === null ? undefined : readFiniteNumber(obj, key, path);
}

export function readStep(obj: JsonObject, key: string, path: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(`${path}.${key}`, 'a non-negative integer', value);
  return value;
}

/** JSON has no NaN or Infinity: producers send them as these strings. */
const NON_FINITE: { [text: string]: number } = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** A measured value: a number, or "NaN" / "Infinity" / "-Infinity". */
export function readMeasure(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && Object.hasOwn(NON_FINITE, value)) return NON_FINITE[value]!;
  return fail(path, 'a number or "NaN"/"Infinity"/"-Infinity"', value);
}

export function readOptionalMeasure(obj: JsonObject, key: string, path: string): number | undefined {
  return obj[key] === undefined || obj[key] === null ? undefined : readMeasure(obj[key], `${path}.${key}`);
}

/** Params are any JSON object; JSON.parse output is already made of ParamValues. */
export function readParams(value: unknown, path: string): Params {
  return readObject(value, path) as { [key: string]: ParamValue };
}

export function readOneOf<T extends string>(obj: JsonObject, key: string, path: string, choices: readonly T[]): T {
  const value = obj[key];
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) fail(`${path}.${key}`, `one of ${choices.join(', ')}`, value);
  return value as T;
}
