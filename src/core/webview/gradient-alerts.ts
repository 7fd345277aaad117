// Vanishing and exploding gradients, read from the layer statistics a run reported, each with
// the remedies the field uses and the spec field that applies each one. The thresholds are
// the engine's (src/engine/nn/stats/gradient-flags.ts) so the panel and the run's log agree.
import type { GradientAlert, LayerSeries, Remedy } from './contract.ts';

export const TINY_GRAD_NORM = 1e-7;
export const HUGE_GRAD_NORM = 1e3;
/** First weighted layer's norm this many orders of magnitude below the last's: vanishing. */
export const VANISHING_ORDERS = 4;
/** Global norm growth between the first and the latest sample: exploding. */
export const GROWTH_FACTOR = 100;

const REMEDIES = {
  clip: { title: 'Clip gradients by norm', detail: 'Set train.clip.norm (e.g. 1.0) so one bad batch cannot blow the weights up.', field: 'train.clip.norm' },
  lowerLr: { title: 'Lower the learning rate', detail: 'Divide train.optimizer.lr by 3–10; large steps make gradients grow from step to step.', field: 'train.optimizer.lr' },
  init: { title: 'He or Glorot initialization', detail: 'Use model.init.weight "he-normal" for ReLU layers or "glorot-uniform" for tanh/sigmoid, so activations keep their scale through depth.', field: 'model.init.weight' },
  norm: { title: 'Add normalization layers', detail: 'Insert { "type": "batchnorm" } or { "type": "layernorm" } after dense/conv layers in model.layers.', field: 'model.layers' },
  residual: { title: 'Use residual connections', detail: 'Wrap blocks in { "type": "residual", "layers": [...] } in model.layers so gradients have a short path back.', field: 'model.layers' },
} as const satisfies Record<string, Remedy>;

const fmt = (v: number) => v.toExponential(1);

export function gradientAlerts(steps: readonly number[], layers: readonly LayerSeries[]): GradientAlert[] {
  const alerts: GradientAlert[] = [];
  const n = steps.length;
  if (n === 0 || layers.length === 0) return alerts;
  const at = (layer: LayerSeries, i: number) => layer.gradNorm[i] ?? null;
  const lastIndex = n - 1;

  // Exploding: a non-finite norm (sent as null although the layer reported), a huge norm, or growth.
  const huge = layers.filter((l) => { const v = at(l, lastIndex); return v !== null && v > HUGE_GRAD_NORM; });
  if (huge.length) {
    alerts.push({
      kind: 'exploding', step: steps[lastIndex]!, layers: huge.map((l) => l.name),
      message: `Exploding gradients: norm above ${fmt(HUGE_GRAD_NORM)} in ${huge.map((l) => `${l.name} (${fmt(at(l, lastIndex)!)})`).join(', ')} at step ${steps[lastIndex]}.`,
      remedies: [REMEDIES.clip, REMEDIES.lowerLr, REMEDIES.norm],
    });
  } else if (n >= 2) {
    const global = (i: number) => Math.sqrt(layers.reduce((s, l) => s + (at(l, i) ?? 0) ** 2, 0));
    const first = global(0);
    const now = global(lastIndex);
    if (first > 0 && now / first > GROWTH_FACTOR) {
      alerts.push({
        kind: 'exploding', step: steps[lastIndex]!, layers: [],
        message: `Exploding gradients: the global gradient norm grew ×${Math.round(now / first)} (${fmt(first)} → ${fmt(now)}) since step ${steps[0]}.`,
        remedies: [REMEDIES.lowerLr, REMEDIES.clip, REMEDIES.norm],
      });
    }
  }

  // Vanishing: a tiny norm, or the first weighted layer far below the last.
  const tiny = layers.filter((l) => { const v = at(l, lastIndex); return v !== null && v < TINY_GRAD_NORM; });
  const reported = layers.filter((l) => at(l, lastIndex) !== null);
  const first = reported[0];
  const last = reported[reported.length - 1];
  if (tiny.length) {
    alerts.push({
      kind: 'vanishing', step: steps[lastIndex]!, layers: tiny.map((l) => l.name),
      message: `Vanishing gradients: norm below ${fmt(TINY_GRAD_NORM)} in ${tiny.map((l) => l.name).join(', ')} at step ${steps[lastIndex]}.`,
      remedies: [REMEDIES.init, REMEDIES.norm, REMEDIES.residual],
    });
  } else if (first && last && first !== last && !alerts.some((a) => a.kind === 'exploding')) {
    // (With exploding norms the first/last ratio says nothing about vanishing.)
    const a = at(first, lastIndex)!;
    const b = at(last, lastIndex)!;
    if (b > 0 && Math.log10(b / Math.max(a, 1e-300)) >= VANISHING_ORDERS) {
      alerts.push({
        kind: 'vanishing', step: steps[lastIndex]!, layers: [first.name],
        message: `Vanishing gradients: ${first.name}'s norm ${fmt(a)} is ${Math.log10(b / Math.max(a, 1e-300)).toFixed(1)} orders of magnitude below ${last.name}'s ${fmt(b)}.`,
        remedies: [REMEDIES.init, REMEDIES.norm, REMEDIES.residual],
      });
    }
  }
  return alerts;
}
