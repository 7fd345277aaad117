// Per-step treatments the optimizers do not own: decoupled weight decay for optimizers other
// than Adam/AdamW (which apply it themselves), and Gaussian noise on weights or inputs.
import type { Param } from '../nn/types.ts';
import type { Rng } from '../rng.ts';

/** θ ← θ(1 − αλ) on weights, before the optimizer's update (AdamW's order). */
export function decayWeights(params: readonly Param[], lr: number, weightDecay: number): void {
  if (weightDecay === 0) return;
  const factor = 1 - lr * weightDecay;
  for (const p of params) if (p.role === 'weight') for (let i = 0; i < p.value.length; i++) p.value[i] = p.value[i]! * factor;
}

export function addWeightNoise(params: readonly Param[], std: number, rng: Rng): void {
  if (std === 0) return;
  for (const p of params) if (p.role === 'weight') for (let i = 0; i < p.value.length; i++) p.value[i] = p.value[i]! + std * rng.normal();
}

export function addNoise(x: Float32Array, length: number, std: number, rng: Rng): void {
  if (std === 0) return;
  for (let i = 0; i < length; i++) x[i] = x[i]! + std * rng.normal();
}
