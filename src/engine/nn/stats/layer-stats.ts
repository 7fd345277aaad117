// Per-layer training signals for the layer-statistics message: ‖∇W‖, ‖W‖, the update ratio
// ‖ΔW‖/‖W‖ (healthy near 1e-3), activation mean/std, and the fraction of dead ReLU units
// (zero for every sample of the batch). A "layer" here is each top-level layer that owns a
// weight (a residual block counts as one, over all its weights); its activation is the first
// activation layer that follows it before the next weighted layer, else its own output.
import type { LayerStat } from '../../../core/protocol/messages.ts';
import { Activation } from '../layers/activation.ts';
import type { Sequential } from '../sequential.ts';
import type { Layer, Param, Tensor } from '../types.ts';

interface WeightedGroup {
  layer: Layer;
  weights: Param[];
  output: Tensor | undefined;
  relu: boolean;
}

function groups(model: Sequential): WeightedGroup[] {
  const out: WeightedGroup[] = [];
  const layers = model.layers;
  for (let i = 0; i < layers.length; i++) {
    const weights = layers[i]!.params().filter((p) => p.role === 'weight');
    if (weights.length === 0) continue;
    let activationAt = -1;
    for (let j = i + 1; j < layers.length; j++) {
      if (layers[j]!.params().some((p) => p.role === 'weight')) break;
      if (layers[j] instanceof Activation) { activationAt = j; break; }
    }
    const at = activationAt >= 0 ? activationAt : i;
    out.push({ layer: layers[i]!, weights, output: model.layerOutput(at), relu: activationAt >= 0 && layers[activationAt]!.kind === 'relu' });
  }
  return out;
}

function sumSquares(arrays: readonly Float32Array[]): number {
  let s = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return s;
}

/** Copies of every weight, taken before the optimizer step, for the update ratio. */
export function snapshotWeights(model: Sequential): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const g of groups(model)) for (const w of g.weights) out.set(w.name, w.value.slice());
  return out;
}

/** Mean and (population) std of a tensor. */
export function activationMoments(t: Tensor): { mean: number; std: number } {
  const d = t.data;
  let sum = 0;
  for (let i = 0; i < d.length; i++) sum += d[i]!;
  const mean = sum / d.length;
  let v = 0;
  for (let i = 0; i < d.length; i++) v += (d[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(v / d.length) };
}

/** Fraction of per-sample units (features, or channel×position for images) that are ≤ 0 for every sample. */
export function deadFraction(t: Tensor): number {
  const n = t.shape[0]!;
  const width = t.data.length / n;
  let dead = 0;
  for (let u = 0; u < width; u++) {
    let alive = false;
    for (let s = 0; s < n && !alive; s++) if (t.data[s * width + u]! > 0) alive = true;
    if (!alive) dead++;
  }
  return dead / width;
}

/**
 * Each weighted layer's gradient norm now, by layer name. The training loop takes them before
 * clipping: the clipped gradient's norm is capped by the clip and would hide an exploding one
 * (PyTorch's clip_grad_norm_ likewise returns the norm before clipping).
 */
export function gradientNorms(model: Sequential): Map<string, number> {
  return new Map(groups(model).map(({ layer, weights }) => [layer.name, Math.sqrt(sumSquares(weights.map((w) => w.grad)))]));
}

/**
 * Statistics of the model's last forward/backward and the step just taken. `before` is
 * snapshotWeights() from before the optimizer step (omit it and updateRatio is 0); `gradNorms`
 * is gradientNorms() from before clipping (omit it and the gradients' current norms are used).
 */
export function layerStatistics(model: Sequential, before?: Map<string, Float32Array>, gradNorms?: Map<string, number>): LayerStat[] {
  return groups(model).map(({ layer, weights, output, relu }) => {
    const weightNorm = Math.sqrt(sumSquares(weights.map((w) => w.value)));
    const gradNorm = gradNorms?.get(layer.name) ?? Math.sqrt(sumSquares(weights.map((w) => w.grad)));
    let delta = 0;
    for (const w of weights) {
      const prev = before?.get(w.name);
      if (!prev) continue;
      for (let i = 0; i < prev.length; i++) delta += (w.value[i]! - prev[i]!) ** 2;
    }
    const stat: LayerStat = { name: layer.name, gradNorm, weightNorm, updateRatio: weightNorm > 0 ? Math.sqrt(delta) / weightNorm : 0 };
    if (output) {
      const { mean, std } = activationMoments(output);
      stat.activationMean = mean;
      stat.activationStd = std;
      if (relu) stat.deadFraction = deadFraction(output);
    }
    return stat;
  });
}
