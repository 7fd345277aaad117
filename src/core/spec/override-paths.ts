// Overrides may name a field by an unambiguous tail of its dotted path, as people type them:
// `optimizer.lr=0.01 epochs=3` means train.optimizer.lr and train.epochs. A tail that fits more
// than one field is an error listing them; one that fits none is left for validation to report
// (with its "did you mean").
import { HyperlabError } from '../errors.ts';
import { defaultFor } from './validate.ts';
import { specDefinition } from './definition.ts';

/** Every dotted path of the spec (objects and leaves; array elements by index). */
export function specPaths(spec: unknown): Set<string> {
  const paths = new Set<string>();
  const visit = (value: unknown, path: string): void => {
    if (path !== '') paths.add(path);
    if (Array.isArray(value)) value.forEach((v, i) => { if (v !== null && typeof v === 'object') visit(v, `${path}.${i}`); });
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, path === '' ? k : `${path}.${k}`);
  };
  visit(spec, '');
  return paths;
}

/** The full path an override key means in this spec: itself when it exists, else its one completion. */
export function resolveOverridePath(key: string, paths: ReadonlySet<string>): string {
  if (paths.has(key) || key === '' || key.split('.')[0] === 'search') return key;
  // The search section describes parameters, it is not one: its paths never complete a key.
  const candidates = [...paths].filter((p) => p.endsWith(`.${key}`) && !p.startsWith('search.'));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) {
    throw new HyperlabError('SPEC_INVALID', `override ${key}: could mean ${candidates.sort().join(', ')}`,
      `Write the full path, e.g. ${candidates[0]}=….`);
  }
  return key;
}

/**
 * The overrides with every key resolved against the spec (its fields with defaults filled in,
 * and its own layers), in the order given. Values are untouched.
 */
export function resolveOverridePaths<V>(spec: object, overrides: { readonly [key: string]: V }): { [key: string]: V } {
  const paths = specPaths(defaultFor(specDefinition));
  for (const path of specPaths(spec)) paths.add(path);
  const resolved: { [key: string]: V } = {};
  for (const [key, value] of Object.entries(overrides)) resolved[resolveOverridePath(key, paths)] = value;
  return resolved;
}
