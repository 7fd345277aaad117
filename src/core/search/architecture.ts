// Architecture in the search space, as rules that rewrite model.layers (pure; no engine):
//
// model.depth = d: the repeated block (search.architecture.block, by default the hidden layers:
// those after the last flatten, or from the first layer, up to but not including the output
// layer) appears d times in a row, so [flatten, dense128 relu, dense10] with d = 3 becomes
// [flatten, dense128 relu, dense128 relu, dense128 relu, dense10]; d = 0 removes the block. A
// searched field of a layer inside the block (model.layers.1.units) applies to every copy.
//
// EfficientNet compound scaling (Tan & Le 2019) for conv nets: depth d = α^φ, width w = β^φ,
// resolution r = γ^φ under α·β²·γ² ≈ 2, so each φ roughly doubles the compute. The engine cannot
// resize its inputs, so resolution is not scaled (γ = 1) and the constraint is α·β² ≈ 2. A "stage"
// is a run of conv2d layers (with what follows each up to the next conv2d or pool); a stage of n
// convs gets ⌈n·d⌉ (the extra ones copies of its last conv, stride 1, "same" padding), and every
// conv2d gets max(1, round(filters·w)) filters. α and β come from a small grid at φ = 1
// (compoundCandidates), then φ scales the winner.
import type { LayerSpec } from '../spec/types.ts';

export interface Block {
  first: number;
  last: number;
}

/** The default block model.depth repeats: the hidden layers; null when there are none. */
export function defaultBlock(layers: readonly LayerSpec[]): Block | null {
  let flatten = -1;
  layers.forEach((layer, i) => { if (layer.type === 'flatten') flatten = i; });
  const first = flatten + 1;
  const last = layers.length - 2;
  return first <= last ? { first, last } : null;
}

/** model.layers with the block repeated `depth` times. */
export function repeatBlock(layers: readonly LayerSpec[], block: Block, depth: number): LayerSpec[] {
  const inner = layers.slice(block.first, block.last + 1);
  const repeated: LayerSpec[] = [];
  for (let i = 0; i < depth; i++) repeated.push(...structuredClone(inner));
  return [...structuredClone(layers.slice(0, block.first)), ...repeated, ...structuredClone(layers.slice(block.last + 1))];
}

export interface CompoundFactors {
  depth: number;
  width: number;
  /** Always 1: the engine does not resize inputs (see the note above). */
  resolution: 1;
}

export function compoundFactors(phi: number, alpha: number, beta: number): CompoundFactors {
  return { depth: alpha ** phi, width: beta ** phi, resolution: 1 };
}

/** The conv layers scaled: each stage's conv count by the depth factor, every conv's filters by the width factor. */
export function compoundScale(layers: readonly LayerSpec[], phi: number, alpha: number, beta: number): LayerSpec[] {
  const { depth, width } = compoundFactors(phi, alpha, beta);
  const out: LayerSpec[] = [];
  let stage: LayerSpec[] = [];
  let convs = 0;
  const flush = (): void => {
    if (convs === 0) {
      out.push(...stage);
    } else {
      out.push(...stage);
      const extra = Math.max(0, Math.ceil(convs * depth - 1e-9) - convs);
      // The copies repeat the stage's last conv and the layers after it (activation, batchnorm...).
      let lastConv = -1;
      stage.forEach((layer, i) => { if (layer.type === 'conv2d') lastConv = i; });
      const unit = stage.slice(lastConv).map((layer) => {
        const copy = structuredClone(layer);
        if (copy.type === 'conv2d') {
          copy.stride = 1;
          copy.padding = (copy.kernel - 1) >> 1;
        }
        return copy;
      });
      for (let i = 0; i < extra; i++) out.push(...structuredClone(unit));
    }
    stage = [];
    convs = 0;
  };
  for (const layer of layers) {
    if (layer.type === 'maxpool' || layer.type === 'avgpool' || layer.type === 'flatten') {
      flush();
      out.push(structuredClone(layer));
      continue;
    }
    const copy = structuredClone(layer);
    if (copy.type === 'conv2d') {
      copy.filters = Math.max(1, Math.round(copy.filters * width));
      convs++;
    }
    stage.push(copy);
  }
  flush();
  return out;
}

/**
 * The (α, β) pairs of the small grid at φ = 1: α, β ≥ 1 in steps of `step`, with α·β² within
 * `tolerance` of 2 (γ = 1, see above). EfficientNet's own search found α = 1.2, β = 1.1, γ = 1.15.
 */
export function compoundCandidates(step = 0.05, tolerance = 0.1): { alpha: number; beta: number }[] {
  const out: { alpha: number; beta: number }[] = [];
  for (let a = 1; a <= 2 + 1e-9; a += step) {
    for (let b = 1; b <= Math.SQRT2 + 1e-9; b += step) {
      const alpha = Number(a.toFixed(4));
      const beta = Number(b.toFixed(4));
      if (Math.abs(alpha * beta * beta - 2) <= tolerance) out.push({ alpha, beta });
    }
  }
  return out;
}

export function hasConv(layers: readonly LayerSpec[]): boolean {
  return layers.some((l) => l.type === 'conv2d' || (l.type === 'residual' && hasConv(l.layers)));
}
