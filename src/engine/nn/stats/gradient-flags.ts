// Reads per-layer statistics for the two classic gradient pathologies.
//  exploding: NaN/Inf in a gradient or weight, a gradient norm above `hugeNorm`, or the global
//             gradient norm growing by `growthFactor` over the previous statistics.
//  vanishing: a layer's gradient norm below `tinyNorm`, or the first weighted layer's norm
//             `ordersOfMagnitude` (default 4) or more below the last one's — not judged while
//             gradients explode. The defaults match the Gradient monitor panel's
//             (src/core/webview/gradient-alerts.ts) so its alerts and the run log agree.
import type { LayerStat } from '../../../core/protocol/messages.ts';

export type GradientFlagKind = 'vanishing' | 'exploding';

export interface GradientFlag {
  kind: GradientFlagKind;
  /** Which check fired. */
  reason: 'nonFinite' | 'hugeNorm' | 'growing' | 'tinyNorm' | 'depthRatio';
  /** The layers involved (empty for model-wide checks). */
  layers: string[];
  /** What was measured, with the numbers ("norm below 1.0e-7 in dense0 (4.0e-8)"). */
  detail: string;
  /** What to change in the spec or the run. */
  remedy: string;
  /** One sentence for the log: kind, detail and remedy. */
  message: string;
}

export interface GradientFlagOptions {
  hugeNorm?: number;
  tinyNorm?: number;
  ordersOfMagnitude?: number;
  growthFactor?: number;
}

const fmt = (v: number) => v.toExponential(1);

const EXPLODING_REMEDY = 'lower the learning rate or clip gradients by norm (train.clip.norm)';
const VANISHING_REMEDY = 'use ReLU-family activations, He init, normalization or residual blocks';

function flag(kind: GradientFlagKind, reason: GradientFlag['reason'], layers: string[], detail: string): GradientFlag {
  const remedy = kind === 'exploding' ? EXPLODING_REMEDY : VANISHING_REMEDY;
  return { kind, reason, layers, detail, remedy, message: `${kind} gradients: ${detail}; ${remedy}` };
}

function globalNorm(stats: readonly LayerStat[]): number {
  return Math.sqrt(stats.reduce((a, s) => a + s.gradNorm * s.gradNorm, 0));
}

export function diagnoseGradients(stats: readonly LayerStat[], previous?: readonly LayerStat[], options: GradientFlagOptions = {}): GradientFlag[] {
  const hugeNorm = options.hugeNorm ?? 1e3;
  const tinyNorm = options.tinyNorm ?? 1e-7;
  const orders = options.ordersOfMagnitude ?? 4;
  const growth = options.growthFactor ?? 100;
  const flags: GradientFlag[] = [];

  const nonFinite = stats.filter((s) => !Number.isFinite(s.gradNorm) || !Number.isFinite(s.weightNorm));
  if (nonFinite.length > 0) {
    const names = nonFinite.map((s) => s.name);
    flags.push(flag('exploding', 'nonFinite', names, `NaN or Inf gradient or weight in ${names.join(', ')}`));
  }
  const huge = stats.filter((s) => Number.isFinite(s.gradNorm) && s.gradNorm > hugeNorm);
  if (huge.length > 0) {
    flags.push(flag('exploding', 'hugeNorm', huge.map((s) => s.name), `norm above ${fmt(hugeNorm)} in ${huge.map((s) => `${s.name} (${fmt(s.gradNorm)})`).join(', ')}`));
  }
  if (previous && previous.length > 0 && nonFinite.length === 0) {
    const now = globalNorm(stats);
    const before = globalNorm(previous);
    if (before > 0 && now > growth * before) {
      flags.push(flag('exploding', 'growing', [], `global norm grew from ${fmt(before)} to ${fmt(now)} (×${fmt(now / before)})`));
    }
  }
  const tiny = stats.filter((s) => Number.isFinite(s.gradNorm) && s.gradNorm < tinyNorm);
  if (tiny.length > 0) {
    flags.push(flag('vanishing', 'tinyNorm', tiny.map((s) => s.name), `norm below ${fmt(tinyNorm)} in ${tiny.map((s) => `${s.name} (${fmt(s.gradNorm)})`).join(', ')}`));
  }
  // with exploding norms the first/last ratio says nothing about vanishing
  if (stats.length >= 2 && flags.every((f) => f.kind !== 'exploding')) {
    const first = stats[0]!;
    const last = stats[stats.length - 1]!;
    if (Number.isFinite(first.gradNorm) && Number.isFinite(last.gradNorm) && last.gradNorm > 0 && first.gradNorm < last.gradNorm * 10 ** -orders) {
      const span = Math.log10(last.gradNorm / Math.max(first.gradNorm, 1e-300)).toFixed(1);
      flags.push(flag('vanishing', 'depthRatio', [first.name, last.name], `${first.name}'s norm ${fmt(first.gradNorm)} is ${span} orders of magnitude below ${last.name}'s ${fmt(last.gradNorm)}`));
    }
  }
  return flags;
}
