// Which of a run's parameters differ from the spec's defaults, so Run detail can show the few
// values a person chose instead of the ~80 rows of the fully expanded spec.
import type { ParamValue, Params } from '../protocol/messages.ts';
import { defaultSpec, flattenSpec } from '../spec/index.ts';

let defaults: { [path: string]: unknown } | undefined;

/** Nested params as dotted names (the way Run detail lists them); arrays stay values. */
export function flattenParams(params: Params, prefix = ''): [string, ParamValue][] {
  const out: [string, ParamValue][] = [];
  for (const [key, value] of Object.entries(params)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(...flattenParams(value, name));
    else out.push([name, value]);
  }
  return out;
}

/** Labels of the spec, not settings of the run: never "a choice". */
const NOT_SETTINGS = new Set(['name', 'description', '$schema']);

/**
 * The dotted names whose value is not the default spec's (names the default has not count too).
 * A null or "none" where the default has nothing (or null) is no choice either.
 */
export function nonDefaultParams(params: Params): string[] {
  defaults ??= flattenSpec(defaultSpec());
  return flattenParams(params)
    .filter(([name, value]) => {
      if (NOT_SETTINGS.has(name)) return false;
      const known = Object.hasOwn(defaults!, name);
      if ((value === null || value === 'none') && (!known || defaults![name] === null)) return false;
      return !known || JSON.stringify(defaults![name]) !== JSON.stringify(value);
    })
    .map(([name]) => name);
}
