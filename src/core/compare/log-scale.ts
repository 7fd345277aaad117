// Whether a parameter reads better on a log axis: declared so in the spec's search section, or
// all values positive and spanning at least two decades (learning rates, weight decays).
import type { JsonValue } from '../spec/types.ts';

const LOG_DISTRIBUTIONS = new Set(['loguniform', 'log-uniform', 'log_uniform', 'logUniformInt', 'loguniform-int', 'log-uniform-int', 'reciprocal']);

export function spansDecades(values: readonly number[], decades = 2): boolean {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || v <= 0) return false;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min !== Infinity && max / min >= 10 ** decades;
}

/**
 * Dotted parameter paths the search section declares log-scaled. The search feature owns that
 * section's shape, so this reads it generously: an entry keyed by (or naming, via param/path/name)
 * a parameter, with `log: true`, `scale: "log"` or a log-uniform distribution/kind/type.
 */
export function declaredLogParams(search: JsonValue | undefined): Set<string> {
  const found = new Set<string>();
  const visit = (value: JsonValue | undefined, key: string | null): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, null);
    } else if (value !== null && typeof value === 'object') {
      const named = [value['param'], value['path'], value['name']].find((v): v is string => typeof v === 'string');
      const path = named ?? key;
      if (path !== null && isLogDeclaration(value)) found.add(path);
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  visit(search, null);
  return found;
}

function isLogDeclaration(entry: { [key: string]: JsonValue }): boolean {
  if (entry['log'] === true || entry['scale'] === 'log') return true;
  return ['distribution', 'kind', 'type', 'dist'].some((field) => {
    const v = entry[field];
    return typeof v === 'string' && LOG_DISTRIBUTIONS.has(v);
  });
}
