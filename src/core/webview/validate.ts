// The untrusted-input gate for messages a webview sends. A message passes only when its
// serialized size is within bounds, its `type` is one the panel knows, it has exactly the
// fields that type declares and each field satisfies its rule. What passes is a fresh copy
// holding only the declared fields; a rejection says which field is wrong and why, in one line.
import { LIMITS } from './contract.ts';

export type Rule =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'string'; maxChars: number; minChars?: number; pattern?: RegExp; patternHint?: string; unsafe?: UnsafeText }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'array'; of: Rule; maxItems: number }
  | { kind: 'object'; fields: FieldRules }
  | { kind: 'nullable'; rule: Rule };

/**
 * What a string field does with characters that change how text around them is shown: bidi
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069, which can make a name read as another),
 * C1 controls (U+0080–U+009F) and lone surrogates (not text at all). Identifiers (metric keys,
 * column ids, names) reject them; free text a person types (a filter) has them stripped.
 */
export type UnsafeText = 'reject' | 'strip';

export type FieldRules = { readonly [field: string]: Rule };
/** For each message `type` a panel accepts, the rules of its other fields. */
export type MessageRules = { readonly [type: string]: FieldRules };

export type Verdict<M> = { ok: true; message: M } | { ok: false; reason: string };

// Rule builders, so rule tables read as declarations.
export const int = (min: number, max: number): Rule => ({ kind: 'int', min, max });
export const num = (min: number, max: number): Rule => ({ kind: 'number', min, max });
export const bool: Rule = { kind: 'bool' };
export const str = (maxChars: number, options: { minChars?: number; pattern?: RegExp; patternHint?: string; unsafe?: UnsafeText } = {}): Rule => ({ kind: 'string', maxChars, ...options });
export const oneOf = (values: readonly string[]): Rule => ({ kind: 'enum', values });
export const arrayOf = (of: Rule, maxItems: number): Rule => ({ kind: 'array', of, maxItems });
export const object = (fields: FieldRules): Rule => ({ kind: 'object', fields });
export const nullable = (rule: Rule): Rule => ({ kind: 'nullable', rule });

/** Run ids are SQLite rowids: positive safe integers. */
export const runId = int(1, Number.MAX_SAFE_INTEGER);
/** Printable text without control characters (metric keys, filters). */
export const PRINTABLE = /^[^\u0000-\u001f\u007f]*$/;

const MAX_DEPTH = 6;

/** Bidi overrides and isolates, C1 controls, and a surrogate without its pair. */
const UNSAFE_CHARS = /[\u0080-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The first unsafe character of `text` as U+XXXX, or null. */
export function unsafeCharacter(text: string): string | null {
  UNSAFE_CHARS.lastIndex = 0;
  const found = UNSAFE_CHARS.exec(text);
  return found ? `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : null;
}

export function stripUnsafe(text: string): string {
  return text.replace(UNSAFE_CHARS, '');
}

export function checkInbound<M>(raw: unknown, rules: MessageRules, maxChars: number = LIMITS.messageChars): Verdict<M> {
  const size = boundedSize(raw, maxChars, 0);
  if (size === TOO_DEEP) return reject(`nesting deeper than ${MAX_DEPTH} levels`);
  if (size > maxChars) return reject(`larger than ${maxChars} characters`);
  if (!isPlainObject(raw)) return reject(`expected an object with a "type" field, got ${describe(raw)}`);
  const type = raw['type'];
  if (typeof type !== 'string') return reject(`field "type" must be a string, got ${describe(type)}`);
  if (!Object.hasOwn(rules, type)) return reject(`unknown message type ${quote(type)} (expected one of ${Object.keys(rules).join(', ')})`);
  const checked = checkFields(raw, rules[type]!, '', new Set(['type']));
  if (typeof checked === 'string') return reject(`${quote(type)}: ${checked}`);
  return { ok: true, message: { type, ...checked } as M };
}

function reject<M>(reason: string): Verdict<M> {
  return { ok: false, reason };
}

/** Returns the fresh copy, or a reason string. */
function checkFields(value: Record<string, unknown>, fields: FieldRules, prefix: string, allowed: Set<string>): Record<string, unknown> | string {
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(fields, key) && !allowed.has(key)) return `unexpected field ${quote(prefix + key)}`;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(fields)) {
    if (!Object.hasOwn(value, key)) return `missing field ${quote(prefix + key)}`;
    const result = checkValue(value[key], rule, prefix + key);
    if (!result.ok) return result.reason;
    copy[key] = result.value;
  }
  return copy;
}

type Checked = { ok: true; value: unknown } | { ok: false; reason: string };

function checkValue(value: unknown, rule: Rule, path: string): Checked {
  const fail = (expected: string): Checked => ({ ok: false, reason: `field ${quote(path)} must be ${expected}, got ${describe(value)}` });
  switch (rule.kind) {
    case 'int':
      return Number.isSafeInteger(value) && (value as number) >= rule.min && (value as number) <= rule.max
        ? { ok: true, value } : fail(`an integer in [${rule.min}, ${rule.max}]`);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= rule.min && value <= rule.max
        ? { ok: true, value } : fail(`a finite number in [${rule.min}, ${rule.max}]`);
    case 'bool':
      return typeof value === 'boolean' ? { ok: true, value } : fail('true or false');
    case 'string': {
      const min = rule.minChars ?? 0;
      if (typeof value !== 'string' || value.length > rule.maxChars || value.length < min) return fail(`a string of ${min} to ${rule.maxChars} characters`);
      if (rule.pattern && !rule.pattern.test(value)) return fail(rule.patternHint ?? `a string matching ${rule.pattern}`);
      const unsafe = unsafeCharacter(value);
      if (unsafe === null) return { ok: true, value };
      if (rule.unsafe === 'strip') return { ok: true, value: stripUnsafe(value) };
      return { ok: false, reason: `field ${quote(path)} must be text without bidi overrides, C1 controls or lone surrogates, got ${unsafe} in ${describe(value)}` };
    }
    case 'enum':
      return typeof value === 'string' && rule.values.includes(value) ? { ok: true, value } : fail(`one of ${rule.values.join(', ')}`);
    case 'array': {
      if (!Array.isArray(value)) return fail('an array');
      if (value.length > rule.maxItems) return fail(`an array of at most ${rule.maxItems} items`);
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        const item = checkValue(value[i], rule.of, `${path}[${i}]`);
        if (!item.ok) return item;
        out.push(item.value);
      }
      return { ok: true, value: out };
    }
    case 'object': {
      if (!isPlainObject(value)) return fail('an object');
      const copy = checkFields(value, rule.fields, `${path}.`, new Set());
      return typeof copy === 'string' ? { ok: false, reason: copy } : { ok: true, value: copy };
    }
    case 'nullable':
      return value === null ? { ok: true, value: null } : checkValue(value, rule.rule, path);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const TOO_DEEP = Number.POSITIVE_INFINITY;

/** An estimate of the JSON size that stops counting once past `budget` (a 50 MB string costs O(1)). */
function boundedSize(value: unknown, budget: number, depth: number): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value !== 'object' || value === null) return 8;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  let total = 2;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && total <= budget; i++) total += 1 + boundedSize(value[i], budget - total, depth + 1);
    return total;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    total += key.length + 4 + boundedSize((value as Record<string, unknown>)[key], budget - total, depth + 1);
    if (total > budget) return total;
  }
  return total;
}

/** A short, safe rendering of an offending value for a log line. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : `the string ${quote(value)}`;
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** JSON-quoted and cut to 40 characters; unsafe characters escaped, so a log line never reorders itself. */
function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(shown).replace(UNSAFE_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
