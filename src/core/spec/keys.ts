// Keys a spec, an override path or a stored spec object may never use. `__proto__`, `constructor`
// and `prototype` reach JavaScript's shared prototypes: `--set __proto__.timeoutMs=50` once set a
// default for every object in the process (runs were killed after 50 ms), and `{"__proto__": ...}`
// in a spec got past the unknown-field check, which asks `key in fields`.
import { HyperlabError } from '../errors.ts';
import { JSON_LIMITS, jsonBytesError, jsonLimitError } from '../protocol/limits.ts';

export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.includes(key);
}

/** The dotted path of the first forbidden key anywhere in a parsed JSON value, or null. Iterative. */
export function forbiddenKeyPath(value: unknown): string | null {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value !== 'object' || item.value === null) continue;
    for (const [key, child] of Object.entries(item.value)) {
      const path = item.path === '' ? key : `${item.path}.${key}`;
      if (!Array.isArray(item.value) && isForbiddenKey(key)) return path;
      stack.push({ value: child, path });
    }
  }
  return null;
}

const LIMIT_HINT = `A spec is at most ${JSON_LIMITS.maxDepth} levels deep, ${JSON_LIMITS.maxKeys.toLocaleString('en-US')} keys and ${JSON_LIMITS.maxBytes.toLocaleString('en-US')} bytes; write the search space as a flat object of dotted paths.`;

/** The spec file's text within the byte limit; throws SPEC_INVALID otherwise. */
export function checkSpecText(text: string): void {
  const tooBig = jsonBytesError(text, 'the spec');
  if (tooBig) throw new HyperlabError('SPEC_INVALID', `invalid spec: ${tooBig}`, LIMIT_HINT);
}

/**
 * A parsed spec within the depth and key limits (a deeper one would overflow the stack of every
 * recursive reader, from validation to structuredClone) and free of prototype keys; throws SPEC_INVALID.
 */
export function checkSpecShape(raw: unknown): void {
  const tooBig = jsonLimitError(raw, 'the spec');
  if (tooBig) throw new HyperlabError('SPEC_INVALID', `invalid spec: ${tooBig}`, LIMIT_HINT);
  const forbidden = forbiddenKeyPath(raw);
  if (forbidden !== null) {
    throw new HyperlabError('SPEC_INVALID', `invalid spec: ${forbidden}: the key "${forbidden.split('.').pop()}" is not allowed`,
      `No spec field is named ${FORBIDDEN_KEYS.join(', ')}; remove it.`);
  }
}

/** JSON text or a plain object, checked within the limits and parsed: the raw spec; throws SPEC_INVALID. */
export function parseSpecJson(input: string | object): unknown {
  let raw: unknown = input;
  if (typeof input === 'string') {
    checkSpecText(input);
    try {
      raw = JSON.parse(input);
    } catch (error) {
      throw new HyperlabError('SPEC_INVALID', `the spec is not valid JSON: ${(error as Error).message}`, 'Fix the JSON syntax at the position named.');
    }
  }
  checkSpecShape(raw);
  return raw;
}
