// `--set train.epochs=3`: one field changed for one run, by its dotted path. Values are parsed
// as JSON when they parse (3, true, null, [1,2], "x") and taken as strings otherwise (adam).
import { HyperlabError } from '../errors.ts';

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
  return [assignment.slice(0, eq).trim(), parseValue(assignment.slice(eq + 1).trim())];
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: unknown = target;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    const container = node as Record<string, unknown>;
    if (container[key] === undefined) container[key] = /^\d+$/.test(keys[i + 1]!) ? [] : {};
    node = container[key];
    if (typeof node !== 'object' || node === null) {
      const where = keys.slice(0, i + 1).join('.');
      throw new HyperlabError('SPEC_INVALID', `override ${path}: ${where} is ${JSON.stringify(node)}, not an object, so ${keys[i + 1]} cannot be set inside it`,
        `Set ${where} as a whole instead, e.g. ${where}=<JSON value>.`);
    }
  }
  (node as Record<string, unknown>)[keys[keys.length - 1]!] = value;
}

/** Applies the overrides to a copy of a raw or validated spec object (validation comes after). */
export function applyOverridesRaw(spec: object, overrides: Overrides): Record<string, unknown> {
  const copy = structuredClone(spec) as Record<string, unknown>;
  const pairs: [string, unknown][] = Array.isArray(overrides)
    ? (overrides as readonly string[]).map(parseOverride)
    : Object.entries(overrides);
  for (const [path, value] of pairs) {
    if (path === '' || path.split('.').some((k) => k === '')) {
      throw new HyperlabError('SPEC_INVALID', `override "${path}": empty segment in the dotted path`, 'Write a path like train.optimizer.lr.');
    }
    setPath(copy, path, value);
  }
  return copy;
}
