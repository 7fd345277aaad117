// Reads per-layer statistics for the two classic gradient pathologies.
//  exploding: NaN/Inf in a gradient or weight, a gradient norm above `hugeNorm`, or the global
//             gradient norm growing by `growthFactor` over the previous statistics.
//  vanishing: a layer's gradient norm below `tinyNorm`, or the first weighted layer's norm
//             `ordersOfMagnitude` or more below the last one's.
import type { LayerStat } from '../../../core/protocol/messages.ts';

export type GradientFlagKind = 'vanishing' | 'exploding';

export interface GradientFlag {
  kind: GradientFlagKind;
  /** Which check fired. */
  reason: 'nonFinite' | 'hugeNorm' | 'growing' | 'tinyNorm' | 'depthRatio';
  /** The layers involved (empty for model-wide checks). */
  layers: string[];
  /** One sentence for the log and the dashboard, with the numbers and a remedy. */
  message: string;
}

export interface GradientFlagOptions {
  hugeNorm?: number;
  tinyNorm?: number;
  ordersOfMagnitude?: number;
  growthFactor?: number;
}

const fmt = (v: number) => v.toExponential(1);

function globalNorm(stats: readonly LayerStat[]): number {
  return Math.sqrt(stats.reduce((a, s) => a + s.gradNorm * s.gradNorm, 0));
}

export function diagnoseGradients(stats: readonly LayerStat[], previous?: readonly LayerStat[], options: GradientFlagOptions = {}): GradientFlag[] {
  const hugeNorm = options.hugeNorm ?? 1e3;
  const tinyNorm = options.tinyNorm ?? 1e-7;
  const orders = options.ordersOfMagnitude ?? 3;
  const growth = options.growthFactor ?? 100;
  const flags: GradientFlag[] = [];

  const nonFinite = stats.filter((s) => !Number.isFinite(s.gradNorm) || !Number.isFinite(s.weightNorm));
  if (nonFinite.length > 0) {
    const names = nonFinite.map((s) => s.name);
    flags.push({ kind: 'exploding', reason: 'nonFinite', layers: names, message: `exploding gradients: NaN or Inf in ${names.join(', ')}; lower the learning rate or clip gradients by norm` });
  }
  const huge = stats.filter((s) => Number.isFinite(s.gradNorm) && s.gradNorm > hugeNorm);
  if (huge.length > 0) {
    flags.push({ kind: 'exploding', reason: 'hugeNorm', layers: huge.map((s) => s.name), message: `exploding gradients: norm above ${fmt(hugeNorm)} in ${huge.map((s) => `${s.name} (${fmt(s.gradNorm)})`).join(', ')}; clip by norm or lower the learning rate` });
  }
  if (previous && previous.length > 0 && nonFinite.length === 0) {
    const now = globalNorm(stats);
    const before = globalNorm(previous);
    if (before > 0 && now > growth * before) {
      flags.push({ kind: 'exploding', reason: 'growing', layers: [], message: `exploding gradients: global norm grew from ${fmt(before)} to ${fmt(now)} (×${fmt(now / before)}); lower the learning rate or clip by norm` });
    }
  }
  const tiny = stats.filter((s) => Number.isFinite(s.gradNorm) && s.gradNorm < tinyNorm);
  if (tiny.length > 0) {
    flags.push({ kind: 'vanishing', reason: 'tinyNorm', layers: tiny.map((s) => s.name), message: `vanishing gradients: norm below ${fmt(tinyNorm)} in ${tiny.map((s) => `${s.name} (${fmt(s.gradNorm)})`).join(', ')}; use ReLU-family activations, He init, normalization or residual blocks` });
  }
  if (stats.length >= 2) {
    const first = stats[0]!;
    const last = stats[stats.length - 1]!;
    if (Number.isFinite(first.gradNorm) && Number.isFinite(last.gradNorm) && last.gradNorm > 0 && first.gradNorm < last.gradNorm * 10 ** -orders) {
      flags.push({
        kind: 'vanishing',
        reason: 'depthRatio',
        layers: [first.name, last.name],
        message: `vanishing gradients: ${first.name}'s norm ${fmt(first.gradNorm)} is ${Math.log10(last.gradNorm / Math.max(first.gradNorm, 1e-300)).toFixed(1)} orders of magnitude below ${last.name}'s ${fmt(last.gradNorm)}; use ReLU-family activations, He init, normalization or residual blocks`,
      });
    }
  }
  return flags;
}
