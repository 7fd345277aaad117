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

/** The same remedies for a run of the user's own PyTorch script (the Python client's run.watch): code, not spec fields. */
const TORCH_REMEDIES: Record<keyof typeof REMEDIES, Remedy> = {
  clip: { title: 'Clip gradients by norm', detail: 'Call torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0) between loss.backward() and optimizer.step(), so one bad batch cannot blow the weights up.' },
  lowerLr: { title: 'Lower the learning rate', detail: 'Divide the optimizer\'s lr by 3–10; large steps make gradients grow from step to step.' },
  init: { title: 'He or Glorot initialization', detail: 'nn.init.kaiming_normal_ on the weights of ReLU layers, nn.init.xavier_uniform_ for tanh/sigmoid, so activations keep their scale through depth.' },
  norm: { title: 'Add normalization layers', detail: 'Put nn.BatchNorm1d/2d or nn.LayerNorm after Linear/Conv layers.' },
  residual: { title: 'Use residual connections', detail: 'Return x + block(x) from a block, so gradients have a short path back.' },
};

const fmt = (v: number) => v.toExponential(1);
/** "layer" or "layers" before the names, which are whatever the producer calls them (dense1, fc1, Linear 0). */
const layerWord = (layers: readonly unknown[]) => (layers.length === 1 ? 'layer' : 'layers');

/** `producer`: 'spec' for the engine's runs (remedies name spec fields), 'script' for a user's own script's. */
export function gradientAlerts(steps: readonly number[], layers: readonly LayerSeries[], producer: 'spec' | 'script' = 'spec'): GradientAlert[] {
  const remedy = producer === 'spec' ? REMEDIES : TORCH_REMEDIES;
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
      message: `Exploding gradients: norm above ${fmt(HUGE_GRAD_NORM)} in ${layerWord(huge)} ${huge.map((l) => `${l.name} (${fmt(at(l, lastIndex)!)})`).join(', ')} at step ${steps[lastIndex]}.`,
      remedies: [remedy.clip, remedy.lowerLr, remedy.norm],
    });
  } else if (n >= 2) {
    const global = (i: number) => Math.sqrt(layers.reduce((s, l) => s + (at(l, i) ?? 0) ** 2, 0));
    const first = global(0);
    const now = global(lastIndex);
    if (first > 0 && now / first > GROWTH_FACTOR) {
      alerts.push({
        kind: 'exploding', step: steps[lastIndex]!, layers: [],
        message: `Exploding gradients: the global gradient norm grew ×${Math.round(now / first)} (${fmt(first)} → ${fmt(now)}) since step ${steps[0]}.`,
        remedies: [remedy.lowerLr, remedy.clip, remedy.norm],
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
      message: `Vanishing gradients: norm below ${fmt(TINY_GRAD_NORM)} in ${layerWord(tiny)} ${tiny.map((l) => l.name).join(', ')} at step ${steps[lastIndex]}.`,
      remedies: [remedy.init, remedy.norm, remedy.residual],
    });
  } else if (first && last && first !== last && !alerts.some((a) => a.kind === 'exploding')) {
    // (With exploding norms the first/last ratio says nothing about vanishing.)
    const a = at(first, lastIndex)!;
    const b = at(last, lastIndex)!;
    if (b > 0 && Math.log10(b / Math.max(a, 1e-300)) >= VANISHING_ORDERS) {
      alerts.push({
        kind: 'vanishing', step: steps[lastIndex]!, layers: [first.name],
        message: `Vanishing gradients: ${first.name}'s norm ${fmt(a)} is ${Math.log10(b / Math.max(a, 1e-300)).toFixed(1)} orders of magnitude below ${last.name}'s ${fmt(b)}.`,
        remedies: [remedy.init, remedy.norm, remedy.residual],
      });
    }
  }
  return alerts;
}
