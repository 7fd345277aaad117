// Per-layer signals every N steps: ‖∇W‖, ‖W‖, update ratio ‖ΔW‖/‖W‖, activation mean/std and
// the fraction of ReLU units that are zero for every sample of the batch; plus the flags for
// vanishing (first layer's gradient ≪ last's) and exploding (huge or non-finite) gradients.
import type { LayerStat } from '../../core/protocol/messages.ts';
import type { Sequential } from '../nn/sequential.ts';
import type { Layer, Param, Tensor } from '../nn/types.ts';

function norm(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** Layers that own a weight, each with the output it feeds forward (its activation when one follows). */
function weightedLayers(model: Sequential): { layer: Layer; weight: Param; output: Tensor | undefined; relu: boolean }[] {
  const out: { layer: Layer; weight: Param; output: Tensor | undefined; relu: boolean }[] = [];
  model.layers.forEach((layer, i) => {
    const weight = layer.params().find((p) => p.role === 'weight');
    if (!weight) return;
    const next = model.layers[i + 1];
    const followedByActivation = next !== undefined && next.params().length === 0 && next.name.startsWith(`${layer.name}.`);
    out.push({ layer, weight, output: model.layerOutput(followedByActivation ? i + 1 : i), relu: followedByActivation && next!.kind === 'relu' });
  });
  return out;
}

export function snapshotWeights(model: Sequential): Map<string, Float32Array> {
  return new Map(weightedLayers(model).map(({ weight }) => [weight.name, weight.value.slice()]));
}

export function layerStatistics(model: Sequential, before: Map<string, Float32Array>): LayerStat[] {
  return weightedLayers(model).map(({ layer, weight, output, relu }) => {
    const previous = before.get(weight.name);
    let delta = 0;
    if (previous) for (let i = 0; i < previous.length; i++) { const d = weight.value[i]! - previous[i]!; delta += d * d; }
    const weightNorm = norm(weight.value);
    const stat: LayerStat = { name: layer.name, gradNorm: norm(weight.grad), weightNorm, updateRatio: weightNorm > 0 ? Math.sqrt(delta) / weightNorm : 0 };
    if (output) {
      const data = output.data, n = output.shape[0]!, width = data.length / n;
      let sum = 0, sq = 0;
      for (let i = 0; i < data.length; i++) { sum += data[i]!; sq += data[i]! * data[i]!; }
      const mean = sum / data.length;
      stat.activationMean = mean;
      stat.activationStd = Math.sqrt(Math.max(sq / data.length - mean * mean, 0));
      if (relu) {
        let dead = 0;
        for (let u = 0; u < width; u++) {
          let alive = false;
          for (let s = 0; s < n && !alive; s++) if (data[s * width + u]! > 0) alive = true;
          if (!alive) dead++;
        }
        stat.deadFraction = dead / width;
      }
    }
    return stat;
  });
}

/** Human-readable warnings for the log; empty when the gradients look healthy. */
export function gradientFlags(stats: readonly LayerStat[]): string[] {
  const flags: string[] = [];
  const bad = stats.filter((s) => !Number.isFinite(s.gradNorm) || !Number.isFinite(s.weightNorm));
  if (bad.length) flags.push(`exploding: non-finite gradient or weight in ${bad.map((s) => s.name).join(', ')}`);
  const huge = stats.filter((s) => s.gradNorm > 1e3);
  if (huge.length) flags.push(`exploding: gradient norm above 1e3 in ${huge.map((s) => `${s.name} (${s.gradNorm.toExponential(1)})`).join(', ')} — consider clipping (train.clip.norm) or a lower learning rate`);
  if (stats.length >= 2) {
    const first = stats[0]!.gradNorm, last = stats[stats.length - 1]!.gradNorm;
    if (last > 0 && first / last < 1e-3) {
      flags.push(`vanishing: ${stats[0]!.name}'s gradient norm ${first.toExponential(1)} is ${(last / Math.max(first, 1e-30)).toExponential(0)}× below ${stats[stats.length - 1]!.name}'s — consider ReLU, residual blocks, He init or normalization`);
    }
  }
  const tiny = stats.filter((s) => s.gradNorm < 1e-7 && Number.isFinite(s.gradNorm));
  if (tiny.length) flags.push(`vanishing: gradient norm below 1e-7 in ${tiny.map((s) => s.name).join(', ')}`);
  return flags;
}
