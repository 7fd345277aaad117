// Gradient clipping. By global norm (over all parameters together): if ‖g‖ > c, g ← g·c/‖g‖,
// with PyTorch's clip_grad_norm_ coefficient c/(‖g‖ + 1e-6). By value: g ← clamp(g, −c, c).
import { HyperlabError } from '../../core/errors.ts';
import type { Param } from '../nn/types.ts';

export function globalGradNorm(params: readonly Param[]): number {
  let s = 0;
  for (const p of params) for (const g of p.grad) s += g * g;
  return Math.sqrt(s);
}

/** Returns the global norm before clipping (NaN/Inf gradients are left as they are). */
export function clipGradNorm(params: readonly Param[], maxNorm: number): number {
  if (!(maxNorm > 0)) throw new HyperlabError('SPEC_INVALID', `clip norm must be > 0, got ${maxNorm}`, 'Set train.clip.norm to e.g. 1.0, or remove it.');
  const norm = globalGradNorm(params);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const p of params) {
      const g = p.grad;
      for (let i = 0; i < g.length; i++) g[i] = g[i]! * coef;
    }
  }
  return norm;
}

/** Clamps every gradient entry to [−c, c]; returns the global norm before clipping. */
export function clipGradValue(params: readonly Param[], clipValue: number): number {
  if (!(clipValue > 0)) throw new HyperlabError('SPEC_INVALID', `clip value must be > 0, got ${clipValue}`, 'Set train.clip.value to e.g. 0.5, or remove it.');
  const norm = globalGradNorm(params);
  for (const p of params) {
    const g = p.grad;
    for (let i = 0; i < g.length; i++) {
      const v = g[i]!;
      if (v > clipValue) g[i] = clipValue;
      else if (v < -clipValue) g[i] = -clipValue;
    }
  }
  return norm;
}
