// A run's automatic name: what differs from its experiment's spec, by the columns' short titles
// (`lr=0.01 · adam` for train.optimizer.lr=0.01 train.optimizer.kind=adam), instead of `run-7`.
import { formatNumber } from '../format.ts';
import type { Params, ParamValue } from '../protocol/messages.ts';
import { paramTitles } from './title.ts';

export const MAX_AUTO_NAME = 60;

/** The name for a run with these overrides, or undefined when there are none (the store names it run-ID). */
export function autoRunName(overrides: Params): string | undefined {
  const keys = Object.keys(overrides).filter((k) => k !== 'train.seed' || Object.keys(overrides).length === 1);
  if (keys.length === 0) return undefined;
  const titles = paramTitles(keys);
  const parts = keys.map((key) => {
    const value = overrides[key]!;
    // A word value says itself ("adam", "cosine"); a number needs its name.
    return typeof value === 'string' && /^[A-Za-z][\w-]*$/.test(value) ? value : `${titles.get(key) ?? key}=${show(value)}`;
  });
  const name = parts.join(' · ');
  return name.length > MAX_AUTO_NAME ? `${name.slice(0, MAX_AUTO_NAME - 1)}…` : name;
}

function show(value: ParamValue): string {
  if (typeof value === 'number') return formatNumber(value, 4);
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** The overrides that turn `spec` (flattened) into `params`: what to pre-fill for "Run Again with Changes…". */
export function overridesOf(params: Params, specDefaults: Params): Params {
  const result: Params = {};
  for (const [key, value] of Object.entries(params)) {
    if (!Object.hasOwn(specDefaults, key)) continue;
    if (JSON.stringify(specDefaults[key]) !== JSON.stringify(value)) result[key] = value;
  }
  return result;
}

/** Overrides as the box and --set take them: `train.optimizer.lr=0.01 train.epochs=3`. */
export function overridesText(overrides: Params): string {
  const plainWord = (v: string): boolean => /^[A-Za-z_][\w.-]*$/.test(v) && !['true', 'false', 'null'].includes(v);
  return Object.entries(overrides).map(([key, value]) => `${key}=${typeof value === 'string' && plainWord(value) ? value : JSON.stringify(value)}`).join(' ');
}
