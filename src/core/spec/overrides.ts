// `--set train.epochs=3`: one field changed for one run, by its dotted path. Values are parsed
// as JSON when they parse (3, true, null, [1,2], "x") and taken as strings otherwise (adam).
import { HyperlabError } from '../errors.ts';
import { FORBIDDEN_KEYS, checkSpecShape, isForbiddenKey } from './keys.ts';

export type Overrides = readonly string[] | { readonly [path: string]: unknown };

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** "a.b=v" → ["a.b", v]. */
export function parseOverride(assignment: string): [string, unknown] {
  const eq = assignment.indexOf('=');
  if (eq <= 0) {
    throw new HyperlabError('SPEC_INVALID', `override "${assignment}" is not of the form path=value`,
      'Write the dotted path of a field, "=", and its value, e.g. train.epochs=3 or train.optimizer.kind=adam.');
  }
  const path = assignment.slice(0, eq).trim();
  checkPath(path);
  return [path, parseValue(assignment.slice(eq + 1).trim())];
}

/** Refuses a path that is empty somewhere or names a prototype key (see keys.ts). */
function checkPath(path: string): void {
  const keys = path.split('.');
  if (keys.some((k) => k === '')) {
    throw new HyperlabError('SPEC_INVALID', `override "${path}": empty segment in the dotted path`, 'Write a path like train.optimizer.lr.');
  }
  const forbidden = keys.find(isForbiddenKey);
  if (forbidden !== undefined) {
    throw new HyperlabError('SPEC_INVALID', `override "${path}": "${forbidden}" is not a spec field and cannot be set`,
      `No spec field is named ${FORBIDDEN_KEYS.join(', ')}; write the dotted path of a real field, e.g. train.epochs=3.`);
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: unknown = target;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    const container = node as Record<string, unknown>;
    checkIndex(container, key, path, keys.slice(0, i).join('.'));
    if (!Object.hasOwn(container, key) || container[key] === undefined) container[key] = /^\d+$/.test(keys[i + 1]!) ? [] : {};
    node = container[key];
    if (typeof node !== 'object' || node === null) {
      const where = keys.slice(0, i + 1).join('.');
      throw new HyperlabError('SPEC_INVALID', `override ${path}: ${where} is ${JSON.stringify(node)}, not an object, so ${keys[i + 1]} cannot be set inside it`,
        `Set ${where} as a whole instead, e.g. ${where}=<JSON value>.`);
    }
  }
  const last = keys[keys.length - 1]!;
  checkIndex(node as Record<string, unknown>, last, path, keys.slice(0, -1).join('.'));
  // defineProperty, not assignment: an own data property, whatever the key.
  Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
}

/** Inside an array only an index 0..length (length appends) can be set: `layers.-1` used to vanish silently. */
function checkIndex(container: Record<string, unknown>, key: string, path: string, where: string): void {
  if (!Array.isArray(container)) return;
  const length = container.length;
  if (!/^\d+$/.test(key) || Number(key) > length) {
    throw new HyperlabError('SPEC_INVALID', `override ${path}: ${where} is an array of ${length} item${length === 1 ? '' : 's'}, and "${key}" is not one of its indices`,
      `Use an index from 0 to ${Math.max(0, length - 1)}${length > 0 ? ` (or ${length} to append)` : ' (or 0 to append)'}, e.g. ${where}.0.`);
  }
}

/** Applies the overrides to a copy of a raw or validated spec object (validation comes after). */
export function applyOverridesRaw(spec: object, overrides: Overrides): Record<string, unknown> {
  checkSpecShape(spec);
  const copy = structuredClone(spec) as Record<string, unknown>;
  const pairs: [string, unknown][] = Array.isArray(overrides)
    ? (overrides as readonly string[]).map(parseOverride)
    : Object.entries(overrides);
  for (const [path, value] of pairs) {
    checkPath(path);
    setPath(copy, path, value);
  }
  return copy;
}
