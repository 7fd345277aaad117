// Pruning for the export's variants: magnitude (per layer, exact count), N:M along the fan-in,
// and structured (whole neurons / filters by L2 norm, with the next layer's inputs removed so
// the model really shrinks). Masks are kept to re-apply them after each fine-tuning step.
import { HyperlabError } from '../core/errors.ts';
import type { LayerSpec, ModelSpec } from '../core/spec/types.ts';
import type { ExportLayer } from './model-layers.ts';
import { pruneMagnitude, pruneMagnitudeGlobal, pruneNM } from '../core/compress/index.ts';

type Weighted = Extract<ExportLayer, { kind: 'dense' | 'conv' }>;

export function fanIn(l: Weighted): number {
  return l.kind === 'dense' ? l.inFeatures : l.inChannels * l.kernel[0] * l.kernel[1];
}
export function rowsOf(l: Weighted): number {
  return l.kind === 'dense' ? l.outFeatures : l.outChannels;
}

/** Keep-mask of magnitude pruning of one tensor (the compression modules' pruneMagnitude). */
export function magnitudeMask(values: Float32Array, amount: number, name = 'weight'): Uint8Array {
  return pruneMagnitude({ name, shape: [values.length], data: values }, amount).mask;
}

/** Global magnitude pruning: one threshold over every listed tensor (pruneMagnitudeGlobal). */
export function globalMagnitudeMasks(tensors: ReadonlyMap<string, Float32Array>, amount: number): Map<string, Uint8Array> {
  const list = [...tensors].map(([name, data]) => ({ name, shape: [data.length], data }));
  return new Map(pruneMagnitudeGlobal(list, amount).map((r) => [r.name, r.mask]));
}

/**
 * N:M keep-mask (pruneNM): groups of M consecutive inputs of a dense row, or of M consecutive
 * input channels at one kernel position of a conv filter, as sparse tensor cores read them.
 * Null when the layer's input width is not a multiple of M and `skipUnfit` leaves it dense;
 * otherwise that is a usage error naming the layer.
 */
export function nmMask(values: Float32Array, shape: readonly number[], n: number, m: number, name: string, skipUnfit = false): Uint8Array | null {
  if (shape[1]! % m !== 0) {
    if (skipUnfit) return null;
    throw new HyperlabError('USAGE', `${n}:${m} sparsity needs each layer's input width to be a multiple of ${m}, but ${name} has ${shape[1]} ${shape.length > 2 ? 'input channels' : 'inputs'}`,
      `Leave out --nm for this model, add skip-unfit to the variant (--skip-unfit) to keep such layers dense, or give the layer before ${name} a multiple of ${m} units or filters.`);
  }
  return pruneNM({ name, shape, data: values }, n, m).mask;
}

export function applyMask(values: Float32Array, mask: Uint8Array): void {
  for (let i = 0; i < values.length; i++) if (!mask[i]) values[i] = 0;
}

export function sparsityOf(values: Float32Array): number {
  let zeros = 0;
  for (const v of values) if (v === 0) zeros++;
  return values.length ? zeros / values.length : 0;
}

export interface StructuredResult {
  modelSpec: ModelSpec;
  tensors: Map<string, Float32Array>;
  /** Neurons or filters kept per pruned layer. */
  kept: Record<string, { before: number; after: number }>;
}

const ELEMENTWISE = new Set(['activation', 'maxpool', 'avgpool', 'batchnorm']);

/**
 * Removes `amount` of the rows (neurons, filters) of every dense/conv layer at the top level whose
 * output feeds the next dense/conv layer only through element-wise layers, pooling, batch norm or
 * flatten, ranked by the L2 norm of their weights. The next layer loses the matching inputs
 * (columns; for flatten, each channel's plane of columns). The last layer (the logits) is kept.
 */
