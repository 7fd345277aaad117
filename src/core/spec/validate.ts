// Checks a parsed JSON value against the definition and fills in defaults. Every problem names
// the dotted path, what was found and what is allowed; all problems are collected, not just the first.
import type { FieldDef, NumberField, ObjectField, TaggedField } from './fields.ts';
import { didYouMean } from './suggest.ts';

export type Problems = string[];

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

/** A map's key in a path: dotted keys (search parameters) are quoted so the path stays readable. */
function joinKey(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? join(path, key) : `${path}[${JSON.stringify(key)}]`;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function numberRange(def: NumberField): string {
  const parts: string[] = [];
  if (def.min !== undefined) parts.push(`≥ ${def.min}`);
  if (def.exclusiveMin !== undefined) parts.push(`> ${def.exclusiveMin}`);
  if (def.max !== undefined) parts.push(`≤ ${def.max}`);
  if (def.exclusiveMax !== undefined) parts.push(`< ${def.exclusiveMax}`);
  const what = def.integer ? 'an integer' : 'a number';
  return `${what}${parts.length ? ' ' + parts.join(' and ') : ''}${def.nullable ? ' (or null)' : ''}`;
}

function checkNumber(def: NumberField, value: unknown, path: string, problems: Problems): unknown {
  if (value === null && def.nullable) return null;
  const ok =
    typeof value === 'number' && Number.isFinite(value) &&
    (!def.integer || Number.isInteger(value)) &&
    (def.min === undefined || value >= def.min) &&
    (def.exclusiveMin === undefined || value > def.exclusiveMin) &&
    (def.max === undefined || value <= def.max) &&
    (def.exclusiveMax === undefined || value < def.exclusiveMax);
  if (!ok) problems.push(`${path}: ${show(value)} is not allowed; expected ${numberRange(def)}`);
  return value;
}

/** Fills defaults for a missing value; returns undefined when the field has no default (tagged). */
export function defaultFor(def: FieldDef): unknown {
  switch (def.kind) {
    case 'object': {
      if (def.optional) return undefined;
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.fields)) {
        const value = defaultFor(field);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    case 'loose':
    case 'tagged':
      return undefined;
    case 'map':
      return def.default === null ? null : structuredClone(def.default);
    case 'array':
      // Default items (the default layers) get their own defaults filled in too.
      return def.default === null ? null : def.default.map((item) => checkValue(def.items, structuredClone(item), '', []));
    default:
      return def.default;
  }
}

function checkObjectFields(
  fields: ObjectField['fields'], value: Record<string, unknown>, path: string, problems: Problems, extraKeys: readonly string[] = [],
): Record<string, unknown> {
  const allowed = Object.keys(fields);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // hasOwn, not `in`: "constructor" or "__proto__" are `in` every object.
    if (!Object.hasOwn(fields, key) && !extraKeys.includes(key)) {
      problems.push(`${join(path, key)}: unknown field; allowed: ${allowed.join(', ')}${didYouMean(key, allowed)}`);
    }
  }
  for (const key of extraKeys) if (key in value) out[key] = value[key];
  for (const [key, field] of Object.entries(fields)) {
    const checked = checkValue(field, value[key], join(path, key), problems);
    if (checked !== undefined) out[key] = checked;
  }
  return out;
}

function checkTagged(def: TaggedField, value: unknown, path: string, problems: Problems): unknown {
  const kinds = Object.keys(def.variants);
  if (!isPlainObject(value)) {
    problems.push(`${path}: ${show(value)} is not an object; expected {"${def.tag}": one of ${kinds.join(', ')}, ...}`);
    return value;
  }
  const tag = value[def.tag];
  const variant = typeof tag === 'string' && Object.hasOwn(def.variants, tag) ? def.variants[tag] : undefined;
  if (variant === undefined) {
    const suggestion = typeof tag === 'string' ? didYouMean(tag, kinds) : '';
    problems.push(`${join(path, def.tag)}: ${show(tag)} is not one of ${kinds.join(', ')}${suggestion}`);
    return value;
  }
  return { [def.tag]: tag, ...checkObjectFields(variant.fields, value, path, problems, [def.tag]) };
}

export function checkValue(def: FieldDef, value: unknown, path: string, problems: Problems): unknown {
  if (value === undefined) {
    const fallback = defaultFor(def);
    if (fallback !== undefined || def.kind !== 'tagged') return fallback;
  }
  if (def.kind === 'object' && def.optional && value === undefined) return undefined;
  switch (def.kind) {
    case 'number':
      return checkNumber(def, value, path, problems);
    case 'string':
      if (!(typeof value === 'string' || (value === null && def.nullable))) {
        problems.push(`${path}: ${show(value)} is not allowed; expected a string${def.nullable ? ' (or null)' : ''}`);
      }
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${path}: ${show(value)} is not allowed; expected true or false`);
      return value;
    case 'enum':
      if (value === null && def.nullable) return null;
      if (typeof value !== 'string' || !def.values.includes(value)) {
        const suggestion = typeof value === 'string' ? didYouMean(value, def.values) : '';
        problems.push(`${path}: ${show(value)} is not one of ${def.values.join(', ')}${def.nullable ? ', null' : ''}${suggestion}`);
      }
      return value;
    case 'column':
      if (value === null && def.nullable) return null;
      if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) {
        problems.push(`${path}: ${show(value)} is not allowed; expected a column name (string) or a 0-based index (integer, negative counts from the end)`);
      }
      return value;
    case 'array': {
      if (value === null && def.nullable) return null;
      if (!Array.isArray(value)) {
        problems.push(`${path}: ${show(value)} is not allowed; expected an array${def.nullable ? ' (or null)' : ''}`);
        return value;
      }
      if (def.minItems !== undefined && value.length < def.minItems) {
        problems.push(`${path}: has ${value.length} items; expected at least ${def.minItems}`);
      }
      return value.map((item, i) => checkValue(def.items, item, join(path, i), problems));
    }
    case 'object':
      if (!isPlainObject(value)) {
        problems.push(`${path}: ${show(value)} is not an object; allowed fields: ${Object.keys(def.fields).join(', ')}`);
        return value;
      }
      return checkObjectFields(def.fields, value, path, problems);
    case 'tagged':
      return checkTagged(def, value, path, problems);
    case 'scalar': {
      const ok = isScalar(value) || (def.list === true && Array.isArray(value) && value.length > 0 && value.every(isScalar));
      if (!ok) problems.push(`${path}: ${show(value)} is not allowed; expected a string, number, boolean or null${def.list ? ' (or a non-empty array of them)' : ''}`);
      return value;
    }
    case 'map': {
      if (value === null && def.nullable) return null;
      if (!isPlainObject(value)) {
        problems.push(`${path}: ${show(value)} is not an object${def.nullable ? ' (or null)' : ''}`);
        return value;
      }
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = checkValue(def.values, item, joinKey(path, key), problems);
      return out;
    }
    case 'loose':
      if (value !== undefined && !isPlainObject(value)) problems.push(`${path}: ${show(value)} is not an object`);
      return value;
  }
}
