// A run's automatic name: what differs from its experiment's spec, by the columns' short titles
// (`lr=0.01 · adam` for train.optimizer.lr=0.01 train.optimizer.kind=adam), instead of `run-7`.
// The name is a label in a narrow sidebar, so it is short: at most AUTO_NAME_PARTS differences
// and AUTO_NAME_LENGTH characters, numbers to 3 significant digits, the rest counted (`+2`).
// The whole set is `describeOverrides` (the run's hover card shows it, as DVC shows a short
// experiment name with the full parameters beside it).
import * as fs from 'node:fs';
import type { Params, ParamValue } from '../protocol/messages.ts';
import { flattenSpec, isProducerSpec, parseProducerSpec, parseSpec, type Spec } from '../spec/index.ts';
import { paramTitles } from './title.ts';

/** Differences named before the rest are counted as "+N". */
export const AUTO_NAME_PARTS = 3;
/**
 * Characters of a name, "+N" included: at the Run Explorer's default width (a run's row has
 * about 215 px, 29 characters, for name and description) this leaves room for the start of the
 * description (the progress or the objective), as W&B's and DVC's short run names do.
 */
export const AUTO_NAME_LENGTH = 24;
/** A value longer than this (a list, an object) is cut: `hidden=[256,12…]`. */
const VALUE_LENGTH = 12;

/** The name for a run with these overrides, or undefined when there are none (the store names it run-ID). */
export function autoRunName(overrides: Params): string | undefined {
  const parts = overrideParts(overrides, 3, VALUE_LENGTH);
  if (parts.length === 0) return undefined;
  const shown: string[] = [];
  for (const part of parts) {
    const rest = parts.length - shown.length - 1;
    const candidate = [...shown, part].join(' · ') + (rest > 0 ? ` +${rest}` : '');
    if (shown.length > 0 && (shown.length >= AUTO_NAME_PARTS || candidate.length > AUTO_NAME_LENGTH)) break;
    shown.push(part);
  }
  const more = parts.length - shown.length;
  const suffix = more > 0 ? ` +${more}` : '';
  const name = shown.join(' · ');
  // A single difference can be long by itself (a long string value): cut it, the hover has it whole.
  const room = AUTO_NAME_LENGTH - suffix.length;
  return (name.length > room ? `${name.slice(0, room - 1)}…` : name) + suffix;
}

/** Every difference, unabridged, in the name's spelling: `lr=0.0125 · adam · epochs=3 · units=512`. */
export function describeOverrides(overrides: Params): string {
  return overrideParts(overrides, 4, Infinity).join(' · ');
}

/** One `title=value` (or a bare word value) per override, the seed left out when others differ. */
function overrideParts(overrides: Params, significant: number, maxValue: number): string[] {
  const keys = Object.keys(overrides).filter((k) => k !== 'train.seed' || Object.keys(overrides).length === 1);
  const titles = paramTitles(keys);
  return keys.map((key) => {
    const value = overrides[key]!;
    // A word value says itself ("adam", "cosine"); a number needs its name.
    if (typeof value === 'string' && /^[A-Za-z][\w-]*$/.test(value)) return value;
    const text = show(value, significant);
    return `${titles.get(key) ?? key}=${text.length > maxValue ? `${text.slice(0, maxValue - 1)}…` : text}`;
  });
}

function show(value: ParamValue, significant: number): string {
  if (typeof value === 'number') return shortNumber(value, significant);
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** The shorter of plain and exponent spelling at `significant` digits: 0.01, 0.0123, 5e-4, 1.23e-5; integers as they are. */
function shortNumber(value: number, significant: number): string {
  if (!Number.isFinite(value) || (Number.isInteger(value) && Math.abs(value) < 1e6)) return String(value);
  const rounded = Number(value.toPrecision(significant));
  const plain = String(rounded);
  const exponent = rounded.toExponential().replace('e+', 'e');
  return exponent.length < plain.length ? exponent : plain;
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

/**
 * A run's overrides against its spec file as the file is now (the seed left out), or undefined
 * when the file is gone or no longer a valid spec.
 */
export function overridesAgainstSpecFile(params: Params, specPath: string | null): Params | undefined {
  if (!specPath) return undefined;
  let raw: Params;
  let defaults: Params;
  try {
    raw = JSON.parse(fs.readFileSync(specPath, 'utf8')) as Params;
    // A producer spec is the script's config.
    defaults = (isProducerSpec(raw) ? flattenSpec(parseProducerSpec(raw).config as unknown as Spec) : flattenSpec(parseSpec(raw))) as Params;
  } catch {
    return undefined;
  }
  // A script reports its config nested (the engine's runs hold it flat): compare paths.
  const flat = flattenSpec(params as unknown as Spec) as Params;
  const { 'train.seed': _seed, ...overrides } = overridesOf(flat, defaults);
  return overrides;
}

/** Overrides as the box and --set take them: `train.optimizer.lr=0.01 train.epochs=3`. */
export function overridesText(overrides: Params): string {
  const plainWord = (v: string): boolean => /^[A-Za-z_][\w.-]*$/.test(v) && !['true', 'false', 'null'].includes(v);
  return Object.entries(overrides).map(([key, value]) => `${key}=${typeof value === 'string' && plainWord(value) ? value : JSON.stringify(value)}`).join(' ');
}