export function structuredPrune(modelSpec: ModelSpec, layers: readonly ExportLayer[], tensors: ReadonlyMap<string, Float32Array>, amount: number, inputShape: readonly number[]): StructuredResult {
  const out = new Map<string, Float32Array>(tensors);
  const specLayers: LayerSpec[] = structuredClone(modelSpec.layers);
  const kept: StructuredResult['kept'] = {};
  // per-sample shape entering each top-level layer: a flatten's plane size tells columns per channel
  let shape = [...inputShape];
  const shapes: number[][] = [];
  for (const l of layers) {
    shapes.push(shape);
    if (l.kind === 'flatten') shape = [shape.reduce((a, b) => a * b, 1)];
    else if (l.kind === 'dense') shape = [l.outFeatures];
    else if (l.kind === 'conv') shape = [l.outChannels, Math.floor((shape[1]! + 2 * l.padding[0] - l.kernel[0]) / l.stride[0]) + 1, Math.floor((shape[2]! + 2 * l.padding[1] - l.kernel[1]) / l.stride[1]) + 1];
    else if (l.kind === 'maxpool' || l.kind === 'avgpool') shape = [shape[0]!, Math.floor((shape[1]! + 2 * l.padding - l.kernel) / l.stride) + 1, Math.floor((shape[2]! + 2 * l.padding - l.kernel) / l.stride) + 1];
  }
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    if (l.kind !== 'dense' && l.kind !== 'conv') continue;
    let j = i + 1;
    let plane = 1;
    const between: ExportLayer[] = [];
    while (j < layers.length && layers[j]!.kind !== 'dense' && layers[j]!.kind !== 'conv') {
      const b = layers[j]!;
      if (b.kind === 'flatten') { const s = shapes[j]!; plane = s.length === 3 ? s[1]! * s[2]! : 1; }
      else if (!ELEMENTWISE.has(b.kind)) break;
      between.push(b);
      j++;
    }
    const next = layers[j];
    if (!next || (next.kind !== 'dense' && next.kind !== 'conv')) continue;
    const rows = rowsOf(l), fan = fanIn(l);
    const w = out.get(l.weight)!;
    const norms = Array.from({ length: rows }, (_, r) => { let s = 0; for (let c = 0; c < fan; c++) s += w[r * fan + c]! ** 2; return s; });
    const keepCount = Math.max(1, rows - Math.floor(amount * rows));
    const keep = Array.from(norms.keys()).sort((a, b) => norms[b]! - norms[a]! || a - b).slice(0, keepCount).sort((a, b) => a - b);
    out.set(l.weight, Float32Array.from(keep.flatMap((r) => Array.from(w.subarray(r * fan, (r + 1) * fan)))));
    if (l.bias) { const b = out.get(l.bias)!; out.set(l.bias, Float32Array.from(keep, (r) => b[r]!)); }
    for (const b of between) {
      if (b.kind !== 'batchnorm') continue;
      for (const s of ['weight', 'bias', 'running_mean', 'running_var']) { const t = out.get(`${b.name}.${s}`)!; out.set(`${b.name}.${s}`, Float32Array.from(keep, (r) => t[r]!)); }
    }
    // the next layer's inputs: rows of its fan-in that came from a removed unit
    const nRows = rowsOf(next), nFan = fanIn(next);
    const perInput = next.kind === 'conv' ? next.kernel[0] * next.kernel[1] : plane;
    const cols = keep.flatMap((r) => Array.from({ length: perInput }, (_, k) => r * perInput + k));
    const nw = out.get(next.weight)!;
    const shrunk = new Float32Array(nRows * cols.length);
    for (let r = 0; r < nRows; r++) cols.forEach((c, k) => { shrunk[r * cols.length + k] = nw[r * nFan + c]!; });
    out.set(next.weight, shrunk);
    const index = Number(/(\d+)$/.exec(l.name)![1]);
    const s = specLayers[index]!;
    if (s.type === 'dense') s.units = keepCount; else if (s.type === 'conv2d') s.filters = keepCount;
    kept[l.name] = { before: rows, after: keepCount };
    // the next layer now sees fewer inputs; its own rows may be pruned in turn (its weight is read from `out`)
    if (next.kind === 'dense') (layers as ExportLayer[])[j] = { ...next, inFeatures: cols.length };
    else (layers as ExportLayer[])[j] = { ...next, inChannels: keepCount };
  }
  return { modelSpec: { ...modelSpec, layers: specLayers }, tensors: out, kept };
}
