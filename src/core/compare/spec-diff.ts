// Two runs' specs side by side: both flattened to dotted paths (lists of plain values stay one
// value), then each path marked same, changed, added (right only) or removed (left only).
import type { Params, ParamValue } from '../protocol/messages.ts';

export type SpecChange = 'same' | 'changed' | 'added' | 'removed';

export interface SpecDiffRow {
  path: string;
  /** The value as JSON text; undefined where the side has no such path. */
  left: string | undefined;
  right: string | undefined;
  change: SpecChange;
}

export function flattenParams(params: Params): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (value: ParamValue, path: string): void => {
    const nested = Array.isArray(value) ? value.some((v) => typeof v === 'object' && v !== null) : typeof value === 'object' && value !== null;
    if (!nested || (Array.isArray(value) ? value.length === 0 : Object.keys(value as object).length === 0)) {
      out.set(path, JSON.stringify(value));
      return;
    }
    const entries: [string, ParamValue][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value as { [key: string]: ParamValue });
    for (const [key, child] of entries) visit(child, path === '' ? key : `${path}.${key}`);
  };
  for (const [key, value] of Object.entries(params)) visit(value, key);
  return out;
}

export function diffSpecs(left: Params, right: Params): SpecDiffRow[] {
  const a = flattenParams(left);
  const b = flattenParams(right);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort(comparePaths);
  return paths.map((path) => {
    const l = a.get(path);
    const r = b.get(path);
    const change: SpecChange = l === undefined ? 'added' : r === undefined ? 'removed' : l === r ? 'same' : 'changed';
    return { path, left: l, right: r, change };
  });
}

/** Dotted paths in reading order: list indices by number (layers.2 before layers.10). */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
